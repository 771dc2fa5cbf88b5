"""The end-user report of a study: :func:`run_report` (``valuechain run``).

The study layer runs the steps (:func:`valuechain.study.run_study`); this module only hands its
finished :class:`~valuechain.study.StudyRun` to :mod:`valuechain.report.render`, which writes one
self-contained HTML file and the PNGs of its matplotlib figures. ``collect`` and ``ReportRun``
are the study layer's :func:`~valuechain.study.run_study` and :class:`~valuechain.study.StudyRun`
under the names the report has always used.
"""

from __future__ import annotations

from pathlib import Path

from valuechain.study.runner import COMBINED, DEFAULT_STUDY, SIM_MODE, STEPS, StudyRun, run_study

__all__ = ["COMBINED", "DEFAULT_STUDY", "SIM_MODE", "STEPS", "ReportRun", "collect", "render", "run_report"]

ReportRun = StudyRun
collect = run_study


def run_report(
    study_path: str | Path | None = None, *, out: str | Path = "report", quick: bool = False, progress: bool = False
) -> Path:
    """Run a study end to end and write its report: one HTML file plus PNGs.

    Parameters
    ----------
    study_path
        A study spec (``models/NAME.yaml`` or its name); default ``eu-crma-2030``.
    out
        Folder to write ``report.html`` and the figures to (created if needed).
    quick
        Small settings (for tests and CI).
    progress
        Show a progress bar.

    Returns
    -------
    pathlib.Path
        The HTML file.

    Raises
    ------
    ValueChainError
        On bad input (a missing study file, an unknown network, ...), naming the step.
    """
    from valuechain.report.render import prerender

    run = run_study(study_path, quick=quick, progress=progress, prepare=prerender)
    return render(run, out)


def render(run: StudyRun, out: str | Path) -> Path:
    """Write the report of a :class:`ReportRun` to ``out/report.html`` (see :mod:`valuechain.report.render`)."""
    from valuechain.report.render import render as _render

    return _render(run, out)
