r"""Dependency-reduction targets: the least-cost plan that meets a path of caps (:func:`targets`).

A targets study is a planning study (:class:`valuechain.opt.Study`) whose policies include
dependency caps: :class:`~valuechain.analysis.caps.CapPath` (a cap on one origin's share that
follows a path over the years), :class:`~valuechain.opt.MaxOriginShare`,
:class:`~valuechain.opt.ThirdCountryCap` and :class:`~valuechain.opt.MinDomesticShare`. It is
solved twice on the same network and shock set: with the caps, and without them (the reference;
other policies such as export bans stay). The difference of the two objectives is the cost
premium of the targets.

Shadow price of a cap (``cost_per_pp``): every share policy's rows read
:math:`g_r(x) + \sigma\, h_r(x) \le 0`; tightening the share by one percentage point changes the
expected discounted cost by :math:`0.01 \sum_r \lambda_r h_r(x^*)` for a maximum share
(:math:`\sigma` falls) and :math:`-0.01 \sum_r \lambda_r h_r(x^*)` for a minimum share
(:math:`\sigma` rises), where :math:`\lambda_r \le 0` are the rows' duals, to first order.

Premium per kWh: the premium divided by the cell demand served in the region (demand rows in
GWh, probability-weighted and discounted like the costs, times 1e6 kWh/GWh).

Made in the region (``planned_domestic``, ``planned_recycled``): a minimum-domestic-share
policy's own measure, read from its rows at the solution: the region's production of the
policy's commodities (only by plants that use the ``via`` commodities, for recycling) over its
consumption of them (inputs to its plants plus final demand served), in the worst scenario of
the last year. It is ``NaN`` when the region consumes none of them in any scenario, where such
a target holds whatever the region makes; imports passing through the region to others are not
consumption. ``domestic_basis`` is that consumption in the same scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.analysis.caps import CapPath, load_targets_study, with_today
from valuechain.errors import StudyError, ValueChainError

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt import Model, Plan, Policy, Study

__all__ = [
    "DEFAULT_STUDY",
    "TargetsResult",
    "achieved_shares",
    "cap_sensitivity",
    "origin_shares",
    "targets",
    "today_shares",
]

#: The study :func:`targets` solves when given none.
DEFAULT_STUDY = "eu-crma-2030"
_CAP_KINDS = ("cap_path", "max_origin_share", "third_country_cap", "min_domestic_share")
_MAX_KINDS = ("cap_path", "max_origin_share", "third_country_cap")


@dataclass(frozen=True, eq=False, repr=False)
class TargetsResult:
    """What the targets cost and what they take.

    Attributes
    ----------
    table
        One row per (stage, commodity) of the network: today's top origin and share in the
        region, the target share and year, new capacity (capped plan and reference), the cost
        premium (total, per kWh), the caps' shadow prices and the violation of elastic caps
        (``violation``: what the targets on the commodity lack; ``violation_shared``: the part of
        it that a target over several commodities lacks on their sum, which each of them shows
        whole, so it is not to be added up over them).
    capacity
        New capacity by region, year, expansion option and commodity (capped and reference plans),
        in the commodity's unit per year.
    unmet
        Unmet demand by scenario and commodity, summed over the horizon, in both plans.
    plan, reference_plan
        The capped and uncapped :class:`~valuechain.opt.Plan`.
    premium, premium_per_kwh
        Cost premium (expected, discounted) and the same per kWh of cells served in the region.
    region, study
        The region the caps apply to and the study solved.
    seconds
        Wall time of the two builds and solves.
    """

    table: pd.DataFrame
    capacity: pd.DataFrame
    unmet: pd.DataFrame
    plan: Plan
    reference_plan: Plan
    premium: float
    premium_per_kwh: float
    region: str
    study: Study
    seconds: float

    def __repr__(self) -> str:
        t = self.table
        lines = [
            f"<TargetsResult '{self.study.name}' for {self.region}: premium {self.premium:,.4g} "
            f"({self.premium_per_kwh:,.4g} per kWh of cells), {len(t)} stage/commodity rows, "
            f"{self.seconds:.1f} s>"
        ]
        capped = t[t["target_share"].notna()]

        def pct(v: float) -> str:
            return "-" if pd.isna(v) else f"{v:.0%}"

        for key, row in capped.head(8).iterrows():
            stage, com = (str(k) for k in key)  # type: ignore[attr-defined]
            origin = row["top_origin"] if isinstance(row["top_origin"], str) else "-"
            lines.append(
                f"  {stage:>16} {com:<18} today {origin} {pct(row['top_share'])} -> "
                f"{pct(row['target_share'])} by {int(row['target_year'])}; planned {pct(row['planned_share'])}; "
                f"new capacity {row['new_capacity']:,.4g} {row['unit']}"
            )
        if len(capped) > 8:
            lines.append(f"  ... {len(capped) - 8} more capped rows")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<p>{self.__repr__().splitlines()[0][1:-1]}</p>" + self.table.to_html(
            float_format=lambda v: f"{v:,.4g}"
        )


def today_shares(network: Network, region: str = "EU27") -> pd.DataFrame:
    """Today's (baseline) top third-country origin and share, and the domestic share, per commodity.

    Examples
    --------
    >>> import valuechain as vc
    >>> t = today_shares(vc.load_network("toy-battery"), "DE")
    >>> str(t.loc["cell_nmc", "top_origin"]), float(t.loc["cell_nmc", "top_share"])
    ('CN', 0.5)
    """
    from valuechain.analysis.dependency import dependency

    dep = dependency(network, region)
    dep = dep[(dep["view"] == "direct")]
    top = dep[dep["metric"] == "top_origin"].set_index("commodity")
    dom = dep[dep["metric"] == "domestic_share"].set_index("commodity")["value"]
    out = pd.DataFrame(index=pd.Index(network.commodities.index.astype(object), name="commodity"))
    out["top_origin"] = top["origin"].reindex(out.index).astype(object)
    out["top_share"] = top["value"].reindex(out.index).astype(float)
    out["domestic_share"] = dom.reindex(out.index).astype(float)
    return out


def origin_shares(network: Network, region: str = "EU27") -> pd.DataFrame:
    """Today's (baseline) share of each origin in the region's supply: commodity x origin."""
    from valuechain.analysis.dependency import dependency

    dep = dependency(network, region)
    dep = dep[(dep["view"] == "direct") & (dep["metric"] == "share")]
    return dep.pivot_table(index="commodity", columns="origin", values="value", aggfunc="sum").fillna(0.0)


def _region_of(study: Study) -> str:
    for pol in study.policies:
        if pol.kind in _CAP_KINDS:
            return str(pol.region)  # type: ignore[attr-defined]
    raise StudyError(f"study '{study.name}' has no dependency cap (cap_path, max_origin_share, ...) to meet")


def prepare(
    network: Network | str | Path | None, study: Study | str | Path | None, who: str
) -> tuple[Network, Study, str, pd.DataFrame, pd.DataFrame]:
    """Resolve a targets study and its network, and state its relative caps against today's shares.

    Parameters
    ----------
    network
        The network, its name or folder, or ``None`` for the one the study names.
    study
        The study, its path or name (default: the default study).
    who
        The calling function's name, for error messages.

    Returns
    -------
    (Network, Study, str, pandas.DataFrame, pandas.DataFrame)
        The network, the study with today's shares filled in, the capped region,
        :func:`today_shares` and :func:`origin_shares` for that region.
    """
    from valuechain.network import load_network

    if study is None:
        study = DEFAULT_STUDY
    if isinstance(study, (str, Path)):
        study = load_targets_study(study)
    if network is None:
        if study.network is None:
            raise StudyError(f"{who} needs a network, or a study that names one")
        network = study.network
    if isinstance(network, (str, Path)):
        network = load_network(network)
    region = _region_of(study)
    today = today_shares(network, region)
    by_origin = origin_shares(network, region)
    tops = {str(k): float(v) for k, v in today["top_share"].fillna(0.0).items()}
    return network, with_today(study, tops, by_origin), region, today, by_origin


def cap_sensitivity(model: Model, policy: str) -> pd.Series:
    r"""Change of the objective per unit rise of a share policy's share, per row (:math:`-\lambda_r h_r`).

    Sum it for the whole policy; multiply by -0.01 (maximum shares) or 0.01 (minimum shares) for
    the cost of one more percentage point of independence.
    """
    if model._solution is None or model._solution.row_dual is None:
        raise StudyError(f"'{policy}' is not a solved share policy of this model")
    blk, _, h = _row_parts(model, policy)
    dual = model._solution.row_dual[blk.offset : blk.offset + blk.size]
    return pd.Series(-dual * h, index=blk.index(), name="d_objective_d_share")


def _row_parts(model: Model, policy: str) -> tuple[Any, np.ndarray, np.ndarray]:
    """A solved share policy's row block, and per row its fixed part g_r(x) and share part h_r(x)."""
    terms = model._share_terms.get(policy)
    if terms is None or model._solution is None:
        raise StudyError(f"'{policy}' is not a solved share policy of this model")
    from valuechain.opt.policies import least_draws

    rpos, cpos, a_fixed, a_share, rhs = terms
    x = least_draws(model, policy, model._solution.x)
    blk = model.lp.row_blocks[f"policy:{policy}"]
    g = np.bincount(rpos - blk.offset, weights=a_fixed * x[cpos], minlength=blk.size)
    h = np.bincount(rpos - blk.offset, weights=a_share * x[cpos], minlength=blk.size)
    if rhs is not None:
        h[rhs[0] - blk.offset] -= rhs[1]
    return blk, g, h


