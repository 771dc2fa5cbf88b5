"""The layers of docs/architecture.md hold: imports run downward, and the report only renders."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint(config: Path, src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True))"
    return subprocess.run(
        [sys.executable, "-c", code, str(config)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def test_import_contracts_are_kept(tmp_path: Path):
    out = _lint(ROOT / "pyproject.toml", ROOT / "src", tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout


def test_the_contracts_catch_an_engine_importing_the_other(tmp_path: Path):
    # a copy of the package in which the simulator imports the optimiser must break the layers
    pkg = tmp_path / "src" / "valuechain"
    shutil.copytree(ROOT / "src" / "valuechain", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    bad = pkg / "sim" / "_bad.py"
    bad.write_text("from valuechain.opt import build\n")
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text((ROOT / "pyproject.toml").read_text())
    out = _lint(cfg, tmp_path / "src", tmp_path)
    assert out.returncode != 0
    assert "valuechain.sim is not allowed to import valuechain.opt" in out.stdout
    assert "valuechain.sim._bad -> valuechain.opt" in out.stdout


def test_no_module_is_much_over_600_lines():
    # the house style's "about 600 lines": a longer module holds two ideas
    sizes = {p.relative_to(ROOT): len(p.read_text().splitlines()) for p in (ROOT / "src" / "valuechain").rglob("*.py")}
    assert len(sizes) > 50
    assert {str(p): n for p, n in sizes.items() if n > 650} == {}
