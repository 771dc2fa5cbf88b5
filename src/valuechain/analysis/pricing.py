"""The price of resilience: least cost against a dependency cap, as a curve (:func:`price_of_resilience`).

One model is built with a single cap (the study's other caps removed; export bans and the shock
set kept) and re-solved in place for each share (:meth:`valuechain.opt.Model.update_share`, then
:func:`valuechain.opt.solve`, warm from the last basis). The premium is the cost over the same
study without any cap; the shadow price (``cost_per_pp``) is the cost of one more percentage
point of independence at that share (see :mod:`valuechain.analysis.targets`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.analysis.caps import CapPath
from valuechain.analysis.targets import _CAP_KINDS, _MAX_KINDS, cap_sensitivity, prepare
from valuechain.errors import StudyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from valuechain.network.model import Network
    from valuechain.opt import Model, Plan, Policy, Study

__all__ = ["ResilienceSweep", "fresh_cost", "plot_price_of_resilience", "price_of_resilience"]


def _served_kwh(model: Model, region: str) -> float:
    """Cell demand served in ``region`` (kWh), probability-weighted and discounted, from the last solution."""
    net = model.network
    members = set(net.members(region))
    units = net.commodities["unit"]
    dem = net.demand
    keep = np.asarray(
        [r in members and str(units.get(c, "")) == "GWh" for r, c in zip(dem["region"], dem["commodity"], strict=True)]
    )
    x = model.values
    assert x is not None
    blk = model.lp.var_blocks["unmet"]
    unmet = x[blk.offset : blk.offset + blk.size].reshape(blk.shape)
    served = model.demand - unmet
    prob = np.asarray(model.shocks.probability, dtype=float)
    disc = (1 + model.study.discount_rate) ** -np.arange(len(model.periods), dtype=float)
    w = prob[:, None, None] * disc[None, :, None]
    return float((served * w)[:, :, keep].sum() * 1e6)


class ResilienceSweep:
    """One model with one cap, solved without the cap (the reference) and then at each share.

    The cap's rows are switched off for the reference (:meth:`valuechain.opt.Model.relax_policy`),
    so one build serves both, and the first capped solve starts from the reference's basis. The
    reference plan can be taken out (:meth:`reference`) before the sweep runs, e.g. from a worker
    process while the sweep goes on there.

    Parameters
    ----------
    network, study, policy, **solve_options
        As :func:`price_of_resilience`.
    """

    def __init__(
        self,
        network: Network | str | Path | None,
        study: Study | str | Path | None = None,
        *,
        policy: str | None = None,
        **solve_options: Any,
    ) -> None:
        from valuechain.opt import build

        net, spec, region, today, _ = prepare(network, study, "price_of_resilience")
        caps = [p for p in spec.policies if p.kind in _CAP_KINDS]
        if policy is None:
            maxes = [p for p in caps if p.kind in _MAX_KINDS]
            if not maxes:
                raise StudyError(f"study '{spec.name}' has no maximum-share cap to sweep; pass policy=")
            chosen: Policy = maxes[0]
        else:
            named = [p for p in caps if p.name == policy]
            if not named:
                from valuechain._params import closest

                raise StudyError(
                    f"no cap named '{policy}' in study '{spec.name}'" + closest(policy, [p.name for p in caps])
                )
            chosen = named[0]
        self.network, self.study, self.region, self.today, self.chosen = net, spec, region, today, chosen
        self.is_max = chosen.kind in _MAX_KINDS
        others = tuple(p for p in spec.policies if p.kind not in _CAP_KINDS)
        self.options = {k: v for k, v in dict(spec.solver).items() if k in ("time_limit", "threads")}
        self.options.update(solve_options)
        self.model: Model = build(net, spec.replace(policies=(chosen, *others)))
        self.reference_cost: float | None = None

    def reference(self) -> Plan:
        """The plan without any cap (solved with the cap switched off)."""
        plan = self._solve_reference(extract=True)
        assert plan is not None
        return plan

    def _solve_reference(self, *, extract: bool = False) -> Plan | None:
        from valuechain.opt import extract as extract_plan
        from valuechain.opt import solve

        self.model.relax_policy(self.chosen.name)
        try:
            self.reference_cost = solve(self.model, **self.options).objective
            return extract_plan(self.model) if extract else None
        finally:
            self.model.restore_policy(self.chosen.name)

    def default_shares(self) -> list[float]:
        """The shares :meth:`run` solves at when given none, in 7 steps.

        From the largest share one origin holds today among the cap's commodities down to 40 %
        (from 100 % when that share is below 40 %); for a minimum share, from 0 up to it.
        """
        if not self.is_max:
            return [float(s) for s in np.linspace(0.0, float(getattr(self.chosen, "share", 0.0)), 7)]
        coms = [str(c) for c in getattr(self.chosen, "commodities", ())]
        top = float(self.today["top_share"].reindex(coms).max())
        start = top if np.isfinite(top) and top > 0.4 else 1.0
        return [float(s) for s in np.linspace(start, 0.4, 7)]

    def run(self, shares: Any = None) -> pd.DataFrame:
        """Solve at each share, in the order given; the frame :func:`price_of_resilience` returns."""
        from valuechain.opt import solve

        if self.reference_cost is None:
            self._solve_reference()
        ref_cost = float(self.reference_cost or 0.0)
        model, chosen = self.model, self.chosen
        rows = []
        for s in self.default_shares() if shares is None else [float(s) for s in shares]:
            model.update_share(chosen.name, s)
            t0 = time.perf_counter()
            res = solve(model, **self.options)
            sens = float(cap_sensitivity(model, chosen.name).sum())
            served = _served_kwh(model, self.region)
            viol = 0.0
            vname = f"policy:{chosen.name}__violation"
            if vname in model.lp.var_blocks:
                blk = model.lp.var_blocks[vname]
                x = model.values
                assert x is not None
                viol = float(x[blk.offset : blk.offset + blk.size].sum())
            premium = res.objective - ref_cost
            rows.append(
                {
                    "share": s,
                    "total_cost": res.objective,
                    "premium": premium,
                    "premium_per_kwh": premium / served if served > 0 else np.nan,
                    "cost_per_pp": (-0.01 if self.is_max else 0.01) * sens,
                    "violation": viol,
                    "solve_seconds": time.perf_counter() - t0,
                    "warm": res.warm,
                }
            )
        frame = pd.DataFrame(rows)
        frame.attrs.update(
            reference_cost=ref_cost,
            policy=chosen.name,
            region=self.region,
            maximum=self.is_max,
            measure=str(getattr(chosen, "measure", "consumption")),
        )
        return frame


def price_of_resilience(
    network: Network | str | Path | None,
    study: Study | str | Path | None = None,
    *,
    policy: str | None = None,
    shares: Any = None,
    **solve_options: Any,
) -> pd.DataFrame:
    """Sweep a dependency cap and return the least cost at each share.

    One model is built with the cap; the plan without it is solved first, with the cap's rows
    switched off, and every capped solve starts from the last basis (:class:`ResilienceSweep`).

    Parameters
    ----------
    network
        A network or its name; ``None`` uses the study's network.
    study
        A study or a spec (default ``"eu-crma-2030"``).
    policy
        Name of the study's cap to sweep (default: its first maximum-share cap).
    shares
        Shares to solve at (default: from the largest share one origin holds today among the cap's
        commodities down to 40 %, in 7 steps; from 100 % when that share is below 40 %), solved in
        the order given.
    **solve_options
        Passed to :func:`valuechain.opt.solve`.

    Returns
    -------
    pandas.DataFrame
        One row per share: ``share``, ``total_cost``, ``premium`` (over the uncapped study),
        ``premium_per_kwh`` (per kWh of cells served in the region), ``cost_per_pp`` (shadow price
        of the cap), ``violation`` (of an elastic cap), ``solve_seconds``, ``warm``. Attributes
        ``reference_cost``, ``policy``, ``region``, ``maximum`` (a maximum share, not a minimum) and
        ``measure`` (what the cap is a share of: "consumption" or "supply") in ``frame.attrs``.

    Examples
    --------
    >>> f = price_of_resilience("toy-battery", "toy-battery", shares=[0.6, 0.5, 0.4])
    >>> bool(f["total_cost"].is_monotonic_increasing)
    True
    """
    return ResilienceSweep(network, study, policy=policy, **solve_options).run(shares)


def fresh_cost(network: Network, study: Study, policy: str, share: float, **solve_options: Any) -> float:
    """Objective of the study with only cap ``policy`` at ``share``, built and solved from scratch."""
    from dataclasses import replace

    from valuechain.opt import build, solve

    pols = []
    for p in study.policies:
        if p.kind in _CAP_KINDS and p.name != policy:
            continue
        if p.name == policy:
            p = (
                replace(p, path=((p.path[0][0], share, False),)) if isinstance(p, CapPath) else replace(p, share=share)  # type: ignore[call-arg]
            )
        pols.append(p)
    return solve(build(network, study.replace(policies=tuple(pols))), **solve_options).objective


def plot_price_of_resilience(frame: pd.DataFrame, *, ax: Any = None) -> Figure:
    """Plot the premium against the cap (tighter caps to the right), annotated per kWh of cells.

    Examples
    --------
    >>> frame = pd.DataFrame({"share": [0.8, 0.6, 0.4], "premium": [0.0, 1e6, 5e6],
    ...                       "premium_per_kwh": [0.0, 0.5, 2.5], "cost_per_pp": [0.0, 1e5, 4e5]})
    >>> fig = plot_price_of_resilience(frame)
    >>> fig.axes[0].get_xlabel()
    "cap on one origin (share of the region's use)"
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.2))
    else:
        fig = ax.figure
    f = frame.sort_values("share", ascending=False)
    ax.plot(f["share"] * 100, f["premium"], marker="o", color="#1f5f8b")
    ax.invert_xaxis()
    is_max = frame.attrs.get("maximum", True)
    basis = "supply" if frame.attrs.get("measure") == "supply" else "the region's use"
    ax.set_xlabel(f"cap on one origin (share of {basis})" if is_max else "minimum domestic share")
    ax.set_ylabel("cost premium over the uncapped plan")
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter())
    for _, r in f.iterrows():
        if np.isfinite(r.get("premium_per_kwh", np.nan)):
            ax.annotate(
                f"{r['premium_per_kwh']:,.2f}/kWh", (r["share"] * 100, r["premium"]),
                textcoords="offset points", xytext=(4, 6), fontsize=8,
            )  # fmt: skip
    title = frame.attrs.get("policy")
    ax.set_title(f"Price of resilience{f' ({title})' if title else ''}")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