def achieved_shares(model: Model, policy: str) -> pd.DataFrame:
    """What a solved share policy measures, per row, at the solution.

    For a minimum domestic share: what the region makes over its use. For a cap on one origin's
    share: what it gets from that origin over its consumption (or its supply, for a cap measured
    over supply).

    Returns
    -------
    pandas.DataFrame
        Indexed like the policy's rows (scenario, period, then commodity and origin for caps),
        with ``made`` (the part that counts: production at home, or what comes from the origin),
        ``basis`` (consumption, or supply) and ``share`` = made / basis, ``NaN`` where the basis
        is zero.
    """
    kinds = {p.name: p.kind for p in model.study.policies}
    blk, g, h = _row_parts(model, policy)
    if kinds.get(policy, "min_domestic_share") == "min_domestic_share":
        made, basis = -g + 0.0, h  # rows read -made + share * (use - unmet) <= share * (-demand)
    else:
        made, basis = g + 0.0, -h  # rows read from - share * total <= share * rhs
    tol = 1e-9 * max(1.0, float(np.abs(basis).max(initial=0.0)))
    share = np.divide(made, basis, out=np.full(blk.size, np.nan), where=basis > tol)
    return pd.DataFrame({"made": made, "basis": basis + 0.0, "share": share}, index=blk.index())


