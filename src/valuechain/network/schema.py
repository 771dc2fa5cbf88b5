"""Table schemas of a network, read from ``schema.csv`` (the schema is data).

Each row of ``schema.csv`` describes one field of one table: its type, unit, default, whether it
is required, its minimum, the tables it refers to and the values it may take. The same rows drive
validation (:func:`coerce_table`), defaults and the generated documentation
(:func:`schema_markdown`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import repeat
from typing import Any, cast

import numpy as np
import pandas as pd

from valuechain._params import closest
from valuechain.errors import NetworkError

__all__ = [
    "KEYS",
    "OPTIONAL_TABLES",
    "REQUIRED_TABLES",
    "TABLES",
    "Field",
    "Locator",
    "coerce_table",
    "fields",
    "schema_frame",
    "schema_markdown",
    "stages",
]

#: Columns that identify a row of each table (duplicates are errors).
KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("id",),
    "commodities": ("id",),
    "regions": ("id",),
    "hubs": ("region", "commodity"),
    "processes": ("id",),
    "recipes": ("process", "commodity", "kind"),
    "routes": ("id",),
    "demand": ("region", "commodity"),
    "markets": ("region", "commodity", "side", "tier"),
    "expansions": ("id",),
    "projects": ("id",),
    "derivations": ("table", "row", "field"),
    "alternatives": ("process", "commodity", "alternative"),
}
#: Tables every network must have.
REQUIRED_TABLES: tuple[str, ...] = ("commodities", "regions", "hubs")
#: Tables a network may leave out (they are then empty).
OPTIONAL_TABLES: tuple[str, ...] = (
    "sources",
    "processes",
    "recipes",
    "routes",
    "demand",
    "markets",
    "expansions",
    "projects",
    "derivations",
    "alternatives",
)
#: Every table, in the order they are loaded, saved and documented.
TABLES: tuple[str, ...] = (
    "sources",
    "commodities",
    "regions",
    "hubs",
    "processes",
    "recipes",
    "routes",
    "demand",
    "markets",
    "expansions",
    "projects",
    "derivations",
    "alternatives",
)


@dataclass(frozen=True)
class Field:
    """One column of one table, as declared in ``schema.csv``."""

    table: str
    name: str
    type: str
    unit: str
    default: str
    required: bool
    minimum: float | None
    references: tuple[str, ...]
    choices: tuple[str, ...]
    description: str

    @property
    def unlimited(self) -> bool:
        """Whether the field's default is ``inf`` (unlimited): left empty, the cell means no limit."""
        return self.type == "float" and self.default == "inf"

    def default_value(self) -> object:
        """The value a missing cell takes."""
        if self.type in ("float",):
            return float(self.default) if self.default else math.nan
        if self.type == "int":
            return int(self.default) if self.default else pd.NA
        return self.default


@cache
def _schema() -> dict[str, tuple[Field, ...]]:
    text = resources.files("valuechain.network").joinpath("schema.csv").read_text("utf-8")
    out: dict[str, list[Field]] = {t: [] for t in TABLES}
    for row in csv.DictReader(text.splitlines()):
        out[row["table"]].append(
            Field(
                table=row["table"],
                name=row["field"],
                type=row["type"],
                unit=row["unit"],
                default=row["default"],
                required=row["required"] == "true",
                minimum=float(row["minimum"]) if row["minimum"] else None,
                references=tuple(r for r in row["references"].split("|") if r),
                choices=tuple(c for c in row["choices"].split(";") if c),
                description=row["description"],
            )
        )
    return {t: tuple(fs) for t, fs in out.items()}


def stages() -> tuple[str, ...]:
    """The stages of the value chain, upstream first (the choices of ``commodities.stage``)."""
    return next(f.choices for f in fields("commodities") if f.name == "stage")


def fields(table: str) -> tuple[Field, ...]:
    """The fields of ``table``, in schema order."""
    return _schema()[table]


def schema_frame() -> pd.DataFrame:
    """The whole schema as a DataFrame (one row per table and field)."""
    rows = [
        {
            "table": f.table,
            "field": f.name,
            "type": f.type,
            "unit": f.unit,
            "default": f.default,
            "required": f.required,
            "description": f.description,
        }
        for t in TABLES
        for f in fields(t)
    ]
    return pd.DataFrame(rows)


