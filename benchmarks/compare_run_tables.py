"""Compare every table of a study run at an earlier revision with the working tree's.

A refactor must not change results: this runs the study's steps (``valuechain.study.run_study``,
quick settings) once with the code of REV, checked out into a temporary git worktree, and once
with the working tree, each in a fresh process, and compares the dependency tables, the targets
plan, the price-of-resilience curve, the shocks' totals and risk, and the criticality ranking
exactly. Columns of timings are left out. Exits 1 if anything differs.

    python benchmarks/compare_run_tables.py REV [--study eu-crma-2030]
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

# run in the child: REV's code may predate the study layer, so fall back to the report's collect
_DUMP = """
import pickle, sys
try:
    from valuechain.study import run_study
except ImportError:
    from valuechain.report.run import collect as run_study
if __name__ == "__main__":
    run = run_study(sys.argv[2], quick=True)
    out = {k: getattr(run, k) for k in ("dependency", "before", "after", "resilience", "criticality")}
    out["targets_table"] = run.targets.table if run.targets is not None else None
    out["objective"] = run.targets.plan.objective if run.targets is not None else None
    out["shock_totals"] = run.shocks.totals if run.shocks is not None else None
    out["shock_risk"] = run.shocks.risk() if run.shocks is not None else None
    with open(sys.argv[1], "wb") as f:
        pickle.dump(out, f)
"""
TIMINGS = ("solve_seconds", "seconds", "time_s")


def _dump(src: Path, study: str, out: Path, script: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, str(script), str(out), study], env=env, check=True, cwd=src.parent)
    with out.open("rb") as f:
        data: dict[str, object] = pickle.load(f)
    return data


def _show(old: pd.DataFrame, new: pd.DataFrame) -> None:
    """Print, per numeric column that differs, the largest absolute and relative difference."""
    for col in old.columns:
        a, b = old[col], new[col] if col in new.columns else None
        if b is None or not pd.api.types.is_numeric_dtype(a) or a.equals(b):
            continue
        d = (a.astype(float) - b.astype(float)).abs()
        scale = a.astype(float).abs().where(lambda v: v > 0)
        rel = (d / scale).max()
        print(f"{'':14}   {col}: largest difference {d.max():.6g} (relative {rel:.3g}) in {int((d > 0).sum())} rows")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rev", help="the revision to compare against (e.g. HEAD~3)")
    ap.add_argument("--study", default="eu-crma-2030")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        script = t / "dump.py"
        script.write_text(_DUMP)
        tree = t / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.rev], check=True)
        try:
            before = _dump(tree / "src", args.study, t / "before.pkl", script)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
        after = _dump(ROOT / "src", args.study, t / "after.pkl", script)
    differ = 0
    for key, old in before.items():
        new = after.get(key)
        if isinstance(old, pd.DataFrame) and isinstance(new, pd.DataFrame):
            drop = [c for c in old.columns if c in TIMINGS]
            try:
                pd.testing.assert_frame_equal(old.drop(columns=drop), new.drop(columns=drop), check_exact=True)
                print(f"{key:14} identical {old.shape}" + (f" (timings left out: {drop})" if drop else ""))
            except AssertionError as e:
                differ += 1
                print(f"{key:14} DIFFERS: {str(e).splitlines()[0]}")
                _show(old.drop(columns=drop), new.drop(columns=drop))
        else:
            same = old == new
            differ += not same
            print(f"{key:14} {'identical' if same else 'DIFFERS'}: {old!r} / {new!r}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