def _worst_cap_share(model: Model, policy: str, last: Any) -> pd.Series:
    """Largest achieved share per commodity of a cap policy in period ``last``, over scenarios and origins."""
    frame = achieved_shares(model, policy).xs(last, level="period")
    return frame["share"].groupby(level="commodity").max()


def _worst_share(model: Model, policy: str, last: Any) -> tuple[float, float]:
    """Smallest achieved share over scenarios in period ``last`` where the region uses any, and that use."""
    frame = achieved_shares(model, policy)
    at = frame.xs(last, level="period")
    used = at[at["share"].notna()]
    if used.empty:
        return float("nan"), 0.0
    row = used.iloc[int(np.argmin(used["share"].to_numpy()))]
    return float(row["share"]), float(row["basis"])


def _solve(network: Network, study: Study, **opts: Any) -> tuple[Model, Plan]:
    from valuechain.opt import build, extract, solve

    model = build(network, study)
    options = {k: v for k, v in dict(study.solver).items() if k in ("time_limit", "threads")}
    options.update(opts)
    solve(model, **options)
    return model, extract(model)


def _reference_plan(given: Any, plan: Plan, spec: Study) -> Plan | None:
    """The plan without caps given to :func:`targets` (or its future's result), checked against the capped plan.

    ``None`` when a future failed (its worker process died, or could not solve): solve it here.
    """
    from concurrent.futures.process import BrokenProcessPool

    from valuechain.opt import Plan

    if hasattr(given, "result") and not isinstance(given, Plan):
        try:
            given = given.result()
        except (BrokenProcessPool, ValueChainError):  # the worker died or could not solve: solve here
            return None
    if not isinstance(given, Plan):
        raise StudyError(f"targets: reference must be a Plan or a future of one, not {type(given).__name__}")
    for what, a, b in (
        ("scenarios", given.unmet.index.unique(0), plan.unmet.index.unique(0)),
        ("periods", given.unmet.index.unique(1), plan.unmet.index.unique(1)),
    ):
        if list(a) != list(b):
            raise StudyError(f"targets: the reference plan has {what} {list(a)}, study '{spec.name}' has {list(b)}")
    if given.objective > plan.objective + 1e-6 * max(1.0, abs(plan.objective)):
        raise StudyError(
            f"targets: the reference plan costs {given.objective:,.0f}, more than the capped plan "
            f"({plan.objective:,.0f}); it is not study '{spec.name}' without its caps"
        )
    return given


