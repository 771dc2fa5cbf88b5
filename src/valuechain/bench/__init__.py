"""Benchmark registry: named cases with size sweeps, run in fresh processes, recorded with the machine.

Each case is a function ``fn(size, quick) -> dict`` of measured figures, registered with
:func:`case`. :func:`run_cases` runs every (case, size) in its own Python process, so that peak
memory (``ru_maxrss``) belongs to that case alone and compilation caches are what a user gets,
then writes ``<out>/<date>.json`` and a Markdown table.
"""

from valuechain.bench.registry import CASES, Case, case, machine_info, run_case, run_cases, to_markdown

__all__ = ["CASES", "Case", "case", "machine_info", "run_case", "run_cases", "to_markdown"]
