"""``valuechain run``: run a study end to end and write its HTML report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["register"]

console = Console(highlight=False)


def run_cmd(
    study: Annotated[
        str | None,
        typer.Argument(help="Study spec: a models/NAME.yaml file or a study's name (default: eu-crma-2030)."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write report.html and its PNGs to.")] = Path("report"),
    quick: Annotated[bool, typer.Option("--quick", help="Small settings: a short price-of-resilience curve.")] = False,
    readme_figure: Annotated[
        Path | None,
        typer.Option("--readme-figure", help="Also write the README's picture and its numbers into this folder."),
    ] = None,
) -> None:
    """Run a study (dependency, targets, price of resilience, shocks, criticality) and write the report."""
    from valuechain._output import check_out_dir
    from valuechain.report.render import OUTPUTS, prerender
    from valuechain.report.run import collect, render

    check_out_dir(out, earlier=OUTPUTS)  # before the computation, not after it
    if readme_figure is not None:
        from valuechain._output import check_writable_folder

        check_writable_folder(readme_figure, "--readme-figure")
    t0 = time.perf_counter()
    run = collect(study, quick=quick, progress=True, prepare=prerender)
    path = render(run, out)
    pngs = sorted(p.name for p in path.parent.glob("*.png"))
    console.print(f"wrote {path} and {len(pngs)} figure(s) ({', '.join(pngs)}) in {time.perf_counter() - t0:.1f} s")
    if readme_figure is not None:
        from valuechain.report.readme import write_figure

        png, csv = write_figure(run, readme_figure)
        console.print(f"wrote {png} and {csv}")
    for key, why in run.skipped.items():
        console.print(f"[yellow]not run:[/yellow] {key}: {why}")


def register(app: typer.Typer) -> None:
    """Add the ``run`` command to the CLI."""
    app.command("run")(run_cmd)
