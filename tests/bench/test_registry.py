"""The benchmark registry runs cases in fresh processes and records them with the machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from valuechain import ValueChainError
from valuechain.bench import CASES, machine_info, run_case, run_cases, to_markdown
from valuechain.cli import run


def test_machine_info_describes_this_machine() -> None:
    info = machine_info()
    assert info["cores"] >= 1
    assert info["memory_gib"] > 0
    assert info["numba"]


def test_run_case_in_process_measures_a_real_load() -> None:
    res = run_case("network-load", "toy-transport", quick=True)
    assert res["rows"] == 25
    assert 0 < res["load_s"] < res["wall_s"]
    assert res["peak_rss_mb"] > 10


def test_run_cases_writes_json_and_markdown(tmp_path: Path) -> None:
    record = run_cases(["network-load"], quick=True, out_dir=tmp_path)
    (js,) = tmp_path.glob("*-quick.json")
    (md,) = tmp_path.glob("*-quick.md")
    saved = json.loads(js.read_text())
    assert saved["results"] == record["results"]
    assert [r["size"] for r in saved["results"]] == list(CASES["network-load"].quick_sizes)
    assert all("error" not in r for r in saved["results"])
    text = md.read_text()
    assert "## network-load" in text
    assert "| size | rows |" in text
    assert to_markdown(record) == text


def test_unknown_case_is_named() -> None:
    with pytest.raises(ValueChainError, match=r"unknown benchmark 'network-lod'.*closest: network-load"):
        run_cases(["network-lod"], out_dir=None)


def test_cli_bench_quick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["bench", "--quick", "--case", "network-load", "--out", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert list(tmp_path.glob("*-quick.json"))
