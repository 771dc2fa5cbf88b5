"""The report drawn in two passes: the early parts beside the targets step, the rest at the end.

``valuechain run`` hands :func:`~valuechain.report.render.prerender` to the study run, which
calls it in the thread that runs the steps beside the targets solve; :func:`render` then draws
only the parts that need the plan and the price-of-resilience curve. The report must be the same
as one drawn at once, and the early parts must not read what is not there yet.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pytest

from valuechain.report.html import Report
from valuechain.report.render import _PARTS, EARLY, Prerendered, _Facts, prerender, render
from valuechain.report.run import ReportRun, collect
from valuechain.study import _warm

#: The fields of a run that the steps after the early parts fill in (targets and the worker's sweep).
LATE = ("targets", "plan_flows", "after", "resilience")


def _normalised(folder: Path) -> tuple[str, dict[str, bytes]]:
    """The report's HTML without its time stamp, step times and Plotly's random element ids; its PNGs."""
    text = (folder / "report.html").read_text("utf-8")
    text = re.sub(r"Written by valuechain on [^<]*", "", text)
    text = re.sub(r'<td class="n">[0-9.]+ s</td>', "", text)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "", text)
    return text, {p.name: p.read_bytes() for p in sorted(folder.glob("*.png"))}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    # (the run takes the path of a warm installation, worker process and all, even where this
    # session's kernels are not cached yet: the shocks step then compiles them in its thread)
    mp = pytest.MonkeyPatch()
    mp.setattr(_warm, "missing", lambda mode: [])
    try:
        return collect(None, quick=True, prepare=prerender)
    finally:
        mp.undo()


def test_a_warm_run_draws_the_early_parts_beside_the_targets_step(run: ReportRun) -> None:
    assert isinstance(run.prepared, Prerendered)
    assert run.prepared.run is run
    assert set(run.prepared.parts) == set(EARLY)
    assert set(EARLY) < set(_PARTS)
    # every step ran and was timed, those beside the targets step included
    assert set(run.timings) == {"study", "dependency", "targets", "outlook", "resilience", "shocks", "criticality"}
    assert run.targets is not None
    assert run.resilience is not None
    assert run.criticality is not None
    assert run.beside == ("outlook", "shocks", "criticality")


def test_the_methods_say_which_step_times_overlap(run: ReportRun, tmp_path: Path) -> None:
    text = render(run, tmp_path / "r").read_text("utf-8")
    assert "The outlook, shocks and criticality steps ran beside the targets step" in text
    import dataclasses

    alone = dataclasses.replace(run, beside=(), prepared=None)
    assert "ran beside the targets step" not in render(alone, tmp_path / "alone").read_text("utf-8")


def test_the_report_drawn_in_two_passes_is_the_report_drawn_at_once(run: ReportRun, tmp_path: Path) -> None:
    two = render(run, tmp_path / "two")
    early = run.prepared
    try:
        run.prepared = None
        once = render(run, tmp_path / "once")
    finally:
        run.prepared = early
    a, b = _normalised(two.parent), _normalised(once.parent)
    assert a[0] == b[0]
    assert a[1] == b[1]
    assert len(a[1]) == 5


def test_the_early_parts_read_nothing_the_targets_step_makes(run: ReportRun, tmp_path: Path) -> None:
    # Drawn while the targets step has not filled its fields, the early parts are still the
    # ones drawn from the finished run: none of them reads the plan or the sweep.
    late = {k: getattr(run, k) for k in LATE}
    early = run.prepared
    try:
        for k in LATE:
            setattr(run, k, None)
        blind = prerender(run)
    finally:
        for k, v in late.items():
            setattr(run, k, v)
    try:
        run.prepared = blind
        from_blind = render(run, tmp_path / "blind")
        run.prepared = None
        at_once = render(run, tmp_path / "once")
    finally:
        run.prepared = early
    assert _normalised(from_blind.parent) == _normalised(at_once.parent)


@pytest.mark.parametrize("own", [True, False])
def test_parts_are_taken_only_from_the_run_they_were_drawn_for(run: ReportRun, tmp_path: Path, own: bool) -> None:
    import dataclasses

    stale = Report("")
    stale.add_text("A part drawn before the run changed.")
    early = run.prepared
    try:
        owner = run if own else dataclasses.replace(run)
        run.prepared = Prerendered(owner, _Facts(run), {name: stale for name in EARLY})
        text = render(run, tmp_path / "r").read_text("utf-8")
    finally:
        run.prepared = early
    assert text.count("A part drawn before the run changed.") == (len(EARLY) if own else 0)
