"""``simulate``: validate and convert, run the kernel chunk by chunk, summarise."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import Interval, OneOf, check
from valuechain.errors import ScenarioError, ValueChainError
from valuechain.network.model import Network
from valuechain.scenarios._time import default_periods
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.sparse import SparseShocks
from valuechain.sim.compile import SimArrays, compile_network
from valuechain.sim.result import SimResult

if TYPE_CHECKING:
    import xarray as xr

    from valuechain.sim.kernel import Events

__all__ = ["MODES", "default_periods", "run_arrays", "run_stream", "simulate", "summary_statics"]

MODES = ("pro-rata", "re-sourcing")
#: Memory budget of one chunk's dense outputs when every tensor is kept, in bytes.
CHUNK_BYTES = 192 * 2**20
#: Scenarios per kernel call when only summaries are kept.
SUMMARY_CHUNK = 8192
#: Largest estimated size of a full result (``keep="full"``), in bytes.
FULL_BYTES = 4 * 2**30
#: Largest estimated size of the tensors that ``keep="auto"`` keeps, in bytes; larger ensembles
#: keep summaries (about 500 scenarios of 24 months on the bundled global network).
AUTO_FULL_BYTES = 256 * 2**20


def _as_shocks(network: Network, shocks: object, periods: int, start: object) -> ShockArrays | SparseShocks:
    if shocks is None:
        return ShockArrays.baseline(network, default_periods(network, periods, start), ["baseline"])
    if isinstance(shocks, (ShockArrays, SparseShocks)):
        return shocks
    # Scenarios, scenario sets and single shocks are compiled by the scenarios layer.
    # (looked up at call time: ``compile_shocks`` lives in the scenarios layer)
    import importlib

    compile_shocks = importlib.import_module("valuechain.scenarios").compile_shocks
    compiled: ShockArrays = compile_shocks(network, shocks, start=start, periods=periods, freq="M")
    return compiled


def _positions(labels: pd.Index, wanted: pd.Index, what: str) -> np.ndarray:
    pos = pd.Index(labels).get_indexer(wanted)
    if (pos < 0).any() or len(labels) != len(wanted):
        missing = [str(w) for w, p in zip(wanted, pos, strict=True) if p < 0]
        detail = (
            f"{what} '{missing[0]}' is missing" if missing else f"they hold {len(labels)} {what}(s), not {len(wanted)}"
        )
        raise ScenarioError(f"the shock arrays do not belong to this network: {detail}")
    return pos


class _Plan:
    """How the items of a ShockArrays or SparseShocks map onto the compiled arrays."""

    def __init__(self, arr: SimArrays, network: Network, shocks: ShockArrays | SparseShocks) -> None:
        p = _positions(shocks.processes, arr.processes, "process")
        r = _positions(shocks.routes, arr.routes, "route")
        net_dem = ShockArrays.baseline(network, shocks.periods[:0], 0).demands
        if list(map(str, shocks.demands)) != list(map(str, net_dem)):
            raise ScenarioError("the shock arrays do not belong to this network: their demand rows differ")
        d = arr.demand_rows
        self.n_t = len(shocks.periods)
        self.cols = (p, r, d)
        # compiled position of each item, by the item's position in the shocks (kinds one after another)
        lookup = [np.empty(len(c), dtype=np.int64) for c in self.cols]
        for lk, c in zip(lookup, self.cols, strict=True):
            lk[c] = np.arange(len(c))
        self.lookup = np.concatenate(lookup)
        self.offset = np.array([0, len(p), len(p) + len(r)], dtype=np.int64)

    def events(self, shocks: ShockArrays | SparseShocks, s0: int, s1: int) -> Events:
        """The shocks of scenarios ``s0 .. s1 - 1`` as kernel events."""
        from valuechain.sim.kernel import make_events

        if isinstance(shocks, SparseShocks):
            rng = shocks.entry_range(s0, s1)
            kind = shocks.kind[rng]
            item = self.lookup[self.offset[kind] + shocks.item[rng]]
            return make_events(
                s1 - s0, self.n_t, shocks.scenario[rng] - s0, shocks.period[rng], kind, item, shocks.value[rng]
            )
        parts = []
        for k, x in enumerate((shocks.process_capacity, shocks.route_capacity, shocks.demand)):
            sub = x[s0:s1]
            s, t, i = np.nonzero(sub != 1.0)
            parts.append((s, t, np.full(len(s), k), self.lookup[self.offset[k] + i], sub[s, t, i]))
        return make_events(s1 - s0, self.n_t, *(np.concatenate([q[j] for q in parts]) for j in range(5)))


def summary_statics(arr: SimArrays) -> tuple[np.ndarray, ...]:
    """Arrays the kernel's summaries need: demand hubs and values, processes with inputs, cell outputs.

    Cell outputs are process outputs to hubs of stage 'cell' measured in GWh; ``base_cells`` is
    the baseline output of each such hub, the yardstick of lost cells.
    """
    cell = (np.asarray(arr.hub_stage) == "cell") & (np.asarray(arr.hub_unit) == "GWh")
    cell_out = np.flatnonzero(cell[arr.out_hub])
    cell_hubs, cell_slot = np.unique(arr.out_hub[cell_out], return_inverse=True)
    base_cells = np.zeros(len(cell_hubs))
    np.add.at(base_cells, cell_slot, arr.out_yield[cell_out] * arr.base_act[arr.out_proc[cell_out]])
    return (
        arr.demand_hub.astype(np.int64),
        np.asarray(arr.demand_value, dtype=np.float64),
        np.diff(arr.in_ptr) > 0,
        arr.out_proc[cell_out].astype(np.int64),
        cell_slot.astype(np.int64).ravel(),
        arr.out_yield[cell_out].astype(np.float64),
        base_cells,
    )


class _Accumulator:
    """Per-chunk summaries (and, in full mode, the whole tensors) of a run."""

    def __init__(self, arr: SimArrays, n_t: int, n_s: int | None, keep: str) -> None:
        self.arr, self.n_t, self.n_s, self.keep = arr, n_t, n_s, keep
        n_p, n_d = len(arr.processes), len(arr.demands)
        self.per_scenario: dict[str, list[np.ndarray]] = {
            "lost_value": [], "lost_cells_gwh": [], "shortfall_periods": [], "max_shortfall_share": []
        }  # fmt: skip
        self.e_short = np.zeros((n_t, n_d))
        self.e_dem = np.zeros((n_t, n_d))
        self.p_dry = np.zeros(n_p)
        self.first_sum = np.zeros(n_p)
        self.earliest = np.full(n_p, np.inf)
        self.full: dict[str, np.ndarray] = {}
        if keep == "full" and n_s is not None:
            shapes = {"supply": len(arr.hubs), "stock": len(arr.hubs), "served": n_d, "demand": n_d,
                      "activity": n_p, "flow": len(arr.routes)}  # fmt: skip
            self.full = {k: np.zeros((n_t, m, n_s)) for k, m in shapes.items()}
            self.full["lost_value"] = np.zeros((n_t, n_s))

    def add(self, s0: int, res: dict[str, np.ndarray]) -> None:
        """Add the kernel's results for the scenarios from ``s0`` on."""
        keep = self.per_scenario
        keep["lost_value"].append(res["lost_value_t"].sum(axis=0))
        keep["shortfall_periods"].append(res["short_periods"])
        keep["max_shortfall_share"].append(res["worst_share"])
        keep["lost_cells_gwh"].append(res["lost_cells"])
        self.e_short += res["e_short"]
        self.e_dem += res["e_dem"]
        self.p_dry += res["p_dry"]
        self.first_sum += res["first_sum"]
        np.minimum(self.earliest, res["earliest"], out=self.earliest)
        if self.full:
            s1 = s0 + res["lost_value_t"].shape[1]
            for var in ("supply", "stock", "served", "demand", "activity", "flow"):
                self.full[var][:, :, s0:s1] = res[var]
            self.full["lost_value"][:, s0:s1] = res["lost_value_t"]

    def result(
        self,
        network: Network,
        scenarios: pd.Index,
        probability: np.ndarray,
        periods: pd.PeriodIndex,
        mode: str,
        alpha: float,
        scale: float = 1.0,
    ) -> SimResult:
        """Summaries of everything added; expectations are multiplied by ``scale``."""
        arr = self.arr
        for name in ("e_short", "e_dem", "p_dry", "first_sum"):
            setattr(self, name, getattr(self, name) * scale)
        stage = np.asarray(arr.hub_stage)[arr.demand_hub]
        unit = np.asarray(arr.hub_unit)[arr.demand_hub]
        cols = {k: np.concatenate(v) if v else np.zeros(0) for k, v in self.per_scenario.items()}
        cols["shortfall_periods"] = cols["shortfall_periods"].astype(np.int64)
        totals = pd.DataFrame({"probability": probability, **cols}, index=pd.Index(scenarios, name="scenario"))
        # expected demand and shortfall per demand hub, and per (period, stage)
        hub_codes, hub_pos = np.unique(arr.demand_hub, return_inverse=True)
        dem_tot = np.zeros(len(hub_codes))
        short_tot = np.zeros(len(hub_codes))
        np.add.at(dem_tot, hub_pos, self.e_dem.sum(axis=0))
        np.add.at(short_tot, hub_pos, self.e_short.sum(axis=0))
        value = np.zeros(len(hub_codes))
        np.add.at(value, hub_pos, self.e_short.sum(axis=0) * arr.demand_value)
        hubs = pd.DataFrame(
            {
                "commodity": np.asarray(arr.hub_commodity)[hub_codes],
                "stage": np.asarray(arr.hub_stage)[hub_codes],
                "unit": np.asarray(arr.hub_unit)[hub_codes],
                "demand": dem_tot,
                "shortfall": short_tot,
                "lost_value": value,
            },
            index=pd.Index(arr.hubs[hub_codes], name="hub"),
        )
        keys = [f"{s}\x00{u}" for s, u in zip(stage, unit, strict=True)]
        st_codes, st_pos = np.unique(np.asarray(keys, dtype=object), return_inverse=True)
        st_dem = np.zeros((self.n_t, len(st_codes)))
        st_short = np.zeros((self.n_t, len(st_codes)))
        for j, k in enumerate(st_pos):
            st_dem[:, k] += self.e_dem[:, j]
            st_short[:, k] += self.e_short[:, j]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(st_dem > 0, st_short / np.where(st_dem > 0, st_dem, 1.0), 0.0)
        stages = pd.DataFrame(
            {
                "period": np.repeat(periods, len(st_codes)),
                "stage": np.tile([str(c).split("\x00")[0] for c in st_codes], self.n_t),
                "unit": np.tile([str(c).split("\x00")[1] for c in st_codes], self.n_t),
                "demand": st_dem.ravel(),
                "shortfall": st_short.ravel(),
                "share": share.ravel(),
            }
        )
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
            periods=periods,
            totals=totals,
            hubs=hubs,
            stages=stages,
            processes=processes,
            _tensors=self._dataset(network, scenarios, probability, periods, mode) if self.full else None,
            alpha=alpha,
            currency=str(network.units.get("currency", "")),
            lagged=tuple(arr.lagged),
        )

    def _dataset(
        self, network: Network, scenarios: pd.Index, probability: np.ndarray, periods: pd.PeriodIndex, mode: str
    ) -> xr.Dataset:
        import xarray as xr

        arr, f = self.arr, self.full
        n_h, n_s = len(arr.hubs), len(scenarios)
        hub_served = np.zeros((self.n_t, n_h, n_s))
        hub_dem = np.zeros((self.n_t, n_h, n_s))
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
                "supply": da(
                    f["supply"], "hub", "commodity unit/period", "stock, lagged arrivals, production and imports"
                ),
                "stock": da(f["stock"], "hub", "commodity unit", "stock at the end of the period"),
                "demand": da(hub_dem, "hub", "commodity unit/period", "final demand"),
                "served": da(hub_served, "hub", "commodity unit/period", "final demand served"),
                "shortfall": da(
                    np.maximum(hub_dem - hub_served, 0.0), "hub", "commodity unit/period", "final demand not served"
                ),
                "activity": da(f["activity"], "process", "activity/period", "activity of the process"),
                "utilisation": da(util, "process", "1", "activity / capacity (NaN for unlimited capacity)"),
                "flow": da(f["flow"], "route", "commodity unit/period", "flow on the route"),
                "lost_value": da(f["lost_value"], "", "currency", "value of final demand not served"),
            },
            coords={
                "scenario": np.asarray(scenarios, dtype=object),
                "period": periods,
                "hub": np.asarray(arr.hubs, dtype=object),
                "process": np.asarray(arr.processes, dtype=object),
                "route": np.asarray(arr.routes, dtype=object),
                "probability": ("scenario", probability),
                "commodity": ("hub", np.asarray(arr.hub_commodity, dtype=object)),
                "stage": ("hub", np.asarray(arr.hub_stage, dtype=object)),
                "unit": ("hub", np.asarray(arr.hub_unit, dtype=object)),
            },
            attrs={"network": network.name, "mode": mode, "currency": str(network.units.get("currency", ""))},
        )
        return ds


