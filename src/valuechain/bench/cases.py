"""Benchmark cases of the network layer (the engines register theirs in their own modules)."""

from __future__ import annotations

import time
from typing import Any

from valuechain.bench.registry import case


@case("network-load", sizes=("toy-transport", "toy-battery"), quick_sizes=("toy-battery",), size_label="network")
def network_load(size: Any, quick: bool) -> dict[str, Any]:
    """Read and validate a bundled network from its folder."""
    from valuechain.network import load_network

    t0 = time.perf_counter()
    net = load_network(str(size))
    first = time.perf_counter() - t0
    reps = 3 if quick else 10
    t0 = time.perf_counter()
    for _ in range(reps):
        load_network(str(size))
    rows = sum(net.counts().values())
    return {"rows": rows, "first_load_s": round(first, 4), "load_s": round((time.perf_counter() - t0) / reps, 4)}
