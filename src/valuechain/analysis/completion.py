"""The completion model: whether a project delivers, how late, and how much of it produces.

A completion file (``completion.csv`` in a network's folder, or any file a user names) holds one
row per status, optionally narrowed to a stage and an owner, with the probability that a project
of that kind delivers, the mean and standard deviation of its delay in years, the share of its
nameplate capacity that produces, and the sources of those figures. Its fields are data
(``completion_schema.csv`` beside this module), like the schema of a network's tables.

A project takes the most specific row that fits it: the status must match; a row with a stage or
an owner counts only when they match too, and the row with more of them wins (the first in the
file on a tie). ``owner`` is ``domestic`` (the owner is inside the study's region), ``foreign``, or
a country code.

Planned capacity of a project by year (:func:`planned_capacity`): in year *y* it is the last of
the project's reported figures (``capacity_2024``, ``capacity_2025``, ``capacity_2027``,
``capacity_2030``) dated at or before *y*, and 0 before the first. When ``capacity_2030`` is
empty, ``capacity_full`` stands for it: in 2030 if the project reports a dated figure after 2024,
otherwise from its announced start (or two years after its status year, the typical build time
of a gigafactory, public figure P976: the Nevada gigafactory opened just over two years after its
construction began, when no start is announced). An operating plant keeps the
capacity it had in its status year whatever happens; the completion row decides its extensions.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from valuechain.errors import NetworkError

__all__ = ["COMPLETION_FILE", "STATUSES", "Pipeline", "completion_fields", "load_completion", "pipeline"]

#: File name of a network's completion model.
COMPLETION_FILE = "completion.csv"
#: The statuses a project may have (the projects table's choices).
STATUSES = ("operating", "construction", "announced", "delayed", "cancelled", "bankrupt")
_DATED = (2024, 2025, 2027, 2030)
_BUILD_YEARS = 2  # typical build time of a gigafactory (P976, a plant's record)


@dataclass(frozen=True)
class _Field:
    name: str
    type: str
    default: str
    required: bool
    minimum: float | None
    maximum: float | None
    choices: tuple[str, ...]


@cache
def completion_fields() -> tuple[_Field, ...]:
    """The fields of a completion file, read from ``completion_schema.csv``."""
    text = resources.files("valuechain.analysis").joinpath("completion_schema.csv").read_text("utf-8")
    return tuple(
        _Field(
            name=r["field"],
            type=r["type"],
            default=r["default"],
            required=r["required"] == "true",
            minimum=float(r["minimum"]) if r["minimum"] else None,
            maximum=float(r["maximum"]) if r["maximum"] else None,
            choices=tuple(c for c in r["choices"].split(";") if c),
        )
        for r in csv.DictReader(text.splitlines())
    )


def _cell(f: _Field, raw: str, where: dict[str, object]) -> object:
    value = raw.strip()
    if value == "":
        if f.required:
            raise NetworkError("expected a value, got an empty cell", **where)  # type: ignore[arg-type]
        value = f.default
    if f.type == "float":
        lo = f.minimum if f.minimum is not None else -math.inf
        hi = f.maximum if f.maximum is not None else math.inf
        expected = f"a number in [{lo:g}, {hi:g}]"
        try:
            x = float(value)
        except ValueError:
            raise NetworkError(f"expected {expected}, got {raw!r}", **where) from None  # type: ignore[arg-type]
        if not (math.isfinite(x) and lo <= x <= hi):
            raise NetworkError(f"expected {expected}, got {raw!r}", **where)  # type: ignore[arg-type]
        return x
    if f.choices and value not in f.choices:
        raise NetworkError(f"expected one of {', '.join(f.choices)}, got {raw!r}", **where)  # type: ignore[arg-type]
    return value


def load_completion(
    path: str | Path, *, sources: set[str] | None = None, stages: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Read and check a completion file.

    Parameters
    ----------
    path
        The CSV file.
    sources
        Source ids every ``source`` entry must be one of (besides ``assumption``); ``None`` skips the check.
    stages
        Stages a ``stage`` entry may name; ``None`` skips the check.

    Returns
    -------
    pandas.DataFrame
        One row per line of the file, with the schema's fields (numbers as floats).

    Raises
    ------
    NetworkError
        The file is missing or unreadable, lacks a field, or a cell breaks its field's rule
        (the message names the file, row, field and what was expected).

    Examples
    --------
    >>> from valuechain.network import load_network
    >>> net = load_network("global-li-ion-2024")
    >>> table = load_completion(net.path / COMPLETION_FILE)
    >>> float(table.set_index("status").at["announced", "deliver"])
    0.58
    """
    p = Path(path)
    label = str(p)
    try:
        text = p.read_text("utf-8-sig")
    except FileNotFoundError:
        raise NetworkError("no such completion file; expected a CSV with the fields of completion_schema.csv",
                           file=label) from None  # fmt: skip
    except (OSError, UnicodeDecodeError) as e:
        raise NetworkError(f"cannot read the completion file ({e})", file=label) from None
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    fields = completion_fields()
    missing = [f.name for f in fields if f.required and f.name not in header]
    if missing:
        raise NetworkError(f"missing column; expected the columns {', '.join(f.name for f in fields)}",
                           file=label, field=missing[0])  # fmt: skip
    rows: list[dict[str, object]] = []
    for i, raw in enumerate(reader):
        row: dict[str, object] = {}
        for f in fields:
            where: dict[str, object] = {"file": label, "row": i + 1, "field": f.name, "line": reader.line_num}
            row[f.name] = _cell(f, raw.get(f.name) or "", where)
        where = {"file": label, "row": i + 1, "line": reader.line_num}
        if stages is not None and row["stage"] and row["stage"] not in stages:
            raise NetworkError(f"expected a stage ({', '.join(stages)}) or empty, got {row['stage']!r}",
                               field="stage", **where)  # type: ignore[arg-type]  # fmt: skip
        ids = [s.strip() for s in str(row["source"]).split(";")]
        if any(s == "" for s in ids):
            raise NetworkError("expected source ids separated by ';' with none empty", field="source",
                               **where)  # type: ignore[arg-type]  # fmt: skip
        if sources is not None:
            bad = [s for s in ids if s != "assumption" and s not in sources]
            if bad:
                raise NetworkError(f"expected ids of the network's sources or 'assumption', got {bad[0]!r}",
                                   field="source", **where)  # type: ignore[arg-type]  # fmt: skip
        rows.append(row)
    if not rows:
        raise NetworkError("the completion file has no rows; expected one row per status at least", file=label)
    return pd.DataFrame(rows, columns=[f.name for f in fields])


