"""Say why a study is infeasible: demand no supply can reach, and every set of policies in conflict.

Three questions, each answered by solving variants of the study's model:

1. With every demand optional and no hard policy, what is the least demand that must go unmet?
   Demand that is unmet there cannot be served whatever the policies (no supply reaches its hub).
2. Which hard policies conflict? A deletion filter over the hard policies keeps a policy only if
   the study becomes feasible without it, which leaves a set in which every policy is needed for
   the infeasibility (each could hold without the others); the filter runs again on the policies
   left until they are feasible together, so every conflict is found, not only the first.
3. With those policies relaxed at the study's policy penalty, how far does each bend?
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from valuechain.opt.model import Model
    from valuechain.opt.policies import Policy
    from valuechain.opt.study import Study

__all__ = ["diagnose"]

_TOL = 1e-7


def _solve(model: Model) -> bool:
    """Solve a diagnostic variant; whether it is feasible (a solution of any quality will do)."""
    from valuechain.opt.solver import Termination, solve

    result = solve(model, mip_gap=1.0, allow_nonoptimal=True, duals=False)
    return result.termination not in (Termination.INFEASIBLE, Termination.INFEASIBLE_OR_UNBOUNDED)


def _variant(model: Model, study: Study) -> Model:
    from valuechain.opt.formulation import build

    return build(model.network, study, shocks=model.shocks)


def _unservable(model: Model, policies: tuple[Policy, ...]) -> list[str] | None:
    """Demand that cannot be served with ``policies`` in force (``None``: infeasible even so)."""
    m = _variant(model, model.study.replace(allow_unmet=True, policies=policies))
    for name in m.lp.var_blocks:
        m.update_cost(name, 0.0)
    m.update_cost("unmet", 1.0)  # least total unmet demand, whatever it would cost to serve
    if not _solve(m) or m.values is None:
        return None
    blk = m.lp.var_blocks["unmet"]
    unmet = m.values[blk.offset : blk.offset + blk.size].reshape(blk.shape)
    dem = model.network.demand
    units = model.network.commodities["unit"]
    out = []
    for d in range(blk.shape[2]):
        u = unmet[:, :, d]
        if u.max(initial=0.0) <= _TOL * max(1.0, float(m.demand[:, :, d].max(initial=0.0))):
            continue
        s, t = (int(i) for i in np.unravel_index(int(np.argmax(u)), u.shape))
        region, com = dem["region"].iloc[d], dem["commodity"].iloc[d]
        unit = units.get(com, "")
        out.append(
            f"hub '{blk.axes[2][d]}' (region {region}, commodity {com}): {u[s, t]:.6g} {unit} of "
            f"{m.demand[s, t, d]:.6g} {unit} unserved in {blk.axes[1][t]} (scenario {blk.axes[0][s]})"
        )
    return out


def _conflicts(model: Model, hard: list[Policy], soft: tuple[Policy, ...]) -> list[list[Policy]]:
    """Sets of hard policies in conflict: each set is infeasible, and feasible without any one member."""

    def feasible(subset: list[Policy]) -> bool:
        return _solve(_variant(model, model.study.replace(policies=soft + tuple(subset))))

    groups: list[list[Policy]] = []
    remaining = list(hard)
    while remaining and not feasible(remaining):
        core = list(remaining)
        for p in list(core):
            trial = [q for q in core if q is not p]
            if not feasible(trial):
                core = trial
        if not core:  # cannot happen when the policies alone are to blame; stop rather than loop
            break
        groups.append(core)
        remaining = [q for q in remaining if all(q is not c for c in core)]
    return groups


def _bends(model: Model, relax: list[Policy]) -> dict[str, str]:
    """How far each policy of ``relax`` bends when relaxed together (the other policies held)."""
    names = {p.name for p in relax}
    policies = tuple(p.relaxed(model.study.policy_penalty) if p.name in names else p for p in model.study.policies)
    m = _variant(model, model.study.replace(policies=policies))
    if not _solve(m) or m.values is None:
        return {}
    out = {}
    for name, blk in m.lp.var_blocks.items():
        policy = name.removeprefix("policy:").removesuffix("__violation")
        if not name.endswith("__violation") or policy not in names:
            continue
        v = m.values[blk.offset : blk.offset + blk.size].reshape(blk.shape)
        if v.max(initial=0.0) <= _TOL:
            out[policy] = f"'{policy}' not at all"
            continue
        pos = np.unravel_index(int(np.argmax(v)), blk.shape)
        labels = ", ".join(f"{a.name} {a[int(i)]}" for a, i in zip(blk.axes, pos, strict=True))
        out[policy] = f"'{policy}' by {v.max():.6g} at worst ({labels}), {v.sum():.6g} in total"
    return out


def _describe(p: Policy) -> str:
    coms = getattr(p, "commodities", ())
    return f"'{p.name}'" + (f" on {', '.join(coms)}" if coms else "")


def diagnose(model: Model) -> str:
    """One paragraph on why ``model`` is infeasible: unservable demand and every conflict of policies."""
    study = model.study
    hard = [p for p in study.policies if not getattr(p, "elastic", False)]
    soft = tuple(p for p in study.policies if getattr(p, "elastic", False))
    parts = []
    if not study.allow_unmet:
        unserved = _unservable(model, soft)
        if unserved is None:
            return (
                "It stays infeasible with every demand optional and no hard policy: "
                "check capacities, fixed bounds and added constraints."
            )
        if unserved:
            return "Demand is hard (allow_unmet: false) and no supply can reach it: " + "; ".join(unserved) + "."
    if not hard:
        return "The study has no hard policy; check capacities, fixed bounds and added constraints."
    groups = _conflicts(model, hard, soft)
    if not groups:
        return "Without its hard policies it is still infeasible: check capacities, fixed bounds and added constraints."
    bends = _bends(model, [p for g in groups for p in g])
    for group in groups:
        names = ", ".join(_describe(p) for p in group[:-1])
        names = f"{names} and {_describe(group[-1])}" if names else _describe(group[-1])
        if len(group) == 1:
            text = f"{names} cannot hold even on its own"
        else:
            text = f"{names} cannot all hold together (dropping any one of them lifts this conflict)"
        bent = [bends[p.name] for p in group if p.name in bends]
        if bent:
            text += "; relaxed at the policy penalty, " + ("they bend: " if len(group) > 1 else "it bends: ")
            text += ", ".join(b.split("'", 2)[2].strip() if len(group) == 1 else b for b in bent)
        parts.append(text)
    text = "Policies that had to bend: " + ". ".join(parts) + "."
    if not study.allow_unmet:
        unserved = _unservable(model, soft + tuple(p for g in groups for p in g))
        if unserved:
            text += " With all of them in force, hard demand goes unserved at " + "; ".join(unserved) + "."
    return text