def schema_markdown() -> str:
    """Markdown documentation of every table, generated from the schema."""
    lines: list[str] = []
    for t in TABLES:
        key = ", ".join(KEYS[t])
        need = "required" if t in REQUIRED_TABLES else "optional"
        lines += [f"### `{t}.csv` ({need}; key: {key})", ""]
        lines += ["| field | type | unit | default | required | description |", "|---|---|---|---|---|---|"]
        for f in fields(t):
            req = "yes" if f.required else ""
            desc = f.description
            if f.choices:
                desc += " One of: " + ", ".join(f.choices) + "."
            if f.unlimited:
                desc += " Leave empty for unlimited."
            elif f.type == "float":
                desc += " A finite number."
            lines.append(f"| {f.name} | {f.type} | {f.unit} | {f.default} | {req} | {desc} |")
        lines.append("")
    return "\n".join(lines)


def _is_missing(v: object) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


@dataclass(frozen=True)
class Locator:
    """Turns a row position in a table into a location for error messages.

    ``lines[i]`` is the line of the file that data row ``i`` (0-based) was read from; it is
    ``None`` for tables built in code. ``ids``, when set (:meth:`with_ids`), holds the rows' ids,
    which errors in other fields quote to say which row is meant.
    """

    file: str
    lines: tuple[int, ...] | None = None
    ids: Any = field(default=None, compare=False, repr=False)

    def with_ids(self, ids: Any) -> Locator:
        """A copy that quotes ``ids[pos]`` (a sequence of the rows' ids) in its errors."""
        return Locator(self.file, self.lines, ids)

    def error(self, pos: int | None, field: str | None, message: str) -> NetworkError:
        """A :class:`NetworkError` at data row ``pos`` (0-based) and ``field``."""
        line = self.lines[pos] if self.lines is not None and pos is not None else None
        row = pos + 1 if pos is not None else None
        key = None
        if self.ids is not None and pos is not None and field != "id" and 0 <= pos < len(self.ids):
            value = self.ids[pos]
            if isinstance(value, str) and value.strip():
                key = f"id '{value.strip()}'"
        return NetworkError(message, file=self.file, row=row, field=field, line=line, key=key)


# ----------------------------------------------------------------------------- one cell
# The rules for a single cell. They are the definition of what each type accepts; the column
# functions below apply them to whole columns at once and fall back on them for the cells they
# cannot settle (so a bad cell is reported by the same rule, with the same words).


class _BadCellError(Exception):
    """A cell that breaks its field's rule: what was expected and what was found."""

    def __init__(self, expected: str, got: object) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got


def _float_expected(f: Field) -> str:
    """What a cell of float field ``f`` must hold, in words."""
    lower = f" >= {f.minimum:g}" if f.minimum is not None else ""
    return f"a finite number{lower}" + (" or empty for unlimited" if f.unlimited else "")


def _float_cell(f: Field, v: object) -> float:
    """A float cell: a finite number; a missing cell takes the default (an error if required).

    Text must be a finite number: 'inf', 'nan' and numbers too large for a float (such as
    '1e309') are refused, so that a typing slip never means "unlimited". A number given as a
    number (not text) may be NaN, pandas' marker of a missing value, and may be infinite in a
    field whose default is ``inf`` (unlimited), which is how a loaded network holds "unlimited".
    """
    if _is_missing(v):
        if f.required:
            raise _BadCellError(_float_expected(f), "" if v is None or v is pd.NA else v)
        return float(f.default) if f.default else math.nan
    if isinstance(v, bool):
        raise _BadCellError(_float_expected(f), v)
    text = isinstance(v, str)
    try:
        x = float(v.strip()) if isinstance(v, str) else float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise _BadCellError(_float_expected(f), v) from None
    if math.isnan(x):
        if text or f.required:
            raise _BadCellError(_float_expected(f), v)
        return float(f.default) if f.default else math.nan
    if math.isinf(x) and (text or x < 0 or not f.unlimited):
        raise _BadCellError(_float_expected(f), v)
    if f.minimum is not None and x < f.minimum:
        raise _BadCellError(_float_expected(f), v)
    return x


def _int_cell(f: Field, v: object) -> object:
    expected = "a whole number" + (f" >= {f.minimum:g}" if f.minimum is not None else "")
    if _is_missing(v):
        if f.required:
            raise _BadCellError(expected, "")
        return f.default_value()
    try:
        x = float(v.strip()) if isinstance(v, str) else float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise _BadCellError(expected, v) from None
    if isinstance(v, bool) or not math.isfinite(x) or x != int(x):
        raise _BadCellError(expected, v)
    if f.minimum is not None and x < f.minimum:
        raise _BadCellError(expected, v)
    if abs(x) >= 2.0**63:
        raise _BadCellError("a whole number that fits in 64 bits", v)
    return int(x)


