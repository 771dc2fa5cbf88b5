"""How dependent a region is, and on whom, at every stage of the chain.

Four views of a region's supply of each commodity, all computed from the network's baseline flows
(process activities, route flows and final demand):

``direct``
    Where the commodity the region uses physically comes from: its own production (kept at home)
    and imports by country of dispatch. For a group such as EU27, trade between members is
    internal and the group counts as one origin.
``embedded``
    Where the upstream content of what the region uses was made: of the lithium chemicals inside
    the cells the EU uses, which share was refined in China, whether the cells came from Poland,
    Korea or China. The trace runs through every tier of recipes and trade.
``owner`` and ``technology``
    Who owns, and whose technology runs, the plants that made the commodity the region uses,
    following the commodity through trade to the plant that made it.

Method (embedded origin). Let ``T_h`` be the baseline inflow to hub ``h`` (production plus
imports) and ``E_h(X)`` the quantity of the upstream commodity ``u`` from origin ``X`` carried by
one unit of the commodity at ``h``. A process that makes ``u`` is an origin: its output of ``u``
carries one unit of ``u`` from its own region (or owner, or technology origin), and its other
outputs carry none. Any other process passes on the ``u`` in its inputs, shared among its outputs
in proportion to their value (commodity ``value`` times yield; by quantity when values are
missing). Hubs mix proportionally: every unit leaving a hub carries the hub's average content,
whatever its destination. Hence the linear system, one equation per hub and origin::

    T_h E_h(X) = sum_p x_p [ S_p,h(X) + w_p,h sum_i a_p,i E_i(X) ] + sum_r f_r E_o(r)(X)

where ``x_p`` is the activity of a process with output at ``h``, ``a_p,i`` its input coefficient
from hub ``i``, ``w_p,h`` the share of its output value at ``h``, ``S_p,h(X)`` its yield of ``u``
when it makes ``u`` in origin ``X``, and ``f_r`` the flow of a route into ``h`` from hub
``o(r)``. In matrix form ``(I - M) E = S``, a Leontief-type system solved directly; it has a
unique solution when every loop in the chain (recycling) loses material, as real loops do. The
origin shares of what a region uses are ``sum_h C_h E_h(X) / sum_X ...`` over its hubs of the
commodity, with ``C_h`` the hub's baseline use.

The assumption of proportional mixing means the model cannot tell that, say, the lithium in the
cathode a Polish plant ships to Germany came from Chile rather than from the Polish hub's average
supply; finer attribution needs plant-to-plant contracts the sources do not give.

Examples
--------
>>> import valuechain as vc
>>> net = vc.load_network("toy-battery")
>>> d = vc.dependency(net, "DE", commodities=["cam_nmc"])
>>> direct = d[(d["view"] == "direct") & (d["metric"] == "share")]
>>> direct.set_index("origin")["value"].round(4).to_dict()
{'CN': 0.6667, 'DE': 0.3333}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd

from valuechain._params import closest
from valuechain.analysis.shares import hhi
from valuechain.errors import NetworkError
from valuechain.network import Network, hub_id
from valuechain.network.schema import stages

__all__ = ["COLUMNS", "STAGE_ORDER", "dependency", "reuse_dependency", "summary", "trace_origins"]

#: Results of :func:`dependency` kept inside a :func:`reuse_dependency` block, by the network's
#: identity and the arguments (the network is kept too, so that its identity is not reused).
_REUSE: ContextVar[dict[tuple[object, ...], tuple[Network, pd.DataFrame]] | None] = ContextVar(
    "valuechain_dependency_reuse", default=None
)


@contextmanager
def reuse_dependency() -> Iterator[None]:
    """Within this block, :func:`dependency` computes each question once and returns copies after.

    A question is the same network object with the same arguments. For work that asks it many
    times of a network nobody changes meanwhile (a study run measures today's shares in several
    steps); outside the block, every call computes afresh.

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-battery")
    >>> with reuse_dependency():
    ...     a, b = dependency(net, "DE"), dependency(net, "DE")
    >>> a.equals(b) and a is not b
    True
    """
    token = _REUSE.set({})
    try:
        yield
    finally:
        _REUSE.reset(token)


#: Columns of the frame :func:`dependency` returns.
COLUMNS = ["region", "commodity", "stage", "unit", "view", "upstream", "origin", "metric", "value"]
#: Order of the stages in reports, upstream first (from the schema).
STAGE_ORDER = list(stages())
_ATTRIBUTES = {"region": "region", "owner": "owner", "technology": "technology_origin"}


def _flows(network: Network) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Process recipe rows with activity, route flows and demand, all with hub ids."""
    procs = network.processes
    act = network.baseline_activity
    rec = network.recipes[network.recipes["process"].isin(procs.index)].copy()
    rec["region"] = procs.loc[rec["process"], "region"].to_numpy()
    rec["hub"] = [hub_id(r, c) for r, c in zip(rec["region"], rec["commodity"], strict=True)]
    rec["activity"] = act.loc[rec["process"]].to_numpy()
    rec["quantity"] = rec["activity"] * rec["coefficient"]
    routes = network.routes
    rt = pd.DataFrame(
        {
            "commodity": routes["commodity"].to_numpy(),
            "origin": routes["origin"].to_numpy(),
            "destination": routes["destination"].to_numpy(),
            "flow": routes["baseline_flow"].to_numpy(dtype=float),
        }
    )
    rt["from_hub"] = [hub_id(o, c) for o, c in zip(rt["origin"], rt["commodity"], strict=True)]
    rt["to_hub"] = [hub_id(d, c) for d, c in zip(rt["destination"], rt["commodity"], strict=True)]
    dem = network.demand
    dm = pd.DataFrame(
        {
            "hub": [hub_id(r, c) for r, c in zip(dem["region"], dem["commodity"], strict=True)],
            "quantity": dem["quantity"].to_numpy(dtype=float),
        }
    )
    return rec, rt[rt["flow"] > 0], dm


