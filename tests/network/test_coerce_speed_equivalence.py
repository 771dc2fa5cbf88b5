"""Column-wise coercion and checks give exactly what a plain row-by-row reading gives.

``coerce_table`` checks whole columns at once. The reference below reads a table the slow,
obvious way (every field, every row, in order) and is the definition the fast code must match:
the same frames (values, dtypes, defaults, index) on good tables, and on bad tables the same
first bad row and field with the same message.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from valuechain import NetworkError, load_network
from valuechain._params import closest
from valuechain.network.io import _read_csv
from valuechain.network.model import Network
from valuechain.network.schema import KEYS, TABLES, Field, Locator, coerce_table, fields
from valuechain.network.synthetic import synthetic_network, synthetic_tables
from valuechain.network.validate import baseline_imbalance

NETWORKS = Path(__file__).resolve().parents[2] / "networks"
BUNDLED = sorted(p.name for p in NETWORKS.iterdir() if (p / "network.yaml").is_file())


# ----------------------------------------------------------------------------- the reference
def _missing(v: object) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def _as_float(v: object) -> float:
    return float(v.strip()) if isinstance(v, str) else float(v)  # type: ignore[arg-type]


def _reference_cell(f: Field, v: object) -> tuple[object, str | None, object]:
    """(value, None, None) for a good cell, else (None, what was expected, what was found)."""
    if f.type == "float":
        # a finite number; text is never NaN or infinite; a number may be NaN (missing) or, in a
        # field whose default is inf, +inf (unlimited)
        lower = f" >= {f.minimum:g}" if f.minimum is not None else ""
        unlimited = f.default == "inf"
        expected = f"a finite number{lower}" + (" or empty for unlimited" if unlimited else "")
        if _missing(v):
            if f.required:
                return None, expected, "" if v is None or v is pd.NA else v
            return (float(f.default) if f.default else math.nan), None, None
        if isinstance(v, bool):
            return None, expected, v
        try:
            x = _as_float(v)
        except (TypeError, ValueError, OverflowError):
            return None, expected, v
        if math.isnan(x):
            if isinstance(v, str) or f.required:
                return None, expected, v
            return (float(f.default) if f.default else math.nan), None, None
        if math.isinf(x) and (isinstance(v, str) or x < 0 or not unlimited):
            return None, expected, v
        if f.minimum is not None and x < f.minimum:
            return None, expected, v
        return x, None, None
    if f.type == "int":
        expected = "a whole number" + (f" >= {f.minimum:g}" if f.minimum is not None else "")
        if _missing(v):
            if f.required:
                return None, expected, ""
            return (int(f.default) if f.default else pd.NA), None, None
        try:
            x = _as_float(v)
        except (TypeError, ValueError, OverflowError):
            return None, expected, v
        if isinstance(v, bool) or not math.isfinite(x) or x != int(x):
            return None, expected, v
        if f.minimum is not None and x < f.minimum:
            return None, expected, v
        if abs(x) >= 2.0**63:
            return None, "a whole number that fits in 64 bits", v
        return int(x), None, None
    if _missing(v):
        if f.required:
            return None, "a value", ""
        return f.default, None, None
    if isinstance(v, float) and v.is_integer():
        v = str(int(v))
    s = str(v).strip()
    if f.type == "list":
        parts = [p.strip() for p in s.split(";")]
        if "" in parts:
            return None, "names separated by ';' with none empty", v
        s = ";".join(parts)
    if f.choices and s not in f.choices:
        return None, "one of " + ", ".join(f.choices) + closest(s, f.choices), v
    return s, None, None


def reference_coerce(table: str, raw: pd.DataFrame, loc: Locator) -> pd.DataFrame:
    """Row-by-row reading of a table whose columns are already known to be right."""
    frame = raw
    if KEYS[table] == ("id",) and "id" not in frame.columns and frame.index.name == "id":
        frame = frame.reset_index()
    else:
        frame = frame.reset_index(drop=True)
    if KEYS[table] == ("id",):
        loc = loc.with_ids(list(frame["id"]))  # the same location words: the row's id
    data: dict[str, object] = {}
    for f in fields(table):
        cells = list(frame[f.name].to_numpy(dtype=object)) if f.name in frame.columns else [None] * len(frame)
        column = []
        for pos, v in enumerate(cells):
            value, expected, got = _reference_cell(f, v)
            if expected is not None:
                raise loc.error(pos, f.name, f"expected {expected}, got {got!r}")
            column.append(value)
        dtype = {"float": "float64", "int": "Int64"}.get(f.type, "str")
        data[f.name] = pd.array(column, dtype=dtype)
    out = pd.DataFrame(data)
    key = list(KEYS[table])
    seen: dict[tuple[object, ...], int] = {}
    for pos, row in enumerate(zip(*(out[k] for k in key), strict=True)):
        if row in seen:
            label = row[0] if len(row) == 1 else row
            raise loc.error(
                pos,
                key[0],
                f"duplicate {'/'.join(key)} {label!r} (first at row {seen[row] + 1}); expected unique values",
            )
        seen[row] = pos
    return out.set_index("id") if key == ["id"] else out


def outcome(fn: object, table: str, raw: pd.DataFrame, loc: Locator) -> object:
    """The frame, or the error's (message, row, line, field)."""
    try:
        return fn(table, raw, loc)  # type: ignore[operator]
    except NetworkError as e:
        return (str(e), e.row, e.line, e.field)


