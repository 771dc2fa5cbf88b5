"""Plots and the HTML report.

:func:`run_report` runs a study end to end and writes its report (``valuechain run``);
:class:`~valuechain.report.html.Report` assembles any report; :func:`~valuechain.report.sankey.flow_sankey`
draws flows by stage and region.
"""

from valuechain.report.run import ReportRun, collect, run_report

__all__ = ["ReportRun", "collect", "run_report"]
