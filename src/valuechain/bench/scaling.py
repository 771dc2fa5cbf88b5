"""Log-log slopes of a benchmark run: how time and memory grow with size.

A slope of 1 is linear growth, below 1 is sub-linear (fixed costs still weigh), above 1 is
super-linear. Slopes are least-squares fits of ``log(y)`` on ``log(x)`` over the sizes of one case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FITS", "fit_slopes", "load_record"]

#: (case, x figure, y figure, what it measures) fitted by :func:`fit_slopes`. Time is work times
#: time per unit of work, so the slopes of ``values_computed`` and ``ns_per_value`` add up to that
#: of ``sim_s``.
FITS: tuple[tuple[str, str, str, str], ...] = (
    ("sim-throughput", "edges", "sim_s", "simulation time vs edges (synthetic networks, 1,024 scenarios)"),
    ("sim-throughput", "edges", "values_computed", "values the kernel computes vs edges (counted: no timing noise)"),
    ("sim-throughput", "edges", "ns_per_value", "time per value computed vs edges (where the memory hierarchy shows)"),
    ("sim-throughput", "edges", "peak_rss_mb", "peak memory vs edges"),
    ("sim-throughput", "processes", "compile_s", "compilation time vs processes"),
    ("sim-scenarios", "scenarios", "sim_s", "simulation time vs scenarios (1,000 processes)"),
    ("sim-scenarios", "scenarios", "peak_rss_mb", "peak memory vs scenarios (keep='summary')"),
    ("sim-periods", "periods", "sim_s", "simulation time vs periods (1,000 processes)"),
    ("sim-stream", "scenario_months", "sim_s", "streamed ensemble time vs scenario-months (10,000 processes)"),
    ("sim-stream", "scenario_months", "peak_rss_mb", "streamed ensemble memory vs scenario-months"),
    ("synth-build", "size", "tables_s", "synthetic tables vs processes"),
    ("synth-build", "size", "from_frames_s", "validation (Network.from_frames) vs processes"),
    ("opt-build-solve", "n_vars", "build_s", "LP build time vs variables"),
    ("opt-build-solve", "n_vars", "solve_s", "LP solve time vs variables"),
    ("opt-build-solve", "n_vars", "peak_rss_mb", "LP peak memory vs variables"),
)


def load_record(path: str | Path) -> dict[str, Any]:
    """Read a ``benchmarks/results/<date>.json`` record."""
    return dict(json.loads(Path(path).read_text("utf-8")))


def fit_slopes(record: dict[str, Any]) -> pd.DataFrame:
    """Fit the slopes of :data:`FITS` to the results of a run.

    Parameters
    ----------
    record
        A run record (as written by ``run_cases`` or read by :func:`load_record`).

    Returns
    -------
    pandas.DataFrame
        One row per fit with at least two usable sizes: ``case``, ``x``, ``y``, ``slope``,
        ``points``, ``x_range``, ``what``.

    Examples
    --------
    >>> rec = {"results": [{"case": "sim-periods", "size": p, "periods": p, "sim_s": 0.01 * p} for p in (12, 24, 48)]}
    >>> fit_slopes(rec)[["case", "slope"]].round(3).to_dict("records")
    [{'case': 'sim-periods', 'slope': 1.0}]
    """
    rows = []
    results = [r for r in record["results"] if "error" not in r and "skipped" not in r]
    for case, x, y, what in FITS:
        pts = []
        for r in results:
            xv = r.get("size") if x == "size" else r.get(x)
            if r["case"] != case or isinstance(r.get("size"), str):
                continue
            yv = r.get(y)
            if isinstance(xv, (int, float)) and isinstance(yv, (int, float)) and xv > 0 and yv > 0:
                pts.append((float(xv), float(yv)))
        if len(pts) < 2:
            continue
        lx, ly = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
        slope = float(np.polyfit(lx, ly, 1)[0])
        rng = f"{min(p[0] for p in pts):,.0f} - {max(p[0] for p in pts):,.0f}"
        rows.append({"case": case, "x": x, "y": y, "slope": slope, "points": len(pts), "x_range": rng, "what": what})
    return pd.DataFrame(rows, columns=["case", "x", "y", "slope", "points", "x_range", "what"])
