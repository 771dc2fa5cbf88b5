"""The targets model solved with the sampled pipeline as given (:func:`plan_additions`).

The pipeline is taken at the quantile ``1 - target`` of its samples, project by project and year
by year (a project that delivers with probability at least ``target`` counts in full; one that
does not, not at all). A project that stands for a process of the network sets that process's
capacity in each year (a multiplier on its capacity, on top of the scenario's); any other
project becomes a process of its own, with the recipe of a process of its region making the same
commodity (a project with no such process is left out and listed). The study is then solved
(:func:`valuechain.opt.build` with those capacities, :func:`valuechain.opt.solve`): its expansion
options, the ones it builds, are what the pipeline lacks for the study's targets at least cost.

The targets model measures shares on its own flows and may run a plant at its full capacity,
while the Monte Carlo counts nameplate capacity at the completion model's utilisation against
consumption grown with demand; a plan that just meets a share in the model can therefore fall
short on the Monte Carlo's measure (``p_plan`` in :attr:`OutlookResult.after
<valuechain.analysis.outlook.OutlookResult>` says by how much).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from valuechain.analysis._outlook_eval import Evaluator
    from valuechain.opt import Study


def _with_projects(model: Evaluator, projects: pd.DataFrame, given: np.ndarray) -> tuple[Any, list[str], list[str]]:
    """The network with unmapped projects as processes; their process ids, and projects left out."""
    from valuechain.network.model import Network

    net = model.network
    procs, rec = net.processes, net.recipes
    out = rec[rec["kind"] == "output"]
    ids: list[str] = []
    left: list[str] = []
    new_p: list[dict[str, Any]] = []
    new_r: list[pd.DataFrame] = []
    for i, (pid, r) in enumerate(projects.iterrows()):
        proc = r["process"] if isinstance(r["process"], str) else ""
        if proc in procs.index and float(procs["capacity"].get(proc, 0.0)) > 0:
            ids.append(proc)
            continue
        peak = float(given[i].max())
        makers = out.loc[out["commodity"] == r["commodity"], "process"]
        same = [p for p in makers if p in procs.index and procs.at[p, "region"] == r["region"]]
        if peak <= 0 or not same:
            ids.append("")
            if peak > 0:
                left.append(str(pid))
            continue
        new_id = f"project-{pid}"
        row = procs.loc[same[0]].to_dict()
        row.update(id=new_id, name=str(r["name"]), capacity=peak, baseline_activity=0.0,
                   owner=str(r["owner"]), technology_origin=str(r["technology_origin"]))  # fmt: skip
        new_p.append(row)
        new_r.append(rec[rec["process"] == same[0]].assign(process=new_id))
        ids.append(new_id)
    if not new_p:
        return net, ids, left
    tables = {t: f.reset_index() if f.index.name == "id" else f for t, f in net.tables.items()}
    tables["processes"] = pd.concat([tables["processes"], pd.DataFrame(new_p)], ignore_index=True)
    tables["recipes"] = pd.concat([tables["recipes"], *new_r], ignore_index=True)
    tables = {t: f for t, f in tables.items() if len(f.columns)}
    full = Network.from_frames(net.name, tables, year=net.year, period=net.period, units=dict(net.units),
                               description=net.description, path=net.path, check_balance=False)  # fmt: skip
    return full, ids, left


def plan_additions(
    model: Evaluator, given: np.ndarray, projects: pd.DataFrame, study: Study, target: float
) -> tuple[pd.DataFrame, np.ndarray, float, list[str]]:
    """Solve the study with the pipeline at its ``1 - target`` quantile as given.

    ``given`` is each project's capacity in each of the model's years at that quantile, (P, Y)
    (:func:`valuechain.analysis._outlook_chunks.capacity_quantile`). Returns the expansion
    options built (``expansion``, ``region``, ``in_region``, ``capacity`` available in the last
    year, ``outputs``), the capacity they add to each share in the last year, the plan's
    objective and the projects left out.
    """
    from valuechain.opt import build, extract, solve

    net, ids, left = _with_projects(model, projects, given)
    shocks = study.shock_arrays(net)
    years = np.asarray(shocks.periods.year)
    pos = {p: j for j, p in enumerate(net.processes.index)}
    cap = net.processes["capacity"].to_numpy(float)
    mult = np.asarray(shocks.process_capacity, float).copy()
    for i, proc in enumerate(ids):
        if not proc:
            continue
        j = pos[proc]
        by_year = given[i, np.searchsorted(model.years, np.clip(years, model.years[0], model.years[-1]))]
        mult[:, :, j] *= (by_year / cap[j])[None, :]
    from dataclasses import replace

    shocks = replace(shocks, process_capacity=mult)
    opts = {k: v for k, v in dict(study.solver).items() if k in ("time_limit", "threads")}
    m = build(net, study, shocks=shocks)
    solve(m, **opts)
    plan = extract(m)
    ex = plan.expansions
    last = ex.index.get_level_values(0).max() if len(ex) else None
    avail = ex.xs(last, level=0)["available"] if len(ex) else pd.Series(dtype=float)
    avail = avail[avail > 1e-9]
    rec = net.recipes[net.recipes["kind"] == "output"]
    ins = net.recipes[net.recipes["kind"] == "input"]
    exps = net.expansions
    add = np.zeros(len(model.groups))
    rows = []
    for e, q in avail.items():
        outs = rec[rec["process"] == e]
        uses = set(ins.loc[ins["process"] == e, "commodity"])
        inside = exps.at[e, "region"] in model.members
        if inside:
            for g, grp in enumerate(model.groups):
                if grp.via and not uses.intersection(grp.via):
                    continue
                add[g] += float(q) * float(outs.loc[outs["commodity"].isin(grp.commodities), "coefficient"].sum())
        rows.append(
            {
                "expansion": str(e),
                "region": str(exps.at[e, "region"]),
                "in_region": bool(inside),
                "capacity": float(q),
                "outputs": "; ".join(
                    f"{c} {float(q) * float(k):,.6g}"
                    for c, k in zip(outs["commodity"], outs["coefficient"], strict=True)
                ),
            }
        )
    cols = ["expansion", "region", "in_region", "capacity", "outputs"]
    return pd.DataFrame(rows, columns=cols), add, float(plan.objective), left