def assert_same(fast: object, slow: object) -> None:
    if isinstance(slow, tuple) or isinstance(fast, tuple):
        assert fast == slow
        return
    assert isinstance(fast, pd.DataFrame)
    assert isinstance(slow, pd.DataFrame)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast.equals(slow)
    assert list(fast.dtypes) == list(slow.dtypes)
    assert fast.index.dtype == slow.index.dtype
    assert fast.index.names == slow.index.names


def csv_tables(name: str) -> dict[str, tuple[pd.DataFrame, Locator]]:
    folder = NETWORKS / name
    return {t: _read_csv(folder / f"{t}.csv") for t in TABLES if (folder / f"{t}.csv").is_file()}


# ----------------------------------------------------------------------------- good tables
@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_tables_match_the_reference(name: str) -> None:
    tables = csv_tables(name)
    assert {"commodities", "regions", "hubs"} <= set(tables)
    for t, (raw, loc) in tables.items():
        fast = coerce_table(t, raw, loc)
        assert_same(fast, reference_coerce(t, raw, loc))
        assert len(fast) == len(raw)


def test_typed_frames_match_the_reference() -> None:
    """Tables built in code (numbers as float64, text as str, columns left out) read the same."""
    tables = synthetic_tables(600, tiers=4, regions=8, seed=3)
    for t, raw in tables.items():
        loc = Locator(f"{t} (DataFrame)")
        assert_same(coerce_table(t, raw, loc), reference_coerce(t, raw, loc))
    # the same tables as object columns with gaps (None, NaN, pd.NA, blanks) and numbers as text
    procs = tables["processes"].astype(object)
    procs.loc[procs.index[::3], "capacity"] = None
    procs.loc[procs.index[1::5], "variable_cost"] = np.nan
    procs.loc[procs.index[2::7], "name"] = pd.NA
    procs.loc[procs.index[3::4], "baseline_activity"] = "  "
    procs.loc[procs.index[::2], "ttr"] = " 2.5 "
    loc = Locator("processes (DataFrame)")
    fast = coerce_table("processes", procs, loc)
    assert_same(fast, reference_coerce("processes", procs, loc))
    assert math.isinf(fast["capacity"].iloc[0])
    assert fast["ttr"].iloc[0] == 2.5


def test_network_loads_the_same_through_a_round_trip(tmp_path: Path) -> None:
    net = load_network("toy-battery")
    again = load_network(net.save(tmp_path / "copy"))
    assert again.equals(net)


# ----------------------------------------------------------------------------- bad cells
TOY = csv_tables("toy-battery")

# (table, row, field, bad value): each is put in a copy of a toy-battery table, together with a
# second bad cell further down, and both readings must report the same first bad cell.
BAD_CELLS: list[tuple[str, int, str, object]] = [
    ("processes", 0, "capacity", "lots"),
    ("processes", 4, "capacity", "-1"),
    ("processes", 2, "ttr", True),
    ("processes", 3, "variable_cost", "1,5"),
    ("processes", 5, "region", ""),
    ("processes", 1, "id", " "),
    ("recipes", 2, "coefficient", "nan"),
    ("recipes", 3, "coefficient", ""),
    ("recipes", 4, "kind", "produce"),
    ("recipes", 6, "kind", " Output"),
    ("routes", 1, "cost", "-0.01"),
    ("routes", 2, "lead_time", "-inf"),
    ("routes", 0, "capacity", "1e"),
    ("demand", 1, "quantity", None),
    ("demand", 0, "growth", "-1.5"),
    ("commodities", 2, "stage", "minning"),
    ("commodities", 1, "unit", float("nan")),
    ("regions", 1, "groups", "EU27;;OECD"),
    ("regions", 0, "groups", ";"),
    ("hubs", 3, "initial_stock", "-3"),
    ("hubs", 2, "holding_cost", pd.Timestamp("2024-01-01")),
    ("markets", 0, "tier", "1.5"),
    ("markets", 0, "tier", "0"),
    ("markets", 0, "tier", "nan"),
    ("markets", 0, "side", "purchase"),
    ("sources", 0, "confidence", "certain"),
    ("sources", 0, "year", "twenty"),
    ("sources", 0, "year", "1e30"),
    ("sources", 0, "year", -(10**19)),
]