class _Structure:
    """The baseline flows of a network as arrays, built once and reused for every trace."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.hubs = network.hub_ids
        pos = {h: i for i, h in enumerate(self.hubs)}
        self.n = n = len(self.hubs)
        rec, rt, dm = _flows(network)
        self.rec, self.rt, self.dm = rec, rt, dm
        rec = rec[rec["activity"] > 0]
        outs = rec[rec["kind"] == "output"]
        ins = rec[rec["kind"] == "input"]
        self.inflow = np.zeros(n)
        np.add.at(self.inflow, outs["hub"].map(pos).to_numpy(dtype=int), outs["quantity"].to_numpy())
        np.add.at(self.inflow, rt["to_hub"].map(pos).to_numpy(dtype=int), rt["flow"].to_numpy())
        # Value shares of each process's outputs (by quantity if a value is missing).
        value = network.commodities["value"].astype(float)
        v = value.reindex(outs["commodity"]).to_numpy()
        y = outs["coefficient"].to_numpy(dtype=float)
        ok = pd.Series(np.isfinite(v) & (v > 0), index=outs.index).groupby(outs["process"]).transform("all").to_numpy()
        wv = np.where(ok, np.nan_to_num(v) * y, y)
        w = wv / pd.Series(wv, index=outs.index).groupby(outs["process"]).transform("sum").to_numpy()
        o = pd.DataFrame(
            {"process": outs["process"].to_numpy(), "out_hub": outs["hub"].map(pos).to_numpy(dtype=int), "w": w}
        )
        i = pd.DataFrame(
            {
                "process": ins["process"].to_numpy(),
                "in_hub": ins["hub"].map(pos).to_numpy(dtype=int),
                "q": ins["quantity"].to_numpy(dtype=float),
            }
        )
        pairs = o.merge(i, on="process")
        self.pass_process = pairs["process"].to_numpy()
        self.pass_rows = pairs["out_hub"].to_numpy(dtype=int)
        self.pass_cols = pairs["in_hub"].to_numpy(dtype=int)
        self.pass_vals = (pairs["w"] * pairs["q"]).to_numpy()
        self.out_process = outs["process"].to_numpy()
        self.out_commodity = outs["commodity"].to_numpy()
        self.out_hub = outs["hub"].map(pos).to_numpy(dtype=int)
        self.out_qty = outs["quantity"].to_numpy(dtype=float)
        self.route_rows = rt["to_hub"].map(pos).to_numpy(dtype=int)
        self.route_cols = rt["from_hub"].map(pos).to_numpy(dtype=int)
        self.route_vals = rt["flow"].to_numpy(dtype=float)
        self._cache: dict[tuple[str, str], tuple[np.ndarray, list[str]]] = {}

    def trace(self, upstream: str, attribute: str) -> pd.DataFrame:
        """Return ``E_h(X)`` as a hub x origin DataFrame."""
        e, origins = self.trace_array(upstream, attribute)
        return pd.DataFrame(e, index=self.hubs, columns=pd.Index(origins, name="origin"))

    def trace_array(self, upstream: str, attribute: str) -> tuple[np.ndarray, list[str]]:
        """Return ``E_h(X)`` as an array (hubs in network order) and the origin labels."""
        key = (upstream, attribute)
        if key in self._cache:
            return self._cache[key]
        n = self.n
        made = self.out_commodity == upstream
        makers = set(self.out_process[made])
        label = self.network.processes[_ATTRIBUTES[attribute]]
        who = label.loc[self.out_process[made]].astype(str).to_numpy()
        origins = list(dict.fromkeys(who))
        s = np.zeros((n, max(len(origins), 1)))
        np.add.at(s, (self.out_hub[made], np.array([origins.index(x) for x in who], dtype=int)), self.out_qty[made])
        keep = ~np.isin(self.pass_process, list(makers))
        rows = np.concatenate([self.pass_rows[keep], self.route_rows])
        cols = np.concatenate([self.pass_cols[keep], self.route_cols])
        scale = np.divide(1.0, self.inflow, out=np.zeros(n), where=self.inflow > 0)
        vals = np.concatenate([self.pass_vals[keep], self.route_vals]) * scale[rows]
        s *= scale[:, None]
        e = _fixed_point(rows, cols, vals, s, upstream)
        e[np.abs(e) < 1e-15] = 0.0
        self._cache[key] = (e[:, : len(origins)], origins)
        return self._cache[key]


def _fixed_point(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, s: np.ndarray, upstream: str) -> np.ndarray:
    """Solve ``E = S + M E`` (M sparse, given by rows, cols, vals) by iteration.

    The iteration follows content one tier down the chain per sweep, so it converges in as many
    sweeps as the chain has tiers when there are no loops, and geometrically when loops lose
    material; a loop that loses nothing makes it diverge, which is reported.
    """
    e = s.copy()
    tol = 1e-13 * max(1.0, float(np.abs(s).max(initial=0.0)))
    for _ in range(10_000):
        new = s.copy()
        np.add.at(new, rows, vals[:, None] * e[cols])
        if not np.isfinite(new).all():
            break
        if np.abs(new - e).max(initial=0.0) <= tol:
            return new
        e = new
    raise NetworkError(
        f"cannot trace '{upstream}': the baseline flows contain a loop that loses no material; "
        "expected every loop to lose some"
    )


def trace_origins(network: Network, upstream: str, attribute: str = "region") -> pd.DataFrame:
    """Upstream content of every hub by origin: the ``E_h(X)`` of the module's method.

    Parameters
    ----------
    network
        The network (baseline activities, route flows and demand are used).
    upstream
        The commodity whose origin is traced (e.g. 'lithium_chem').
    attribute
        What an origin is: the 'region', 'owner' or 'technology' (origin) of the processes that
        make ``upstream``.

    Returns
    -------
    pandas.DataFrame
        Indexed by hub id, one column per origin: units of ``upstream`` from that origin carried
        by one unit of the hub's commodity (rows of hubs that carry none are zero).

    Raises
    ------
    NetworkError
        If ``upstream`` or ``attribute`` is unknown, or the chain's loops do not lose material
        (the system is singular).

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-battery")
    >>> e = trace_origins(net, "lithium_chem")
    >>> round(float(e.loc["DE:cam_nmc"].sum()), 6)  # 0.08 t LCE per t cathode
    0.08
    """
    if upstream not in network.commodities.index:
        raise NetworkError(f"unknown commodity '{upstream}'" + closest(upstream, network.commodities.index))
    if attribute not in _ATTRIBUTES:
        raise NetworkError(f"unknown attribute '{attribute}'; expected one of {', '.join(_ATTRIBUTES)}")
    return _Structure(network).trace(upstream, attribute)


def _use_by_hub(network: Network, rec: pd.DataFrame, dm: pd.DataFrame) -> pd.Series:
    ins = rec[rec["kind"] == "input"].groupby("hub")["quantity"].sum()
    return ins.add(dm.groupby("hub")["quantity"].sum(), fill_value=0.0)


def _rows(region: str, com: str, stage: str, unit: str, view: str, upstream: str) -> dict[str, str]:
    return {"region": region, "commodity": com, "stage": stage, "unit": unit, "view": view, "upstream": upstream}


def _share_rows(base: dict[str, str], shares: dict[str, float], label: str) -> list[dict[str, object]]:
    """Share, domestic share, HHI and top foreign origin rows for one view."""
    items = sorted(((o, v) for o, v in shares.items() if v > 1e-12), key=lambda kv: -kv[1])
    out: list[dict[str, object]] = [{**base, "origin": o, "metric": "share", "value": v} for o, v in items]
    out.append({**base, "origin": "", "metric": "domestic_share", "value": float(shares.get(label, 0.0))})
    out.append({**base, "origin": "", "metric": "hhi", "value": hhi([v for _, v in items])})
    foreign = [(o, v) for o, v in items if o != label]
    if foreign:
        out.append({**base, "origin": foreign[0][0], "metric": "top_origin", "value": foreign[0][1]})
    return out


def dependency(
    network: Network,
    region: str = "EU27",
    commodities: Iterable[str] | None = None,
    *,
    upstream: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Dependency of a region (or group) for every commodity it uses, in four views.

    Parameters
    ----------
    network
        The network; its baseline flows are analysed.
    region
        A region id, a group (e.g. 'EU27', 'OECD') or 'all'.
    commodities
        Commodities to report (default: every commodity the region uses); commodities the
        region does not use at baseline are skipped.
    upstream
        Commodities whose embedded origin is traced (default: every commodity). Embedded rows
        are given for each upstream commodity found in what the region uses.

    Returns
    -------
    pandas.DataFrame
        Tidy, one observation per row, with columns ``region``, ``commodity``, ``stage``,
        ``unit``, ``view`` ('direct', 'embedded', 'owner', 'technology'), ``upstream`` (the
        commodity whose origin a row describes: the commodity itself except in the embedded
        view), ``origin`` (a country, or the region or group itself for what it supplies
        itself), ``metric`` and ``value``. Metrics:

        - direct view: ``consumption``, ``production``, ``imports``, ``exports`` (in ``unit``
          per period), ``import_share``, ``share`` (of supply, per origin), ``domestic_share``,
          ``hhi`` (0-10,000 on the supply shares) and ``top_origin`` (largest foreign origin,
          value = its share);
        - embedded, owner and technology views: ``share`` per origin, ``domestic_share``,
          ``hhi`` and ``top_origin``; embedded rows also give ``content`` (units of the
          upstream commodity per unit of the commodity, origin empty).

    Raises
    ------
    NetworkError
        If the region or a commodity is unknown.

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-battery")
    >>> d = vc.dependency(net, "EU27", commodities=["cell_nmc"])
    >>> d[(d["view"] == "direct") & (d["metric"] == "hhi")]["value"].item()
    5000.0
    """
    commodities = None if commodities is None else tuple(commodities)
    upstream = None if upstream is None else tuple(upstream)
    memo = _REUSE.get()
    key = (id(network), region, commodities, upstream)
    if memo is not None and key in memo:
        return memo[key][1].copy()
    out = _dependency(network, region, commodities, upstream)
    if memo is not None:
        memo[key] = (network, out.copy())
    return out