def _default_chunk(arr: SimArrays, n_t: int, full: bool = False) -> int:
    """Scenarios per kernel call: with every tensor kept, as many as fit in about CHUNK_BYTES."""
    if not full:
        return SUMMARY_CHUNK
    per = 8 * n_t * (2 * len(arr.hubs) + 2 * len(arr.demands) + len(arr.processes) + len(arr.routes) + 1)
    return int(max(64, CHUNK_BYTES // max(per, 1)))


def run_arrays(
    arr: SimArrays,
    network: Network,
    shocks: ShockArrays | SparseShocks,
    *,
    mode: str = "pro-rata",
    keep: str = "summary",
    chunk_size: int | None = None,
    on_chunk: Callable[[int], Any] | None = None,
    alpha: float = 0.95,
    substitution: bool = True,
    chemistry_switching: bool = True,
    ramp_depth: int | None = 0,
    spare_ramp: bool = False,
    rush_from_stock: float = 0.0,
) -> SimResult:
    """Run compiled arrays through the kernel for every scenario of ``shocks``, chunk by chunk."""
    from valuechain.sim.kernel import OUTPUTS, Workspace, run_chunk

    n_s, n_t = shocks.n_scenarios, len(shocks.periods)
    plan = _Plan(arr, network, shocks)
    if chunk_size is None:
        chunk_size = _default_chunk(arr, n_t, keep == "full")
    acc = _Accumulator(arr, n_t, n_s, keep)
    args, statics = arr.kernel_args(), summary_statics(arr)
    ws, outputs = Workspace(), OUTPUTS if keep == "full" else ()
    recourse = arr.recourse_args(substitution, chemistry_switching, ramp_depth, spare_ramp, rush_from_stock)
    for s0 in range(0, n_s, chunk_size):
        s1 = min(n_s, s0 + chunk_size)
        res = run_chunk(
            args, plan.events(shocks, s0, s1), statics, shocks.probability[s0:s1],
            resourcing=mode == "re-sourcing", outputs=outputs, workspace=ws, recourse=recourse,
        )  # fmt: skip
        acc.add(s0, res)
        if on_chunk is not None:
            on_chunk(s1 - s0)
    return acc.result(network, shocks.scenarios, shocks.probability, shocks.periods, mode, alpha)


def run_stream(
    arr: SimArrays,
    network: Network,
    chunks: Iterable[ShockArrays | SparseShocks],
    *,
    mode: str = "pro-rata",
    on_chunk: Callable[[int], Any] | None = None,
    alpha: float = 0.95,
    substitution: bool = True,
    chemistry_switching: bool = True,
    ramp_depth: int | None = 0,
    spare_ramp: bool = False,
    rush_from_stock: float = 0.0,
) -> SimResult:
    """Run a stream of shock chunks, keeping summaries only (memory bounded by one chunk).

    The chunks are taken as samples of one ensemble: a scenario's probability is its probability
    within its chunk times the chunk's share of all scenarios.
    """
    from valuechain.sim.kernel import Workspace, run_chunk

    acc: _Accumulator | None = None
    names: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    periods: pd.PeriodIndex | None = None
    plan: _Plan | None = None
    args, statics, ws = arr.kernel_args(), summary_statics(arr), Workspace()
    recourse = arr.recourse_args(substitution, chemistry_switching, ramp_depth, spare_ramp, rush_from_stock)
    for k, sh in enumerate(chunks):
        if not isinstance(sh, (ShockArrays, SparseShocks)):
            raise ScenarioError(
                f"a stream of shocks must yield ShockArrays or SparseShocks; chunk {k} is a {type(sh).__name__}"
            )
        if acc is None or plan is None or periods is None:
            periods = sh.periods
            plan = _Plan(arr, network, sh)
            acc = _Accumulator(arr, len(periods), None, "summary")
        elif not sh.periods.equals(periods):
            raise ScenarioError(f"chunk {k} of the stream covers other periods than the first chunk")
        n = sh.n_scenarios
        if n == 0:
            continue
        w = sh.probability * n
        step = _default_chunk(arr, len(periods))
        for s0 in range(0, n, step):  # large chunks run in slices
            s1 = min(n, s0 + step)
            res = run_chunk(
                args, plan.events(sh, s0, s1), statics, w[s0:s1], resourcing=mode == "re-sourcing", workspace=ws,
                recourse=recourse,
            )  # fmt: skip
            acc.add(0, res)
        names.append(np.asarray(sh.scenarios, dtype=object))
        weights.append(w)
        # (let this chunk go before the next is drawn: two chunks alive at once double the peak)
        del sh, res
        if on_chunk is not None:
            on_chunk(n)
    if acc is None or periods is None:
        raise ScenarioError("the stream of shocks is empty")
    total = float(sum(len(w) for w in weights))
    labels = pd.Index(np.concatenate(names) if names else [], name="scenario")
    if labels.has_duplicates:
        labels = pd.Index([f"{i}:{x}" for i, arr_ in enumerate(names) for x in arr_], name="scenario")
    prob = np.concatenate(weights) / total if weights else np.zeros(0)
    return acc.result(network, labels, prob, periods, mode, alpha, scale=1.0 / max(total, 1.0))


def simulate(
    network: Network,
    shocks: object = None,
    *,
    periods: int = 24,
    start: object = None,
    mode: str = "pro-rata",
    keep: str = "auto",
    chunk_size: int | None = None,
    progress: bool = False,
    alpha: float = 0.95,
    substitution: bool = True,
    chemistry_switching: bool = True,
    ramp_depth: int | None = 0,
    spare_ramp: bool = False,
    rush_from_stock: float = 0.0,
) -> SimResult:
    """Simulate a network month by month under shocks, for every scenario at once.

    Parameters
    ----------
    network
        The network.
    shocks
        Compiled shocks (:class:`~valuechain.scenarios.compiled.ShockArrays`, or
        :class:`~valuechain.scenarios.sparse.SparseShocks` for large sampled ensembles); or an
        iterator of such chunks (e.g. samples of a risk register), streamed with summaries only, each
        scenario weighted by its probability in its chunk times the chunk's share of scenarios;
        or a scenario, scenario set or shock, compiled with ``valuechain.scenarios.compile_shocks``.
        ``None`` runs the baseline (no shock), one scenario named 'baseline'.
    periods, start
        Horizon in months and first month when ``shocks`` is not already compiled (default:
        January after the network's base year).
    mode
        'pro-rata': hubs share supply among their uses in proportion to baseline flows.
        're-sourcing': in addition, a hub short of supply pulls spare supply over open routes and
        extra output from spare process capacity; hubs with a refill rate order back toward
        their order-up-to level; processes may switch inputs to their alternatives.
    keep
        'full': keep scenario x period x item tensors in :attr:`SimResult.dataset`. 'summary':
        keep per-scenario totals and expected values only (memory bounded by the chunk size);
        every summary table and :meth:`SimResult.risk` are the same as a full run's. 'auto'
        (default): 'full' while the tensors would take at most ``AUTO_FULL_BYTES`` (256 MiB),
        'summary' for larger ensembles. Streams always keep summaries only.
    chunk_size
        Scenarios per kernel call (default: as many as fit in about 192 MB).
    progress
        Show a progress bar.
    alpha
        Level of the VaR and CVaR in the result.
    substitution
        Whether re-sourcing may run processes on the material alternatives of their inputs (the
        rows of the network's ``alternatives`` table whose recourse is "substitution", e.g. natural
        and synthetic graphite).
    chemistry_switching
        Whether re-sourcing may run processes on cells of another chemistry (the rows whose
        recourse is "chemistry_switching", e.g. NMC and LFP cells in packs).
    ramp_depth
        How far up the chain re-sourcing ramps up spare capacity: 0 (the default) takes what
        the hub's origins hold above their stock level and the spare output of its own producers
        from what their input hubs hold; ``k`` lets an origin or an input hub that lacks it pull
        in turn, up to ``k`` steps up (a route to its origin, a producer to its input hub);
        ``None`` the whole chain, as the optimiser's programs do. Spare capacity runs at once in
        the month it is asked unless ``spare_ramp``, so deeper is more optimistic.
    spare_ramp
        Whether re-sourcing brings a plant's spare capacity (above its plan) online over its
        ``ramp_up``: a share 1 / ramp of it in the first month the plant is asked to run above its
        plan, 1 / ramp more each month after, all of it after ``ramp_up``; it then stays online.
        False (the default): all of it at once.
    rush_from_stock
        The share (0 to 1) of its stock level a hub may ship for front-loaded orders (a licence
        regime's pull-forward before it takes effect), after what it holds above that level and,
        re-sourcing, the spare supply it pulls. 0 (the default): front-loading takes nothing from
        an exporter's stock. The stock drawn is refilled as any other (re-sourcing: by the hub's
        refill rate).

    Returns
    -------
    SimResult

    Raises
    ------
    ScenarioError
        On a bad parameter, shock arrays compiled for another network, or a horizon that needs
        more memory than the machine has available.

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
    check("simulate", "keep", keep, OneOf(("auto", "full", "summary")), error=ScenarioError)
    check("simulate", "alpha", alpha, Interval(0, 1, "left"), error=ScenarioError)
    if chunk_size is not None:
        check("simulate", "chunk_size", chunk_size, lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
              error=ScenarioError, expected="an integer >= 1")  # fmt: skip
    check_ramp_depth("simulate", ramp_depth)
    check("simulate", "spare_ramp", spare_ramp, lambda v: isinstance(v, bool), error=ScenarioError,
          expected="True or False")  # fmt: skip
    check("simulate", "rush_from_stock", rush_from_stock, Interval(0, 1), error=ScenarioError)
    if isinstance(shocks, Iterator):
        return _run_stream(
            network, shocks, mode=mode, progress=progress, alpha=alpha, substitution=substitution,
            chemistry_switching=chemistry_switching, ramp_depth=ramp_depth, spare_ramp=spare_ramp,
            rush_from_stock=rush_from_stock,
        )  # fmt: skip
    if not isinstance(shocks, (ShockArrays, SparseShocks)) and isinstance(periods, int):
        from valuechain.sim._memory import check_memory

        # before the shock arrays are made: at least one scenario of `periods` months
        check_memory(network, scenarios=1, periods=periods, keep=keep, what=f"simulating {periods:,} months")
    sh = _as_shocks(network, shocks, periods, start)
    arr = compile_network(network, sh.period_months)
    if keep != "summary":
        # the kernel's tensors and the dataset built from them: 8 bytes per scenario, period and item
        items = 5 * len(arr.hubs) + 2 * len(arr.demands) + 2 * len(arr.processes) + len(arr.routes) + 1
        need = 8 * len(sh.periods) * sh.n_scenarios * items
        if keep == "auto":
            keep = "full" if need <= AUTO_FULL_BYTES else "summary"
        elif need > FULL_BYTES:
            raise ScenarioError(
                f"keeping every tensor of {sh.n_scenarios:,} scenarios would take about {need / 2**30:.1f} GiB; "
                "use keep='summary' (per-scenario totals and expected values) for an ensemble this large"
            )
    if not progress:
        return run_arrays(
            arr, network, sh, mode=mode, keep=keep, chunk_size=chunk_size, alpha=alpha, substitution=substitution,
            chemistry_switching=chemistry_switching, ramp_depth=ramp_depth, spare_ramp=spare_ramp,
            rush_from_stock=rush_from_stock,
        )  # fmt: skip
    with _progress() as bar:
        task = bar.add_task("scenarios", total=sh.n_scenarios)
        return run_arrays(
            arr, network, sh, mode=mode, keep=keep, chunk_size=chunk_size, alpha=alpha,
            on_chunk=lambda n: bar.advance(task, n), substitution=substitution,
            chemistry_switching=chemistry_switching, ramp_depth=ramp_depth, spare_ramp=spare_ramp,
            rush_from_stock=rush_from_stock,
        )  # fmt: skip


def check_ramp_depth(owner: str, ramp_depth: object) -> None:
    """Refuse a ``ramp_depth`` that is neither an integer >= 0 nor None, naming ``owner``."""
    if ramp_depth is not None:
        check(owner, "ramp_depth", ramp_depth, lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
              error=ScenarioError, expected="an integer >= 0, or None for the whole chain")  # fmt: skip


def _progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True)


def _run_stream(
    network: Network,
    chunks: Iterator[Any],
    *,
    mode: str,
    progress: bool,
    alpha: float,
    substitution: bool,
    chemistry_switching: bool,
    ramp_depth: int | None,
    spare_ramp: bool = False,
    rush_from_stock: float = 0.0,
) -> SimResult:
    first = next(chunks, None)
    if not isinstance(first, (ShockArrays, SparseShocks)):
        raise ScenarioError(
            "a stream of shocks must yield ShockArrays" + ("" if first is not None else "; it is empty")
        )
    arr = compile_network(network, first.period_months)
    held = [first]  # (the first chunk is released once run, not kept to the end)
    del first

    def all_chunks() -> Iterator[Any]:
        yield held.pop()
        yield from chunks

    if not progress:
        return run_stream(
            arr, network, all_chunks(), mode=mode, alpha=alpha, substitution=substitution,
            chemistry_switching=chemistry_switching, ramp_depth=ramp_depth, spare_ramp=spare_ramp,
            rush_from_stock=rush_from_stock,
        )  # fmt: skip
    with _progress() as bar:
        task = bar.add_task("scenarios", total=None)
        return run_stream(
            arr, network, all_chunks(), mode=mode, alpha=alpha, on_chunk=lambda n: bar.advance(task, n),
            substitution=substitution, chemistry_switching=chemistry_switching, ramp_depth=ramp_depth,
            spare_ramp=spare_ramp, rush_from_stock=rush_from_stock,
        )  # fmt: skip
