"""Sankey diagrams of the flows through a network, by stage and region."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.network.validate import baseline_activity

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = [
    "GROUPS",
    "commodity_weights",
    "flow_links",
    "flow_sankey",
    "region_groups",
    "stage_sankey",
    "supply_links",
]

#: Regions shown on their own in the stage Sankey (a group's id stands for its members); the rest
#: are 'Rest of world'.
GROUPS = ("CN", "EU27", "KR", "JP", "US")
_OTHER = "Rest of world"

_STAGE_ORDER = [
    "mining",
    "intermediate",
    "refining",
    "precursor",
    "active material",
    "component",
    "cell",
    "pack",
    "demand",
    "end-of-life",
    "black mass",
    "recovered",
    "product",
]


def commodity_weights(network: Network, basis: str = "auto") -> tuple[pd.Series, str]:
    """Weights that put every commodity's flows on one scale, and the scale's unit.

    Parameters
    ----------
    network
        The network.
    basis
        ``"value"``: the commodity's value per unit (needs ``commodities.value`` for every
        commodity); ``"cell-equivalent"``: GWh of cells the flow supports at the baseline
        intensity (the commodity's baseline production per GWh of cells produced);
        ``"physical"``: 1 (mixed units); ``"auto"``: value when every commodity has one, else
        cell-equivalent.

    Returns
    -------
    (pandas.Series, str)
        Weight per commodity id and the unit of weighted flows.
    """
    com = network.commodities
    if basis == "auto":
        basis = "value" if com["value"].notna().all() else "cell-equivalent"
    if basis == "value":
        return com["value"].fillna(0.0), network.units.get("currency", "value")
    if basis == "physical":
        return pd.Series(1.0, index=com.index), "mixed units"
    if basis != "cell-equivalent":
        raise ValueError(f"unknown basis {basis!r}; expected auto, value, cell-equivalent or physical")
    from valuechain.network.summary import commodity_totals

    tot = commodity_totals(network)
    cells = tot.loc[tot["stage"] == "cell", "production"].sum()
    per_cell = tot["production"].where(tot["production"] > 0, tot["demand"]) / cells if cells > 0 else tot["production"]
    w = (1.0 / per_cell).replace([np.inf, -np.inf], 0.0).fillna(0.0)
    w[tot["stage"] == "cell"] = 1.0
    return w, "GWh of cells (equivalent)"


def _bucket(regions: pd.Index, throughput: pd.Series, network: Network, n: int) -> dict[str, str]:
    keep = set(throughput.sort_values(ascending=False).index[:n])
    eu = set(network.groups.get("EU27", []))
    return {r: r if r in keep else ("EU (other)" if r in eu else "Other") for r in regions}


def region_groups(network: Network, groups: tuple[str, ...] = GROUPS) -> dict[str, str]:
    """Name of the group each region is drawn in: China, EU27, South Korea, ..., or 'Rest of world'.

    Examples
    --------
    >>> import valuechain as vc
    >>> g = region_groups(vc.load_network("global-li-ion-2024"))
    >>> g["CN"], g["DE"], g["EU-other"], g["RoW"], g["CL"]
    ('China', 'EU27', 'EU27', 'Rest of world', 'Rest of world')
    """
    out = dict.fromkeys(network.regions.index.astype(str), _OTHER)
    for g in reversed(groups):
        if g in network.groups:
            for r in network.members(g):
                out[str(r)] = g
        elif g in network.regions.index:
            out[g] = str(network.regions.at[g, "name"] or g)
    return out


def flow_links(
    network: Network,
    activity: pd.Series | None = None,
    route_flow: pd.Series | None = None,
    served: pd.Series | None = None,
    *,
    expansion_activity: pd.Series | None = None,
    basis: str = "auto",
    regions: int = 8,
    group: dict[str, str] | None = None,
    by: str = "commodity",
) -> tuple[pd.DataFrame, str]:
    """Links of the flow Sankey: (source, target, value) between stage-region nodes.

    Parameters
    ----------
    network
        The network.
    activity
        Activity per process id (default: the baseline activity).
    route_flow
        Flow per route id (default: the baseline flows).
    served
        Served demand per demand hub id (default: the demand quantity).
    expansion_activity
        Activity of new capacity per expansion id (default: none). Expansions run their own
        recipes (``recipes`` rows under the expansion's id) in the expansion's region, so a
        plan's new plants appear beside the existing ones.
    basis
        See :func:`commodity_weights`.
    regions
        Number of regions shown by name; the others are grouped as 'EU (other)' and 'Other'.
    group
        Node name of each region (e.g. :func:`region_groups`), replacing ``regions``.
    by
        ``"commodity"``: a node per commodity and region; ``"stage"``: per stage and region (the
        commodities of a stage merged).

    Returns
    -------
    (pandas.DataFrame, str)
        Links with columns ``source``, ``target``, ``value``, ``stage``; and the unit of ``value``.
    """
    w, unit = commodity_weights(network, basis)
    act, region, rec = _activities(network, activity, expansion_activity)
    r = rec.assign(
        region=region.loc[rec["process"]].to_numpy(),
        q=rec["coefficient"].to_numpy() * act.loc[rec["process"]].to_numpy(),
    )
    r["v"] = r["q"] * w.loc[r["commodity"]].to_numpy()
    throughput = r.groupby("region")["v"].sum()
    bucket = _bucket(network.regions.index, throughput, network, regions) if group is None else group
    stage = network.commodities["stage"]
    if by == "stage":
        name = stage.astype(str).str.capitalize()
    else:
        name = network.commodities["name"].where(
            network.commodities["name"] != "", network.commodities.index.to_series()
        )

    def node(region: str, commodity: str) -> str:
        return f"{name[commodity]} · {bucket[region]}"

    # each input of a process feeds each of its outputs in proportion to the output's value
    r["node"] = [node(g, c) for g, c in zip(r["region"], r["commodity"], strict=True)]
    outs = r[r["kind"] == "output"][["process", "node", "commodity", "v"]]
    total_out = outs.groupby("process")["v"].transform("sum")
    outs = outs.assign(share=(outs["v"] / total_out.where(total_out > 0)).fillna(0.0))
    ins = r[r["kind"] == "input"][["process", "node", "v"]]
    pairs = ins.merge(outs, on="process", suffixes=("_in", "_out"))
    pairs = pairs[pairs["share"] > 0]
    links: list[tuple[str, str, float, str]] = list(
        zip(
            pairs["node_in"],
            pairs["node_out"],
            (pairs["v_in"] * pairs["share"]).astype(float),
            stage.loc[pairs["commodity"]].astype(str),
            strict=True,
        )
    )
    routes = network.routes
    flow = routes["baseline_flow"] if route_flow is None else route_flow.reindex(routes.index).fillna(0.0)
    for o_, d_, c_, f_ in zip(routes["origin"], routes["destination"], routes["commodity"], flow, strict=True):
        a, b = node(o_, c_), node(d_, c_)
        if a != b:
            links.append((a, b, float(f_) * float(w[c_]), stage[c_]))
    dem = network.demand
    for reg, com, q in zip(dem["region"], dem["commodity"], dem["quantity"], strict=True):
        hub = f"{reg}:{com}"
        qty = float(q) if served is None else float(served.get(hub, 0.0))
        links.append((node(reg, com), f"Demand · {bucket[reg]}", qty * float(w[com]), "demand"))
    frame = pd.DataFrame(links, columns=["source", "target", "value", "stage"])
    frame = frame[frame["source"] != frame["target"]]
    out = frame[frame["value"] > 0].groupby(["source", "target", "stage"])["value"].sum().reset_index()
    return out, unit


def flow_sankey(
    network: Network,
    activity: pd.Series | None = None,
    route_flow: pd.Series | None = None,
    served: pd.Series | None = None,
    *,
    expansion_activity: pd.Series | None = None,
    basis: str = "auto",
    regions: int = 8,
    title: str | None = None,
) -> Any:
    """A plotly Sankey of the flows by stage and region (baseline flows by default).

    Parameters are those of :func:`flow_links`. Returns a ``plotly.graph_objects.Figure``.
    """
    import plotly.graph_objects as go

    links, unit = flow_links(
        network, activity, route_flow, served, expansion_activity=expansion_activity, basis=basis, regions=regions
    )
    labels = pd.Index(pd.unique(pd.concat([links["source"], links["target"]])))
    palette = [
        "#4c72b0",
        "#dd8452",
        "#55a868",
        "#c44e52",
        "#8172b3",
        "#937860",
        "#da8bc3",
        "#8c8c8c",
        "#ccb974",
        "#64b5cd",
    ]
    color = {s: palette[i % len(palette)] for i, s in enumerate(_STAGE_ORDER)}
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": list(labels), "pad": 12, "thickness": 14},
            link={
                "source": labels.get_indexer(links["source"]).tolist(),
                "target": labels.get_indexer(links["target"]).tolist(),
                "value": links["value"].tolist(),
                "color": [color.get(s, "#999999") + "80" for s in links["stage"]],
            },
            valueformat=",.3s",
            valuesuffix=f" {unit}",
        )
    )
    fig.update_layout(title=title or f"Flows through {network.name} ({unit})", height=650, font={"size": 11})
    return fig


_GROUP_COLOR = {
    "China": "#c44e52",
    "EU27": "#4c72b0",
    "South Korea": "#55a868",
    "Japan": "#8172b3",
    "United States": "#dd8452",
    _OTHER: "#8c8c8c",
}


#: Column of each stage in the stage Sankey (0 left, 1 right): recycling feeds refining from the left.
_COLUMN = {
    "Mining": 0.0,
    "End-of-life batteries": 0.0,
    "Black mass": 0.13,
    "Refining": 0.26,
    "Precursor": 0.4,
    "Active material": 0.54,
    "Component": 0.54,
    "Cell": 0.69,
    "Pack": 0.84,
    "Demand": 1.0,
}
_ORDER = ["China", "EU27", "South Korea", "Japan", "United States", _OTHER]


def _positions(labels: pd.Index, through: pd.Series) -> tuple[list[float], list[float]]:
    """Node positions: a column per stage, groups stacked in a fixed order within a column.

    Unknown stages (a commodity's own name in its detail view) go in the left column; each node
    takes room in proportion to its flow.
    """
    col = [_COLUMN.get(str(lab).rsplit(" · ", 1)[0], 0.0) for lab in labels]
    frame = pd.DataFrame(
        {
            "x": col,
            "g": [_ORDER.index(g) if g in _ORDER else 9 for g in (str(lab).rsplit(" · ", 1)[-1] for lab in labels)],
            "v": [float(through.get(lab, 0.0)) for lab in labels],
        },
        index=labels,
    )
    scale = float(frame.groupby("x")["v"].sum().max()) or 1.0
    y: dict[str, float] = {}
    for _, part in frame.groupby("x"):
        part = part.sort_values(["g", "v"])
        room = 0.9 * part["v"] / scale
        gap = (1.0 - float(room.sum())) / (len(part) + 1)
        top = gap
        for lab, h in room.items():
            y[str(lab)] = min(max(top + float(h) / 2, 0.01), 0.99)
            top += float(h) + gap
    return [min(max(v, 0.001), 0.999) for v in col], [y.get(str(lab), 0.5) for lab in labels]


def _trace(links: pd.DataFrame, currency: str, visible: bool) -> Any:
    import plotly.graph_objects as go

    from valuechain.report.fmt import money

    labels = pd.Index(pd.unique(pd.concat([links["source"], links["target"]])))
    through = pd.concat([links.groupby("source")["value"].sum(), links.groupby("target")["value"].sum()], axis=1).max(
        axis=1
    )
    groups = [str(lab).rsplit(" · ", 1)[-1] for lab in labels]
    x, y = _positions(labels, through)
    return go.Sankey(
        visible=visible,
        arrangement="snap",
        node={
            "label": list(labels),
            "x": x,
            "y": y,
            "pad": 8,
            "thickness": 16,
            "color": [_GROUP_COLOR.get(g, "#8c8c8c") for g in groups],
            "customdata": [money(float(through.get(lab, 0.0)), currency) for lab in labels],
            "hovertemplate": "%{label}: %{customdata} a year<extra></extra>",
        },
        link={
            "source": labels.get_indexer(links["source"]).tolist(),
            "target": labels.get_indexer(links["target"]).tolist(),
            "value": links["value"].tolist(),
            "color": [_GROUP_COLOR.get(str(s).rsplit(" · ", 1)[-1], "#8c8c8c") + "55" for s in links["source"]],
            "customdata": [money(float(v), currency) for v in links["value"]],
            "hovertemplate": "%{source.label} → %{target.label}: %{customdata} a year<extra></extra>",
        },
    )


def _merge_small(links: pd.DataFrame, share: float) -> pd.DataFrame:
    """Fold each node carrying less than ``share`` of its stage's flow into that stage's rest of world."""
    through = pd.concat([links.groupby("source")["value"].sum(), links.groupby("target")["value"].sum()], axis=1).max(
        axis=1
    )
    stage = through.index.str.rsplit(" · ", n=1).str[0]
    total = through.groupby(stage).transform("sum")
    small = through.index[(through < share * total).to_numpy()]
    rename = {n: f"{n.rsplit(' · ', 1)[0]} · {_OTHER}" for n in small}
    out = links.assign(source=links["source"].replace(rename), target=links["target"].replace(rename))
    out = out[out["source"] != out["target"]]
    return pd.DataFrame(out.groupby(["source", "target", "commodity"], as_index=False)["value"].sum())


_STAGE_NAME = {"end-of-life": "End-of-life batteries", "black mass": "Black mass"}


def _stage(stage: str) -> str:
    return _STAGE_NAME.get(stage, stage.capitalize())


def supply_links(
    network: Network,
    activity: pd.Series | None = None,
    route_flow: pd.Series | None = None,
    served: pd.Series | None = None,
    *,
    expansion_activity: pd.Series | None = None,
    group: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Value links from where each commodity is made to the stage and group that uses it.

    Every input of a plant, and every final demand, is split over the groups that supply its
    group (the group's own production kept at home plus its imports by group of origin, in
    proportion), so trade appears as links from one group's stage to another group's next
    stage and no link stays inside a stage.

    Returns
    -------
    pandas.DataFrame
        Columns ``source`` (``"<stage> · <group>"`` where the commodity is made), ``target``
        (the using plant's output stage and group, or ``"Demand · <group>"``), ``commodity``
        and ``value`` (the network's currency a year).
    """
    w, _ = commodity_weights(network, "value")
    group = region_groups(network) if group is None else group
    act, region, rec = _activities(network, activity, expansion_activity)
    r = rec.assign(
        g=region.loc[rec["process"]].map(group).to_numpy(),
        q=rec["coefficient"].to_numpy() * act.loc[rec["process"]].to_numpy(),
    )
    stage = network.commodities["stage"].astype(str)
    made = r[r["kind"] == "output"].groupby(["commodity", "g"])["q"].sum()
    routes = network.routes
    flow = routes["baseline_flow"] if route_flow is None else route_flow.reindex(routes.index).fillna(0.0)
    tr = pd.DataFrame(
        {
            "commodity": routes["commodity"].to_numpy(),
            "o": routes["origin"].map(group).to_numpy(),
            "d": routes["destination"].map(group).to_numpy(),
            "f": flow.to_numpy(dtype=float),
        }
    )
    tr = tr[(tr["o"] != tr["d"]) & (tr["f"] > 0)]
    # (plain dicts: this runs once per plant input and demand row, where pandas lookups dominate)
    made_q: dict[Any, float] = made.to_dict()
    exported: dict[Any, float] = tr.groupby(["commodity", "o"])["f"].sum().to_dict()
    imported: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for key, f in tr.groupby(["commodity", "d", "o"])["f"].sum().items():
        c, d, o = (str(k) for k in key)  # type: ignore[attr-defined]
        imported.setdefault((c, d), []).append((o, float(f)))

    def mix(c: str, g: str) -> dict[str, float]:
        own = max(float(made_q.get((c, g), 0.0)) - float(exported.get((c, g), 0.0)), 0.0)
        sup = {g: own}
        for o, f in imported.get((c, g), ()):
            sup[o] = sup.get(o, 0.0) + f
        tot = sum(sup.values())
        return {o: v / tot for o, v in sup.items() if v > 0} if tot > 0 else {g: 1.0}

    # each input of a plant feeds its outputs' stage; a plant with outputs of two stages splits by value
    outs = r[r["kind"] == "output"].assign(v=lambda x: x["q"] * w.loc[x["commodity"]].to_numpy())
    out_stage = outs.assign(s=stage.loc[outs["commodity"]].map(_stage).to_numpy())
    share = out_stage.groupby(["process", "s"])["v"].sum()
    share = share / share.groupby(level=0).transform("sum")
    feeds: dict[str, list[tuple[str, float]]] = {}
    for key, frac in share.items():
        pid, s_out = (str(k) for k in key)  # type: ignore[attr-defined]
        feeds.setdefault(pid, []).append((s_out, float(frac)))
    uses: list[tuple[str, str, str, float]] = []  # (commodity, using group, target node, quantity)
    ins = r[r["kind"] == "input"]
    for key, q in ins.groupby(["process", "commodity", "g"])["q"].sum().items():
        pid, used, grp = (str(k) for k in key)  # type: ignore[attr-defined]
        if q <= 0 or pid not in feeds:
            continue
        for s_out, frac in feeds[pid]:
            uses.append((used, grp, f"{s_out} · {grp}", float(q) * frac))
    dem = network.demand
    for reg, com, qty in zip(dem["region"], dem["commodity"], dem["quantity"], strict=True):
        hub = f"{reg}:{com}"
        q = float(qty) if served is None else float(served.get(hub, 0.0))
        uses.append((str(com), group[str(reg)], f"Demand · {group[str(reg)]}", q))
    links: list[tuple[str, str, str, float]] = []
    cache: dict[tuple[str, str], dict[str, float]] = {}
    stage_of = {str(c): _stage(str(v)) for c, v in stage.items()}
    weight = {str(c): float(v) for c, v in w.items()}
    for c, g, target, q in uses:
        m = cache.get((c, g))
        if m is None:
            m = cache[(c, g)] = mix(c, g)
        for o, frac in m.items():
            links.append((f"{stage_of[c]} · {o}", target, c, q * frac * weight[c]))
    frame = pd.DataFrame(links, columns=["source", "target", "commodity", "value"])
    frame = frame[(frame["value"] > 0) & (frame["source"] != frame["target"])]
    return pd.DataFrame(frame.groupby(["source", "target", "commodity"], as_index=False)["value"].sum())


def stage_sankey(
    network: Network,
    activity: pd.Series | None = None,
    route_flow: pd.Series | None = None,
    served: pd.Series | None = None,
    *,
    expansion_activity: pd.Series | None = None,
    title: str = "",
    max_detail: int = 30,
) -> tuple[Any, int]:
    """A Sankey by stage and region group, with one view per commodity chosen from a menu.

    The first view has a node per stage and group (China, EU27, South Korea, Japan, United
    States, rest of world; groups under 4 % of a stage folded into the rest of world: at most
    about 40 nodes), links from where a commodity is made to the stage and group that uses it
    (:func:`supply_links`). Each other view shows one commodity: where it is made and which
    stage and group uses it. Flows are valued at the commodity's value per unit (the network's
    currency a year). Production scrap sent back to recycling (a link against the stages' order,
    a small fraction of the flows) is not drawn.

    Parameters
    ----------
    network, activity, route_flow, served, expansion_activity
        As for :func:`flow_links`.
    title
        Title of the chart.
    max_detail
        Most commodities offered in the menu (the largest by value).

    Returns
    -------
    (plotly.graph_objects.Figure, int)
        The figure and the number of nodes of its first view.
    """
    import plotly.graph_objects as go

    from valuechain.report.fmt import commodity

    cur = network.units.get("currency", "")
    links = supply_links(network, activity, route_flow, served, expansion_activity=expansion_activity)
    # production scrap sent back to recycling runs against the stages' order: left out of the chart
    src_col = links["source"].str.rsplit(" · ", n=1).str[0].map(_COLUMN).fillna(0.0)
    tgt_col = links["target"].str.rsplit(" · ", n=1).str[0].map(_COLUMN).fillna(1.0)
    back = tgt_col <= src_col
    links = links[~back]
    main = _merge_small(links, 0.04)
    fig = go.Figure([_trace(main, cur, True)])
    com = network.commodities
    size = links.groupby("commodity")["value"].sum()
    order = [c for c in com.index if c in set(size.sort_values(ascending=False).index[:max_detail])]
    for c in order:  # upstream first, as in the network
        sub = links[links["commodity"] == c]
        name = commodity(network, str(c), with_unit=False, short=True)
        sub = sub.assign(source=name + " · " + sub["source"].str.rsplit(" · ", n=1).str[-1])
        fig.add_trace(_trace(sub, cur, False))
    n = len(fig.data)
    buttons = [{"label": "All stages", "method": "update", "args": [{"visible": [i == 0 for i in range(n)]}]}]
    buttons += [
        {"label": commodity(network, c), "method": "update", "args": [{"visible": [i == k for i in range(n)]}]}
        for k, c in enumerate(order, start=1)
    ]
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}},
        height=720,
        font={"size": 12},
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        updatemenus=[
            {"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.1, "yanchor": "top"}
        ],
    )
    nodes = len(pd.unique(pd.concat([main["source"], main["target"]])))
    return fig, nodes


def _activities(
    network: Network, activity: pd.Series | None, expansion_activity: pd.Series | None
) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Activity and region of every process (and built expansion), and the recipe rows they run."""
    procs = network.processes
    act = baseline_activity(procs) if activity is None else activity.reindex(procs.index).fillna(0.0)
    region = procs["region"]
    if expansion_activity is not None and len(network.expansions):
        xact = expansion_activity.reindex(network.expansions.index).fillna(0.0)
        act = pd.concat([act, xact[xact > 0]])
        region = pd.concat([region, network.expansions.loc[xact[xact > 0].index, "region"]])
    rec = network.recipes
    return act, region, rec[rec["process"].isin(act.index)]
