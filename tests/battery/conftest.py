"""Fixtures shared by the tests that recompute the global network's figures from their sources."""

import csv
from pathlib import Path

import pytest

import valuechain as vc

GLOBAL_NETWORK = Path(__file__).resolve().parents[2] / "networks" / "global-li-ion-2024"


@pytest.fixture(scope="module")
def global_net():
    """The bundled global network, loaded once per test module."""
    return vc.load_network("global-li-ion-2024")


@pytest.fixture(scope="module")
def public_figures():
    """The network's public figures by id: each row with its source, value and quoted passage."""
    with open(GLOBAL_NETWORK / "inputs" / "public_figures.csv", encoding="utf-8", newline="") as fh:
        return {r["figure_id"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def quoted(public_figures):
    """A check that each public figure's note quotes the passage given for it (its number as the source has it)."""

    def check(quotes: dict[str, str]) -> None:
        missing = [fid for fid, quote in quotes.items() if quote not in public_figures[fid]["note"]]
        assert not missing, f"notes that do not quote their passage: {missing}"

    return check
