"""Matplotlib figures of the report, labelled with the network's names and formatted numbers.

Every tick and label goes through :mod:`valuechain.report.fmt`: money as ``$2.7 bn``, shares as
percentages, months as ``Jan 2025``; no axis uses an offset or e-notation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.report import fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from valuechain.network.model import Network

__all__ = ["plot_criticality", "plot_price_of_resilience", "plot_shortfall", "plot_today_and_plan"]

_TODAY, _PLAN, _GREY = "#c44e52", "#4c72b0", "#5b6775"


def _money_axis(axis: object, currency: str) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.money(v, currency, digits=2)))  # type: ignore[attr-defined]


def _pct_axis(axis: object) -> None:
    axis.set_major_formatter(_percent_formatter())  # type: ignore[attr-defined]


def _percent_formatter() -> Any:
    """Tick labels in per cent with as many decimals as the ticks' spacing needs (0.5 % steps: one).

    With whole per cents only, ticks half a per cent apart were labelled 0 %, 0 %, 1 %, 2 %, 2 %.
    """
    from matplotlib.ticker import Formatter

    class Percent(Formatter):
        digits = 0

        def __call__(self, x: float, pos: int | None = None) -> str:
            return f"{x:.{self.digits}f}%"

        def format_ticks(self, values: Any) -> list[str]:
            v = np.unique(np.asarray(values, dtype=float))
            step = float(np.diff(v).min()) if v.size > 1 else 1.0
            self.digits = 0
            while self.digits < 3 and abs(step * 10**self.digits - round(step * 10**self.digits)) > 1e-6:
                self.digits += 1
            return [self(x) for x in values]

    return Percent()


def plot_today_and_plan(dep: pd.DataFrame, net: Network, *, region: str, benchmark: float = 0.65) -> Figure:
    """Bars of the top foreign country's share of each capped commodity, today and under the plan.

    Each bar is labelled with its own country: the plan's top country may differ from today's.
    Aggregates of several countries (``RoW``) are never a bar; they are noted in the label.

    Parameters
    ----------
    dep
        :func:`valuechain.report.facts.dependency_table` rows to draw (upstream first).
    net
        The network (for names).
    region
        The region's id (for the title).
    benchmark
        The share drawn as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    n = len(dep)
    fig, ax = plt.subplots(figsize=(9, 0.62 * n + 1.6))
    y = np.arange(n)[::-1].astype(float)
    has_plan = "plan" in dep and dep["plan"].notna().any()
    h = 0.38 if has_plan else 0.7
    for k, (_c, r) in enumerate(dep.iterrows()):
        states = [("today", r.today, _TODAY, h / 2 if has_plan else 0.0)]
        if has_plan and r.plan is not None:
            states.append(("plan", r.plan, _PLAN, -h / 2))
        for _, top, color, dy in states:
            share = 100 * top.share
            ax.barh(y[k] + dy, share, height=h, color=color)
            label = f"{fmt.region(net, top.origin)} {fmt.pct(top.share)}" if top.origin else "no foreign supplier"
            if top.aggregate:
                label += f" · {fmt.region(net, top.aggregate)} {fmt.pct(top.aggregate_share)} (several countries)"
            ax.text(share + 1, y[k] + dy, label, va="center", fontsize=7.5, color="#1d2733")
    names = [f"{fmt.commodity(net, str(c), with_unit=False, short=True)}" for c in dep.index]
    ax.set_yticks(y, names, fontsize=8.5)
    ax.axvline(100 * benchmark, color=_GREY, lw=0.9, ls="--")
    ax.text(100 * benchmark + 0.5, y.max() + 0.55, f"{fmt.pct(benchmark)} benchmark", fontsize=7.5, color=_GREY)
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    _pct_axis(ax.xaxis)
    ax.set_xlabel(f"share of {fmt.region(net, region)}'s supply from its largest foreign country")
    from matplotlib.patches import Patch

    handles = [Patch(color=_TODAY, label="today")] + ([Patch(color=_PLAN, label="under the plan")] if has_plan else [])
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    ax.set_ylim(y.min() - 0.7, y.max() + 1.1)
    fig.tight_layout()
    return fig


