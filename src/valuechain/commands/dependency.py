"""``valuechain dependency``: how dependent a region is, and on whom, stage by stage."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register"]

# Wide enough for the stage table when the output is piped to a file (a terminal sets its own width).
#: Largest share of one third country the CRMA accepts at a processing stage (Regulation (EU) 2024/1252).
CAP = 0.65
console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)


def _pct(x: float) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


def _hhi(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:,.0f}"


def _qty(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:,.2f} M"
    if x >= 1e4:
        return f"{x / 1e3:,.0f} k"
    return f"{x:,.4g}"


def _top(d: pd.DataFrame, view: str, upstream: str | None = None) -> tuple[str, float, float, float]:
    """Return the top foreign origin, its share, the domestic share and the HHI of one view."""
    g = d[d["view"] == view]
    if upstream is not None:
        g = g[g["upstream"] == upstream]
    top = g[g["metric"] == "top_origin"]
    dom = g.loc[g["metric"] == "domestic_share", "value"]
    h = g.loc[g["metric"] == "hhi", "value"]
    return (
        str(top["origin"].iloc[0]) if len(top) else "",
        float(top["value"].iloc[0]) if len(top) else 0.0,
        float(dom.iloc[0]) if len(dom) else float("nan"),
        float(h.iloc[0]) if len(h) else float("nan"),
    )


def _origin(name: str, share: float) -> str:
    return f"{name} {_pct(share)}" if name else "-"


def stage_table(dep: pd.DataFrame, region: str) -> Table:
    """Build the stage-by-stage table: use, direct, ownership and technology views."""
    from valuechain.analysis.dependency import summary

    s = summary(dep)
    t = Table(
        "stage",
        "commodity",
        "use",
        "unit",
        "made in " + region,
        "top supplier",
        "HHI",
        "owned in " + region,
        "top owner",
        "top technology",
        title=f"Dependency of {region}, stage by stage (baseline flows per year)",
        caption="! top supplier above 65% of supply (the CRMA benchmark for one third country)",
        title_justify="left",
    )
    for com, row in s.iterrows():
        d = dep[dep["commodity"] == com]
        tech = _top(d, "technology")
        t.add_row(
            str(row["stage"]),
            str(com),
            _qty(row["consumption"]),
            str(row["unit"]),
            _pct(row["domestic_share"]),
            _origin(row["top_origin"], row["top_share"]) + (" !" if row["top_share"] >= CAP else ""),
            _hhi(row["hhi"]),
            _pct(row["owner_domestic_share"]),
            _origin(row["owner_top"], row["owner_top_share"]),
            _origin(tech[0], tech[1]),
        )
    return t


def embedded_table(dep: pd.DataFrame, region: str, commodity: str, stages_of: dict[str, str]) -> Table:
    """Build the table of where the upstream content of a commodity the region uses was made."""
    from valuechain.analysis.dependency import STAGE_ORDER

    d = dep[(dep["commodity"] == commodity) & (dep["view"] == "embedded")]
    t = Table(
        "upstream stage",
        "upstream",
        "content per unit",
        "made in " + region,
        "top origin",
        "second origin",
        "HHI",
        title=f"Embedded origin of the {commodity} {region} uses (traced through recipes and trade)",
        title_justify="left",
    )
    order = {s: i for i, s in enumerate(STAGE_ORDER)}
    stages = dict(zip(dep["commodity"], dep["stage"], strict=True)) | stages_of
    ups = sorted(dict.fromkeys(d["upstream"]), key=lambda u: order.get(stages.get(u, ""), len(order)))
    content_of = d[d["metric"] == "content"].set_index("upstream")["value"]
    floor = 1e-3 * float(content_of.max()) if len(content_of) else 0.0
    hidden = [u for u in ups if float(content_of.get(u, 0.0)) < floor]
    ups = [u for u in ups if u not in hidden]
    if hidden:
        t.caption = (
            f"{len(hidden)} upstream commodities present only in traces (below 0.1% of the largest content) not shown"
        )
    for u in ups:
        g = d[d["upstream"] == u]
        shares = g[g["metric"] == "share"].set_index("origin")["value"].sort_values(ascending=False)
        foreign = shares.drop(region, errors="ignore")
        content = g.loc[g["metric"] == "content", "value"]
        second = _origin(str(foreign.index[1]), float(foreign.iloc[1])) if len(foreign) > 1 else "-"
        t.add_row(
            stages.get(u, ""),
            u,
            f"{float(content.iloc[0]):,.4g}" if len(content) else "-",
            _pct(float(shares.get(region, 0.0))),
            _origin(str(foreign.index[0]), float(foreign.iloc[0])) if len(foreign) else "-",
            second,
            _hhi(float(g.loc[g["metric"] == "hhi", "value"].iloc[0])),
        )
    return t


def plot_top_origins(dep: pd.DataFrame, region: str, path: Path) -> None:
    """Bar chart of the top foreign supplier's share per commodity, stage by stage, to a PNG file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from valuechain.analysis.dependency import summary

    s = summary(dep)
    s = s[s["top_origin"] != ""]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(s) + 1.5))
    labels = [f"{c} ({st})" for c, st in zip(s.index, s["stage"], strict=True)]
    y = list(range(len(s)))[::-1]
    ax.barh(y, 100 * s["top_share"], color="#c0392b", label="top foreign supplier (direct)")
    ax.barh(y, 100 * s["owner_top_share"], height=0.3, color="#2c3e50", label="top foreign owner")
    for yi, (_, row) in zip(y, s.iterrows(), strict=True):
        text = (
            row["top_origin"]
            if row["owner_top"] in ("", row["top_origin"])
            else f"{row['top_origin']} (owner {row['owner_top']})"
        )
        ax.text(100 * max(row["top_share"], row["owner_top_share"]) + 1, yi, text, va="center", fontsize=8)
    ax.axvline(65, color="grey", linestyle="--", linewidth=1, label="65% (CRMA benchmark)")
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 125)
    ax.set_xlabel("share of supply (%)")
    ax.set_title(f"Top foreign origin of {region}'s supply, by stage")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def dependency_cmd(
    network: Annotated[str, typer.Argument(help="Network name or folder.")],
    region: Annotated[str, typer.Option("--region", "-r", help="Region id or group (EU27, OECD, ...).")] = "EU27",
    embedded: Annotated[
        list[str] | None,
        typer.Option("--embedded", "-e", help="Commodity whose embedded origin to show (repeatable; default: cells)."),
    ] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the full tidy table to this CSV file.")] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Write a bar chart of top-origin shares to this PNG.")
    ] = None,
) -> None:
    """Show how dependent a region is, and on whom, stage by stage.

    Direct shares by origin, HHI, ownership- and technology-adjusted shares, and the embedded origin
    of upstream materials traced through recipes and trade.
    """
    from valuechain._output import atomic_file, check_out_file
    from valuechain.analysis.dependency import dependency
    from valuechain.errors import ValueChainError
    from valuechain.network import load_network

    for path, option in ((csv, "--csv"), (png, "--png")):
        if path is not None:
            check_out_file(path, option)  # before the computation, not after it
    net = load_network(network)
    dep = dependency(net, region)
    if dep.empty:
        raise ValueChainError(f"region '{region}' uses nothing in network '{net.name}' at baseline")
    console.print(stage_table(dep, region))
    stages = {str(k): str(v) for k, v in net.commodities["stage"].items()}
    coms = list(dict.fromkeys(dep["commodity"]))
    if embedded:
        for c in embedded:
            if c not in coms:
                from valuechain._params import closest

                raise ValueChainError(
                    f"The '--embedded' option must name a commodity {region} uses. Got {c!r}." + closest(c, coms)
                )
        chosen = list(embedded)
    else:
        chosen = [c for c in coms if dep.loc[dep["commodity"] == c, "stage"].iloc[0] == "cell"] or coms[-1:]
    for c in chosen:
        if ((dep["commodity"] == c) & (dep["view"] == "embedded")).any():
            console.print(embedded_table(dep, region, c, stages))
    for path, what in ((csv, "csv"), (png, "png")):
        if path is None:
            continue
        with atomic_file(path, f"--{what}") as tmp:
            if what == "csv":
                dep.to_csv(tmp, index=False)
            else:
                plot_top_origins(dep, region, tmp)
        console.print(f"wrote {path}")


