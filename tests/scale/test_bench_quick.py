"""Every registered benchmark case runs at its quick sizes and reports figures, not errors."""

from __future__ import annotations

import numbers

import pytest

from valuechain.bench import CASES, run_case
from valuechain.bench.registry import _load_cases

_load_cases()
RUNS = [(name, size) for name, c in sorted(CASES.items()) for size in c.quick_sizes]


def test_scale_cases_are_registered():
    for name in ("synth-build", "sim-throughput", "sim-scenarios", "sim-periods", "sim-stream", "criticality",
                 "dask-overhead", "opt-build-solve", "opt-resolve", "opt-sweep-dask", "study-default"):  # fmt: skip
        assert name in CASES
        assert CASES[name].sizes, name
        assert len(CASES[name].quick_sizes) <= len(CASES[name].sizes)


@pytest.mark.parametrize(("name", "size"), RUNS, ids=[f"{n}-{s}" for n, s in RUNS])
def test_quick_case_reports_figures(name, size):
    res = run_case(name, size, quick=True)  # in this process: the CLI runs each in a fresh one
    assert "error" not in res
    figures = {k: v for k, v in res.items() if k not in ("case", "size", "wall_s", "peak_rss_mb")}
    if "skipped" in figures:  # only a case whose input is missing from the checkout may skip
        assert name == "study-default"
        assert "not in this checkout" in figures["skipped"]
        return
    numeric = [v for v in figures.values() if isinstance(v, numbers.Number) and not isinstance(v, bool)]
    assert numeric, f"{name} reported no figure"
    assert all(v == v for v in numeric)  # no NaN
    if name == "sim-throughput":  # work is counted, time per value derived from it
        assert figures["values_computed"] > 0
        assert figures["ns_per_value"] > 0
    for flag in ("same_results", "same_objective", "same_objectives"):
        if flag in figures:
            assert figures[flag] is True, f"{name}: {flag}"