def _cells_served(plan: Plan, network: Network, region: str, model: Model) -> float:
    """Cell demand served in ``region`` (kWh), probability-weighted and discounted like costs."""
    dem = network.demand
    members = set(network.members(region))
    units = network.commodities["unit"]
    hubs = [
        f"{r}:{c}"
        for r, c in zip(dem["region"], dem["commodity"], strict=True)
        if r in members and str(units.get(c, "")) == "GWh"
    ]
    u = plan.unmet
    served = (u["demand"] - u["unmet"]).to_numpy()
    s_lab = u.index.get_level_values(0)
    t_lab = u.index.get_level_values(1)
    h_lab = u.index.get_level_values(2)
    prob = pd.Series(np.asarray(model.shocks.probability, float), index=model.scenarios)
    disc = pd.Series(
        (1 + model.study.discount_rate) ** -np.arange(len(model.periods), dtype=float), index=model.periods
    )
    w = prob.reindex(s_lab).to_numpy() * disc.reindex(t_lab).to_numpy()
    keep = np.isin(np.asarray(h_lab, dtype=object), hubs)
    return float((served * w)[keep].sum() * 1e6)


def _at(frame: pd.DataFrame, scenario: Any, period: Any, col: str) -> pd.Series:
    """``frame[col]`` at one scenario and period (empty when the frame is)."""
    if frame.empty:
        return pd.Series(dtype=float)
    return frame.xs((scenario, period), level=(0, 1))[col]


def _capacity(plan: Plan, network: Network) -> pd.DataFrame:
    ex = plan.expansions
    built = ex[ex["built"] > 1e-9]["built"]
    if built.empty:
        return pd.DataFrame(columns=["year", "expansion", "region", "commodity", "capacity"])
    rec = network.recipes[
        (network.recipes["kind"] == "output") & network.recipes["process"].isin(network.expansions.index)
    ]
    exp = built.index.get_level_values(1)
    years = built.index.get_level_values(0)
    rows = []
    for k in range(len(built)):
        e = str(exp[k])
        for c, coef in zip(
            rec.loc[rec["process"] == e, "commodity"], rec.loc[rec["process"] == e, "coefficient"], strict=True
        ):
            rows.append(
                {
                    "year": years[k],
                    "expansion": e,
                    "region": network.expansions.at[e, "region"],
                    "commodity": c,
                    "capacity": float(built.iloc[k]) * float(coef),
                }
            )
    return pd.DataFrame(rows)


