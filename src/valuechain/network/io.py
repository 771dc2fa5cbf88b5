"""Networks on disk: finding them by name, reading and writing the folder format.

A network is a folder ``<name>/`` holding ``network.yaml``::

    name: toy-transport
    year: 2024
    period: year            # rates are per year (or quarter, month)
    units: {currency: k$}   # units that are not commodity units
    description: ...
    tables: [sources, commodities, regions, hubs, processes, recipes, routes, demand]

and one ``<table>.csv`` per listed table (UTF-8, comma-separated, header row first).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import yaml

from valuechain._params import closest
from valuechain.errors import NetworkError
from valuechain.network.model import Network
from valuechain.network.schema import KEYS, REQUIRED_TABLES, TABLES, Locator, fields

__all__ = ["find_network", "list_networks", "load_network", "network_dirs", "save_network"]

_META_KEYS = ("name", "year", "period", "units", "description", "tables")
_PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def network_dirs() -> list[Path]:
    """Folders searched for networks by name, in order.

    1. the folders in the ``VALUECHAIN_NETWORKS`` environment variable (``os.pathsep``-separated);
    2. ``./networks`` under the current directory;
    3. the networks shipped inside the installed package;
    4. ``networks/`` of the source checkout the package runs from.
    """
    dirs = [Path(p) for p in os.environ.get("VALUECHAIN_NETWORKS", "").split(os.pathsep) if p]
    dirs += [Path.cwd() / "networks", _PACKAGE_ROOT / "_data" / "networks", _PACKAGE_ROOT.parents[1] / "networks"]
    seen: set[Path] = set()
    out = []
    for d in dirs:
        r = d.resolve()
        if r not in seen and r.is_dir():
            seen.add(r)
            out.append(r)
    return out


def _iter_networks() -> Iterator[tuple[str, Path]]:
    names: set[str] = set()
    for d in network_dirs():
        for sub in sorted(d.iterdir()):
            if (sub / "network.yaml").is_file() and sub.name not in names:
                names.add(sub.name)
                yield sub.name, sub


def list_networks() -> pd.DataFrame:
    """Networks that can be loaded by name, with their description and folder.

    Returns
    -------
    pandas.DataFrame
        Indexed by name, with columns ``year``, ``description`` and ``path``.
    """
    rows = []
    for name, path in _iter_networks():
        try:
            meta = yaml.safe_load((path / "network.yaml").read_text("utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            meta = {}
        meta = meta if isinstance(meta, dict) else {}
        rows.append(
            {"name": name, "year": meta.get("year"), "description": meta.get("description", ""), "path": str(path)}
        )
    return pd.DataFrame(rows, columns=["name", "year", "description", "path"]).set_index("name")


def find_network(name_or_path: str | os.PathLike[str]) -> Path:
    """The folder of a network given by name or path.

    Raises
    ------
    NetworkError
        If there is no such folder or it has no ``network.yaml``.
    """
    p = Path(name_or_path)
    if p.is_dir():
        if not (p / "network.yaml").is_file():
            raise NetworkError(
                f"missing file network.yaml in {p}; expected a network folder", file=str(p / "network.yaml")
            )
        return p
    if p.name == "network.yaml" and p.is_file():
        return p.parent
    found = dict(_iter_networks())
    if str(name_or_path) in found:
        return found[str(name_or_path)]
    raise NetworkError(
        f"no network named '{name_or_path}'; expected a folder with network.yaml or one of: {', '.join(sorted(found))}"
        + closest(str(name_or_path), found)
    )


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NetworkError("missing file; expected it to exist", file=str(path)) from None
    except OSError as e:
        raise NetworkError(f"cannot read the file ({e.strerror})", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise NetworkError(
            f"the file is not UTF-8 (byte 0x{data[e.start]:02x} on line {line}); expected UTF-8 text", file=str(path)
        ) from None


def _read_meta(folder: Path) -> dict[str, object]:
    ypath = folder / "network.yaml"
    text = _read_text(ypath)
    try:
        meta = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or "invalid YAML"
        raise NetworkError(f"YAML syntax error{where}: {problem}", file=str(ypath)) from None
    if not isinstance(meta, dict):
        raise NetworkError(
            "expected a mapping with keys name, year, period, units, description, tables", file=str(ypath)
        )
    for k in meta:
        if k not in _META_KEYS:
            raise NetworkError(
                f"unknown key '{k}'; expected keys from {', '.join(_META_KEYS)}" + closest(str(k), _META_KEYS),
                file=str(ypath),
                field=str(k),
            )
    if "name" not in meta or not isinstance(meta["name"], str) or not meta["name"].strip():
        raise NetworkError("missing or empty 'name'; expected the network's name", file=str(ypath), field="name")
    year = meta.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise NetworkError(f"expected a whole year such as 2024, got {year!r}", file=str(ypath), field="year")
    units = meta.get("units") or {}
    if not isinstance(units, dict) or not all(isinstance(v, str) for v in units.values()):
        raise NetworkError(
            f"expected a mapping of names to unit strings, got {units!r}", file=str(ypath), field="units"
        )
    tables = meta.get("tables")
    if tables is None:
        tables = [t for t in TABLES if (folder / f"{t}.csv").is_file()]
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        raise NetworkError(f"expected a list of table names, got {tables!r}", file=str(ypath), field="tables")
    for t in tables:
        if t not in TABLES:
            raise NetworkError(
                f"unknown table '{t}'; expected tables from {', '.join(TABLES)}" + closest(t, TABLES),
                file=str(ypath),
                field="tables",
            )
    for t in REQUIRED_TABLES:
        if t not in tables:
            raise NetworkError(f"missing required table '{t}' in the list of tables", file=str(ypath), field="tables")
    meta["tables"] = tables
    meta["units"] = units
    return meta


def _read_csv(path: Path) -> tuple[pd.DataFrame, Locator]:
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for rec in reader:
            if not rec or (not rec[0].strip() and all(c.strip() == "" for c in rec)):  # a blank line
                continue
            if header is None:
                header = [c.strip() for c in rec]
                continue
            if len(rec) != len(header):
                loc = Locator(str(path), (*lines, reader.line_num))
                raise loc.error(len(rows), None, f"expected {len(header)} fields as in the header, got {len(rec)}")
            rows.append(rec)
            lines.append(reader.line_num)
    except csv.Error as e:
        raise NetworkError(f"CSV syntax error on line {reader.line_num}: {e}", file=str(path)) from None
    if header is None:
        raise NetworkError("the file is empty; expected a header row", file=str(path))
    frame = (
        pd.DataFrame(rows, columns=header, dtype=object)
        if rows
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
    )
    return frame, Locator(str(path), tuple(lines))


def load_network(name_or_path: str | os.PathLike[str], *, check_balance: bool = True) -> Network:
    """Read and validate a network from its folder.

    Parameters
    ----------
    name_or_path
        A network's name (see :func:`list_networks`) or the path of its folder.
    check_balance
        Warn when the baseline flows do not balance.

    Returns
    -------
    Network

    Raises
    ------
    NetworkError
        On a missing folder or file, a YAML or CSV syntax error, a file that is not UTF-8, or any
        invalid table, row or field; the message names the file, row and field.

    Examples
    --------
    >>> import valuechain as vc
    >>> vc.load_network("toy-transport")
    <Network 'toy-transport' 1963: 1 commodities, 5 regions, 2 processes, 6 routes, 3 demand>
    """
    folder = find_network(name_or_path)
    meta = _read_meta(folder)
    raw: dict[str, pd.DataFrame] = {}
    locs: dict[str, Locator] = {}
    for t in meta["tables"]:  # type: ignore[attr-defined]
        raw[t], locs[t] = _read_csv(folder / f"{t}.csv")
    return Network.from_frames(
        str(meta["name"]),
        raw,
        year=meta.get("year"),  # type: ignore[arg-type]
        period=str(meta.get("period", "year")),
        units=meta["units"],  # type: ignore[arg-type]
        description=str(meta.get("description", "") or "").strip(),
        path=folder,
        locators=locs,
        check_balance=check_balance,
    )


def _fmt(v: object) -> str:
    if v is None or v is pd.NA:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if math.isinf(v):
            return ""  # only fields whose default is inf (unlimited) hold an infinite value
        return repr(v) if not v.is_integer() else str(int(v)) if abs(v) < 1e15 else repr(v)
    return str(v)


def save_network(network: Network, path: str | os.PathLike[str]) -> Path:
    """Write ``network`` as a folder: ``network.yaml`` and one CSV per non-empty table.

    Loading the folder again gives an identical network (``Network.equals``).

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    tables = [t for t in TABLES if t in REQUIRED_TABLES or len(network.tables[t])]
    meta: dict[str, object] = {"name": network.name}
    if network.year is not None:
        meta["year"] = network.year
    meta["period"] = network.period
    if network.units:
        meta["units"] = dict(network.units)
    if network.description:
        meta["description"] = network.description
    meta["tables"] = tables
    (folder / "network.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), "utf-8")
    for t in tables:
        df = network.tables[t]
        if KEYS[t] == ("id",):
            df = df.reset_index()
        names = [f.name for f in fields(t)]
        with open(folder / f"{t}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(names)
            for rec in df[names].itertuples(index=False):
                w.writerow([_fmt(v) for v in rec])
    return folder
