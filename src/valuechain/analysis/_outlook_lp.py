"""The least-cost additions of :func:`valuechain.analysis.outlook.outlook`, solved with HiGHS.

Columns: new capacity of each expansion option of the region that every scenario allows and
that is ready by the last year (decided in the first year, ready after its lead time), in units
of activity a year, bounded by its maximum size; plus one slack per share, priced far above any
option, so that a share no option can make is reported as short instead of infeasible. Rows: for
each share with a need, the options' output of its commodities (only options consuming its
``via`` commodities for recycling) is at least the need. Cost per unit a year: capex times the
capital recovery factor at the study's discount rate over the option's lifetime, plus variable
cost at the utilisation of new capacity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain.errors import SolverError

if TYPE_CHECKING:
    from valuechain.analysis._outlook_eval import Evaluator
    from valuechain.opt import Study

_SLACK_COST = 1e15


def _crf(rate: float, life: float) -> float:
    """The capital recovery factor of :mod:`valuechain.opt`; 1 (all paid at once) for no lifetime."""
    from valuechain.opt._annuity import crf

    return crf(rate, life) if life > 0 else 1.0


def solve_additions(model: Evaluator, need: np.ndarray, study: Study) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Solve the additions LP; returns (built options by commodity, capacity added per share, short per share)."""
    import highspy

    from valuechain.opt._highs import check, new_highs, run

    net = model.network
    exps, rec = net.expansions, net.recipes
    years = model.years
    span = float(years[-1] - years[0])
    ok = exps["region"].isin(model.members).to_numpy() & model.allowed
    ok &= exps["lead_time"].fillna(0.0).to_numpy(float) <= span + 1e-9
    cand = exps[ok]
    out = rec[(rec["kind"] == "output") & rec["process"].isin(cand.index)]
    inp = rec[(rec["kind"] == "input") & rec["process"].isin(cand.index)]
    groups = model.groups
    n_g, n_e = len(groups), len(cand)
    # yield[g, e]: output of option e counted by share g per unit of capacity
    yld = np.zeros((n_g, n_e))
    made: dict[str, list[tuple[str, float]]] = {}
    for p, c, k in zip(out["process"], out["commodity"], out["coefficient"], strict=True):
        made.setdefault(str(p), []).append((str(c), float(k)))
    used: dict[str, set[str]] = {}
    for p, c in zip(inp["process"], inp["commodity"], strict=True):
        used.setdefault(str(p), set()).add(str(c))
    for j, e in enumerate(cand.index):
        mine, uses = made.get(str(e), []), used.get(str(e), set())
        for g, grp in enumerate(groups):
            if grp.via and not uses.intersection(grp.via):
                continue
            yld[g, j] = sum(k for c, k in mine if c in grp.commodities)
    util = model.new_utilisation
    cost = np.array(
        [
            float(cx) * _crf(study.discount_rate, float(life)) + util * float(vc)
            for cx, life, vc in zip(cand["capex"], cand["lifetime"], cand["variable_cost"], strict=True)
        ]
    )
    cost = np.nan_to_num(cost, nan=0.0)
    ub = np.nan_to_num(cand["max_size"].to_numpy(float), nan=highspy.kHighsInf)
    rows = np.flatnonzero(need > 0)
    empty = pd.DataFrame(columns=["expansion", "region", "commodity", "capacity", "outputs", "cost_per_year"])
    if rows.size == 0:
        return empty, np.zeros(n_g), np.zeros(n_g)
    h = new_highs()
    inf = highspy.kHighsInf
    n_cols = n_e + rows.size
    lb = np.zeros(n_cols)
    ubs = np.concatenate([ub, np.full(rows.size, inf)])
    costs = np.concatenate([cost, np.full(rows.size, _SLACK_COST)])
    check(h.addVars(n_cols, lb, ubs), "the additions' columns")
    check(h.changeColsCost(n_cols, np.arange(n_cols, dtype=np.int32), costs), "the additions' costs")
    for k, gi in enumerate(rows.tolist()):
        idx = np.flatnonzero(yld[gi] > 0)
        cols = np.concatenate([idx, [n_e + k]]).astype(np.int32)
        vals = np.concatenate([yld[gi, idx], [1.0]])
        check(h.addRow(float(need[gi]), inf, cols.size, cols, vals), f"the additions' row for {groups[gi].benchmark}")
    run(h, 1, "the least-cost additions")
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise SolverError(
            f"HiGHS did not solve the additions to optimality ({h.modelStatusToString(h.getModelStatus())})"
        )
    x = np.asarray(h.getSolution().col_value, dtype=float)
    build, slack = x[:n_e], x[n_e:]
    added = yld @ build
    short = np.zeros(n_g)
    short[rows] = slack * np.maximum(util, 1e-12)
    counted = {c for grp in groups for c in grp.commodities}
    recs = []
    for j, e in enumerate(cand.index):
        if build[j] <= 1e-9:
            continue
        outs = made.get(str(e), [])
        main = [c for c, _ in outs if c in counted] or [outs[0][0]]
        recs.append(
            {
                "expansion": str(e),
                "region": str(cand.at[e, "region"]),
                "commodity": "; ".join(main),
                "capacity": float(build[j]),
                "outputs": "; ".join(f"{c} {build[j] * k:,.6g}" for c, k in outs),
                "cost_per_year": float(build[j] * cost[j]),
            }
        )
    table = pd.DataFrame(recs, columns=empty.columns) if recs else empty
    return table.sort_values("cost_per_year", ascending=False, kind="stable"), added, short