def _dependency(
    network: Network, region: str, commodities: Iterable[str] | None, upstream: Iterable[str] | None
) -> pd.DataFrame:
    members = set(network.members(region))
    label = region
    com_table = network.commodities
    st = _Structure(network)
    rec, rt, dm = st.rec, st.rt, st.dm
    use = _use_by_hub(network, rec, dm)
    hub_region = {h: h.split(":", 1)[0] for h in network.hub_ids}
    hub_com = {h: h.split(":", 1)[1] for h in network.hub_ids}
    use = use[[hub_region[h] in members for h in use.index]]
    used = sorted(set(hub_com[h] for h in use.index[use > 0]), key=lambda c: list(com_table.index).index(c))
    if commodities is not None:
        wanted = list(commodities)
        for c in wanted:
            if c not in com_table.index:
                raise NetworkError(f"unknown commodity '{c}' in network '{network.name}'" + closest(c, com_table.index))
        used = [c for c in wanted if c in used]
    ups = list(com_table.index) if upstream is None else list(upstream)
    for c in ups:
        if c not in com_table.index:
            raise NetworkError(f"unknown commodity '{c}' in network '{network.name}'" + closest(c, com_table.index))

    def group(origins: list[str], values: np.ndarray, total: float) -> dict[str, float]:
        out: dict[str, float] = {}
        for o, v in zip(origins, values, strict=True):
            key = label if o in members else o
            out[key] = out.get(key, 0.0) + float(v) / total
        return out

    pos = {h: i for i, h in enumerate(st.hubs)}

    rows: list[dict[str, object]] = []
    for com in used:
        stage, unit = str(com_table.at[com, "stage"]), str(com_table.at[com, "unit"])
        hubs = [h for h in use.index if hub_com[h] == com]
        cons = use.loc[hubs]
        consumption = float(cons.sum())
        hub_idx = np.array([pos[h] for h in hubs], dtype=int)
        cons_vec = cons.to_numpy(dtype=float)
        outs = rec[(rec["kind"] == "output") & (rec["commodity"] == com) & rec["region"].isin(members)]
        production = float(outs["quantity"].sum())
        r = rt[rt["commodity"] == com]
        imp = r[r["destination"].isin(members) & ~r["origin"].isin(members)]
        exp = r[r["origin"].isin(members) & ~r["destination"].isin(members)]
        imports, exports = float(imp["flow"].sum()), float(exp["flow"].sum())
        base = _rows(label, com, stage, unit, "direct", com)
        for metric, v in (
            ("consumption", consumption),
            ("production", production),
            ("imports", imports),
            ("exports", exports),
        ):
            rows.append({**base, "origin": "", "metric": metric, "value": v})
        supply = imp.groupby("origin")["flow"].sum()
        supply[label] = max(production - exports, 0.0)
        rows.append(
            {**base, "origin": "", "metric": "import_share", "value": imports / max(imports + supply[label], 1e-300)}
        )
        total_supply = float(supply.sum())
        shares = {str(o): float(v) / total_supply for o, v in supply.items()} if total_supply > 0 else {}
        rows += _share_rows(base, shares, label)
        for view, attribute, ups_here in (
            ("owner", "owner", [com]),
            ("technology", "technology", [com]),
            ("embedded", "region", [u for u in ups if u != com]),
        ):
            for u in ups_here:
                e, origins = st.trace_array(u, attribute)
                content = cons_vec @ e[hub_idx]
                total = float(content.sum())
                if total <= 1e-12 * max(consumption, 1.0):
                    continue
                b = _rows(label, com, stage, unit, view, u)
                if view == "embedded":
                    rows.append({**b, "origin": "", "metric": "content", "value": total / consumption})
                rows += _share_rows(b, group(origins, content, total), label)
    return pd.DataFrame(rows, columns=COLUMNS)