@pytest.mark.parametrize(("table", "row", "field", "value"), BAD_CELLS, ids=lambda x: str(x))
def test_first_bad_cell_matches_the_reference(table: str, row: int, field: str, value: object) -> None:
    raw, loc = TOY[table] if table in TOY else _extra(table)
    raw = raw.copy()
    raw[field] = raw[field].astype(object)
    raw.iat[row, raw.columns.get_loc(field)] = value
    later = len(raw) - 1
    if later > row:  # the same bad value further down must not be the one reported
        raw.iat[later, raw.columns.get_loc(field)] = value
    fast = outcome(coerce_table, table, raw, loc)
    slow = outcome(reference_coerce, table, raw, loc)
    assert isinstance(slow, tuple), "the case must be bad"
    assert fast == slow
    assert slow[1] == row + 1
    assert slow[3] == field


def _extra(table: str) -> tuple[pd.DataFrame, Locator]:
    """Small tables for the optional tables toy-battery leaves out or keeps short."""
    frames = {
        "markets": pd.DataFrame(
            {"region": ["CN", "DE"], "commodity": ["cell_nmc", "cell_nmc"], "side": ["buy", "sell"]}
            | {"price": ["100", "120"], "tier": ["1", "2"]},
            dtype=object,
        ),
        "sources": pd.DataFrame(
            {"id": ["a", "b"], "title": ["A", "B"], "year": ["2023", ""], "confidence": ["high", "low"]}, dtype=object
        ),
    }
    return frames[table], Locator(f"{table}.csv", (2, 3))


def test_duplicates_report_the_same_rows() -> None:
    raw = pd.concat([TOY["recipes"][0], TOY["recipes"][0].iloc[[5, 2]]], ignore_index=True)
    loc = Locator("recipes.csv")
    fast, slow = outcome(coerce_table, "recipes", raw, loc), outcome(reference_coerce, "recipes", raw, loc)
    assert isinstance(slow, tuple)
    assert "first at row 6" in slow[0]
    assert fast == slow


JUNK: list[object] = [
    *["", " ", "nan", "NaN", "-1", "-0.5", "x", "1_000", "inf", "-inf", " 3 ", "0", "1e400", "2024", "1.0"],
    *["input", " output ", "a;;b", "a; b", ";", "mining", "buy", "Infinity", "0x10"],
    *[True, False, None, pd.NA, np.nan, 2.0, 2.5, -3, 7, np.float32(1.5), np.int64(4), 10**30, "9.3e18"],
]


def test_random_damage_matches_the_reference() -> None:
    """Seeded random damage to one to three cells: same frame or same first error, every time."""
    rng = np.random.default_rng(20240)
    pool = {t: v for t, v in TOY.items()} | {t: _extra(t) for t in ("markets", "sources")}
    names = sorted(pool)
    bad = good = 0
    for _ in range(400):
        table = names[rng.integers(len(names))]
        raw, loc = pool[table]
        raw = raw.copy()
        for _ in range(rng.integers(1, 4)):
            col = raw.columns[rng.integers(len(raw.columns))]
            raw[col] = raw[col].astype(object)
            raw.iat[rng.integers(len(raw)), raw.columns.get_loc(col)] = JUNK[rng.integers(len(JUNK))]
        if rng.random() < 0.3:  # some columns typed, as a user's frame would be
            for col in raw.columns:
                typed = pd.to_numeric(raw[col], errors="coerce")
                if typed.notna().all():
                    raw[col] = typed
        slow = outcome(reference_coerce, table, raw, loc)
        assert_same(outcome(coerce_table, table, raw, loc), slow)
        bad += isinstance(slow, tuple)
        good += not isinstance(slow, tuple)
    assert bad > 50  # both paths were exercised
    assert good > 50


# ----------------------------------------------------------------------------- checks across tables
def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


