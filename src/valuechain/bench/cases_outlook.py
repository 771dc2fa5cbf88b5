"""Benchmark cases of the outlook: pipeline x shock samples of the default targets study, here and on Dask."""

from __future__ import annotations

import time
from typing import Any

from valuechain.bench.registry import case


@case("outlook-samples", sizes=(10_000, 30_000, 100_000, 1_000_000), quick_sizes=(1_000,), size_label="samples")
def outlook_samples(size: Any, quick: bool) -> dict[str, Any]:
    """``valuechain outlook`` on eu-crma-2030: sampling, evaluation, ranking and additions for ``size`` samples."""
    from valuechain.analysis.outlook import outlook

    outlook("eu-crma-2030", samples=100, seed=1)  # loads and compiles once, kept out of the timing
    t0 = time.perf_counter()
    res = outlook("eu-crma-2030", samples=int(size), seed=1)
    total = time.perf_counter() - t0
    tm = res.timings
    return {"total_s": round(total, 3), "prepare_s": round(tm["prepare"], 3), "sample_s": round(tm["sample"], 3),
            "additions_s": round(tm["additions"], 3),
            "benchmarks": int(res.probabilities["benchmark"].nunique())}  # fmt: skip


@case("outlook-dask", sizes=(100_000, 1_000_000), quick_sizes=(20_000,), size_label="samples")
def outlook_dask(size: Any, quick: bool) -> dict[str, Any]:
    """The same outlook on a local Dask cluster of 2 worker processes, checked against the local run."""
    import pandas as pd

    from valuechain.analysis.outlook import outlook as local
    from valuechain.study.scale import cluster, outlook

    n = int(size)
    with cluster(workers=2) as client:
        outlook("eu-crma-2030", samples=4_000, seed=1, client=client)  # workers import and compile once
        t0 = time.perf_counter()
        res = outlook("eu-crma-2030", samples=n, seed=1, client=client)
        total = time.perf_counter() - t0
    t1 = time.perf_counter()
    ref = local("eu-crma-2030", samples=n, seed=1)
    local_s = time.perf_counter() - t1
    same = res.probabilities.equals(ref.probabilities) and res.projects.equals(ref.projects)
    pd.testing.assert_frame_equal(res.after, ref.after)
    return {"total_s": round(total, 3), "sample_s": round(res.timings["sample"], 3),
            "local_total_s": round(local_s, 3), "local_sample_s": round(ref.timings["sample"], 3),
            "same_results": bool(same)}  # fmt: skip
