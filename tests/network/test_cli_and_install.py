"""The networks CLI, doctor, and finding networks from an installed wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from valuechain.cli import run

ROOT = Path(__file__).resolve().parents[2]


def test_networks_list_shows_bundled(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["networks", "list"]) == 0
    out = capsys.readouterr().out
    assert "toy-transport" in out
    assert "toy-battery" in out


def test_networks_show_summarises(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["networks", "show", "toy-battery"]) == 0
    out = capsys.readouterr().out
    assert "12 processes" in out
    assert "EU27: DE" in out
    assert "cell_nmc" in out


def test_unknown_network_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["networks", "show", "toy-batery"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no network named 'toy-batery'")
    assert "closest: toy-battery" in err
    assert len(err.splitlines()) == 1


def test_doctor_solves_a_tiny_lp(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "HiGHS tiny LP  ok: objective 2" in out
    assert "Pyomo + HiGHS  ok" in out


def test_networks_are_found_from_an_installed_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )
    (wheel,) = dist.glob("valuechain-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
        names = z.namelist()
    assert "valuechain/_data/networks/toy-battery/network.yaml" in names
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("VALUECHAIN_NETWORKS", None)
    code = "import valuechain as vc; n = vc.load_network('toy-battery'); print(vc.__file__); print(n.path)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, check=True
    )
    module_file, net_path = out.stdout.split()
    assert Path(module_file).is_relative_to(site)
    assert Path(net_path).is_relative_to(site / "valuechain" / "_data" / "networks")


def test_bad_option_value_is_a_usage_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["networks", "show"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Missing argument")
    assert "valuechain networks show --help" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