def _num(x: object) -> float:
    return float(x)  # type: ignore[arg-type]


def summary(dep: pd.DataFrame) -> pd.DataFrame:
    """One row per commodity from a :func:`dependency` frame: the headline numbers.

    Returns
    -------
    pandas.DataFrame
        Indexed by commodity (upstream stages first), with ``stage``, ``unit``, ``consumption``,
        ``import_share``, ``domestic_share``, ``top_origin``, ``top_share``, ``hhi``,
        ``owner_top``, ``owner_top_share``, ``owner_domestic_share``.
    """
    out = []
    for com, g in dep.groupby("commodity", sort=False):
        d = g[g["view"] == "direct"].set_index("metric")
        o = g[g["view"] == "owner"]
        top = d.loc[["top_origin"]] if "top_origin" in d.index else None
        otop = o[o["metric"] == "top_origin"]
        odom = o.loc[o["metric"] == "domestic_share", "value"]
        out.append(
            {
                "commodity": com,
                "stage": g["stage"].iloc[0],
                "unit": g["unit"].iloc[0],
                "consumption": _num(d.at["consumption", "value"]),
                "import_share": _num(d.at["import_share", "value"]),
                "domestic_share": _num(d.at["domestic_share", "value"]),
                "top_origin": "" if top is None else str(top["origin"].iloc[0]),
                "top_share": 0.0 if top is None else float(top["value"].iloc[0]),
                "hhi": _num(d.at["hhi", "value"]),
                "owner_top": str(otop["origin"].iloc[0]) if len(otop) else "",
                "owner_top_share": float(otop["value"].iloc[0]) if len(otop) else 0.0,
                "owner_domestic_share": float(odom.iloc[0]) if len(odom) else float("nan"),
            }
        )
    res = pd.DataFrame(out).set_index("commodity")
    order = {s: i for i, s in enumerate(STAGE_ORDER)}
    return res.sort_values("stage", key=lambda s: s.map(lambda x: order.get(x, len(order))), kind="stable")
