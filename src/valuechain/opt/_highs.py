"""Talking to HiGHS safely: every call's status checked, threads per run, no banner unless asked.

HiGHS sizes one global task scheduler per process at its first parallel run and then refuses a run
that asks for a different number of threads (the run fails and the model status stays 'not set').
:func:`run` keeps track of the size the scheduler has and re-sizes it (``resetGlobalScheduler``)
when a run asks for another count, but only when no other thread has run HiGHS since the scheduler
was last sized: a reset from one thread leaves the scheduler's per-thread state of every other
thread stale, and their next run fails the same way (measured with in-process Dask workers). When
another thread has used it, the run takes the scheduler's size instead of the count asked for.
HiGHS also prints its banner once per process, when the first instance is created, whatever the
``output_flag``; :func:`new_highs` keeps it off standard output unless a log is asked for.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import numpy as np

from valuechain.errors import SolverError

__all__ = ["check", "new_highs", "run"]

_LOCK = threading.Lock()
_state: dict[str, Any] = {"threads": None, "running": 0, "banner": False, "users": set()}


def check(status: Any, what: str) -> None:
    """Raise :class:`~valuechain.errors.SolverError` naming ``what`` if a HiGHS call returned an error."""
    import highspy

    if status == highspy.HighsStatus.kError:
        raise SolverError(f"HiGHS rejected {what}")


def new_highs(*, log: bool = False) -> Any:
    """A new ``highspy.Highs`` with its output off unless ``log`` (the banner too)."""
    import highspy

    with _LOCK:
        h = highspy.Highs() if log or _state["banner"] else _quietly(highspy.Highs)
        _state["banner"] = True
    check(h.setOptionValue("output_flag", bool(log)), "the option output_flag")
    return h


def _quietly(make: Any) -> Any:
    """Call ``make()`` with the process's standard output (file descriptor 1) sent to the null device."""
    sys.stdout.flush()
    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
        saved = os.dup(fd)
    except (OSError, ValueError):  # no real standard output: nothing to protect
        return make()
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, fd)
            return make()
        finally:
            os.dup2(saved, fd)
            os.close(null)
    finally:
        os.close(saved)


def run(h: Any, threads: int | None, what: str = "the model") -> None:
    """Run ``h`` with ``threads`` threads (``None``: HiGHS's choice) and check the run's status.

    Raises
    ------
    SolverError
        HiGHS rejected the thread count or the run itself failed.
    """
    import highspy

    want = 0 if threads is None else int(threads)
    me = threading.get_ident()
    with _LOCK:
        have = _state["threads"]
        alone = _state["running"] == 0 and _state["users"] <= {me}
        if have is not None and have != want and alone:
            highspy.Highs.resetGlobalScheduler(True)
            _state["users"] = set()
            have = None
        use = want if have is None else have
        _state["threads"] = use
        _state["users"].add(me)
        _state["running"] += 1
    try:
        check(h.setOptionValue("threads", use), f"the option threads={use}")
        status = h.run()
    finally:
        with _LOCK:
            _state["running"] -= 1
    if status == highspy.HighsStatus.kError:
        model_status = h.modelStatusToString(h.getModelStatus())
        raise SolverError(f"HiGHS failed to solve {what} (model status: {model_status})")


def solution(h: Any, n_cols: int, n_rows: int, *, duals: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Primal values (and row and column duals if ``duals``) of the last run, checked for length and validity."""
    s = h.getSolution()
    if not s.value_valid:
        raise SolverError("HiGHS reported a primal solution but returned no valid values")
    x = np.asarray(s.col_value, dtype=float)
    if x.size != n_cols:
        raise SolverError(f"HiGHS returned {x.size} column values for a model of {n_cols} columns")
    if not duals:
        return x, np.zeros(0), np.zeros(0)
    if not s.dual_valid:
        raise SolverError("HiGHS reported a dual solution but returned no valid duals")
    row_dual = np.asarray(s.row_dual, dtype=float)
    col_dual = np.asarray(s.col_dual, dtype=float)
    if row_dual.size != n_rows or col_dual.size != n_cols:
        raise SolverError(
            f"HiGHS returned {row_dual.size} row and {col_dual.size} column duals "
            f"for a model of {n_rows} rows and {n_cols} columns"
        )
    return x, row_dual, col_dual
