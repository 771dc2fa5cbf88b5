"""Read a solved model back as pandas objects indexed by the network's ids (:func:`extract`, :class:`Plan`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain.errors import SolverError

if TYPE_CHECKING:
    from valuechain.opt.model import Model
    from valuechain.opt.solver import SolveResult

__all__ = ["Plan", "extract", "summary"]


@dataclass(frozen=True, eq=False, repr=False)
class Plan:
    """The solution of a planning model.

    Quantities are per study period (a year for yearly horizons) in the commodity's unit or in
    activity units; costs are in the network's currency, probability-weighted and discounted to
    the first period as in the objective. Duals (``*_dual`` and ``dual`` columns) are the change
    of the objective per unit change of the constraint's right-hand side (or bound); ``price`` in
    :attr:`prices` divides the balance dual by the scenario's probability and the period's
    discount factor, giving the undiscounted marginal value of the commodity at the hub in that
    scenario and period.

    Attributes
    ----------
    result
        The :class:`~valuechain.opt.SolveResult`.
    activity
        (scenario, period, process): ``activity``, ``capacity`` (after shocks), ``capacity_dual``.
    expansion_activity
        (scenario, period, expansion): ``activity``, ``capacity_dual`` (of the built capacity).
    flows
        (scenario, period, route): ``flow``, ``capacity``, ``capacity_dual``.
    expansions
        (period, expansion): ``built`` (capacity decided in that period), ``available`` (capacity
        in service), ``open`` (for options with fixed costs or minimum sizes).
    stocks
        (scenario, period, hub): ``stock`` at the end of the period; ``reserve`` (the first-stage
        strategic stock capacity of the period).
    substitutions
        (scenario, period, alternative ``"<process>:<input>"``): ``activity``, the process's
        activity run on the alternative input instead of that one (empty when the study allows
        no recourse or the network has no alternatives).
    unmet
        (scenario, period, demand hub): ``demand``, ``unmet``, ``served_share``.
    purchases, sales
        (scenario, period, market): quantities bought from / sold to outside markets.
    prices
        (scenario, period, hub): ``dual`` and ``price`` of the balance.
    policies
        One DataFrame per policy (indexed by scenario, period and the policy's own axes):
        ``dual`` and, for elastic policies, ``violation``.
    costs
        Cost split (capital, fixed, operating, transport, tariffs, purchases, sales, holding,
        unmet demand, policy violations, cvar), summing to the objective.
    user_duals
        Duals of the constraints added to ``model.pyomo``, by name.
    """

    result: SolveResult
    activity: pd.DataFrame
    expansion_activity: pd.DataFrame
    flows: pd.DataFrame
    expansions: pd.DataFrame
    stocks: pd.DataFrame
    unmet: pd.DataFrame
    purchases: pd.DataFrame
    sales: pd.DataFrame
    prices: pd.DataFrame
    policies: dict[str, pd.DataFrame]
    costs: pd.Series
    user_duals: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    substitutions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"activity": []}))

    @property
    def objective(self) -> float:
        """Expected discounted cost."""
        return self.result.objective

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (policies as ``policy-<name>``), for writing to files."""
        out = {
            "activity": self.activity,
            "expansion_activity": self.expansion_activity,
            "flows": self.flows,
            "expansions": self.expansions,
            "stocks": self.stocks,
            "unmet": self.unmet,
            "purchases": self.purchases,
            "sales": self.sales,
            "prices": self.prices,
            "costs": self.costs.rename("cost").to_frame(),
        }
        if len(self.substitutions):
            out["substitutions"] = self.substitutions
        for name, df in self.policies.items():
            out[f"policy-{name}"] = df
        return out

    def __repr__(self) -> str:
        return f"<Plan {self.result.termination} objective={self.objective:,.6g}>"


def extract(model: Model) -> Plan:
    """Read the last solution of ``model`` as a :class:`Plan`.

    Raises
    ------
    SolverError
        If the model has not been solved or has no solution.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.opt import build, extract, solve
    >>> model = build(vc.load_network("toy-transport"))
    >>> _ = solve(model)
    >>> plan = extract(model)
    >>> float(plan.flows["flow"].sum())
    900.0
    """
    sol = model._solution
    if model.result is None or sol is None:
        raise SolverError("the model has no solution to extract; call solve(model) first")
    lp = model.lp
    x, rd, cd = sol.x, sol.row_dual, sol.col_dual
    nan = np.full(max(model.n_vars, model.n_rows) + 1, np.nan)

    def vals(name: str) -> np.ndarray:
        b = lp.var_blocks[name]
        return x[b.offset : b.offset + b.size]

    def cdual(name: str) -> np.ndarray:
        b = lp.var_blocks[name]
        return (cd if cd is not None else nan)[b.offset : b.offset + b.size]

    def rdual(name: str) -> np.ndarray:
        b = lp.row_blocks[name]
        return (rd if rd is not None else nan)[b.offset : b.offset + b.size]

    def ub(name: str) -> np.ndarray:
        b = lp.var_blocks[name]
        return model.col_ub[b.offset : b.offset + b.size]

    def frame(name: str, cols: dict[str, np.ndarray]) -> pd.DataFrame:
        # adding 0.0 turns the solver's -0.0 into 0.0
        return pd.DataFrame(
            {k: np.asarray(v, dtype=float) + 0.0 for k, v in cols.items()}, index=lp.var_blocks[name].index()
        )

    def cap_dual(name: str) -> np.ndarray:
        # the reduced cost of a variable at its upper bound is the value of one more unit of capacity
        d = cdual(name)
        return np.where(np.isclose(vals(name), ub(name)), -d, 0.0)

    activity = frame(
        "activity", {"activity": vals("activity"), "capacity": ub("activity"), "capacity_dual": cap_dual("activity")}
    )
    xact = frame(
        "expansion_activity", {"activity": vals("expansion_activity"), "capacity_dual": -rdual("expansion_capacity")}
    )
    flows = frame("flow", {"flow": vals("flow"), "capacity": ub("flow"), "capacity_dual": cap_dual("flow")})
    bld = lp.var_blocks["build"]
    built = vals("build").reshape(bld.shape)
    avail_mat = _availability(model)
    expansions = pd.DataFrame(
        {"built": built.ravel(), "available": np.einsum("ate,ae->te", avail_mat, built).ravel()}, index=bld.index()
    )
    ob = lp.var_blocks["open"]
    if ob.size:
        opened = pd.Series(vals("open"), index=ob.index())
        expansions["open"] = opened.reindex(expansions.index).fillna(0.0).round().to_numpy()
    if "stock" in lp.var_blocks:
        stocks = frame("stock", {"stock": vals("stock")})
        rb = lp.var_blocks["reserve"]
        res = vals("reserve").reshape(rb.shape)
        stocks["reserve"] = np.broadcast_to(res[None], lp.var_blocks["stock"].shape).ravel()
    else:
        stocks = pd.DataFrame({"stock": []})
    subs = frame("substitute", {"activity": vals("substitute")}) if "substitute" in lp.var_blocks else None
    dem = model.demand.ravel()
    um = vals("unmet")
    unmet = frame(
        "unmet",
        {"demand": dem, "unmet": um, "served_share": np.where(dem > 0, 1 - um / np.where(dem > 0, dem, 1), 1.0)},
    )
    purchases = frame("buy", {"quantity": vals("buy")})
    sales = frame("sell", {"quantity": vals("sell")})
    bal = lp.row_blocks["balance"]
    w = np.asarray(model.shocks.probability)[:, None] * _discount(model)[None, :]
    bd = rdual("balance").reshape(bal.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(w[:, :, None] > 0, bd / w[:, :, None], np.nan)
    prices = pd.DataFrame({"dual": bd.ravel() + 0.0, "price": price.ravel() + 0.0}, index=bal.index())
    policies = {}
    for pol, blocks in model.policy_rows.items():
        for bname in blocks:
            rb = lp.row_blocks[bname]
            df = pd.DataFrame({"dual": rdual(bname) + 0.0}, index=rb.index())
            vname = f"{bname}__violation"
            if vname in lp.var_blocks:
                df["violation"] = vals(vname)
            policies[pol] = df
    parts: dict[str, float] = {}
    for label, cols, coefs in model.cost_parts:
        parts[label] = parts.get(label, 0.0) + float(np.dot(x[cols], coefs))
    ex = model._extras
    if ex is not None and (ex.cost_cols.size or ex.offset):
        parts["user"] = float(np.dot(x[ex.cost_cols], ex.cost_vals) + ex.offset)
    costs = pd.Series(parts, name="cost", dtype=float)
    user = pd.Series(dtype=float)
    if ex is not None and ex.row_data:
        n = model.n_rows
        user = pd.Series(
            [float(rd[n + i]) if rd is not None else np.nan for i in range(len(ex.row_data))],
            index=[cd_.name for cd_ in ex.row_data],
            dtype=float,
        )
    return Plan(
        result=model.result,
        activity=activity,
        expansion_activity=xact,
        flows=flows,
        expansions=expansions,
        stocks=stocks,
        unmet=unmet,
        purchases=purchases,
        sales=sales,
        prices=prices,
        policies=policies,
        costs=costs,
        user_duals=user,
        substitutions=subs if subs is not None else pd.DataFrame({"activity": []}),
    )


def _discount(model: Model) -> np.ndarray:
    months = model.shocks.period_months
    t = np.arange(len(model.shocks.periods)) * months / 12.0
    return (1.0 + model.study.discount_rate) ** -t


def _availability(model: Model) -> np.ndarray:
    """(tau, t, e): whether capacity decided in tau is in service in t (lead time and lifetime)."""
    exps = model.network.expansions
    months = model.shocks.period_months
    n_t = len(model.shocks.periods)
    lead = np.ceil(exps["lead_time"].to_numpy(float) * 12.0 / months - 1e-9).astype(np.int64)
    life = np.maximum(np.ceil(exps["lifetime"].to_numpy(float) * 12.0 / months - 1e-9).astype(np.int64), 1)
    tt = np.arange(n_t)
    return (tt[None, :, None] >= tt[:, None, None] + lead) & (tt[None, :, None] < tt[:, None, None] + lead + life)


def summary(plan: Plan) -> dict[str, pd.DataFrame | pd.Series]:
    """Return what a reader wants first: the cost split, what is built where, and what is unmet."""
    built = plan.expansions[plan.expansions["built"] > 1e-9]
    unmet = plan.unmet.groupby(level=[1, 2])[["demand", "unmet"]].mean()
    return {"costs": plan.costs, "built": built, "unmet": unmet[unmet["unmet"] > 1e-9]}