def _str_cell(f: Field, v: object) -> str:
    if _is_missing(v):
        if f.required:
            raise _BadCellError("a value", "")
        return f.default
    if isinstance(v, float) and v.is_integer():
        v = str(int(v))
    s = str(v).strip()
    if f.type == "list":
        parts = [p.strip() for p in s.split(";")]
        if any(p == "" for p in parts):
            raise _BadCellError("names separated by ';' with none empty", v)
        s = ";".join(parts)
    if f.choices and s not in f.choices:
        raise _BadCellError("one of " + ", ".join(f.choices) + closest(s, f.choices), v)
    return s


# ----------------------------------------------------------------------------- whole columns
# Cell kinds of an object column: text, a missing marker (None, pd.NA), a Python number (float
# or int; a float NaN is missing), anything else (settled by the cell rule).
_TEXT, _NONE, _NUMBER, _OTHER = 0, 1, 2, 3
_STR = pd.StringDtype(storage="pyarrow", na_value=np.nan)  # the dtype of text fields ("str")
_KINDS: dict[type, int] = {str: _TEXT, type(None): _NONE, type(pd.NA): _NONE, float: _NUMBER, int: _NUMBER}


@dataclass
class _Cells:
    """An object column split by kind, with text stripped and numbers parsed where possible."""

    values: np.ndarray  # the cells as objects (what error messages quote)
    kind: np.ndarray  # _TEXT, _NONE, _NUMBER or _OTHER per cell
    text: np.ndarray  # stripped text of _TEXT cells (objects; None elsewhere)
    blank: np.ndarray  # _TEXT cells that are empty once stripped
    nan: np.ndarray  # _NUMBER cells that are NaN (missing values)

    @classmethod
    def of(cls, col: pd.Series) -> _Cells:
        values = col.to_numpy(dtype=object)
        n = len(values)
        kind = np.fromiter(map(_KINDS.get, map(type, values), repeat(_OTHER)), dtype=np.int8, count=n)
        text = np.full(n, None, dtype=object)
        is_text = kind == _TEXT
        if is_text.all():
            text = np.array(list(map(str.strip, values)), dtype=object) if n else text
        elif is_text.any():
            text[is_text] = list(map(str.strip, values[is_text]))
        blank = is_text & (text == "")
        number = kind == _NUMBER
        nan = np.zeros(n, dtype=bool)
        if number.any():
            nv = values[number]
            nan[number] = nv != nv
        return cls(values, kind, text, blank, nan)

    @property
    def missing(self) -> np.ndarray:
        """Cells the cell rules treat as missing."""
        return (self.kind == _NONE) | self.blank | self.nan

    def numbers(self) -> tuple[np.ndarray, np.ndarray]:
        """Every cell as float64 (NaN where missing or not parsed) and the cells not parsed.

        Text is parsed with Python's ``float`` (as the cell rules do), all at once when it can be;
        when some text is not a number, ``pd.to_numeric`` finds the cells that are not, and those
        are left to the cell rules.
        """
        n = len(self.values)
        x = np.full(n, np.nan)
        unparsed = self.kind == _OTHER
        number = (self.kind == _NUMBER) & ~self.nan
        if number.any():
            try:
                x[number] = self.values[number].astype(np.float64)
            except (OverflowError, TypeError, ValueError):
                unparsed |= number
        text = (self.kind == _TEXT) & ~self.blank
        if text.any():
            where = np.flatnonzero(text)
            parsed, failed = _parse(self.text[where])
            x[where] = parsed
            unparsed[where[failed]] = True
        return x, unparsed