def _commodities(pol: Policy) -> list[str]:
    return [str(c) for c in getattr(pol, "commodities", ())]


def _cap_columns(
    caps: list[Policy], model: Model, plan: Plan, index: list[str], last: int
) -> dict[str, dict[str, float]]:
    """Target share and year, minimum domestic share, cost per point and violation per commodity.

    A commodity's made-in-region columns come from the minimum-domestic policy with the largest
    share (``min_domestic``, ``planned_domestic``, ``domestic_basis``), or from one that counts
    only production via other commodities, i.e. recycling (``min_recycled``, ``planned_recycled``).
    """
    target: dict[str, float] = {}
    year: dict[str, float] = {}
    domestic: dict[str, float] = {}
    made: dict[str, float] = {}
    basis: dict[str, float] = {}
    recycled: dict[str, float] = {}
    made_recycled: dict[str, float] = {}
    per_pp: dict[str, float] = dict.fromkeys(index, 0.0)
    violation: dict[str, float] = dict.fromkeys(index, 0.0)
    shared: dict[str, float] = dict.fromkeys(index, 0.0)
    for pol in caps:
        sens = cap_sensitivity(model, pol.name)
        com_level = "commodity" in list(sens.index.names)
        pdf = plan.policies.get(pol.name)
        coms = _commodities(pol)
        for c in coms:
            if c not in per_pp:
                continue
            if pol.kind in _MAX_KINDS:
                if isinstance(pol, CapPath):
                    share, when = float(pol.shares([float(last)])[0, coms.index(c)]), float(pol.path[-1][0])
                else:
                    share, when = float(pol.share), float(last)  # type: ignore[attr-defined]
                if c not in target or share < target[c]:
                    target[c], year[c] = share, when
            else:
                share = float(pol.share)  # type: ignore[attr-defined]
                mins, achieved = (recycled, made_recycled) if getattr(pol, "via", None) else (domestic, made)
                if c not in mins or share > mins[c]:
                    mins[c] = share
                    achieved[c], used = _worst_share(model, pol.name, last)
                    if mins is domestic:
                        basis[c] = used
                year.setdefault(c, float(last))
            part = sens.xs(c, level="commodity") if com_level else sens / len(coms)
            per_pp[c] += (-0.01 if pol.kind in _MAX_KINDS else 0.01) * float(part.sum())
            if pdf is not None and "violation" in pdf:
                v = pdf["violation"].xs(c, level="commodity") if com_level else pdf["violation"]
                amount = float(v.groupby(level=0).sum().max())
                violation[c] += amount
                if not com_level and len(coms) > 1:  # (one shortfall of the sum, shown on each commodity)
                    shared[c] += amount
    return {
        "target_share": target,
        "target_year": year,
        "min_domestic": domestic,
        "planned_domestic": made,
        "domestic_basis": basis,
        "min_recycled": recycled,
        "planned_recycled": made_recycled,
        "cost_per_pp": per_pp,
        "violation": violation,
        "violation_shared": shared,
    }


