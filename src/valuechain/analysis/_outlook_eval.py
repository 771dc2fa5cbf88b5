"""The arrays behind :func:`valuechain.analysis.outlook.outlook`: shares to meet, samples, their evaluation.

The measure is defined in :mod:`valuechain.analysis.outlook`; this module compiles it and draws
and measures a batch of samples with numpy (groups x years x samples arrays); the batches and
their merge are in :mod:`valuechain.analysis._outlook_chunks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.analysis.completion import _match

if TYPE_CHECKING:
    from valuechain.analysis.completion import Pipeline
    from valuechain.network.model import Network
    from valuechain.opt import Study
    from valuechain.scenarios.compiled import ShockArrays

_TOL = 1e-9


@dataclass(frozen=True)
class Group:
    """One domestic share that must hold: production of ``commodities`` >= ``required`` x consumption of ``basis``."""

    benchmark: str
    commodities: tuple[str, ...]
    basis: tuple[str, ...]
    via: tuple[str, ...] | None
    required: np.ndarray  # (Y,)
    unit: str


def benchmark_groups(
    study: Study, network: Network, region: str, years: np.ndarray, today: pd.DataFrame, by_origin: pd.DataFrame
) -> list[Group]:
    """The shares each of the study's share policies needs in ``region``, per year."""
    from valuechain.analysis.caps import CapPath

    units = network.commodities["unit"]
    out: list[Group] = []
    for pol in study.policies:
        kind = pol.kind
        if getattr(pol, "region", None) != region:
            continue
        coms = tuple(str(c) for c in getattr(pol, "commodities", ()))
        if kind == "min_domestic_share":
            basis = tuple(pol.basis) if pol.basis else coms  # type: ignore[attr-defined]
            req = np.full(years.size, float(pol.share))  # type: ignore[attr-defined]
            out.append(Group(pol.name, coms, basis, pol.via, req, str(units.get(coms[0], ""))))  # type: ignore[attr-defined]
        elif kind in ("cap_path", "max_origin_share", "third_country_cap"):
            origin = getattr(pol, "origin", None) or None
            caps: np.ndarray
            if isinstance(pol, CapPath):
                caps = pol.shares(years.astype(float))
            else:
                caps = np.ones((years.size, len(coms))) * float(pol.share)  # type: ignore[attr-defined]
            for j, c in enumerate(coms):
                dom = float(today["domestic_share"].get(c, np.nan))
                if origin is None:
                    top = float(today["top_share"].get(c, np.nan))
                else:
                    top = float(by_origin[origin].get(c, 0.0)) if origin in by_origin.columns else 0.0
                if not np.isfinite(top) or not np.isfinite(dom) or dom >= 1 - _TOL or top <= 0:
                    f = 0.0
                else:
                    f = top / (1.0 - dom)
                req = np.where(f > caps[:, j], 1.0 - caps[:, j] / f if f > 0 else 0.0, 0.0)
                out.append(Group(pol.name, (c,), (c,), None, np.clip(req, 0.0, 1.0), str(units.get(c, ""))))
    return out


def relevant_projects(network: Network, members: set[str], groups: list[Group]) -> pd.DataFrame:
    """Projects in the region that make a commodity some benchmark counts."""
    made = {c for g in groups for c in g.commodities}
    pr = network.projects
    return pr[pr["region"].isin(members) & pr["commodity"].isin(made)]


def _by_process(recipes: pd.DataFrame) -> dict[str, list[tuple[str, float]]]:
    """(commodity, coefficient) pairs of each process in ``recipes``."""
    out: dict[str, list[tuple[str, float]]] = {}
    for p, c, k in zip(recipes["process"], recipes["commodity"], recipes["coefficient"], strict=True):
        out.setdefault(str(p), []).append((str(c), float(k)))
    return out


def _downstream(recipes: pd.DataFrame) -> dict[str, set[str]]:
    """Commodities each commodity is turned into, directly or through other processes."""
    ins = recipes[recipes["kind"] == "input"]
    outs = recipes[recipes["kind"] == "output"]
    made = outs.groupby("process")["commodity"].apply(set).to_dict()
    step: dict[str, set[str]] = {}
    for p, c in zip(ins["process"], ins["commodity"], strict=True):
        step.setdefault(str(c), set()).update(made.get(p, set()))
    out: dict[str, set[str]] = {}
    for c in step:
        seen: set[str] = set()
        todo = list(step[c])
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(step.get(x, ()))
        out[c] = seen
    return out


