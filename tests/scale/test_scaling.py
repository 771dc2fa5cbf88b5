"""Slopes of a benchmark record: over every size, or from a size on."""

from __future__ import annotations

import numpy as np

from valuechain.bench.scaling import fit_slopes


def test_slopes_over_a_range_and_from_a_size_on_and_their_parts_add_up():
    # time per edge falls to a floor once the state no longer fits a cache: steeper at first, then linear
    edges = np.array([3e3, 1e4, 3.2e4, 1e5, 3e5])
    per_edge = np.where(edges < 3e4, 0.5, 1.0)
    work = 0.3 * edges**0.95
    rec = {"results": [{"case": "sim-throughput", "size": int(e), "edges": e, "sim_s": p * e * 1e-5,
                        "values_computed": w, "ns_per_value": p * e * 1e4 / w}
                       for e, p, w in zip(edges, per_edge, work, strict=True)]}  # fmt: skip
    rec["results"].append({"case": "sim-throughput", "size": "global", "edges": 50.0, "sim_s": 9.0})  # named: left out
    fits = fit_slopes(rec).set_index("what")
    time_fits = fits[fits.y == "sim_s"]
    assert len(time_fits) == 2
    whole, late = time_fits.iloc[0], time_fits.iloc[1]
    assert whole.points == 5
    assert whole.slope > 1.05
    assert late.points == 3
    assert abs(late.slope - 1.0) < 1e-9
    assert late.x_range == "32,000 - 300,000"
    # log time = log work + log time per value: the fitted slopes add
    parts = fits[fits.y.isin(["values_computed", "ns_per_value"])].slope.sum()
    assert abs(parts - whole.slope) < 1e-9
    assert abs(fits[fits.y == "values_computed"].slope.iloc[0] - 0.95) < 1e-9
