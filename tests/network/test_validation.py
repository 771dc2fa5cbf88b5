"""Every kind of broken network gives a NetworkError naming the file, row and field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from valuechain import NetworkError, NetworkWarning, load_network
from valuechain.cli import run


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), "utf-8")


def append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def first_column_replaced(path: Path, old: str, new: str) -> None:
    lines = path.read_text("utf-8").splitlines()
    lines[0] = lines[0].replace(old, new)
    path.write_text("\n".join(lines) + "\n", "utf-8")


# (name, mutation, file, row, field, words the reason must contain)
CASES: list[tuple[str, Callable[[Path], None], str, int | None, str | None, str]] = [
    ("missing file", lambda d: (d / "routes.csv").unlink(), "routes.csv", None, None, "missing file"),
    (
        "missing table",
        lambda d: edit(
            d / "network.yaml",
            "tables: [sources, commodities, regions, hubs,",
            "tables: [sources, commodities, regions,",
        ),
        "network.yaml",
        None,
        "tables",
        "missing required table 'hubs'",
    ),
    (
        "missing network.yaml",
        lambda d: (d / "network.yaml").unlink(),
        "network.yaml",
        None,
        None,
        "missing file network.yaml",
    ),
    (
        "yaml syntax",
        lambda d: edit(d / "network.yaml", "period: year", "period: [year"),
        "network.yaml",
        None,
        None,
        "YAML syntax error",
    ),
    (
        "unknown column",
        lambda d: first_column_replaced(d / "processes.csv", "capacity", "capacty"),
        "processes.csv",
        None,
        None,
        "unknown column 'capacty'",
    ),
    (
        "missing column",
        lambda d: first_column_replaced(d / "demand.csv", "quantity", "value_of_lost_demand_x"),
        "demand.csv",
        None,
        None,
        "unknown column",
    ),
    (
        "wrong type",
        lambda d: edit(d / "processes.csv", "au-mine,Spodumene mines,AU,150000", "au-mine,Spodumene mines,AU,lots"),
        "processes.csv",
        1,
        "capacity",
        "expected a finite number",
    ),
    (
        "empty required",
        lambda d: edit(d / "demand.csv", "DE,cell_nmc,200,", "DE,cell_nmc,,"),
        "demand.csv",
        2,
        "quantity",
        "expected a finite number",
    ),
    (
        "nan required",
        lambda d: edit(d / "recipes.csv", "cn-refinery,lithium_chem,output,1,", "cn-refinery,lithium_chem,output,nan,"),
        "recipes.csv",
        3,
        "coefficient",
        "expected a finite number",
    ),
    (
        "negative capacity",
        lambda d: edit(d / "processes.csv", "CN,1200,900", "CN,-1200,900"),
        "processes.csv",
        7,
        "capacity",
        "expected a finite number >= 0",
    ),
    (
        "negative cost",
        lambda d: edit(d / "routes.csv", "lithium_ore,AU,CN,100,", "lithium_ore,AU,CN,-100,"),
        "routes.csv",
        1,
        "cost",
        "expected a finite number >= 0",
    ),
    (
        "negative coefficient",
        lambda d: edit(d / "recipes.csv", "cn-aam,natural_graphite,input,1.1,", "cn-aam,natural_graphite,input,-1.1,"),
        "recipes.csv",
        5,
        "coefficient",
        ">= 0",
    ),
    (
        "duplicate id",
        lambda d: append(d / "processes.csv", "au-mine,Dup,AU,1,1,1,AU,AU,0,0,toy"),
        "processes.csv",
        13,
        "id",
        "duplicate id 'au-mine' (first at row 1)",
    ),
    (
        "unknown region",
        lambda d: edit(d / "processes.csv", "au-mine,Spodumene mines,AU,", "au-mine,Spodumene mines,AUS,"),
        "processes.csv",
        1,
        "region",
        "unknown region 'AUS'",
    ),
    (
        "unknown commodity",
        lambda d: edit(d / "recipes.csv", "au-mine,lithium_ore,", "au-mine,lithium_oar,"),
        "recipes.csv",
        1,
        "commodity",
        "closest: lithium_ore",
    ),
    (
        "unknown hub",
        lambda d: edit(d / "demand.csv", "CN,cell_nmc,800", "AU,cell_nmc,800"),
        "demand.csv",
        1,
        "commodity",
        "no hub for commodity 'cell_nmc' in region 'AU'",
    ),
    (
        "unknown process",
        lambda d: append(d / "recipes.csv", "ghost-plant,cam_nmc,output,1,toy"),
        "recipes.csv",
        37,
        "process",
        "unknown process",
    ),
    (
        "unknown source",
        lambda d: edit(d / "regions.csv", "AU,Australia,OECD,toy", "AU,Australia,OECD,usgs"),
        "regions.csv",
        1,
        "source",
        "unknown source 'usgs'",
    ),
    (
        "recipe with no output",
        lambda d: edit(d / "recipes.csv", "cn-graphite-mine,natural_graphite,output,1,toy\n", ""),
        "processes.csv",
        3,
        "id",
        "has no output",
    ),
    (
        "route end without hub",
        lambda d: edit(d / "routes.csv", "cn-de-lithium,lithium_chem,CN,DE", "cn-de-lithium,lithium_chem,CN,AU"),
        "routes.csv",
        3,
        "destination",
        "no hub in region 'AU'",
    ),
    (
        "unit mismatch",
        lambda d: (
            edit(d / "demand.csv", "region,commodity,quantity,", "region,commodity,unit,quantity,")
            or edit(d / "demand.csv", "CN,cell_nmc,800", "CN,cell_nmc,MWh,800")
            or edit(d / "demand.csv", "DE,cell_nmc,200", "DE,cell_nmc,GWh,200")
        ),
        "demand.csv",
        1,
        "unit",
        "expected 'GWh'",
    ),
    (
        "bad choice",
        lambda d: edit(d / "recipes.csv", "au-mine,lithium_ore,output", "au-mine,lithium_ore,produce"),
        "recipes.csv",
        1,
        "kind",
        "one of input, output",
    ),
    ("ragged row", lambda d: append(d / "demand.csv", "AU,cell_nmc"), "demand.csv", 3, None, "expected 6 fields"),
    (
        "empty network",
        lambda d: (d / "commodities.csv").write_text("id,name,unit,stage,value,source\n", "utf-8"),
        "commodities.csv",
        None,
        None,
        "empty",
    ),
    ("empty file", lambda d: (d / "hubs.csv").write_text("", "utf-8"), "hubs.csv", None, None, "the file is empty"),
    (
        "not utf-8",
        lambda d: (d / "regions.csv").write_bytes(
            (d / "regions.csv").read_bytes().replace(b"Germany", "Allemagne \u00e9".encode("latin-1"))
        ),
        "regions.csv",
        None,
        None,
        "not UTF-8 (byte 0xe9 on line 4)",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "file", "row", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_broken_network_names_file_row_field(
    toy_battery_copy: Path,
    name: str,
    mutate: Callable[[Path], None],
    file: str,
    row: int | None,
    field: str | None,
    words: str,
) -> None:
    mutate(toy_battery_copy)
    with pytest.raises(NetworkError) as info:
        load_network(toy_battery_copy)
    err = info.value
    msg = str(err)
    assert "\n" not in msg
    assert Path(str(err.file)).name == file, msg
    assert err.row == row, msg
    assert err.field == field, msg
    assert words in msg
    if row is not None:
        assert f"row {row} (line " in msg
    if field is not None:
        assert f"field '{field}'" in msg


def test_row_numbers_skip_blank_lines(toy_battery_copy: Path) -> None:
    path = toy_battery_copy / "demand.csv"
    lines = path.read_text("utf-8").splitlines()
    lines.insert(1, "")
    lines[3] = lines[3].replace("DE,cell_nmc,200", "DE,cell_nmc,-200")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(NetworkError, match=r"demand.csv, row 2 \(line 4\), field 'quantity'"):
        load_network(toy_battery_copy)


def test_unbalanced_baseline_warns_but_loads(toy_battery_copy: Path) -> None:
    edit(
        toy_battery_copy / "routes.csv",
        "cn-de-cam,cam_nmc,CN,DE,150,0,200000,2,100000",
        "cn-de-cam,cam_nmc,CN,DE,150,0,200000,2,90000",
    )
    with pytest.warns(NetworkWarning, match=r"do not balance at 1 hub\(s\): DE:cam_nmc: supply 140000 vs use 150000"):
        net = load_network(toy_battery_copy)
    assert len(net.processes) == 12


@pytest.mark.parametrize("network", ["toy-transport", "toy-battery"])
def test_cli_check_accepts_bundled_networks(network: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["networks", "check", network]) == 0
    assert capsys.readouterr().out.startswith(f"ok: {network}")


def test_cli_check_rejects_with_one_line(toy_battery_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(toy_battery_copy / "processes.csv", "CN,1200,900", "CN,-1200,900")
    assert run(["networks", "check", str(toy_battery_copy)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert re.fullmatch(
        r"error: .*processes\.csv, row 7 \(line 8, id 'cn-cells'\), field 'capacity': expected a finite number >= 0 or empty for unlimited, got '-1200'",
        err,
    )


def test_cli_check_warns_on_unbalanced(toy_battery_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(toy_battery_copy / "demand.csv", "CN,cell_nmc,800", "CN,cell_nmc,700")
    assert run(["networks", "check", str(toy_battery_copy)]) == 0
    out = capsys.readouterr().out
    assert "warning: baseline flows do not balance at 1 hub(s): CN:cell_nmc" in out
