"""What a simulation returns: :class:`SimResult`, and the probability-weighted risk measures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.errors import ValueChainError

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["SimResult", "cvar", "value_at_risk"]


def value_at_risk(losses: np.ndarray, probability: np.ndarray, alpha: float) -> float:
    """Return the ``alpha`` quantile of a discrete loss distribution (smallest L with P(loss <= L) >= alpha).

    Examples
    --------
    >>> value_at_risk(np.array([0.0, 10.0, 20.0, 30.0]), np.full(4, 0.25), 0.7)
    20.0
    """
    if len(losses) == 0:
        return 0.0
    order = np.argsort(losses, kind="stable")
    cum = np.cumsum(probability[order])
    k = int(np.searchsorted(cum, alpha - 1e-12, side="left"))
    return float(losses[order][min(k, len(order) - 1)])


def cvar(losses: np.ndarray, probability: np.ndarray, alpha: float) -> float:
    """Conditional value at risk: the expected loss in the worst ``1 - alpha`` of probability.

    Uses ``VaR + E[(L - VaR)+] / (1 - alpha)``, which handles atoms of probability exactly.

    Examples
    --------
    >>> cvar(np.array([0.0, 10.0, 20.0, 30.0]), np.full(4, 0.25), 0.5)
    25.0
    """
    if len(losses) == 0:
        return 0.0
    if alpha >= 1.0:
        return float(losses.max())
    var = value_at_risk(losses, probability, alpha)
    return float(var + np.sum(probability * np.maximum(losses - var, 0.0)) / (1.0 - alpha))


@dataclass(frozen=True, eq=False, repr=False)
class SimResult:
    """The outcome of :func:`valuechain.sim.simulate`.

    Attributes
    ----------
    network
        Name of the network simulated.
    mode
        'pro-rata' or 're-sourcing'.
    periods
        The horizon (``pandas.PeriodIndex``).
    totals
        One row per scenario: ``probability``, ``lost_value`` (currency), ``lost_cells_gwh``
        (cell output lost against the baseline, GWh), ``shortfall_periods`` (periods with unmet
        demand), ``max_shortfall_share`` (largest share of a demand row missed in one period).
    hubs
        One row per demand hub: ``commodity``, ``stage``, ``unit``, expected ``demand``,
        ``shortfall`` and ``lost_value`` over the horizon (probability-weighted).
    stages
        Expected demand and shortfall per period and stage (columns ``period``, ``stage``,
        ``unit``, ``demand``, ``shortfall``, ``share``).
    processes
        One row per process: ``p_dry`` (probability that it runs short of an input),
        ``first_dry`` (expected first such period, given it happens) and ``earliest_dry``
        (earliest over the scenarios), ``ttr`` (time to recover, in simulation periods).
    dataset
        Full ``xarray.Dataset`` (scenario x period x hub / process / route) when the run kept
        it (``kept == "full"``); reading it from a result that kept summaries only raises
        :class:`~valuechain.errors.ValueChainError`.
    kept
        'full' or 'summary': whether :attr:`dataset` was kept. Every other attribute and method
        is exact either way: a summary keeps each scenario's totals (so :meth:`risk` at any
        level), and the probability-weighted sums behind ``hubs``, ``stages`` and ``processes``.
    alpha
        Level of the VaR / CVaR reported by :meth:`risk`.
    currency
        Currency of values.
    lagged
        Delivery edges lagged by one period to break loops.
    """

    network: str
    mode: str
    periods: pd.PeriodIndex
    totals: pd.DataFrame
    hubs: pd.DataFrame
    stages: pd.DataFrame
    processes: pd.DataFrame
    # (the tensors, or None for a summary; read through ``dataset``, which says why when they are missing)
    _tensors: xr.Dataset | None
    alpha: float = 0.95
    currency: str = ""
    lagged: tuple[str, ...] = ()

    @property
    def kept(self) -> str:
        """'full' when the scenario x period x item tensors were kept, else 'summary'."""
        return "summary" if self._tensors is None else "full"

    @property
    def dataset(self) -> xr.Dataset:
        """The scenario x period x item tensors (``xarray.Dataset``) of a run that kept them.

        Raises
        ------
        ValueChainError
            When the run kept summaries only.
        """
        if self._tensors is None:
            raise ValueChainError(
                f"this simulation of {self.n_scenarios:,} scenario(s) kept summaries only (totals per scenario, "
                "expected values per hub, stage, period and process), not the scenario x period tensors; "
                "run simulate(..., keep='full') for them (a stream of chunks always keeps summaries)"
            )
        return self._tensors

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios."""
        return len(self.totals)

    @property
    def probability(self) -> np.ndarray:
        """Scenario probabilities."""
        return self.totals["probability"].to_numpy()

    def expected(self, column: str = "lost_value") -> float:
        """Probability-weighted mean of a column of :attr:`totals`."""
        return float(np.sum(self.probability * self.totals[column].to_numpy()))

    def risk(self, alpha: float | None = None) -> pd.DataFrame:
        """Tabulate the expected value, VaR and CVaR of lost value and lost cells over the ensemble.

        Parameters
        ----------
        alpha
            Confidence level (default: the result's ``alpha``).

        Returns
        -------
        pandas.DataFrame
            Index ``lost_value``, ``lost_cells_gwh``; columns ``expected``, ``var``, ``cvar``, ``worst``.
        """
        a = self.alpha if alpha is None else float(alpha)
        rows = {}
        for col in ("lost_value", "lost_cells_gwh"):
            x = self.totals[col].to_numpy()
            rows[col] = {
                "expected": self.expected(col),
                "var": value_at_risk(x, self.probability, a),
                "cvar": cvar(x, self.probability, a),
                "worst": float(x.max()) if len(x) else 0.0,
            }
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.attrs["alpha"] = a
        return out

    def worst_hubs(self, n: int = 5) -> pd.DataFrame:
        """Return the ``n`` demand hubs with the largest expected lost value."""
        h = self.hubs[self.hubs["shortfall"] > 1e-6 * self.hubs["demand"] + 1e-12]
        return h.sort_values(["lost_value", "shortfall"], ascending=False).head(n)

    def first_dry(self, n: int = 5) -> pd.DataFrame:
        """Return the ``n`` processes that run short of an input first (most likely first on ties)."""
        p = self.processes[self.processes["p_dry"] > 0]
        return p.sort_values(["earliest_dry", "first_dry", "p_dry"], ascending=[True, True, False]).head(n)

    def plot_shortfall(self, ax: Axes | None = None) -> Figure:
        """Plot the expected shortfall over time per stage, as a share of that stage's demand.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 4))
        else:
            fig = ax.figure  # type: ignore[assignment]
        x = self.periods.to_timestamp()
        # a stage may hold commodities in several units (t Ni, t Co): one line per stage and unit
        units_per_stage = self.stages.groupby("stage")["unit"].nunique().to_dict()
        for (stage, unit), grp in self.stages.groupby(["stage", "unit"], sort=True):
            share = grp.set_index("period")["share"].reindex(self.periods).to_numpy()
            label = f"{stage} ({unit})" if units_per_stage[stage] > 1 else str(stage)
            ax.plot(x, 100.0 * share, marker="o", ms=3, label=label)
        ax.set_ylabel("expected shortfall (% of demand)")
        ax.set_xlabel("period")
        ax.set_ylim(bottom=0)
        ax.set_title(f"{self.network}: shortfall by stage ({self.mode}, {self.n_scenarios} scenario(s))")
        if len(self.stages):
            ax.legend(title="stage")
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        return fig

    def __repr__(self) -> str:
        p = self.periods
        span = f"{p[0]!s}..{p[-1]!s}" if len(p) else "no periods"
        cur = f" {self.currency}" if self.currency else ""
        lines = [
            f"<SimResult '{self.network}' {self.mode}: {self.n_scenarios} scenario(s) x {len(p)} periods ({span})",
            f"  expected lost value {self.expected('lost_value'):,.6g}{cur}, "
            f"lost cells {self.expected('lost_cells_gwh'):,.6g} GWh",
        ]
        if self.n_scenarios > 1:
            r = self.risk()
            cv_value, cv_cells = r["cvar"].reindex(["lost_value", "lost_cells_gwh"]).to_numpy(dtype=float)
            lines.append(f"  CVaR{100 * self.alpha:g}: lost value {cv_value:,.6g}{cur}, lost cells {cv_cells:,.6g} GWh")
        worst = self.worst_hubs(3)
        if len(worst):
            lines.append(
                "  worst hubs: " + ", ".join(f"{h} ({r.shortfall:,.4g} {r.unit})" for h, r in worst.iterrows())
            )
        dry = self.first_dry(3)
        if len(dry):
            lines.append(
                "  first to run dry: " + ", ".join(f"{pid} (period {int(r.earliest_dry)})" for pid, r in dry.iterrows())
            )
        kept = "full dataset" if self.kept == "full" else "summaries only"
        lines.append(f"  {kept}>")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"

    def to_frames(self) -> dict[str, Any]:
        """Return the summary tables by name (``totals``, ``hubs``, ``stages``, ``processes``, ``risk``)."""
        return {
            "totals": self.totals,
            "hubs": self.hubs,
            "stages": self.stages,
            "processes": self.processes,
            "risk": self.risk(),
        }
