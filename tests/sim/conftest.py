"""Fixtures of the simulation tests; makes the plain reference importable as ``reference``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import valuechain as vc

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def toy():
    return vc.load_network("toy-battery")
