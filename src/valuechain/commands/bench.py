"""``valuechain bench``: run the benchmark registry and record the figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register"]


def bench(
    quick: Annotated[
        bool, typer.Option("--quick", help="Small sizes only: checks that every benchmark still runs.")
    ] = False,
    case: Annotated[list[str] | None, typer.Option("--case", "-c", help="Run only this case (repeatable).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for <date>.json and <date>.md.")] = Path("benchmarks/results"),
    list_: Annotated[bool, typer.Option("--list", help="List the cases and exit.")] = False,
) -> None:
    """Run the benchmark cases, each size in a fresh process, and write JSON and Markdown results."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from valuechain.bench.registry import _load_cases, run_cases

    console = Console(highlight=False)
    cases = _load_cases()
    if list_:
        table = Table("case", "sizes", "quick sizes", "what it measures", box=None)
        for c in cases.values():
            table.add_row(c.name, ", ".join(map(str, c.sizes)), ", ".join(map(str, c.quick_sizes)), c.description)
        console.print(table)
        return
    from valuechain._output import check_writable_folder

    check_writable_folder(out)  # before the benchmarks run, not after them
    chosen = case or list(cases)
    total = sum(len(cases[n].quick_sizes if quick else cases[n].sizes) for n in chosen if n in cases)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("benchmarks", total=total)

        def advance(res: dict[str, Any]) -> None:
            progress.advance(task)
            status = f"[red]{res['error']}[/red]" if "error" in res else f"{res.get('wall_s', '')} s"
            progress.console.print(f"{res['case']} [{res['size']}]: {status}")

        record = run_cases(chosen, quick=quick, out_dir=out, on_result=advance)
    failed = [r for r in record["results"] if "error" in r]
    console.print(f"wrote {out}/ ({len(record['results'])} results, {len(failed)} failed)")
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``bench`` to ``app``."""
    app.command("bench")(bench)