def largest_supplier_table(t: pd.DataFrame) -> Table:
    """Build the largest-supplier table: coverage without the top supplier, today and in the pipeline year."""
    year = int(t.attrs.get("year", 2030))
    base = int(t.attrs.get("base_year", 2024))
    table = Table(
        "stage",
        "commodity",
        f"largest {base}",
        f"covered {base}",
        f"largest {year}",
        "added",
        f"covered {year}",
        "published",
        "verdict",
        title=f"Largest-supplier test: share of world demand the rest of the world could cover ({base}, {year})",
        caption=f"{year}: capacities plus projects in operation or construction; demand grown at the network's "
        "rates. Published: IEA GCMO 2025 (year in brackets).",
        title_justify="left",
    )
    for com, r in t.iterrows():
        lo, hi = float(r["published_low"]), float(r["published_high"])
        if math.isnan(lo):
            pub = "-"
        else:
            rng = _pct(hi) if lo == hi else (f"<{_pct(hi)}" if lo == 0 else f"{_pct(lo)}-{_pct(hi)}")
            pub = f"{rng} w/o {r['published_top']} ({int(r['published_year'])})"
        table.add_row(
            str(r["stage"]),
            str(com),
            _origin(str(r["top"]), float(r["top_share"])),
            _pct(float(r["coverage"])),
            _origin(str(r[f"top_{year}"]), float(r[f"top_share_{year}"])),
            _qty(float(r[f"added_{year}"])) + " " + str(r["unit"]),
            _pct(float(r[f"coverage_{year}"])),
            pub,
            str(r["verdict"]) or "-",
        )
    return table