def targets(
    network: Network | str | Path | None = None,
    study: Study | str | Path | None = None,
    *,
    reference: Plan | Any = None,
    **solve_options: Any,
) -> TargetsResult:
    """Least-cost plan that meets the study's dependency caps, and its premium over the uncapped plan.

    Parameters
    ----------
    network
        A network or its name; ``None`` uses the study's network.
    study
        A :class:`~valuechain.opt.Study`, or the path or name of a spec (default
        ``"eu-crma-2030"``); specs may hold ``cap_path`` policies (see :mod:`valuechain.analysis.caps`).
    reference
        The plan of the same study without its caps when it is solved elsewhere (e.g. by
        :class:`~valuechain.analysis.pricing.ResilienceSweep` in a worker process), or a future
        of one (anything with ``result()``, read after the capped plan is solved); ``None``
        solves it here. A plan over other scenarios or periods, or one that costs more than
        the capped plan, is refused.
    **solve_options
        Passed to :func:`valuechain.opt.solve`.

    Returns
    -------
    TargetsResult

    Raises
    ------
    StudyError
        ``reference`` is not this study's plan without caps.

    Examples
    --------
    >>> import valuechain as vc
    >>> res = vc.targets("toy-battery", "toy-battery")
    >>> res.premium >= 0
    True
    >>> row = res.table.loc[("cell", "cell_nmc")]
    >>> str(row["top_origin"]), float(row["target_share"])
    ('CN', 0.5)
    """
    import time

    t0 = time.perf_counter()
    net, spec, region, today, by_origin = prepare(network, study, "targets")
    caps = [p for p in spec.policies if p.kind in _CAP_KINDS]
    uncapped = spec.replace(policies=tuple(p for p in spec.policies if p.kind not in _CAP_KINDS))
    model, plan = _solve(net, spec, **solve_options)
    ref_plan = _reference_plan(reference, plan, spec) if reference is not None else None
    if ref_plan is None:
        _, ref_plan = _solve(net, uncapped, **solve_options)
    premium = plan.objective - ref_plan.objective
    served = _cells_served(plan, net, region, model)
    per_kwh = premium / served if served > 0 else float("nan")

    years = list(model.periods)
    last = years[-1]
    coms = net.commodities
    table = today.copy()
    table.insert(0, "stage", coms["stage"].reindex(table.index).to_numpy())
    table.insert(1, "unit", coms["unit"].reindex(table.index).to_numpy())
    for col, values in _cap_columns(caps, model, plan, list(table.index), last).items():
        table[col] = pd.Series(values, dtype=float).reindex(table.index)
    # planned share from one origin, as the caps measure it: the largest over the caps on a
    # commodity, the scenarios and the origins; a cap on a named origin shows that origin
    planned = pd.Series(np.nan, index=table.index, dtype=float)
    for pol in caps:
        if pol.kind not in _MAX_KINDS:
            continue
        worst = _worst_cap_share(model, pol.name, last).reindex(table.index)
        named = str(getattr(pol, "origin", None) or "")
        if named:
            rows = [c for c in _commodities(pol) if c in table.index]
            now = by_origin[named] if named in by_origin.columns else pd.Series(dtype=float)
            planned.loc[rows] = worst.reindex(rows).to_numpy()
            table.loc[rows, "top_share"] = now.reindex(rows).fillna(0.0).to_numpy()
            table.loc[rows, "top_origin"] = named
        else:
            planned = pd.Series(np.fmax(planned, worst), index=table.index)  # the larger, or whichever is set
    table["planned_share"] = planned
    cap = _capacity(plan, net).assign(plan="capped")
    ref_cap = _capacity(ref_plan, net).assign(plan="reference")
    capacity = pd.concat([cap, ref_cap], ignore_index=True)
    table["new_capacity"] = cap.groupby("commodity")["capacity"].sum().reindex(table.index).fillna(0.0)
    table["new_capacity_ref"] = ref_cap.groupby("commodity")["capacity"].sum().reindex(table.index).fillna(0.0)
    table["builds"] = [
        "; ".join(
            f"{r} {y}: {q:,.4g}"
            for (r, y), q in cap[cap["commodity"] == c].groupby(["region", "year"])["capacity"].sum().items()
        )
        if len(cap)
        else ""
        for c in table.index
    ]
    table["premium"] = premium
    table["premium_per_kwh"] = per_kwh
    table = table.reset_index().set_index(["stage", "commodity"])
    unmet = pd.concat(
        {
            "capped": plan.unmet.groupby(level=[0, 2])[["demand", "unmet"]].sum(),
            "reference": ref_plan.unmet.groupby(level=[0, 2])[["demand", "unmet"]].sum(),
        },
        names=["plan"],
    )
    return TargetsResult(
        table=table,
        capacity=capacity,
        unmet=unmet,
        plan=plan,
        reference_plan=ref_plan,
        premium=float(premium),
        premium_per_kwh=float(per_kwh),
        region=region,
        study=spec,
        seconds=time.perf_counter() - t0,
    )
