"""Hindcast: simulated monthly trade flows of a scenario against an observed monthly series.

The observed series is a CSV file with one row per month, exporter, partner and commodity::

    period,exporter,partner,commodity,quantity,unit
    2023-09,CN,all,natural_graphite,14200000,kg

``period`` is a month (``YYYY-MM``); ``exporter`` and ``partner`` are region or group ids of the
network (``partner`` may be ``all``: every region outside the exporter); ``commodity`` is a
commodity id; ``quantity`` is the month's volume, in ``unit`` (optional; default the
commodity's unit in the network). Units are converted to the network's: mass prefixes
(``kg``, ``t``, ``kt``, ``Mt``, with the same qualifier as the network's unit, e.g. ``kt LCE``
for ``t LCE``) and energy prefixes (``kWh``, ``MWh``, ``GWh``, ``TWh``).

The simulated series of a row is the sum of the simulated monthly flows of the commodity's
routes from the exporter's regions to the partner's (the network's yearly rates are converted to
months by the simulator). The scenario is compiled over the months the observed series covers.

Measures, for each series (observed and simulated), around the *episode*: the month of the
earliest effective date of the scenario's shocks (``start``), the *before* months being those
before the earliest announcement (a licence regime's ``announced``) or effective date:

level_before
    Mean monthly volume over the (at most ``before``) months before the episode.
collapse
    Depth of the collapse in the episode month: ``1 - volume / level_before``.
recovery_months
    Months from the episode month until the volume is back to ``recover`` (80 %) of
    ``level_before`` (0 if it never fell below it; NaN if not within the series).
mape_pct
    Mean absolute percentage error of the simulated monthly totals against the observed ones,
    ``100 * mean(|sim - obs| / obs)`` over the observed months with ``obs > 0``.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import Interval, check, closest
from valuechain.errors import ScenarioError, ValueChainError

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = ["COLUMNS", "Hindcast", "episode_months", "hindcast", "read_observed", "series_measures", "unit_factor"]

#: Columns of an observed series (``unit`` is optional).
COLUMNS = ("period", "exporter", "partner", "commodity", "quantity")

_MASS = {"kg": 1e-3, "t": 1.0, "kt": 1e3, "Mt": 1e6}
_ENERGY = {"kWh": 1e-6, "MWh": 1e-3, "GWh": 1.0, "TWh": 1e3}


def unit_factor(unit: str, network_unit: str) -> float | None:
    """Factor converting ``unit`` to ``network_unit`` (``None`` if they are not convertible).

    Examples
    --------
    >>> unit_factor("kg", "t"), unit_factor("kt LCE", "t LCE"), unit_factor("MWh", "GWh"), unit_factor("kg", "GWh")
    (0.001, 1000.0, 0.001, None)
    """
    u, n = unit.strip(), network_unit.strip()
    if u == n:
        return 1.0
    u_head, _, u_rest = u.partition(" ")
    n_head, _, n_rest = n.partition(" ")
    if u_rest.strip() != n_rest.strip():
        return None
    for table in (_MASS, _ENERGY):
        if u_head in table and n_head in table:
            return table[u_head] / table[n_head]
    return None


def read_observed(path: str | Path, network: Network) -> pd.DataFrame:
    """Read and check an observed monthly series (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Columns period (``pandas.Period``, monthly), exporter, partner, commodity and quantity
        (in the network's unit of the commodity).

    Raises
    ------
    ValueChainError
        One line naming the file, the row (data rows count from 1) and the field: a missing
        column, a period that is not ``YYYY-MM``, an unknown region, group or commodity, a
        quantity that is not a number >= 0, an unknown or unconvertible unit, or a repeated row.
    """
    p = Path(path)
    if not p.is_file():
        raise ValueChainError(f"{p}: no such observed series (a CSV file with columns {', '.join(COLUMNS)}, unit)")
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ValueChainError(f"{p}: not a readable CSV file ({first})") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    for col in COLUMNS:
        if col not in raw.columns:
            raise ValueChainError(
                f"{p}: missing column '{col}'; expected columns {', '.join(COLUMNS)} (and optionally unit)"
                + closest(col, [str(c) for c in raw.columns])
            )
    if raw.empty:
        raise ValueChainError(f"{p}: no rows; expected one row per month, exporter, partner and commodity")
    regions = {str(r) for r in network.regions.index}
    selectors = regions | set(network.groups)
    units = network.commodities["unit"].astype(str)
    rows = []
    for i, rec in enumerate(raw.to_dict("records"), start=1):

        def bad(field: str, expected: str, row: int = i, rec: dict[Any, Any] = rec) -> ValueChainError:
            return ValueChainError(f"{p}: row {row}: {field}: expected {expected}, got {rec.get(field, '')!r}")

        text = str(rec["period"]).strip()
        if len(text) != 7 or text[4] != "-":
            raise bad("period", "a month YYYY-MM")
        try:
            period = pd.Period(text, freq="M")
        except (ValueError, TypeError):
            raise bad("period", "a month YYYY-MM") from None
        exporter = str(rec["exporter"]).strip()
        if exporter not in selectors:
            raise bad("exporter", f"a region or group of network '{network.name}'" + closest(exporter, selectors))
        partner = str(rec["partner"]).strip()
        if partner != "all" and partner not in selectors:
            raise bad(
                "partner", f"'all', a region or a group of network '{network.name}'" + closest(partner, selectors)
            )
        commodity = str(rec["commodity"]).strip()
        if commodity not in units.index:
            raise bad("commodity", f"a commodity of network '{network.name}'" + closest(commodity, units.index))
        try:
            qty = float(str(rec["quantity"]).strip())
        except ValueError:
            raise bad("quantity", "a number >= 0") from None
        if not (math.isfinite(qty) and qty >= 0):
            raise bad("quantity", "a number >= 0")
        unit = str(rec.get("unit", "") or "").strip() or str(units[commodity])
        factor = unit_factor(unit, str(units[commodity]))
        if factor is None:
            raise bad("unit", f"the unit of {commodity} in the network ({units[commodity]}) or one convertible to it")
        rows.append((period, exporter, partner, commodity, qty * factor))
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    dup = out.duplicated(["period", "exporter", "partner", "commodity"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0]) + 1
        raise ValueChainError(f"{p}: row {i}: period: the same period, exporter, partner and commodity appear twice")
    return out


def episode_months(scenario: object) -> tuple[pd.Period, pd.Period]:
    """The announcement month and the episode month (earliest effective date) of a scenario's dated shocks.

    Raises
    ------
    ScenarioError
        If no shock of the scenario is dated.
    """
    from valuechain.scenarios._time import as_date
    from valuechain.scenarios.scenario import as_scenario_set

    sset = as_scenario_set(scenario)
    shocks = [sh for sc in sset for sh in sc.shocks]
    starts = [d for d in (as_date(sh.start) for sh in shocks) if d is not None]
    if not starts:
        raise ScenarioError("a hindcast needs a scenario with dated shocks (a start such as '2023-12-01')")
    announced = [d for d in (as_date(getattr(sh, "announced", None)) for sh in shocks) if d is not None]
    effective = pd.Period(min(starts), freq="M")
    first = pd.Period(min([*announced, *starts]), freq="M")
    return first, effective


def series_measures(
    values: pd.Series, announced: pd.Period, episode: pd.Period, *, before: int = 12, recover: float = 0.8
) -> dict[str, float]:
    """Level before the episode, collapse depth in its first month and months to recover, of one monthly series.

    Parameters
    ----------
    values
        Monthly volumes indexed by ``pandas.Period``.
    announced, episode
        The announcement month (the level is taken before it) and the episode month.
    before
        Most months before ``announced`` averaged into the level.
    recover
        Share of the level that counts as recovered.

    Examples
    --------
    >>> idx = pd.period_range("2024-01", periods=6, freq="M")
    >>> s = pd.Series([100.0, 100.0, 10.0, 50.0, 85.0, 100.0], index=idx)
    >>> series_measures(s, idx[2], idx[2])
    {'level_before': 100.0, 'collapse': 0.9, 'recovery_months': 2.0}
    """
    pre = values[values.index < announced].tail(before)
    level = float(pre.mean()) if len(pre) else math.nan
    first = float(values.get(episode, math.nan))
    collapse = 1.0 - first / level if level > 0 and not math.isnan(first) else math.nan
    rec = math.nan
    if level > 0:
        after = values[values.index >= episode]
        ok = np.flatnonzero(after.to_numpy() >= recover * level)
        if len(ok):
            rec = float((after.index[ok[0]] - episode).n)
    return {"level_before": level, "collapse": collapse, "recovery_months": rec}


@dataclass(frozen=True)
class Hindcast:
    """Result of :func:`hindcast`.

    Attributes
    ----------
    scenario
        Name of the scenario.
    announced, episode
        The announcement month and the episode month (earliest effective date).
    measures
        One row per commodity, exporter and partner: ``unit``, ``level_before_obs``,
        ``level_before_sim``, ``collapse_obs``, ``collapse_sim``, ``recovery_months_obs``,
        ``recovery_months_sim`` and ``mape_pct``.
    series
        Long table: period, commodity, exporter, partner, unit, observed, simulated (per month).
    """

    scenario: str
    announced: pd.Period
    episode: pd.Period
    measures: pd.DataFrame
    series: pd.DataFrame

    def plot(self, path: str | Path) -> Path:
        """Write a PNG of simulated against observed monthly volumes, one panel per series.

        The file is written under a temporary name in the same folder and renamed, so a reader
        never sees half a file.
        """
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        out = Path(path)
        keys = list(self.measures.index)
        fig, axes = plt.subplots(len(keys), 1, figsize=(8, 2.8 * len(keys)), squeeze=False)
        for ax, key in zip(axes[:, 0], keys, strict=True):
            com, exp, par = key
            s = self.series[
                (self.series["commodity"] == com) & (self.series["exporter"] == exp) & (self.series["partner"] == par)
            ]
            x = s["period"].dt.to_timestamp()
            ax.plot(x, s["observed"], marker="o", label="observed")
            ax.plot(x, s["simulated"], marker="s", label=f"simulated ({self.scenario})")
            ax.axvline(self.episode.to_timestamp(), color="grey", linestyle=":")
            ax.set_title(f"{com}: {exp} -> {par}")
            ax.set_ylabel(f"{s['unit'].iloc[0]} per month")
            ax.legend(loc="best", fontsize="small")
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".png", dir=out.parent)
        os.close(fd)
        try:
            fig.savefig(tmp, format="png", dpi=110)
            os.replace(tmp, out)
        finally:
            plt.close(fig)
            if os.path.exists(tmp):
                os.remove(tmp)
        return out


def hindcast(
    network: Network,
    scenario: object,
    observed: str | Path | pd.DataFrame,
    *,
    mode: str = "re-sourcing",
    before: int = 12,
    recover: float = 0.8,
    rush_from_stock: float = 0.0,
) -> Hindcast:
    """Compare a scenario's simulated monthly flows with an observed monthly series.

    Parameters
    ----------
    network
        The network.
    scenario
        A scenario (or a named scenario's name) with dated shocks.
    observed
        The observed series: a CSV file (see the module docstring) or the table
        :func:`read_observed` returns.
    mode
        Simulation mode: 're-sourcing' (default: as in the record, exporters ship more when buyers
        rush and buyers turn to other suppliers) or 'pro-rata' (every hub shares what it has; an
        exporter then spares nothing, so front-loading never shows).
    before, recover
        As for :func:`series_measures`.
    rush_from_stock
        The share of its stock level an exporter may ship for front-loaded orders (as for
        :func:`valuechain.simulate`); 0 (default): only what it holds above that level and, re-sourcing,
        its spare capacity.

    Returns
    -------
    Hindcast

    Raises
    ------
    ValueChainError
        On a malformed observed series (one line naming the file, row and field).
    ScenarioError
        On a scenario without dated shocks, or one that does not compile on the network.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.scenarios import ExportControl
    >>> net = vc.load_network("toy-battery")
    >>> obs = pd.DataFrame({"period": pd.period_range("2025-01", periods=4, freq="M"), "exporter": "CN",
    ...                     "partner": "DE", "commodity": "anode_natural", "quantity": 8000.0})
    >>> h = hindcast(net, ExportControl("CN", "anode_natural", start="2025-03-01", approval=0.5), obs)
    >>> h.measures["collapse_sim"].round(3).tolist()
    [0.5]
    """
    from valuechain.scenarios import Scenario, compile_shocks, named
    from valuechain.scenarios._select import Resolver
    from valuechain.sim import simulate

    check("hindcast", "rush_from_stock", rush_from_stock, Interval(0, 1), error=ScenarioError)
    sc = named(scenario) if isinstance(scenario, str) else scenario
    name = sc.name if isinstance(sc, Scenario) else type(sc).__name__
    obs = observed if isinstance(observed, pd.DataFrame) else read_observed(observed, network)
    announced, episode = episode_months(sc)
    first, last = obs["period"].min(), obs["period"].max()
    months = (last - first).n + 1
    shocks = compile_shocks(network, sc, start=str(first), periods=months, outside="clip")
    res = simulate(network, shocks, mode=mode, keep="full", rush_from_stock=rush_from_stock)
    # (period, route) per month, in the network's route order
    flow = res.dataset["flow"].isel(scenario=0).sel(route=[str(r) for r in network.routes.index]).to_numpy()
    routes = network.routes
    res_ = Resolver(network, "hindcast", False)
    units = network.commodities["unit"].astype(str)
    periods = pd.period_range(first, periods=months, freq="M")
    rows, long = [], []
    for key, grp in obs.groupby(["commodity", "exporter", "partner"], sort=True):
        com, exp, par = (str(k) for k in key)
        origins = res_.regions(exp, "exporter")
        dests = (res_.regions("all", "partner") if par == "all" else res_.regions(par, "partner")) - origins
        mask = (
            (routes["commodity"].astype(str) == com)
            & routes["origin"].astype(str).isin(origins)
            & routes["destination"].astype(str).isin(dests)
        ).to_numpy()
        sim = pd.Series(flow[:, mask].sum(axis=1), index=periods)
        ob = grp.set_index("period")["quantity"].astype(float).sort_index()
        sim_o = sim.reindex(ob.index)
        pos = ob > 0
        mape = float(100.0 * ((sim_o[pos] - ob[pos]).abs() / ob[pos]).mean()) if pos.any() else math.nan
        mo = series_measures(ob, announced, episode, before=before, recover=recover)
        ms = series_measures(sim, announced, episode, before=before, recover=recover)
        rows.append(
            {
                "commodity": com,
                "exporter": exp,
                "partner": par,
                "unit": str(units[com]),
                "routes": int(mask.sum()),
                **{f"{k}_obs": v for k, v in mo.items()},
                **{f"{k}_sim": v for k, v in ms.items()},
                "mape_pct": mape,
            }
        )
        obs_by = {k: float(v) for k, v in ob.items()}
        sim_by = {k: float(v) for k, v in sim.items()}
        for per in periods:
            long.append(
                {
                    "period": per,
                    "commodity": com,
                    "exporter": exp,
                    "partner": par,
                    "unit": str(units[com]),
                    "observed": float(obs_by.get(per, math.nan)),
                    "simulated": float(sim_by[per]),
                }
            )
    cols = ["level_before", "collapse", "recovery_months"]
    order = ["unit", "routes"] + [f"{c}_{s}" for c in cols for s in ("obs", "sim")] + ["mape_pct"]
    measures = pd.DataFrame(rows).set_index(["commodity", "exporter", "partner"])[order]
    return Hindcast(name, announced, episode, measures, pd.DataFrame(long))
