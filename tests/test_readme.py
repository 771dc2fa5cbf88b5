"""The Python snippets of the README and of docs/ run as written, from any folder.

Each fenced ``python`` block is one script, run in a fresh interpreter whose working folder is an
empty temporary folder (not the repository), so that a snippet cannot lean on relative paths
into a checkout. The repository's ``src`` comes first on ``PYTHONPATH``, so the code under test
is this checkout's whether or not the package is installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def snippets() -> list[tuple[str, str]]:
    """Every ``python`` block of the documents, as (``file:line``, code)."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.append((f"{doc.relative_to(ROOT)}:{line}", m.group(1)))
    return found


SNIPPETS = snippets()
IDS = [where for where, _ in SNIPPETS]


def test_the_readme_has_python_snippets() -> None:
    # the README shows the notebook use and the optimiser's steps: at least those two blocks
    assert sum(where.startswith("README.md:") for where in IDS) >= 2, IDS


@pytest.mark.parametrize(("where", "code"), SNIPPETS, ids=IDS)
def test_snippet_is_valid_python(where: str, code: str) -> None:
    compile(code, where, "exec")


@pytest.mark.slow
@pytest.mark.parametrize(("where", "code"), SNIPPETS, ids=IDS)
def test_snippet_runs_from_any_folder(where: str, code: str, tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    env["MPLBACKEND"] = "Agg"
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800
    )
    assert proc.returncode == 0, f"{where} exited with {proc.returncode}:\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, f"{where} printed a traceback:\n{proc.stderr[-3000:]}"
