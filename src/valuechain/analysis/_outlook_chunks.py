"""The outlook's samples in chunks: each chunk reduced to sums and counts, the chunks then merged.

The samples are cut into **blocks** of :data:`BLOCK` samples; block ``b`` is drawn from the
``b``-th child of the run's seed (``SeedSequence(seed, spawn_key=(b,))``). A **chunk** is a run
of whole blocks, evaluated at once (numpy over its samples) by :func:`run_chunk`, here or on a
Dask worker, and reduced to :class:`ChunkStats`: counts of samples meeting each benchmark, sums
of gaps and shares per block, the count met without each project, each project's outcomes
(delivered, delay) as counts, and the one array that grows with the samples, the last year's
deficit of every share in every sample (what the additions need). :class:`Merger` adds the
counts and sums the per-block sums in block order, so the tables depend on the samples and the seed
only, never on the chunk size or where the chunks ran. Memory is one chunk's arrays plus the
deficits, 8 bytes a share and sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.errors import StudyError

if TYPE_CHECKING:
    from valuechain.analysis._outlook_eval import Evaluator

#: Samples drawn from one child seed; chunks are whole numbers of blocks.
BLOCK = 1_000


@dataclass
class ChunkStats:
    """What one chunk of blocks contributes to the tables (B benchmarks, N shares, Y years, P projects)."""

    samples: int
    met: np.ndarray  # (B, Y) samples meeting each benchmark
    gap_pp: np.ndarray  # (blocks, B, Y) sums of the largest share gap of each benchmark
    gap_q: np.ndarray  # (blocks, N, Y) sums of each share's gap in its unit
    share: np.ndarray  # (blocks, N, Y) sums of each share (capped at 1)
    without: np.ndarray  # (P, B) samples meeting each benchmark in the last year without the project
    outcomes: np.ndarray  # (P, 2, D + 1) samples by (delivered, delay up to D) per project
    deficit: np.ndarray  # (N, K) production short of each share's threshold in the last year


def chunks(samples: int, chunk_size: int) -> list[tuple[int, int]]:
    """``(first block, blocks)`` of each chunk of ``samples``: ``chunk_size`` rounded up to whole blocks."""
    n_blocks = math.ceil(samples / BLOCK)
    per = max(1, math.ceil(chunk_size / BLOCK))
    return [(b, min(per, n_blocks - b)) for b in range(0, n_blocks, per)]


def _sums(x: np.ndarray, bounds: list[tuple[int, int]]) -> np.ndarray:
    """Sum of ``x`` (..., K) over each block's samples -> (blocks, ...)."""
    return np.stack([x[..., a:b].sum(axis=-1) for a, b in bounds])


def run_chunk(model: Evaluator, samples: int, seed: int, first: int, count: int) -> ChunkStats:
    """Draw and evaluate blocks ``first .. first + count - 1`` of a run of ``samples`` samples."""
    sizes = [(b, min(BLOCK, samples - b * BLOCK)) for b in range(first, first + count) if b * BLOCK < samples]
    draw = model.draw(seed, sizes)
    ends = np.cumsum([n for _, n in sizes])
    bounds = list(zip(np.concatenate([[0], ends[:-1]]).tolist(), ends.tolist(), strict=True))
    dom = model.production(draw)
    cons = np.take(model.consumption, draw.scenario, axis=2)
    req = np.stack([g.required for g in model.groups])[:, :, None]
    thr = model.threshold(cons)
    share = np.where(cons > 0, np.minimum(dom / np.where(cons > 0, cons, 1.0), 1.0), 1.0)
    gap_pp = np.maximum(req - share, 0.0)
    gap_q = np.maximum(req * cons - dom, 0.0)
    names = [g.benchmark for g in model.groups]
    worst = np.stack([gap_pp[[i for i, x in enumerate(names) if x == b]].max(axis=0) for b in model.benchmarks])
    ok = dom >= thr
    met = model.by_benchmark(ok)
    dom_l, thr_l = dom[:, -1], thr[:, -1]
    # without each project: only the benchmarks with a share it counts in change
    member = [[i for i, x in enumerate(names) if x == b] for b in model.benchmarks]
    without = np.repeat(met[:, -1].sum(axis=-1)[None, :], len(model.pipe.ids), axis=0)
    for i in range(len(model.pipe.ids)):
        w = model.weight[:, i]
        for b, rows in enumerate(member):
            if not w[rows].any():
                continue
            sub = ok[rows, -1].copy()
            for j, g in enumerate(rows):
                if w[g]:
                    sub[j] = dom_l[g] - w[g] * draw.contribution[i, -1] >= thr_l[g]
            without[i, b] = sub.all(axis=0).sum()
    cells = model.pipe_cells
    code = draw.delivered.astype(np.int64) * cells + np.minimum(draw.delay, cells - 1)
    n_p = code.shape[0]
    flat = (np.arange(n_p)[:, None] * 2 * cells + code).ravel()
    outcomes = np.bincount(flat, minlength=n_p * 2 * cells).reshape(n_p, 2, cells)
    return ChunkStats(
        samples=int(ends[-1]),
        met=met.sum(axis=-1),
        gap_pp=_sums(worst, bounds),
        gap_q=_sums(gap_q, bounds),
        share=_sums(share, bounds),
        without=without,
        outcomes=outcomes,
        deficit=thr_l - dom_l,
    )