@dataclass(frozen=True)
class Pipeline:
    """Projects with their completion parameters and planned capacity on a grid of years.

    Attributes
    ----------
    ids
        Project ids (P).
    years
        The grid of years (G), consecutive.
    kept
        Capacity that stays whatever happens (an operating plant's capacity in its status year), (P, G).
    extension
        Planned capacity beyond ``kept``, delivered or not as a whole, (P, G).
    deliver, delay_mean, delay_sd, utilisation
        Completion parameters per project (P,).
    rule
        Position of each project's completion row in the completion table (P,).
    """

    ids: pd.Index
    years: np.ndarray
    kept: np.ndarray
    extension: np.ndarray
    deliver: np.ndarray
    delay_mean: np.ndarray
    delay_sd: np.ndarray
    utilisation: np.ndarray
    rule: np.ndarray


def _match(table: pd.DataFrame, status: str, stage: str, owner: str, domestic: bool, pid: str, label: str) -> int:
    best, score = -1, -1
    owners = {owner, "domestic" if domestic else "foreign"}
    for j, (st, sg, ow) in enumerate(zip(table["status"], table["stage"], table["owner"], strict=True)):
        if st != status or (sg and sg != stage) or (ow and ow not in owners):
            continue
        s = int(bool(sg)) + int(bool(ow))
        if s > score:
            best, score = j, s
    if best < 0:
        raise NetworkError(
            f"no row fits project '{pid}' (status {status}, stage {stage}, owner {owner}); "
            "expected a row for that status with an empty or matching stage and owner",
            file=label,
            field="status",
        )
    return best


def planned_capacity(projects: pd.DataFrame, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Planned capacity by year of each project, and the part an operating plant keeps whatever happens.

    See the module docstring for the rule. Returns ``(kept, extension)``, each (P, len(years)).
    """
    n, g = len(projects), len(years)
    planned = np.zeros((n, g))
    kept = np.zeros((n, g))
    for i, (_, r) in enumerate(projects.iterrows()):
        knots = {y: float(r[f"capacity_{y}"]) for y in _DATED if pd.notna(r.get(f"capacity_{y}"))}
        full = r.get("capacity_full")
        if 2030 not in knots and pd.notna(full):
            later = [y for y in knots if y > 2024]
            if later:
                at = 2030
            elif pd.notna(r.get("announced_start")):
                at = int(r["announced_start"])
            else:
                at = int(r["status_year"]) + _BUILD_YEARS if pd.notna(r.get("status_year")) else 2030
            knots[max(at, max(knots, default=at))] = float(full)
        for y, v in sorted(knots.items()):
            planned[i, years >= y] = v
        if r["status"] == "operating":
            sy = int(r["status_year"]) if pd.notna(r.get("status_year")) else int(years[0])
            now = planned[i, years <= sy]
            level = float(now[-1]) if now.size else 0.0
            kept[i] = np.minimum(planned[i], level)
    return kept, np.maximum(planned - kept, 0.0)


def pipeline(
    projects: pd.DataFrame,
    completion: pd.DataFrame,
    *,
    years: np.ndarray,
    stage_of: pd.Series,
    members: set[str],
    label: str = COMPLETION_FILE,
) -> Pipeline:
    """Attach completion parameters and planned capacity to projects.

    Parameters
    ----------
    projects
        Rows of the network's projects table (indexed by id).
    completion
        A table from :func:`load_completion`.
    years
        Consecutive years of the grid.
    stage_of
        Stage of each commodity.
    members
        Regions of the study's region (owners inside it are ``domestic``).
    label
        The completion file, for error messages.
    """
    rule = np.array(
        [
            _match(
                completion,
                str(r["status"]),
                str(stage_of.get(r["commodity"], "")),
                str(r["owner"]),
                str(r["owner"]) in members,
                str(pid),
                label,
            )
            for pid, r in projects.iterrows()
        ],
        dtype=np.int64,
    )
    kept, extension = planned_capacity(projects, years)
    col = completion.iloc[rule] if len(rule) else completion.iloc[:0]
    return Pipeline(
        ids=pd.Index(projects.index.astype(str)),
        years=np.asarray(years, dtype=np.int64),
        kept=kept,
        extension=extension,
        deliver=col["deliver"].to_numpy(float),
        delay_mean=col["delay_mean"].to_numpy(float),
        delay_sd=col["delay_sd"].to_numpy(float),
        utilisation=col["utilisation"].to_numpy(float),
        rule=rule,
    )