def _parse(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Text (an object array of stripped strings) as float64, and the cells that did not parse."""
    try:
        return text.astype(np.float64), np.zeros(len(text), dtype=bool)
    except (OverflowError, TypeError, ValueError):
        pass
    guess = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    failed = np.isnan(guess)
    try:
        # pd.to_numeric only locates the bad cells; the values come from float, as in the cell rule
        guess[~failed] = text[~failed].astype(np.float64)
    except (OverflowError, TypeError, ValueError):
        failed[:] = True
    return guess, failed


def _numeric_array(col: pd.Series) -> np.ndarray | None:
    """A numeric (not boolean) column as float64 with NaN for missing values, else None."""
    dt = col.dtype
    if isinstance(dt, np.dtype):
        return col.to_numpy(dtype=np.float64, copy=True) if dt.kind in "fiu" else None
    if pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt):
        return col.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    return None


def _settle(
    loc: Locator,
    f: Field,
    col: pd.Series,
    values: np.ndarray | None,
    todo: np.ndarray,
    rule: Callable[[Field, object], object],
    out: Any,
) -> None:
    """Apply the cell ``rule`` to the cells in ``todo``, in row order: store or report the first bad one."""
    if not todo.any():
        return
    if values is None:
        values = col.to_numpy(dtype=object)
    for i in np.flatnonzero(todo):
        try:
            out[i] = rule(f, values[i])
        except _BadCellError as bad:
            raise loc.error(int(i), f.name, f"expected {bad.expected}, got {bad.got!r}") from None


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    """A column as floats: values, missing cells, cells the cell rule must settle, and the raw cells.

    Text such as 'nan' is not missing: it is left for the cell rule.
    """
    x = _numeric_array(col)
    if x is not None:
        return x, np.isnan(x), np.zeros(len(x), dtype=bool), None
    cells = _Cells.of(col)
    x, todo = cells.numbers()
    return x, cells.missing, todo, cells.values


def _coerce_float(loc: Locator, f: Field, col: pd.Series) -> np.ndarray:
    x = _numeric_array(col)
    if x is not None:  # numbers as numbers: NaN is missing, inf is "unlimited" where the field allows it
        missing, todo, values, text = np.isnan(x), np.zeros(len(x), dtype=bool), None, np.zeros(len(x), dtype=bool)
    else:
        cells = _Cells.of(col)
        x, todo = cells.numbers()
        values = cells.values
        missing = cells.missing
        text = (cells.kind == _TEXT) & ~cells.blank
        todo |= text & np.isnan(x)  # text such as 'nan' is not a missing value but a bad one
    infinite = np.isinf(x) & ~todo
    if f.unlimited:
        infinite &= text | (x < 0)
    todo |= infinite
    if f.required:
        todo |= missing
    else:
        x[missing] = float(f.default) if f.default else np.nan
    if f.minimum is not None:
        todo |= x < f.minimum
    _settle(loc, f, col, values, todo, _float_cell, x)
    return x


def _coerce_int(loc: Locator, f: Field, col: pd.Series) -> pd.arrays.IntegerArray:
    # text such as 'nan' is not missing here: it is not a whole number
    x, missing, todo, values = _numbers(col)
    todo |= ~missing & ~todo & (~np.isfinite(x) | (np.abs(x) >= 2.0**63))
    whole = np.zeros(len(x), dtype=bool)
    np.equal(x, np.trunc(x), out=whole, where=~todo & ~missing)
    todo |= ~missing & ~whole
    if f.minimum is not None:
        todo |= ~missing & (x < f.minimum)
    default = f.default_value()
    if f.required:
        todo |= missing
    ints = np.zeros(len(x), dtype=np.int64)
    ok = ~todo & ~missing
    ints[ok] = x[ok].astype(np.int64)
    mask = np.zeros(len(x), dtype=bool)
    if not f.required:
        if default is pd.NA:
            mask |= missing
        else:
            ints[missing] = int(default)  # type: ignore[call-overload]
    if todo.any():
        found: dict[int, object] = {}
        _settle(loc, f, col, values, todo, _int_cell, found)
        for i, v in found.items():
            if v is pd.NA:
                mask[i] = True
            else:
                ints[i] = cast(int, v)
    return pd.arrays.IntegerArray(ints, mask)


def _coerce_str(loc: Locator, f: Field, col: pd.Series) -> Any:
    """Text cells as a string array (the column itself when it is already text and tidy)."""
    cells = _Cells.of(col)
    out = cells.text.copy()
    missing = cells.missing
    present = (cells.kind == _TEXT) & ~cells.blank
    todo = (cells.kind == _OTHER) | ((cells.kind == _NUMBER) & ~cells.nan)
    if f.type == "list":
        todo |= present  # the cell rule splits and tidies the names
    if f.required:
        todo |= missing
    else:
        out[missing] = f.default
    if f.choices:
        todo |= present & ~pd.Series(out, dtype=object).isin(f.choices).to_numpy()
    if not todo.any() and not missing.any() and col.dtype == _STR and (out == cells.values).all():
        return col.array  # already text, nothing stripped or filled: no need to build it again
    _settle(loc, f, col, cells.values, todo, _str_cell, out)
    return pd.array(out, dtype="str")


def coerce_table(table: str, raw: pd.DataFrame, file: str | Locator) -> pd.DataFrame:
    """Check ``raw`` against the schema of ``table`` and return it typed, with defaults filled.

    Whole columns are checked at once; the first bad cell (first field in schema order, then first
    row) is reported.

    Parameters
    ----------
    table
        Name of the table (a key of :data:`TABLES`).
    raw
        The table as read (strings from a CSV) or as given by a user (any dtypes). Its index is
        ignored; if a table keyed by ``id`` comes indexed by id, the index is used as the column.
    file
        Label used in error messages (the CSV's path, or e.g. ``"processes (DataFrame)"``), or a
        :class:`Locator` that also maps rows to the file's lines.

    Returns
    -------
    pandas.DataFrame
        Columns in schema order; float fields as float64, int fields as Int64, text fields as
        strings. Tables keyed by ``id`` are indexed by id.

    Raises
    ------
    NetworkError
        On an unknown or missing column, a value of the wrong type, an empty required value,
        a value below its minimum, a value outside its choices, or a duplicate key. The message
        names the file, the row and the field.

    Examples
    --------
    >>> raw = pd.DataFrame({"id": ["li"], "unit": ["t"], "stage": ["mining"], "value": [" 12.5 "]})
    >>> coerce_table("commodities", raw, "commodities.csv").loc["li", "value"]
    np.float64(12.5)
    >>> raw.loc[0, "stage"] = "mine"
    >>> coerce_table("commodities", raw, "commodities.csv")
    Traceback (most recent call last):
    ...
    valuechain.errors.NetworkError: commodities.csv, row 1 (id 'li'), field 'stage': expected one of mining, ...
    """
    loc = file if isinstance(file, Locator) else Locator(file)
    schema = fields(table)
    names = [f.name for f in schema]
    frame = raw
    if KEYS[table] == ("id",) and "id" not in frame.columns and frame.index.name == "id":
        frame = frame.reset_index()
    else:
        frame = frame.reset_index(drop=True)
    columns = [str(c) for c in frame.columns]
    for c in columns:
        if c not in names:
            raise NetworkError(
                f"unknown column '{c}'; expected columns of {table}: {', '.join(names)}" + closest(c, names),
                file=loc.file,
            )
    if len(set(columns)) != len(columns):
        twice = next(c for c in columns if columns.count(c) > 1)
        raise NetworkError(f"column '{twice}' appears twice", file=loc.file)
    for f in schema:
        if f.required and f.name not in columns:
            raise NetworkError(f"missing required column '{f.name}'", file=loc.file, field=f.name)
    if KEYS[table] == ("id",):
        loc = loc.with_ids(frame["id"].array)  # errors in other fields say which row by its id

    data: dict[str, object] = {}
    n = len(frame)
    for f in schema:
        if f.name not in columns:  # an optional column left out: every cell takes the default
            data[f.name] = _absent(f, n)
        elif f.type == "float":
            data[f.name] = _coerce_float(loc, f, frame[f.name])
        elif f.type == "int":
            data[f.name] = _coerce_int(loc, f, frame[f.name])
        else:
            data[f.name] = _coerce_str(loc, f, frame[f.name])
    out = pd.DataFrame(data, columns=names)

    key: list[str] = list(KEYS[table])
    dup = out.duplicated(subset=key, keep="first")
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        vals = tuple(out.iloc[pos][k] for k in key)
        first = int(np.flatnonzero((out[key] == pd.Series(vals, index=key)).all(axis=1).to_numpy())[0])
        label = vals[0] if len(vals) == 1 else vals
        raise loc.error(
            pos, key[0], f"duplicate {'/'.join(key)} {label!r} (first at row {first + 1}); expected unique values"
        )
    if key == ["id"]:
        out = out.set_index("id")
    return out


def _absent(f: Field, n: int) -> object:
    """The column of ``n`` defaults that an optional field left out takes."""
    if f.type == "float":
        return np.full(n, float(f.default) if f.default else np.nan)
    if f.type == "int":
        default = f.default_value()
        if default is pd.NA:
            return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
        return pd.arrays.IntegerArray(np.full(n, cast(int, default), dtype=np.int64), np.zeros(n, dtype=bool))
    return pd.array([f.default] * n, dtype="str")
