"""``simulate``: validate and convert, run the kernel chunk by chunk, summarise."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import Interval, OneOf, check
from valuechain.errors import ScenarioError, ValueChainError
from valuechain.network.model import Network
from valuechain.scenarios.compiled import ShockArrays
from valuechain.sim.compile import SimArrays, compile_network
from valuechain.sim.result import SimResult

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["MODES", "default_periods", "run_arrays", "simulate"]

MODES = ("pro-rata", "re-sourcing")
#: Memory budget of one chunk's kernel inputs, outputs and temporaries, in bytes.
CHUNK_BYTES = 192 * 2**20


def default_periods(network: Network, periods: int = 24, start: object = None) -> pd.PeriodIndex:
    """Monthly horizon of ``periods`` months from ``start`` (default: January after the base year)."""
    check("simulate", "periods", periods, lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
          error=ScenarioError, expected="an integer >= 1")  # fmt: skip
    if start is None:
        start = f"{(network.year or 2024) + 1}-01"
    try:
        first = pd.Period(start, freq="M")  # type: ignore[call-overload]
    except (ValueError, TypeError) as e:
        raise ScenarioError(f"The 'start' parameter of simulate must be a month such as '2025-01'. Got {start!r}.") from e
    return pd.period_range(first, periods=periods, freq="M")


def _as_shocks(network: Network, shocks: object, periods: int, start: object) -> ShockArrays:
    if shocks is None:
        return ShockArrays.baseline(network, default_periods(network, periods, start), ["baseline"])
    if isinstance(shocks, ShockArrays):
        return shocks
    # Scenarios, scenario sets and single shocks are compiled by the scenarios layer.
    from valuechain.scenarios import compile_shocks  # type: ignore[attr-defined]

    return compile_shocks(network, shocks, start=start, periods=periods, freq="M")  # type: ignore[no-any-return]


def _positions(labels: pd.Index, wanted: pd.Index, what: str) -> np.ndarray:
    pos = pd.Index(labels).get_indexer(wanted)
    if (pos < 0).any() or len(labels) != len(wanted):
        missing = [str(w) for w, p in zip(wanted, pos, strict=True) if p < 0]
        detail = f"{what} '{missing[0]}' is missing" if missing else f"they hold {len(labels)} {what}(s), not {len(wanted)}"
        raise ScenarioError(f"the shock arrays do not belong to this network: {detail}")
    return pos


class _Plan:
    """How the columns of a ShockArrays map onto the compiled arrays."""

    def __init__(self, arr: SimArrays, network: Network, shocks: ShockArrays) -> None:
        self.p = _positions(shocks.processes, arr.processes, "process")
        self.r = _positions(shocks.routes, arr.routes, "route")
        net_dem = ShockArrays.baseline(network, shocks.periods[:0], 0).demands
        if list(map(str, shocks.demands)) != list(map(str, net_dem)):
            raise ScenarioError("the shock arrays do not belong to this network: their demand rows differ")
        self.d = arr.demand_rows

    def chunk(self, shocks: ShockArrays, s0: int, s1: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        def tr(x: np.ndarray, cols: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(x[s0:s1][:, :, cols].transpose(1, 2, 0), dtype=np.float64)

        return tr(shocks.process_capacity, self.p), tr(shocks.route_capacity, self.r), tr(shocks.demand, self.d)


class _Accumulator:
    """Per-chunk summaries (and, in full mode, the whole tensors) of a run."""

    def __init__(self, arr: SimArrays, n_t: int, n_s: int, keep: str) -> None:
        self.arr, self.n_t, self.n_s, self.keep = arr, n_t, n_s, keep
        n_p, n_d = len(arr.processes), len(arr.demands)
        self.lost_value = np.zeros(n_s)
        self.lost_cells = np.zeros(n_s)
        self.short_periods = np.zeros(n_s, dtype=np.int64)
        self.worst_share = np.zeros(n_s)
        self.e_short = np.zeros((n_t, n_d))
        self.e_dem = np.zeros((n_t, n_d))
        self.p_dry = np.zeros(n_p)
        self.first_sum = np.zeros(n_p)
        self.earliest = np.full(n_p, np.inf)
        cell = (np.asarray(arr.hub_stage) == "cell") & (np.asarray(arr.hub_unit) == "GWh")
        self.cell_out = np.flatnonzero(cell[arr.out_hub])
        hubs_c = arr.out_hub[self.cell_out]
        self.cell_hubs, self.cell_slot = np.unique(hubs_c, return_inverse=True)
        self.base_cells = np.zeros(len(self.cell_hubs))
        np.add.at(self.base_cells, self.cell_slot, arr.out_yield[self.cell_out] * arr.base_act[arr.out_proc[self.cell_out]])
        self.has_inputs = np.diff(arr.in_ptr) > 0
        self.full: dict[str, np.ndarray] = {}
        if keep == "full":
            shapes = {"supply": len(arr.hubs), "stock": len(arr.hubs), "served": n_d, "demand": n_d,
                      "activity": n_p, "flow": len(arr.routes)}  # fmt: skip
            self.full = {k: np.zeros((n_t, m, n_s)) for k, m in shapes.items()}
            self.full["lost_value"] = np.zeros((n_t, n_s))

    def add(self, s0: int, out: dict[str, np.ndarray], mp: np.ndarray, md: np.ndarray, prob: np.ndarray) -> None:
        arr = self.arr
        s1 = s0 + mp.shape[2]
        target = arr.demand_qty[None, :, None] * md
        short = np.maximum(target - out["served"], 0.0)
        lv_t = np.einsum("tds,d->ts", short, arr.demand_value)
        self.lost_value[s0:s1] = lv_t.sum(axis=0)
        self.short_periods[s0:s1] = (short > 1e-9 * target + 1e-12).any(axis=1).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(target > 0, short / np.where(target > 0, target, 1.0), 0.0)
        self.worst_share[s0:s1] = share.max(axis=(0, 1), initial=0.0)
        self.e_short += short @ prob
        self.e_dem += target @ prob
        if len(self.cell_out):
            act = out["activity"]
            prod = np.zeros((self.n_t, len(self.cell_hubs), mp.shape[2]))
            for k, e in enumerate(self.cell_out):
                prod[:, self.cell_slot[k], :] += arr.out_yield[e] * act[:, arr.out_proc[e], :]
            self.lost_cells[s0:s1] = np.maximum(self.base_cells[None, :, None] - prod, 0.0).sum(axis=(0, 1))
        plan = np.minimum(arr.base_act[None, :, None], arr.capacity[None, :, None] * mp)
        dry = (out["activity"] < plan * (1 - 1e-9) - 1e-12) & self.has_inputs[None, :, None]
        ever = dry.any(axis=0)
        first = np.argmax(dry, axis=0).astype(float)
        self.p_dry += (ever * prob[None, :]).sum(axis=1)
        self.first_sum += (ever * first * prob[None, :]).sum(axis=1)
        self.earliest = np.minimum(self.earliest, np.where(ever, first, np.inf).min(axis=1, initial=np.inf))
        if self.full:
            for k in ("supply", "stock", "served", "activity", "flow"):
                self.full[k][:, :, s0:s1] = out[k]
            self.full["demand"][:, :, s0:s1] = target
            self.full["lost_value"][:, s0:s1] = lv_t

    def result(self, network: Network, shocks: ShockArrays, mode: str, alpha: float) -> SimResult:
        arr = self.arr
        dem_h = arr.hubs[arr.demand_hub]
        stage = np.asarray(arr.hub_stage)[arr.demand_hub]
        unit = np.asarray(arr.hub_unit)[arr.demand_hub]
        totals = pd.DataFrame(
            {"probability": shocks.probability, "lost_value": self.lost_value, "lost_cells_gwh": self.lost_cells,
             "shortfall_periods": self.short_periods, "max_shortfall_share": self.worst_share},
            index=pd.Index(shocks.scenarios, name="scenario"),
        )  # fmt: skip
        rows = pd.DataFrame(
            {"hub": dem_h, "commodity": np.asarray(arr.hub_commodity)[arr.demand_hub], "stage": stage, "unit": unit,
             "demand": self.e_dem.sum(axis=0), "shortfall": self.e_short.sum(axis=0),
             "lost_value": self.e_short.sum(axis=0) * arr.demand_value},
        )  # fmt: skip
        hubs = rows.groupby(["hub", "commodity", "stage", "unit"], sort=True, as_index=False).sum().set_index("hub")
        st = pd.DataFrame(
            {"period": np.repeat(shocks.periods, len(stage)), "stage": np.tile(stage, self.n_t),
             "unit": np.tile(unit, self.n_t), "demand": self.e_dem.ravel(), "shortfall": self.e_short.ravel()},
        )  # fmt: skip
        stages = st.groupby(["period", "stage", "unit"], sort=True, as_index=False)[["demand", "shortfall"]].sum()
        stages["share"] = np.where(stages["demand"] > 0, stages["shortfall"] / stages["demand"].where(stages["demand"] > 0, 1.0), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            first = np.where(self.p_dry > 0, self.first_sum / self.p_dry, np.nan)
        processes = pd.DataFrame(
            {"p_dry": self.p_dry, "first_dry": first,
             "earliest_dry": np.where(np.isfinite(self.earliest), self.earliest, np.nan), "ttr": arr.process_ttr},
            index=arr.processes,
        )  # fmt: skip
        return SimResult(
            network=network.name,
            mode=mode,
            periods=shocks.periods,
            totals=totals,
            hubs=hubs,
            stages=stages,
            processes=processes,
            dataset=self._dataset(network, shocks, mode) if self.full else None,
            alpha=alpha,
            currency=str(network.units.get("currency", "")),
            lagged=tuple(arr.lagged),
        )

    def _dataset(self, network: Network, shocks: ShockArrays, mode: str) -> xr.Dataset:
        import xarray as xr

        arr, f = self.arr, self.full
        n_h = len(arr.hubs)
        hub_served = np.zeros((self.n_t, n_h, self.n_s))
        hub_dem = np.zeros((self.n_t, n_h, self.n_s))
        for d, h in enumerate(arr.demand_hub):
            hub_served[:, h, :] += f["served"][:, d, :]
            hub_dem[:, h, :] += f["demand"][:, d, :]
        cap = np.where(arr.capacity < 1e299, arr.capacity, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            util = f["activity"] / cap[None, :, None]

        def da(x: np.ndarray, item: str, units: str, desc: str) -> xr.DataArray:
            dims = ("period", item, "scenario") if x.ndim == 3 else ("period", "scenario")
            return xr.DataArray(x, dims=dims, attrs={"units": units, "description": desc}).transpose("scenario", ...)

        ds = xr.Dataset(
            {
                "supply": da(f["supply"], "hub", "commodity unit/period", "stock, lagged arrivals, production and imports"),
                "stock": da(f["stock"], "hub", "commodity unit", "stock at the end of the period"),
                "demand": da(hub_dem, "hub", "commodity unit/period", "final demand"),
                "served": da(hub_served, "hub", "commodity unit/period", "final demand served"),
                "shortfall": da(np.maximum(hub_dem - hub_served, 0.0), "hub", "commodity unit/period", "final demand not served"),
                "activity": da(f["activity"], "process", "activity/period", "activity of the process"),
                "utilisation": da(util, "process", "1", "activity / capacity (NaN for unlimited capacity)"),
                "flow": da(f["flow"], "route", "commodity unit/period", "flow on the route"),
                "lost_value": da(f["lost_value"], "", "currency", "value of final demand not served"),
            },
            coords={
                "scenario": np.asarray(shocks.scenarios, dtype=object),
                "period": shocks.periods,
                "hub": np.asarray(arr.hubs, dtype=object),
                "process": np.asarray(arr.processes, dtype=object),
                "route": np.asarray(arr.routes, dtype=object),
                "probability": ("scenario", shocks.probability),
                "commodity": ("hub", np.asarray(arr.hub_commodity, dtype=object)),
                "stage": ("hub", np.asarray(arr.hub_stage, dtype=object)),
                "unit": ("hub", np.asarray(arr.hub_unit, dtype=object)),
            },
            attrs={"network": network.name, "mode": mode, "currency": str(network.units.get("currency", ""))},
        )
        return ds


def run_arrays(
    arr: SimArrays,
    network: Network,
    shocks: ShockArrays,
    *,
    mode: str = "pro-rata",
    keep: str = "summary",
    chunk_size: int | None = None,
    on_chunk: Callable[[int], Any] | None = None,
    alpha: float = 0.95,
) -> SimResult:
    """Run compiled arrays through the kernel for every scenario of ``shocks``, chunk by chunk."""
    from valuechain.sim.kernel import run_chunk

    n_s, n_t = shocks.n_scenarios, len(shocks.periods)
    plan = _Plan(arr, network, shocks)
    if chunk_size is None:
        per = 8 * n_t * (2 * len(arr.hubs) + 5 * len(arr.demands) + 4 * len(arr.processes) + 2 * len(arr.routes) + 4)
        chunk_size = int(max(64, CHUNK_BYTES // max(per, 1)))
    acc = _Accumulator(arr, n_t, n_s, keep)
    args = arr.kernel_args()
    for s0 in range(0, n_s, chunk_size):
        s1 = min(n_s, s0 + chunk_size)
        mp, mr, md = plan.chunk(shocks, s0, s1)
        out = run_chunk(args, mp, mr, md, n_hubs=len(arr.hubs), resourcing=mode == "re-sourcing")
        acc.add(s0, out, mp, md, shocks.probability[s0:s1])
        if on_chunk is not None:
            on_chunk(s1 - s0)
    return acc.result(network, shocks, mode, alpha)


def simulate(
    network: Network,
    shocks: object = None,
    *,
    periods: int = 24,
    start: object = None,
    mode: str = "pro-rata",
    keep: str = "full",
    chunk_size: int | None = None,
    progress: bool = False,
    alpha: float = 0.95,
) -> SimResult:
    """Simulate a network month by month under shocks, for every scenario at once.

    Parameters
    ----------
    network
        The network.
    shocks
        Compiled shocks (:class:`~valuechain.scenarios.compiled.ShockArrays`), or a scenario,
        scenario set or shock, compiled with ``valuechain.scenarios.compile_shocks``. ``None``
        runs the baseline (no shock), one scenario named 'baseline'.
    periods, start
        Horizon in months and first month when ``shocks`` is not already compiled (default:
        January after the network's base year).
    mode
        'pro-rata': hubs share supply among their uses in proportion to baseline flows.
        're-sourcing': in addition, a hub short of supply pulls spare supply over open routes and
        extra output from spare process capacity.
    keep
        'full': keep scenario x period x item tensors in :attr:`SimResult.dataset`. 'summary':
        keep per-scenario totals and expected values only (memory bounded by the chunk size).
    chunk_size
        Scenarios per kernel call (default: as many as fit in about 192 MB).
    progress
        Show a progress bar.
    alpha
        Level of the VaR and CVaR in the result.

    Returns
    -------
    SimResult

    Raises
    ------
    ScenarioError
        On a bad parameter, or shock arrays compiled for another network.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.scenarios.compiled import ShockArrays
    >>> net = vc.load_network("toy-battery")
    >>> res = vc.simulate(net)
    >>> res.expected("lost_value")
    0.0
    >>> sh = ShockArrays.baseline(net, res.periods, ["graphite-outage"])
    >>> sh.process_capacity[0, 0:6, net.processes.index.get_loc("cn-graphite-mine")] = 0.0
    >>> bool(vc.simulate(net, sh).totals.at["graphite-outage", "lost_cells_gwh"] > 0)
    True
    """
    if not isinstance(network, Network):
        raise ValueChainError(f"simulate expects a Network as its first argument. Got {type(network).__name__}.")
    check("simulate", "mode", mode, OneOf(MODES), error=ScenarioError)
    check("simulate", "keep", keep, OneOf(("full", "summary")), error=ScenarioError)
    check("simulate", "alpha", alpha, Interval(0, 1, "left"), error=ScenarioError)
    if chunk_size is not None:
        check("simulate", "chunk_size", chunk_size, lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
              error=ScenarioError, expected="an integer >= 1")  # fmt: skip
    sh = _as_shocks(network, shocks, periods, start)
    arr = compile_network(network, sh.period_months)
    if not progress:
        return run_arrays(arr, network, sh, mode=mode, keep=keep, chunk_size=chunk_size, alpha=alpha)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("scenarios", total=sh.n_scenarios)
        return run_arrays(
            arr, network, sh, mode=mode, keep=keep, chunk_size=chunk_size, alpha=alpha,
            on_chunk=lambda n: bar.advance(task, n),
        )  # fmt: skip
