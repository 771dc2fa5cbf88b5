"""`valuechain simulate --samples N --workers 2` gives the local answer."""

from __future__ import annotations

import pytest

from valuechain.cli import run


def _table(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.lstrip().startswith(("lost cells", "lost value"))]


def test_workers_equal_local(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", "toy-battery", "--samples", "600", "--seed", "4", "--periods", "6"]
    assert run(args) == 0
    local = _table(capsys.readouterr().out)
    assert run([*args, "--workers", "2"]) == 0
    spread = _table(capsys.readouterr().out)
    assert local
    assert spread == local


def test_workers_need_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["simulate", "toy-battery", "--workers", "2"]) == 1
    assert "use them with --samples" in capsys.readouterr().err
