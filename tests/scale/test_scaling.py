"""Slopes of a benchmark record, and how the time slope splits into work and time per value."""

from __future__ import annotations

import numpy as np

from valuechain.bench.scaling import fit_slopes


def test_time_slope_is_the_slope_of_work_plus_that_of_time_per_value():
    # time per value steps up once the state no longer fits a cache; work grows a little slower than edges
    edges = np.array([3e3, 1e4, 3.2e4, 1e5, 3e5])
    ns = np.where(edges < 3e4, 1.7, 3.0)
    work = 0.3 * edges**0.95 * 1024 * 24
    rec = {"results": [{"case": "sim-throughput", "size": int(e), "edges": e, "sim_s": w * n * 1e-9,
                        "values_computed": w, "ns_per_value": n}
                       for e, n, w in zip(edges, ns, work, strict=True)]}  # fmt: skip
    rec["results"].append({"case": "sim-throughput", "size": "global", "edges": 50.0, "sim_s": 9.0})  # named: left out
    fits = fit_slopes(rec).set_index("y")
    assert (fits.points == 5).all()
    assert abs(fits.slope["values_computed"] - 0.95) < 1e-9
    assert fits.slope["ns_per_value"] > 0.1
    assert fits.slope["sim_s"] > 1.05
    assert abs(fits.slope["values_computed"] + fits.slope["ns_per_value"] - fits.slope["sim_s"]) < 1e-9
    assert fits.x_range["sim_s"] == "3,000 - 300,000"
