"""Non-finite numbers in a network's files are refused; an empty cell still means "unlimited"."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain import NetworkError, load_network
from valuechain.network import TABLES


def set_cell(path: Path, row: int, field: str, value: str) -> None:
    """Write ``value`` (as text) into data row ``row`` (0-based) and column ``field`` of a CSV."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row, field] = value
    df.to_csv(path, index=False)


# (file, 0-based row, field, what the message says is expected)
FIELDS = [
    ("processes.csv", 3, "capacity", "expected a finite number >= 0 or empty for unlimited"),
    ("recipes.csv", 2, "coefficient", "expected a finite number >= 0"),
    ("demand.csv", 1, "quantity", "expected a finite number >= 0"),
    ("routes.csv", 0, "cost", "expected a finite number >= 0"),
    ("processes.csv", 0, "variable_cost", "expected a finite number >= 0"),
    ("hubs.csv", 2, "initial_stock", "expected a finite number >= 0"),
    ("routes.csv", 1, "capacity", "expected a finite number >= 0 or empty for unlimited"),
    ("expansions.csv", 0, "capex", "expected a finite number >= 0"),
]


@pytest.mark.parametrize("text", ["inf", "NaN", "1e309", "-inf", "Infinity", " nan "])
@pytest.mark.parametrize(("file", "row", "field", "expected"), FIELDS)
def test_non_finite_text_is_refused(
    toy_battery_copy: Path, file: str, row: int, field: str, expected: str, text: str
) -> None:
    set_cell(toy_battery_copy / file, row, field, text)
    with pytest.raises(NetworkError) as info:
        load_network(toy_battery_copy)
    err = info.value
    assert Path(str(err.file)).name == file
    assert (err.row, err.field) == (row + 1, field)
    assert str(err).endswith(f"{expected}, got {text!r}")


def test_empty_capacity_means_unlimited(toy_battery_copy: Path) -> None:
    set_cell(toy_battery_copy / "processes.csv", 3, "capacity", "")
    net = load_network(toy_battery_copy)
    assert math.isinf(net.processes["capacity"].iloc[3])
    # a NaN capacity used to be read the same way, silently; it is now an error (test above)


def test_a_required_number_left_empty_names_the_field(toy_battery_copy: Path) -> None:
    set_cell(toy_battery_copy / "demand.csv", 0, "quantity", "")
    with pytest.raises(NetworkError, match=r"demand\.csv, row 1 \(line 2\), field 'quantity': expected a finite"):
        load_network(toy_battery_copy)


def test_numbers_in_code_keep_their_meaning() -> None:
    """In a DataFrame, NaN is pandas' missing value and inf is how a loaded network holds "unlimited"."""
    net = load_network("toy-transport")
    tables = {t: net.tables[t].copy() for t in TABLES}
    assert np.isinf(tables["routes"]["capacity"]).any()
    again = vc.Network.from_frames("again", tables)
    assert again.routes["capacity"].equals(net.routes["capacity"])
    tables["demand"].loc[0, "quantity"] = np.inf
    with pytest.raises(NetworkError, match=r"demand \(DataFrame\), row 1, field 'quantity': expected a finite number"):
        vc.Network.from_frames("bad", tables)


def test_saving_writes_unlimited_as_an_empty_cell(tmp_path: Path) -> None:
    net = load_network("toy-transport")
    folder = net.save(tmp_path / "copy")
    text = (folder / "routes.csv").read_text("utf-8")
    assert "inf" not in text
    assert load_network(folder).equals(net)