# (file, edits, row, field, words): several rows are broken; the first one is reported, and within
# a row the checks keep their order (a route to itself before its ends, the origin before the
# destination).
SEVERAL_BAD_ROWS = [
    (
        "processes.csv",
        [
            ("cn-aam,Anode material plants,CN", "cn-aam,Anode material plants,XX"),
            ("Lithium refineries,CN", "Lithium refineries,YY"),
        ],
        2,
        "region",
        "unknown region 'YY'",
    ),
    (
        "routes.csv",
        [
            ("cn-de-lithium,lithium_chem,CN,DE", "cn-de-lithium,lithium_chem,AU,AU"),
            ("au-de-lithium-ore,lithium_ore,AU,DE", "au-de-lithium-ore,lithium_ore,AU,AU"),
        ],
        2,
        "destination",
        "route from 'AU' to itself",
    ),
    (
        "routes.csv",
        [
            ("cn-de-cam,cam_nmc,CN,DE", "cn-de-cam,cam_nmc,AU,AU"),
            ("cn-de-lithium,lithium_chem,CN,DE", "cn-de-lithium,lithium_chem,AU,AU"),
        ],
        3,
        "destination",
        "to itself",
    ),
    (
        "routes.csv",
        [
            ("cn-de-cam,cam_nmc,CN,DE", "cn-de-cam,cam_nmc,AU,DE"),
            ("cn-de-lithium,lithium_chem,CN,DE", "cn-de-lithium,lithium_chem,AU,AU"),
        ],
        3,
        "destination",
        "to itself",
    ),
    (
        "routes.csv",
        [("cn-de-lithium,lithium_chem,CN,DE", "cn-de-lithium,lithium_chem,AU,CN")],
        3,
        "origin",
        "commodity 'lithium_chem' has no hub in region 'AU' (origin)",
    ),
    (
        "demand.csv",
        [("DE,cell_nmc,200", "AU,cell_nmc,200"), ("CN,cell_nmc,800", "AU,cam_nmc,800")],
        1,
        "commodity",
        "no hub for commodity 'cam_nmc' in region 'AU'",
    ),
    (
        "processes.csv",
        [("cn-aam,", "c:n-aam,"), ("au-mine,", "a:u-mine,")],
        1,
        "id",
        "contains ':'",
    ),
]


@pytest.mark.parametrize(("file", "edits", "row", "field", "words"), SEVERAL_BAD_ROWS)
def test_cross_table_checks_report_the_first_bad_row(
    toy_battery_copy: Path, file: str, edits: list[tuple[str, str]], row: int, field: str, words: str
) -> None:
    for old, new in edits:
        _edit(toy_battery_copy / file, old, new)
        if file == "processes.csv" and ":" in new:  # the recipes follow the renamed process
            _edit(toy_battery_copy / "recipes.csv", old, new)
    with pytest.raises(NetworkError) as info:
        load_network(toy_battery_copy)
    err = info.value
    assert Path(str(err.file)).name == file, str(err)
    assert (err.row, err.field) == (row, field), str(err)
    assert words in str(err)


def reference_imbalance(net: Network) -> pd.DataFrame:
    """Baseline supply and use per hub, summed row by row."""
    t = net.tables
    sums: dict[str, dict[str, float]] = {}
    cols = ("production", "imports", "consumption", "exports", "demand")
    for r, c in zip(t["hubs"]["region"], t["hubs"]["commodity"], strict=True):
        sums[f"{r}:{c}"] = dict.fromkeys(cols, 0.0)
    act = net.baseline_activity
    procs = t["processes"]
    for pid, com, kind, coef in zip(
        *(t["recipes"][c] for c in ("process", "commodity", "kind", "coefficient")), strict=True
    ):
        if pid in procs.index:
            col = "production" if kind == "output" else "consumption"
            sums[f"{procs.at[pid, 'region']}:{com}"][col] += coef * act[pid]
    for com, o, d, f in zip(
        *(t["routes"][c] for c in ("commodity", "origin", "destination", "baseline_flow")), strict=True
    ):
        sums[f"{o}:{com}"]["exports"] += f
        sums[f"{d}:{com}"]["imports"] += f
    for r, c, q in zip(t["demand"]["region"], t["demand"]["commodity"], t["demand"]["quantity"], strict=True):
        sums[f"{r}:{c}"]["demand"] += q
    return pd.DataFrame.from_dict(sums, orient="index")[list(cols)]


@pytest.mark.parametrize("name", [*BUNDLED, "synthetic"])
def test_baseline_imbalance_matches_a_row_by_row_sum(name: str) -> None:
    net = synthetic_network(800, tiers=4, regions=10, seed=5) if name == "synthetic" else load_network(name)
    got = baseline_imbalance(net.tables)
    want = reference_imbalance(net)
    assert list(got.index) == list(want.index)
    assert got.index.name == "hub"
    np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(), rtol=1e-12, atol=1e-9)
    supply = want["production"] + want["imports"]
    use = want["consumption"] + want["exports"] + want["demand"]
    np.testing.assert_allclose(got["imbalance"].to_numpy(), (supply - use).to_numpy(), rtol=1e-9, atol=1e-6)