def _mean_by_year(arr: np.ndarray, periods: pd.PeriodIndex, years: np.ndarray) -> np.ndarray:
    """Mean of (S, T, X) multipliers over the periods of each year -> (S, Y, X)."""
    py = np.asarray(periods.year)
    return np.stack([arr[:, py == y, :].mean(axis=1) for y in years], axis=1)


@dataclass
class Draw:
    """One batch of samples: scenario per sample and each project's capacity contribution."""

    scenario: np.ndarray  # (K,)
    contribution: np.ndarray  # (P, Y, K): util x capacity x multiplier
    capacity: np.ndarray  # (P, Y, K): nameplate capacity delivered
    delivered: np.ndarray  # (P, K) bool
    delay: np.ndarray  # (P, K) whole years


@dataclass
class Evaluator:
    """The compiled problem: fixed production, consumption, project weights and multipliers."""

    years: np.ndarray
    groups: list[Group]
    benchmarks: list[str]
    fixed: np.ndarray  # (N, Y, S) production of the network's own producers
    consumption: np.ndarray  # (N, Y, S)
    weight: np.ndarray  # (N, P) yield of each project in each group's commodities
    multiplier: np.ndarray  # (P, Y, S)
    probability: np.ndarray  # (S,)
    pipe: Pipeline
    new_utilisation: float
    network: Network
    members: set[str]
    allowed: np.ndarray  # (E,) expansion options allowed in every scenario

    @classmethod
    def build(
        cls,
        network: Network,
        study: Study,
        shocks: ShockArrays,
        groups: list[Group],
        projects: pd.DataFrame,
        pipe: Pipeline,
        completion: pd.DataFrame,
        members: set[str],
        label: str,
    ) -> Evaluator:
        """Compile the network, shocks and pipeline into arrays."""
        years = np.asarray(sorted(set(shocks.periods.year)), dtype=np.int64)
        procs, rec, dem = network.processes, network.recipes, network.demand
        stage_of = network.commodities["stage"]
        pmult = _mean_by_year(np.asarray(shocks.process_capacity, float), shocks.periods, years)  # (S, Y, P)
        dmult = _mean_by_year(np.asarray(shocks.demand, float), shocks.periods, years)  # (S, Y, D)
        n, s_count = len(groups), len(shocks.scenarios)
        mapped = {str(p) for p in projects["process"] if isinstance(p, str) and p in procs.index}
        inside = procs[procs["region"].isin(members)]
        out = rec[rec["kind"] == "output"]
        inp = rec[rec["kind"] == "input"]
        ppos = {p: i for i, p in enumerate(procs.index)}
        base_year = float(network.year) if network.year is not None else float(years[0])
        made = _by_process(out)
        used = {p: {c for c, _ in v} for p, v in _by_process(inp).items()}
        matches: dict[tuple[str, str], int] = {}
        fixed = np.zeros((n, years.size, s_count))
        for pid, owner, cap in zip(inside.index, inside["owner"], inside["capacity"], strict=True):
            if pid in mapped or pid not in made:
                continue
            mine, uses = made[pid], used.get(pid, set())
            key = (str(stage_of.get(mine[0][0], "")), str(owner))
            if key not in matches:
                matches[key] = _match(completion, "operating", key[0], key[1], key[1] in members, str(pid), label)
            util = float(completion["utilisation"].iloc[matches[key]])
            for g, grp in enumerate(groups):
                if grp.via and not uses.intersection(grp.via):
                    continue
                y = sum(k for c, k in mine if c in grp.commodities)
                if y > 0:
                    fixed[g] += util * float(cap) * y * pmult[:, :, ppos[pid]].T
        # consumption: inputs to the region's processes at baseline, grown, plus final demand
        act = network.baseline_activity
        inp_in = inp[inp["process"].isin(inside.index)]
        inter = inp_in["coefficient"].to_numpy(float) * act.reindex(inp_in["process"]).fillna(0.0).to_numpy(float)
        inter_use = pd.Series(inter, index=inp_in["commodity"].to_numpy()).groupby(level=0).sum()
        drow = np.flatnonzero(dem["region"].isin(members).to_numpy())
        q = dem["quantity"].to_numpy(float)
        gr = dem["growth"].fillna(0.0).to_numpy(float)
        dcom = dem["commodity"].to_numpy()
        below = _downstream(rec)
        cons = np.zeros((n, years.size, s_count))
        for g, grp in enumerate(groups):
            # intermediate use grows, and is shocked, like the region's final demand it feeds
            feeds = set().union(*(below.get(c, set()) for c in grp.basis))
            rows = np.asarray([r for r in drow if dcom[r] in feeds], dtype=np.int64)
            w = q[rows]
            if rows.size and w.sum() > 0:
                gbar = float((w * gr[rows]).sum() / w.sum())
                dbar = (dmult[:, :, rows] * w).sum(axis=2) / w.sum()
            else:
                gbar, dbar = 0.0, np.ones((s_count, years.size))
            base = float(inter_use.reindex(list(grp.basis)).fillna(0.0).sum())
            cons[g] += (base * ((1.0 + gbar) ** (years - base_year))[None, :] * dbar).T
            for r in drow:
                if dcom[r] in grp.basis:
                    cons[g] += (q[r] * (1.0 + gr[r]) ** (years - base_year) * dmult[:, :, r]).T
        # projects: weights per group and multipliers per scenario
        exps = network.expansions
        epos = {e: i for i, e in enumerate(exps.index)}
        allowed_se = np.asarray(shocks.expansion_allowed, bool)
        weight = np.zeros((n, len(projects)))
        mult = np.ones((len(projects), years.size, s_count))
        for i, (_, prow) in enumerate(projects.iterrows()):
            proc = prow["process"] if isinstance(prow["process"], str) else ""
            uses = used.get(proc, set()) if proc in ppos else set()
            for g, grp in enumerate(groups):
                if prow["commodity"] in grp.commodities and (not grp.via or uses.intersection(grp.via)):
                    weight[g, i] = 1.0
            if proc in ppos:
                mult[i] = pmult[:, :, ppos[proc]].T
            elif proc in epos:
                mult[i] = allowed_se[:, epos[proc]].astype(float)[None, :]
        new_rows = completion.index[completion["status"] == "construction"]
        new_util = float(completion.loc[new_rows[0], "utilisation"]) if len(new_rows) else 1.0
        ok = np.asarray(allowed_se.all(axis=0) if allowed_se.size else np.ones(len(exps), bool), dtype=bool)
        names = list(dict.fromkeys(g.benchmark for g in groups))
        prob = np.asarray(shocks.probability, float)
        return cls(years, groups, names, fixed, cons, weight, mult, prob / prob.sum(), pipe, new_util, network,
                   members, ok)  # fmt: skip

    @property
    def pipe_cells(self) -> int:
        """Delays that give different capacities, 0 .. D (a delay of D or more delivers after the last year)."""
        return int(self.years[-1] - self.pipe.years[0]) + 1

    # ------------------------------------------------------------------ sampling
    def draw(self, seed: int, blocks: list[tuple[int, int]]) -> Draw:
        """Draw the samples of ``blocks``, ``(index, size)`` pairs, each from its own child of ``seed``.

        Block ``b`` is drawn from ``SeedSequence(seed, spawn_key=(b,))``, the ``b``-th child of
        ``SeedSequence(seed).spawn(...)``, so a block is the same whichever chunk draws it.
        """
        p = self.pipe
        n_p = len(p.ids)
        scen, u, z = [], [], []
        for b, size in blocks:
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b,)))
            scen.append(rng.choice(self.probability.size, size=size, p=self.probability))
            u.append(rng.random((n_p, size)))
            z.append(rng.standard_normal((n_p, size)))
        scenario = np.concatenate(scen)
        delivered = np.concatenate(u, axis=1) < p.deliver[:, None]
        zz = np.concatenate(z, axis=1)
        delay = np.floor(np.maximum(p.delay_mean[:, None] + p.delay_sd[:, None] * zz, 0.0) + 0.5).astype(np.int64)
        g0 = int(p.years[0])
        col = np.clip(self.years[None, :, None] - g0 - delay[:, None, :], 0, p.years.size - 1)  # (P, Y, K)
        rows = np.arange(n_p)[:, None, None]
        ext = p.extension[rows, col] * delivered[:, None, :]
        kept = p.kept[:, self.years - g0][:, :, None]
        cap = kept + ext
        mult = np.take(self.multiplier, scenario, axis=2)  # (P, Y, K), samples innermost
        return Draw(scenario, p.utilisation[:, None, None] * cap * mult, cap, delivered, delay)

    def production(self, draw: Draw) -> np.ndarray:
        """Domestic production per group, year and sample (N, Y, K).

        The projects are added one after the other (no BLAS), so a sample's production is the
        same number whatever the other samples drawn with it.
        """
        dom = np.take(self.fixed, draw.scenario, axis=2)
        for g, i in zip(*np.nonzero(self.weight), strict=True):
            dom[g] += self.weight[g, i] * draw.contribution[i]
        return dom

    def threshold(self, cons: np.ndarray) -> np.ndarray:
        """Production at which each share counts as met, (N, Y, K) from consumption (N, Y, K)."""
        req = np.stack([g.required for g in self.groups])[:, :, None]
        return req * cons - _TOL * np.maximum(cons, 1.0)

    def by_benchmark(self, met: np.ndarray) -> np.ndarray:
        """All groups of each benchmark met: (N, ...) -> (B, ...)."""
        names = [g.benchmark for g in self.groups]
        return np.stack([met[[i for i, b in enumerate(names) if b == name]].all(axis=0) for name in self.benchmarks])

    # ------------------------------------------------------------------ additions
    def _needs(self, state: dict[str, Any], target: float) -> np.ndarray:
        """Capacity each group needs so that every benchmark holds in ``target`` of the samples (N,)."""
        from valuechain.analysis._outlook_chunks import inverted_cdf_index

        deficit = state["deficit"]  # (N, K): production short of each share's threshold
        k = deficit.shape[1]
        need = np.zeros(len(self.groups))
        names = [g.benchmark for g in self.groups]
        for name in self.benchmarks:
            idx = [i for i, x in enumerate(names) if x == name]
            sub = np.maximum(deficit[idx], 0.0) / max(self.new_utilisation, _TOL)
            srt = np.sort(sub, axis=1)  # quantile q of each share: srt[:, inverted_cdf_index(k, q)]
            lo, hi = target, 1.0
            best = srt[:, -1]
            for _ in range(40):
                mid = 0.5 * (lo + hi)
                a = srt[:, inverted_cdf_index(k, mid)]
                if (sub <= a[:, None] + _TOL).all(axis=0).mean() >= target:
                    best, hi = a, mid
                else:
                    lo = mid
            need[idx] = np.maximum(need[idx], best * 1.0000001)
        return need

    def p_with(self, state: dict[str, Any], add: np.ndarray) -> np.ndarray:
        """Probability each benchmark is met in the last year with ``add`` (N,) more nameplate capacity per share."""
        met = self.new_utilisation * add[:, None] >= state["deficit"]
        return np.asarray(self.by_benchmark(met).mean(axis=1))

    def additions(self, state: dict[str, Any], target: float, study: Study) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Least-cost expansion options that bring every benchmark to ``target`` in the last year."""
        from valuechain.analysis import _outlook_lp

        need = self._needs(state, target)
        built, add, short = _outlook_lp.solve_additions(self, need, study)
        p_after = self.p_with(state, add)
        names = [g.benchmark for g in self.groups]
        after = pd.DataFrame(
            {
                "benchmark": self.benchmarks,
                "year": int(self.years[-1]),
                "p_met": state["p_last"],
                "p_after": p_after,
                "short": [float(sum(short[i] for i, x in enumerate(names) if x == b)) for b in self.benchmarks],
                # per commodity, in its own unit: a cap over several commodities sums unlike units above
                "short_parts": [
                    tuple(
                        (c, float(short[i]), g.unit)
                        for i, g in enumerate(self.groups)
                        if g.benchmark == b and short[i] > 0
                        for c in g.commodities[:1]
                    )
                    for b in self.benchmarks
                ],
            }
        )
        return built, after
