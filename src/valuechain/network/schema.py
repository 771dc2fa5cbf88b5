"""Table schemas of a network, read from ``schema.csv`` (the schema is data).

Each row of ``schema.csv`` describes one field of one table: its type, unit, default, whether it
is required, its minimum, the tables it refers to and the values it may take. The same rows drive
validation (:func:`coerce_table`), defaults and the generated documentation
(:func:`schema_markdown`).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

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
    ``None`` for tables built in code.
    """

    file: str
    lines: tuple[int, ...] | None = None

    def error(self, pos: int | None, field: str | None, message: str) -> NetworkError:
        """A :class:`NetworkError` at data row ``pos`` (0-based) and ``field``."""
        line = self.lines[pos] if self.lines is not None and pos is not None else None
        row = pos + 1 if pos is not None else None
        return NetworkError(message, file=self.file, row=row, field=field, line=line)


def _fail(loc: Locator, pos: int, f: Field, expected: str, got: object) -> NetworkError:
    return loc.error(pos, f.name, f"expected {expected}, got {got!r}")


def _coerce_float(file: Locator, f: Field, col: pd.Series) -> np.ndarray:
    values = col.to_numpy(dtype=object)
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if _is_missing(v):
            if f.required:
                raise _fail(file, i, f, "a number", "" if v is None or v is pd.NA else v)
            out[i] = float(f.default) if f.default else np.nan
            continue
        if isinstance(v, bool):
            raise _fail(file, i, f, "a number", v)
        try:
            x = float(v.strip()) if isinstance(v, str) else float(v)
        except (TypeError, ValueError):
            raise _fail(file, i, f, "a number", v) from None
        if math.isnan(x):
            if f.required:
                raise _fail(file, i, f, "a number", v)
            x = float(f.default) if f.default else np.nan
        elif f.minimum is not None and x < f.minimum:
            raise _fail(file, i, f, f"a number >= {f.minimum:g}", v)
        out[i] = x
    return out


def _coerce_int(file: Locator, f: Field, col: pd.Series) -> pd.Series:
    values = col.to_numpy(dtype=object)
    out: list[object] = []
    for i, v in enumerate(values):
        if _is_missing(v):
            if f.required:
                raise _fail(file, i, f, "a whole number", "")
            out.append(f.default_value())
            continue
        try:
            x = float(v.strip()) if isinstance(v, str) else float(v)
        except (TypeError, ValueError):
            raise _fail(file, i, f, "a whole number", v) from None
        if isinstance(v, bool) or not math.isfinite(x) or x != int(x):
            raise _fail(file, i, f, "a whole number", v)
        if f.minimum is not None and x < f.minimum:
            raise _fail(file, i, f, f"a whole number >= {f.minimum:g}", v)
        out.append(int(x))
    return pd.Series(out, dtype="Int64")


def _coerce_str(file: Locator, f: Field, col: pd.Series) -> list[str]:
    values = col.to_numpy(dtype=object)
    out: list[str] = []
    for i, v in enumerate(values):
        if _is_missing(v):
            if f.required:
                raise _fail(file, i, f, "a value", "")
            out.append(f.default)
            continue
        if isinstance(v, float) and v.is_integer():
            v = str(int(v))
        s = str(v).strip()
        if f.type == "list":
            parts = [p.strip() for p in s.split(";")]
            if any(p == "" for p in parts):
                raise _fail(file, i, f, "names separated by ';' with none empty", v)
            s = ";".join(parts)
        if f.choices and s not in f.choices:
            raise _fail(file, i, f, "one of " + ", ".join(f.choices) + closest(s, f.choices), v)
        out.append(s)
    return out


def coerce_table(table: str, raw: pd.DataFrame, file: str | Locator) -> pd.DataFrame:
    """Check ``raw`` against the schema of ``table`` and return it typed, with defaults filled.

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

    data: dict[str, object] = {}
    n = len(frame)
    for f in schema:
        col = frame[f.name] if f.name in columns else pd.Series([None] * n, dtype=object)
        if f.type == "float":
            data[f.name] = _coerce_float(loc, f, col)
        elif f.type == "int":
            data[f.name] = _coerce_int(loc, f, col).to_numpy()
        else:
            data[f.name] = pd.array(_coerce_str(loc, f, col), dtype="str")
    out = pd.DataFrame(data, columns=names)
    for fld in schema:
        if fld.type == "int":
            out[fld.name] = out[fld.name].astype("Int64")

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
