"""Benchmark case of the outlook: pipeline x shock samples of the default targets study."""

from __future__ import annotations

import time
from typing import Any

from valuechain.bench.registry import case


@case("outlook-samples", sizes=(10_000, 30_000), quick_sizes=(1_000,), size_label="samples")
def outlook_samples(size: Any, quick: bool) -> dict[str, Any]:
    """``valuechain outlook`` on eu-crma-2030: sampling, evaluation, ranking and additions for ``size`` samples."""
    from valuechain.analysis.outlook import outlook

    outlook("eu-crma-2030", samples=100, seed=1)  # loads and compiles once, kept out of the timing
    t0 = time.perf_counter()
    res = outlook("eu-crma-2030", samples=int(size), seed=1)
    total = time.perf_counter() - t0
    tm = res.timings
    return {"total_s": round(total, 3), "prepare_s": round(tm["prepare"], 3), "sample_s": round(tm["sample"], 3),
            "rank_s": round(tm["rank"], 3), "additions_s": round(tm["additions"], 3),
            "benchmarks": int(res.probabilities["benchmark"].nunique())}  # fmt: skip
