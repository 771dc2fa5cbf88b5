"""The benchmark registry and its runner."""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from valuechain.errors import ValueChainError

__all__ = ["CASES", "Case", "case", "machine_info", "run_case", "run_cases", "to_markdown"]

#: Modules whose import registers cases (each defines functions decorated with :func:`case`).
CASE_MODULES: tuple[str, ...] = (
    "valuechain.bench.cases",
    "valuechain.bench.cases_sim",
    "valuechain.bench.cases_opt",
    "valuechain.bench.cases_run",
    "valuechain.bench.cases_outlook",
)


@dataclass(frozen=True)
class Case:
    """A named benchmark with the sizes it sweeps (full run) and the sizes of a quick run."""

    name: str
    fn: Callable[[Any, bool], dict[str, Any]]
    sizes: tuple[Any, ...]
    quick_sizes: tuple[Any, ...]
    description: str = ""
    size_label: str = "size"


CASES: dict[str, Case] = {}


def case(
    name: str, *, sizes: Iterable[Any], quick_sizes: Iterable[Any], size_label: str = "size"
) -> Callable[[Callable[[Any, bool], dict[str, Any]]], Callable[[Any, bool], dict[str, Any]]]:
    """Register ``fn(size, quick) -> dict`` as benchmark ``name``."""

    def deco(fn: Callable[[Any, bool], dict[str, Any]]) -> Callable[[Any, bool], dict[str, Any]]:
        doc = (fn.__doc__ or "").strip().splitlines()
        CASES[name] = Case(name, fn, tuple(sizes), tuple(quick_sizes), doc[0] if doc else "", size_label)
        return fn

    return deco


def _load_cases() -> dict[str, Case]:
    for mod in CASE_MODULES:
        importlib.import_module(mod)
    return CASES


def machine_info() -> dict[str, Any]:
    """Cores, memory, CPU model and the versions that matter for the figures."""
    import importlib.metadata as md

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
        info["memory_gib"] = round(kb / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        info["memory_gib"] = None
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        info["cpu"] = platform.processor()
    for pkg in ("valuechain", "numpy", "pandas", "numba", "pyomo", "highspy", "dask"):
        try:
            info[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            info[pkg] = None
    return info


def run_case(name: str, size: Any, quick: bool = False) -> dict[str, Any]:
    """Run one case at one size in this process; adds wall time and peak memory of the process."""
    cases = _load_cases()
    if name not in cases:
        from valuechain._params import closest

        raise ValueChainError(f"unknown benchmark '{name}'; expected one of {', '.join(cases)}" + closest(name, cases))
    t0 = time.perf_counter()
    figures = cases[name].fn(size, quick)
    figures.setdefault("wall_s", round(time.perf_counter() - t0, 4))
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {"case": name, "size": size, **figures}


def _run_isolated(name: str, size: Any, quick: bool, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "valuechain.bench", "--case", name, "--size", json.dumps(size)]
    if quick:
        cmd.append("--quick")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"case": name, "size": size, "error": f"timed out after {timeout:g} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"case": name, "size": size, "error": last}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


@dataclass
class _Progress:
    total: int
    callback: Callable[[str], None] | None = None
    done: int = field(default=0)

    def step(self, label: str) -> None:
        self.done += 1
        if self.callback:
            self.callback(label)


def run_cases(
    names: Iterable[str] | None = None,
    *,
    quick: bool = False,
    out_dir: str | Path | None = "benchmarks/results",
    timeout: float = 1800.0,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run cases (all by default) over their sizes, each (case, size) in a fresh process.

    Parameters
    ----------
    names
        Cases to run; all registered cases by default.
    quick
        Use each case's quick sizes (for CI: checks that the benchmarks still run).
    out_dir
        Where to write ``<date>.json`` and ``<date>.md``; ``None`` writes nothing.
    timeout
        Seconds allowed for one (case, size).
    on_result
        Called with each result as it arrives (e.g. to advance a progress bar).

    Returns
    -------
    dict
        ``{"machine": ..., "quick": ..., "date": ..., "results": [...]}``.
    """
    cases = _load_cases()
    chosen = list(names) if names else list(cases)
    for n in chosen:
        if n not in cases:
            from valuechain._params import closest

            raise ValueChainError(f"unknown benchmark '{n}'; expected one of {', '.join(cases)}" + closest(n, cases))
    results = []
    for n in chosen:
        c = cases[n]
        for size in c.quick_sizes if quick else c.sizes:
            res = _run_isolated(n, size, quick, timeout)
            results.append(res)
            if on_result:
                on_result(res)
    stamp = datetime.now(UTC)
    record = {
        "date": stamp.isoformat(timespec="seconds"),
        "quick": quick,
        "machine": machine_info(),
        "results": results,
    }
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        base = stamp.strftime("%Y-%m-%d") + ("-quick" if quick else "")
        (out / f"{base}.json").write_text(json.dumps(record, indent=1, default=str) + "\n", "utf-8")
        (out / f"{base}.md").write_text(to_markdown(record), "utf-8")
    return record


def to_markdown(record: dict[str, Any]) -> str:
    """A Markdown report of a run: the machine, then one table per case."""
    m = record["machine"]
    lines = [
        f"# Benchmarks, {record['date']}" + (" (quick)" if record.get("quick") else ""),
        "",
        f"Machine: {m.get('cores')} cores, {m.get('memory_gib')} GiB, {m.get('cpu')}; Python {m.get('python')}, "
        f"numpy {m.get('numpy')}, numba {m.get('numba')}, pyomo {m.get('pyomo')}, highspy {m.get('highspy')}.",
        "",
    ]
    by_case: dict[str, list[dict[str, Any]]] = {}
    for r in record["results"]:
        by_case.setdefault(r["case"], []).append(r)
    for name, rows in by_case.items():
        cols = list(dict.fromkeys(k for r in rows for k in r if k not in ("case",)))
        lines += [f"## {name}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for r in rows:
            lines.append("| " + " | ".join(_cell(r.get(c)) for c in cols) + " |")
        lines.append("")
    return "\n".join(lines)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)
