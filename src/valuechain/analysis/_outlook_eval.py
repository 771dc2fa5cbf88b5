"""The arrays behind :func:`valuechain.analysis.outlook.outlook`: shares to meet, samples, their evaluation.

The measure is defined in :mod:`valuechain.analysis.outlook`; this module computes it with numpy
over the samples (groups x years x samples arrays).
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

    # ------------------------------------------------------------------ sampling
    def draw(self, samples: int, seed: int) -> Draw:
        """Draw scenarios and project outcomes for ``samples`` samples from ``seed``."""
        rng = np.random.default_rng(seed)
        p = self.pipe
        n_p = len(p.ids)
        scen = rng.choice(self.probability.size, size=samples, p=self.probability)
        u = rng.random((n_p, samples))
        z = rng.standard_normal((n_p, samples))
        delivered = u < p.deliver[:, None]
        delay = np.floor(np.maximum(p.delay_mean[:, None] + p.delay_sd[:, None] * z, 0.0) + 0.5).astype(np.int64)
        g0 = int(p.years[0])
        col = np.clip(self.years[None, :, None] - g0 - delay[:, None, :], 0, p.years.size - 1)  # (P, Y, K)
        rows = np.arange(n_p)[:, None, None]
        ext = p.extension[rows, col] * delivered[:, None, :]
        kept = p.kept[:, self.years - g0][:, :, None]
        cap = kept + ext
        mult = self.multiplier[:, :, scen]  # (P, Y, K)
        return Draw(scen, p.utilisation[:, None, None] * cap * mult, cap)

    def production(self, draw: Draw) -> np.ndarray:
        """Domestic production per group, year and sample (N, Y, K)."""
        fixed = self.fixed[:, :, draw.scenario]
        return fixed + np.einsum("np,pyk->nyk", self.weight, draw.contribution, optimize=True)

    def _met(self, dom: np.ndarray, cons: np.ndarray, req: np.ndarray) -> np.ndarray:
        return dom >= req * cons - _TOL * np.maximum(cons, 1.0)

    def _by_benchmark(self, met: np.ndarray) -> np.ndarray:
        """All groups of each benchmark met: (N, ...) -> (B, ...)."""
        names = [g.benchmark for g in self.groups]
        return np.stack([met[[i for i, b in enumerate(names) if b == name]].all(axis=0) for name in self.benchmarks])

    def evaluate(self, draw: Draw) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Probability met, standard error and expected gaps per benchmark and year."""
        dom = self.production(draw)
        cons = self.consumption[:, :, draw.scenario]
        req = np.stack([g.required for g in self.groups])[:, :, None]
        met = self._met(dom, cons, req)
        share = np.where(cons > 0, np.minimum(dom / np.where(cons > 0, cons, 1.0), 1.0), 1.0)
        gap_pp = np.maximum(req - share, 0.0)
        gap_q = np.maximum(req * cons - dom, 0.0)
        bmet = self._by_benchmark(met)
        k = draw.scenario.size
        names = [g.benchmark for g in self.groups]
        rows = []
        for b, name in enumerate(self.benchmarks):
            idx = [i for i, x in enumerate(names) if x == name]
            single = len(idx) == 1
            for t, y in enumerate(self.years):
                p = float(bmet[b, t].mean())
                rows.append(
                    {
                        "benchmark": name,
                        "year": int(y),
                        "p_met": p,
                        "se": float(np.sqrt(p * (1 - p) / k)),
                        "expected_gap_pp": float(100 * gap_pp[idx, t].max(axis=0).mean()),
                        "expected_gap": float(gap_q[idx[0], t].mean()) if single else np.nan,
                        "unit": self.groups[idx[0]].unit if single else "",
                        "mean_share": float(share[idx[0], t].mean()) if single else np.nan,
                        "required": float(self.groups[idx[0]].required[t]) if single else np.nan,
                    }
                )
        state = {"dom": dom[:, -1], "cons": cons[:, -1], "req": req[:, -1], "p_last": bmet[:, -1].mean(axis=1)}
        return pd.DataFrame(rows), state

    # ------------------------------------------------------------------ ranking
    def rank(self, draw: Draw, state: dict[str, Any], projects: pd.DataFrame) -> pd.DataFrame:
        """Fall of each benchmark's probability in the last year without each project (same samples)."""
        dom, cons, req, p_last = state["dom"], state["cons"], state["req"], state["p_last"]
        rows = []
        for i, pid in enumerate(self.pipe.ids):
            w = self.weight[:, i]
            if not w.any():
                continue
            without = dom - w[:, None] * draw.contribution[i, -1][None, :]
            p_wo = self._by_benchmark(self._met(without, cons, req)).mean(axis=1)
            drop = p_last - p_wo
            b = int(np.argmax(drop))
            r = projects.loc[pid]
            rows.append(
                {
                    "project": pid,
                    "name": str(r["name"]),
                    "status": str(r["status"]),
                    "commodity": str(r["commodity"]),
                    "benchmark": self.benchmarks[b],
                    "p_met": float(p_last[b]),
                    "p_without": float(p_wo[b]),
                    "drop": float(drop[b]),
                    "total_drop": float(drop.sum()),
                }
            )
        cols = ["project", "name", "status", "commodity", "benchmark", "p_met", "p_without", "drop", "total_drop"]
        out = pd.DataFrame(rows, columns=cols)
        return out.sort_values(["drop", "total_drop", "project"], ascending=[False, False, True], kind="stable")

    # ------------------------------------------------------------------ additions
    def _needs(self, state: dict[str, Any], target: float) -> np.ndarray:
        """Capacity each group needs so that every benchmark holds in ``target`` of the samples (N,)."""
        dom, cons, req = state["dom"], state["cons"], state["req"]
        lack = np.maximum(req * cons - dom, 0.0) / max(self.new_utilisation, _TOL)  # (N, K)
        need = np.zeros(len(self.groups))
        names = [g.benchmark for g in self.groups]
        for name in self.benchmarks:
            idx = [i for i, x in enumerate(names) if x == name]
            sub = lack[idx]
            lo, hi = target, 1.0
            best = np.quantile(sub, 1.0, axis=1, method="inverted_cdf")
            for _ in range(40):
                mid = 0.5 * (lo + hi)
                a = np.quantile(sub, mid, axis=1, method="inverted_cdf")
                if (sub <= a[:, None] + _TOL).all(axis=0).mean() >= target:
                    best, hi = a, mid
                else:
                    lo = mid
            need[idx] = np.maximum(need[idx], best * 1.0000001)
        return need

    def p_with(self, state: dict[str, Any], add: np.ndarray) -> np.ndarray:
        """Probability each benchmark is met in the last year with ``add`` (N,) more nameplate capacity per share."""
        dom = state["dom"] + self.new_utilisation * add[:, None]
        return np.asarray(self._by_benchmark(self._met(dom, state["cons"], state["req"])).mean(axis=1))

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
            }
        )
        return built, after
