"""Shared fixtures: paths of the bundled networks and copies that tests may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NETWORKS = ROOT / "networks"


@pytest.fixture
def toy_battery_copy(tmp_path: Path) -> Path:
    """A writable copy of networks/toy-battery."""
    dst = tmp_path / "toy-battery"
    shutil.copytree(NETWORKS / "toy-battery", dst)
    return dst


@pytest.fixture
def toy_transport_copy(tmp_path: Path) -> Path:
    """A writable copy of networks/toy-transport."""
    dst = tmp_path / "toy-transport"
    shutil.copytree(NETWORKS / "toy-transport", dst)
    return dst