def plot_shortfall(
    share: pd.DataFrame, bands: pd.DataFrame | None = None, *, highlight: str | None = None, title: str = ""
) -> Figure:
    """Share of final demand unserved per month: named scenarios as lines, register samples as bands.

    Parameters
    ----------
    share
        Months x named scenarios, shares in [0, 1] (:func:`valuechain.report.facts.shortfall_share`).
    bands
        Percentiles over register samples (``p5`` ... ``p95``, ``mean``) by month, or ``None``.
    highlight
        A scenario drawn thicker.
    title
        Title of the chart.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.4))
    x = pd.PeriodIndex(share.index).to_timestamp()
    if bands is not None and len(bands):
        bx = pd.PeriodIndex(bands.index).to_timestamp()
        ax.fill_between(bx, 100 * bands["p5"], 100 * bands["p95"], color="#9aa7b5", alpha=0.35, lw=0,
                        label="register samples, 5th–95th percentile")  # fmt: skip
        ax.fill_between(bx, 100 * bands["p25"], 100 * bands["p75"], color="#6b7a8c", alpha=0.45, lw=0,
                        label="register samples, 25th–75th percentile")  # fmt: skip
        ax.plot(bx, 100 * bands["mean"], color="#33404d", lw=1.4, ls="--", label="register samples, mean")
    for name in share.columns:
        bold = name == highlight
        ax.plot(
            x, 100 * share[name], lw=2.6 if bold else 1.3, marker="o", ms=2.5, label=str(name), zorder=3 if bold else 2
        )
    ax.set_ylabel("final demand unserved (% of its value)")
    ax.set_ylim(bottom=0)
    _pct_axis(ax.yaxis)
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _plant(net: Network, pid: str, region: str) -> str:
    """A plant's name, with its region's name unless the name already gives it in brackets."""
    name = fmt.process(net, pid)
    return name if "(" in name else f"{name} ({fmt.region(net, region)})"


def plot_criticality(frame: pd.DataFrame, net: Network, n: int = 15) -> Figure:
    """Horizontal bars of the value lost when each of the ``n`` most critical processes stops.

    Parameters
    ----------
    frame
        :func:`valuechain.sim.criticality` (indexed by process id, ``lost_value``).
    net
        The network (for the processes' names and the currency).
    n
        How many processes to show.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    cur = net.units.get("currency", "")
    top = frame.sort_values("lost_value", ascending=False).head(n)
    fig, ax = plt.subplots(figsize=(9, 0.34 * len(top) + 1.4))
    y = np.arange(len(top))[::-1]
    ax.barh(y, top["lost_value"], color="#8172b3")
    labels = [_plant(net, str(p), str(r)) for p, r in zip(top.index, top["region"], strict=True)]
    ax.set_yticks(y, [t if len(t) <= 60 else t[:58] + "…" for t in labels], fontsize=8)
    _money_axis(ax.xaxis, cur)
    ax.set_xlabel("value of final demand lost over the horizon if the plant stops throughout")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_price_of_resilience(frame: pd.DataFrame, *, currency: str, targets_premium: float | None = None) -> Figure:
    """The premium of the least-cost plan against the cap on one country's share (tighter to the right).

    Parameters
    ----------
    frame
        :func:`valuechain.analysis.pricing.price_of_resilience`.
    currency
        Currency of the premiums.
    targets_premium
        The targets plan's premium (same basis), drawn as a reference line when given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    f = frame.sort_values("share", ascending=False)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(100 * f["share"], f["premium"], marker="o", color="#1f5f8b", label="one cap alone (the curve)")
    for _, r in f.iterrows():
        ax.annotate(
            f"{fmt.money(fmt.num(r['premium']), currency)}\n{fmt.money(fmt.num(r['premium_per_kwh']), currency)}/kWh",
            (100 * r["share"], r["premium"]), textcoords="offset points", xytext=(4, 6), fontsize=7.5,
        )  # fmt: skip
    ax.invert_xaxis()
    _pct_axis(ax.xaxis)
    _money_axis(ax.yaxis, currency)
    ax.set_xlabel("cap on one foreign origin's share of consumption")
    ax.set_ylabel("premium over the study without caps")
    ax.set_ylim(bottom=0, top=max(fmt.num(f["premium"].max()) * 1.35, 1.0))
    if targets_premium is not None:
        off = " (off this scale)" if targets_premium > ax.get_ylim()[1] else ""
        ax.text(0.01, 0.97, f"all the study's targets together: {fmt.money(targets_premium, currency)}{off}",
                transform=ax.transAxes, fontsize=8, va="top", color=_GREY)  # fmt: skip
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