def largest_supplier_cmd(
    network: Annotated[str, typer.Argument(help="Network name or folder.")],
    year: Annotated[int, typer.Option("--year", help="Year of the pipeline view.")] = 2030,
    published: Annotated[
        Path | None,
        typer.Option(
            "--published",
            help="CSV of published coverage figures (default: largest_supplier_published.csv in the network "
            "folder, if any).",
        ),
    ] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the table to this CSV file.")] = None,
) -> None:
    """Share of world demand the rest of the world could cover without its largest supplier, per stage.

    The IEA's N-1 test (Global Critical Minerals Outlook 2025): (world capacity - the largest
    supplier country's) / world demand, capped at 100 %, today and in YEAR with the projects in
    operation or under construction.
    """
    from valuechain._output import atomic_file, check_out_file
    from valuechain.analysis.largest_supplier import largest_supplier, read_published
    from valuechain.network import find_network, load_network

    if csv is not None:
        check_out_file(csv, "--csv")
    net = load_network(network)
    if published is None:
        default = find_network(network) / "largest_supplier_published.csv"
        published = default if default.is_file() else None
    pub = read_published(published, net) if published is not None else None
    t = largest_supplier(net, year=year, published=pub)
    console.print(largest_supplier_table(t))
    if csv is not None:
        with atomic_file(csv, "--csv") as tmp:
            t.to_csv(tmp)
        console.print(f"wrote {csv}")


def register(app: typer.Typer) -> None:
    """Add the ``dependency`` and ``largest-supplier`` commands to ``app``."""
    app.command(
        "largest-supplier",
        help="Share of world demand the rest of the world could cover without its largest supplier, stage by "
        "stage, today and in 2030 with the project pipeline (the IEA's N-1 test), beside the IEA's figures.",
    )(largest_supplier_cmd)
    app.command(
        "dependency",
        help="Show how dependent a region is, and on whom, stage by stage: direct shares by origin, HHI, "
        "ownership- and technology-adjusted shares, and the embedded origin of upstream materials traced "
        "through recipes and trade.",
    )(dependency_cmd)
