"""A networkx view of a network: hubs and processes as nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from valuechain.network.validate import hub_id

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = ["to_graph"]


def to_graph(network: Network) -> nx.MultiDiGraph:
    """Build the graph view of ``network``.

    Nodes are hubs (labelled ``"REGION:COMMODITY"``, ``kind="hub"``) and processes (labelled by
    their id, ``kind="process"``). Edges run hub -> process for inputs and process -> hub for
    outputs (``kind="input"/"output"``, ``coefficient``), and hub -> hub for routes (``kind="route"``,
    keyed by route id, with the route's fields as attributes).

    Returns
    -------
    networkx.MultiDiGraph
    """
    g = nx.MultiDiGraph(name=network.name)
    stage = network.commodities["stage"]
    for r, c, stock in zip(
        network.hubs["region"], network.hubs["commodity"], network.hubs["initial_stock"], strict=True
    ):
        g.add_node(hub_id(r, c), kind="hub", region=r, commodity=c, stage=stage[c], initial_stock=float(stock))
    for pid, row in network.processes.iterrows():
        g.add_node(
            pid,
            kind="process",
            region=row["region"],
            capacity=float(row["capacity"]),
            owner=row["owner"],
            technology_origin=row["technology_origin"],
        )
    procs = network.processes
    rec = network.recipes[network.recipes["process"].isin(procs.index)]
    for pid, com, kind, coef in zip(rec["process"], rec["commodity"], rec["kind"], rec["coefficient"], strict=True):
        h = hub_id(str(procs.at[pid, "region"]), com)
        if kind == "input":
            g.add_edge(h, pid, key=f"in:{com}", kind="input", coefficient=float(coef))
        else:
            g.add_edge(pid, h, key=f"out:{com}", kind="output", coefficient=float(coef))
    routes = network.routes
    for rid, rec_ in zip(routes.index, routes.to_dict("records"), strict=True):
        attrs = {str(k): v for k, v in rec_.items()}
        attrs.pop("kind", None)
        g.add_edge(
            hub_id(str(attrs["origin"]), str(attrs["commodity"])),
            hub_id(str(attrs["destination"]), str(attrs["commodity"])),
            key=rid,
            kind="route",
            **attrs,
        )
    return g