class Merger:
    """Adds up :class:`ChunkStats` of one run as they arrive, in chunk order."""

    def __init__(self, model: Evaluator, samples: int) -> None:
        self.model = model
        self.deficit = np.empty((len(model.groups), samples))
        self.k = 0
        self.met = np.zeros((len(model.benchmarks), model.years.size), dtype=np.int64)
        self.without = np.zeros((len(model.pipe.ids), len(model.benchmarks)), dtype=np.int64)
        self.outcomes = np.zeros((len(model.pipe.ids), 2, model.pipe_cells), dtype=np.int64)
        self.sums: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, part: ChunkStats) -> None:
        """Take in the next chunk (its deficits are copied into place, the rest is small)."""
        self.deficit[:, self.k : self.k + part.samples] = part.deficit
        self.k += part.samples
        self.met += part.met
        self.without += part.without
        self.outcomes += part.outcomes
        self.sums.append((part.gap_pp, part.gap_q, part.share))

    def finish(self, projects: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], np.ndarray]:
        """Probabilities per benchmark and year, ranked projects, the last year's state and project outcomes.

        The per-block sums are added in block order, whatever the chunks were.
        """
        model, k = self.model, self.k
        if k != self.deficit.shape[1]:
            raise StudyError(f"the outlook's chunks returned {k} samples, not {self.deficit.shape[1]}")
        met = self.met / k
        gap_pp, gap_q, share = (np.concatenate([s[n] for s in self.sums]).sum(axis=0) / k for n in range(3))
        names = [g.benchmark for g in model.groups]
        rows = []
        for b, name in enumerate(model.benchmarks):
            idx = [i for i, x in enumerate(names) if x == name]
            one = len(idx) == 1
            grp = model.groups[idx[0]]
            for t, y in enumerate(model.years):
                p = float(met[b, t])
                rows.append(
                    {
                        "benchmark": name,
                        "year": int(y),
                        "p_met": p,
                        "se": float(np.sqrt(p * (1 - p) / k)),
                        "expected_gap_pp": float(100 * gap_pp[b, t]),
                        "expected_gap": float(gap_q[idx[0], t]) if one else np.nan,
                        "unit": grp.unit if one else "",
                        "mean_share": float(share[idx[0], t]) if one else np.nan,
                        "required": float(grp.required[t]) if one else np.nan,
                    }
                )
        p_last = met[:, -1]
        ranked = _rank(model, p_last, self.without / k, projects)
        return pd.DataFrame(rows), ranked, {"deficit": self.deficit, "p_last": p_last}, self.outcomes


def inverted_cdf_index(n: int, q: float) -> int:
    """Position in ``n`` sorted samples of numpy's ``inverted_cdf`` quantile ``q``: ``ceil(n q - 1)``, clipped."""
    v = n * q - 1.0
    f = math.floor(v)
    return int(np.clip(f + (1 if v - f > 0 else 0), 0, n - 1))


def _rank(model: Evaluator, p_last: np.ndarray, without: np.ndarray, projects: pd.DataFrame) -> pd.DataFrame:
    """Fall of each benchmark's probability in the last year without each project (same samples)."""
    rows = []
    for i, pid in enumerate(model.pipe.ids):
        if not model.weight[:, i].any():
            continue
        drop = p_last - without[i]
        b = int(np.argmax(drop))
        r = projects.loc[pid]
        rows.append(
            {
                "project": pid,
                "name": str(r["name"]),
                "status": str(r["status"]),
                "commodity": str(r["commodity"]),
                "benchmark": model.benchmarks[b],
                "p_met": float(p_last[b]),
                "p_without": float(without[i, b]),
                "drop": float(drop[b]),
                "total_drop": float(drop.sum()),
            }
        )
    cols = ["project", "name", "status", "commodity", "benchmark", "p_met", "p_without", "drop", "total_drop"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["drop", "total_drop", "project"], ascending=[False, False, True], kind="stable")


def capacity_quantile(model: Evaluator, outcomes: np.ndarray, q: float) -> np.ndarray:
    """Each project's nameplate capacity in each year at quantile ``q`` of the samples, (P, Y).

    A project's capacity in a year depends only on whether it delivers and on its delay, so the
    counts of those outcomes give the quantile exactly: the ``inverted_cdf`` quantile of numpy
    (the sorted samples' value at position ``ceil(n q - 1)``, clipped to ``[0, n - 1]``).
    """
    p = model.pipe
    cells = model.pipe_cells
    g0 = int(p.years[0])
    j = inverted_cdf_index(int(outcomes[0].sum()), q)
    delay = np.arange(cells)
    out = np.zeros((len(p.ids), model.years.size))
    for i in range(len(p.ids)):
        counts = outcomes[i].ravel()
        for t, y in enumerate(model.years):
            col = np.clip(int(y) - g0 - delay, 0, p.years.size - 1)
            ext = p.extension[i, col]
            values = np.concatenate([p.kept[i, int(y) - g0] + ext * False, p.kept[i, int(y) - g0] + ext * True])
            order = np.argsort(values, kind="stable")
            reach = np.cumsum(counts[order])
            out[i, t] = values[order][np.searchsorted(reach, j, side="right")]
    return out
