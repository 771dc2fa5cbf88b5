"""A risk register and its seeded, vectorised sampler of export-control scenarios.

A register row is a possible export control: an exporter (region or group), commodities,
destinations, the probability that it is imposed within the horizon, and distributions of its
severity, duration (months) and start. Rows that share a ``group`` fire together: the group fires
with the rows' common probability, its rows share the start and the duration draw (their
quantiles), and each row draws its own severity.

Files (CSV or YAML) have one row per control with the fields

=============  =========  ==================================================================
field          required   value
=============  =========  ==================================================================
id             yes        unique name of the row
exporter       yes        region or group (e.g. ``CN``, ``EU27``)
commodities    yes        commodity ids separated by ``;`` (a list in YAML)
destinations   no         ``all`` (default), a region, a group, ``non-<group>``, ``;``-separated
probability    yes        chance that the control is imposed within the horizon, in [0, 1]
severity       yes        fraction of exports stopped: ``0.5``, ``uniform(lo, hi)`` or
                          ``triangular(lo, mode, hi)``, within [0, 1]
duration       yes        months: ``6``, ``uniform(lo, hi)``, ``triangular(...)`` or
                          ``lognormal(median, sigma)``, > 0
start          no         ``uniform`` (default: anywhere in the horizon), a month offset, a
                          distribution of offsets, or a date (``2026-12-01``)
group          no         correlation group
basis, source  no         why the row is there (cite the facts; say what is assumed)
=============  =========  ==================================================================

Sampling draws every random number for a fixed block of scenarios from
``numpy.random.SeedSequence(seed, spawn_key=(block,))``, so scenario ``i`` is the same whatever
chunks it is drawn in. No Python object is made per scenario.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import pandas as pd

from valuechain._params import closest
from valuechain.errors import ScenarioError
from valuechain.scenarios._dist import Dist, parse_dist
from valuechain.scenarios._select import Resolver, as_list
from valuechain.scenarios._time import Horizon, as_date, make_horizon, month_coordinate, product_mean
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.sparse import SparseShocks

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = ["RiskRegister"]

#: Scenarios per block of random numbers (fixed: changing it changes the draws).
BLOCK = 1024

_FIELDS = (
    "id",
    "exporter",
    "commodities",
    "destinations",
    "probability",
    "severity",
    "duration",
    "start",
    "group",
    "basis",
    "source",
)
_REQUIRED = ("id", "exporter", "commodities", "probability", "severity", "duration")


def _handovers(
    cell: np.ndarray, month: np.ndarray, sev: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Corrections for cells in which two or more controls each cover the month only in part.

    ``cell`` is each entry's (scenario, month, route) key, ``month`` its month, ``sev`` its
    severity and ``[lo, hi)`` its window. Entries of one cell multiply; the product of their
    month means is the mean of their product unless two or more cover the month only in part (one
    control hands over to another). For those few cells this returns the cells' positions in the
    input (one entry each) and the factor that turns the product of the month means into the
    time-weighted mean: for two windows from their overlap, for more by
    :func:`~valuechain.scenarios._time.product_mean`.
    """
    cover = np.clip(np.minimum(month + 1.0, hi) - np.maximum(month, lo), 0.0, 1.0)
    part = np.flatnonzero((cover > 0.0) & (cover < 1.0))
    order = part[np.argsort(cell[part], kind="stable")]
    key = cell[order]
    head = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    size = np.diff(np.r_[head, len(key)])
    a, b = order[head[size == 2]], order[head[size == 2] + 1]
    m0 = month[a]
    lo_a, hi_a = np.maximum(lo[a], m0), np.minimum(hi[a], m0 + 1.0)
    lo_b, hi_b = np.maximum(lo[b], m0), np.minimum(hi[b], m0 + 1.0)
    both = np.clip(np.minimum(hi_a, hi_b) - np.maximum(lo_a, lo_b), 0.0, None)
    exact = 1.0 - sev[a] * cover[a] - sev[b] * cover[b] + sev[a] * sev[b] * both
    ratio = exact / ((1.0 - sev[a] * cover[a]) * (1.0 - sev[b] * cover[b]))
    where, factor = [a], [ratio]
    for h, n in zip(head[size > 2], size[size > 2], strict=True):  # rare: three or more in one month
        run = order[h : h + n]
        exact3 = product_mean(int(month[run[0]]), [(1.0 - sev[k], lo[k], hi[k], 0.0) for k in run])
        where.append(run[:1])
        factor.append(np.array([exact3 / np.prod(1.0 - sev[run] * cover[run])]))
    return np.concatenate(where), np.concatenate(factor)


@dataclass(frozen=True)
class _Row:
    id: str
    exporter: list[str]
    commodities: list[str]
    destinations: list[str]
    probability: float
    severity: Dist
    duration: Dist
    start: Dist | pd.Timestamp | None  # None = uniform over the horizon
    group: str
    basis: str
    source: str


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    return str(v).strip()


class RiskRegister:
    """Possible export controls with probabilities and distributions; samples scenario ensembles.

    Parameters
    ----------
    rows
        A DataFrame or a list of mappings with the fields described in the module docstring.
    source
        Where the rows come from (a file name), used in error messages.
    skip_missing
        Skip rows' regions and commodities that a network does not have (the default register
        uses this so that it applies to any battery network) instead of raising.

    Raises
    ------
    ScenarioError
        On a missing or unknown field or a bad value; the message names the source, row (1-based,
        header not counted) and field.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.scenarios import RiskRegister
    >>> reg = RiskRegister([{"id": "ban", "exporter": "CN", "commodities": "anode_natural",
    ...                      "probability": 0.5, "severity": 1, "duration": "uniform(3, 9)"}])
    >>> arrays = reg.sample(vc.load_network("toy-battery"), 1000, seed=1, periods=12)
    >>> arrays.route_capacity.shape, bool(arrays.route_capacity.min() < 1)
    ((1000, 12, 7), True)
    """

    def __init__(
        self, rows: pd.DataFrame | list[dict[str, Any]], *, source: str = "risk register", skip_missing: bool = False
    ) -> None:
        self.source = source
        self.skip_missing = bool(skip_missing)
        records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
        self.rows = [self._parse(i + 1, r) for i, r in enumerate(records)]
        if not self.rows:
            raise ScenarioError(f"{source}: the risk register has no rows; expected at least one control")
        seen: dict[str, int] = {}
        for i, r in enumerate(self.rows, start=1):
            if r.id in seen:
                self._fail(i, "id", f"'{r.id}' is already the id of row {seen[r.id]}; expected unique ids")
            seen[r.id] = i
        self._groups: list[str] = []
        self._group_of = np.zeros(len(self.rows), dtype=np.intp)
        group_rows: dict[str, int] = {}
        for i, r in enumerate(self.rows):
            key = f"group:{r.group}" if r.group else f"row:{r.id}"
            if key not in self._groups:
                self._groups.append(key)
                group_rows[key] = i
            elif r.probability != self.rows[group_rows[key]].probability:
                first = group_rows[key] + 1
                self._fail(
                    i + 1,
                    "probability",
                    f"rows of group '{r.group}' fire together and need one probability; "
                    f"row {first} has {self.rows[first - 1].probability:g}, this row {r.probability:g}",
                )
            self._group_of[i] = self._groups.index(key)

    # ------------------------------------------------------------------ reading
    def _fail(self, row: int, field: str, reason: str) -> NoReturn:
        raise ScenarioError(f"{self.source}, row {row}, field '{field}': {reason}")

    def _parse(self, i: int, rec: object) -> _Row:
        if not isinstance(rec, dict):
            raise ScenarioError(f"{self.source}, row {i}: expected a mapping of fields; got {rec!r}")
        for k in rec:
            if k not in _FIELDS:
                self._fail(i, str(k), f"unknown field; expected {', '.join(_FIELDS)}" + closest(str(k), _FIELDS))
        for k in _REQUIRED:
            if not _text(rec.get(k)):
                self._fail(i, k, "missing value; expected a value (the field is required)")
        prob = parse_dist(rec["probability"])
        if prob is None or prob.kind != "fixed" or not 0 <= prob.params[0] <= 1:
            self._fail(i, "probability", f"expected a number in [0, 1]; got {_text(rec['probability'])!r}")
        sev = parse_dist(rec["severity"])
        if sev is None or sev.kind == "lognormal" or not (sev.support[0] >= 0 and sev.support[1] <= 1):
            self._fail(
                i,
                "severity",
                "expected a number in [0, 1], 'uniform(low, high)' or 'triangular(low, mode, "
                f"high)' within [0, 1]; got {_text(rec['severity'])!r}",
            )
        dur = parse_dist(rec["duration"])
        if (
            dur is None
            or dur.support[0] < 0
            or (dur.kind != "lognormal" and dur.support[1] <= 0)
            or (dur.kind in ("fixed", "uniform") and dur.support[0] <= 0)
        ):
            self._fail(
                i,
                "duration",
                "expected months > 0: a number, 'uniform(low, high)', 'triangular(low, mode, "
                f"high)' or 'lognormal(median, sigma)'; got {_text(rec['duration'])!r}",
            )
        start_text = _text(rec.get("start")) or "uniform"
        start: Dist | pd.Timestamp | None
        if start_text.lower() == "uniform":
            start = None
        else:
            date = as_date(rec.get("start")) if not isinstance(rec.get("start"), str) else as_date(start_text)
            start = date if date is not None else parse_dist(start_text)
            if start is None or (isinstance(start, Dist) and (start.kind == "lognormal" or start.support[0] < 0)):
                self._fail(
                    i,
                    "start",
                    "expected 'uniform', a month offset >= 0, 'uniform(low, high)', "
                    f"'triangular(low, mode, high)' or a date such as 2026-12-01; got {start_text!r}",
                )
        return _Row(
            id=_text(rec["id"]),
            exporter=as_list(_text(rec["exporter"])),
            commodities=as_list(
                rec["commodities"] if isinstance(rec["commodities"], list) else _text(rec["commodities"])
            ),
            destinations=as_list(_text(rec.get("destinations")) or "all"),
            probability=prob.params[0],
            severity=sev,
            duration=dur,
            start=start,
            group=_text(rec.get("group")),
            basis=_text(rec.get("basis")),
            source=_text(rec.get("source")),
        )

    @classmethod
    def from_file(cls, path: str | Path, *, skip_missing: bool = False) -> RiskRegister:
        """Read a register from a CSV or YAML file (a list of rows, or ``{rows: [...]}``).

        Raises
        ------
        ScenarioError
            If the file is missing, unreadable or has a bad row; the message names file, row and field.
        """
        from valuechain._yaml import parse_yaml, read_text

        p = Path(path)
        if not p.is_file() and not p.is_dir():
            raise ScenarioError(f"{p}: no such file; expected a risk register (CSV or YAML)")
        text = read_text(p, ScenarioError, "risk register (CSV or YAML)")
        if p.suffix.lower() in (".yaml", ".yml"):
            data = parse_yaml(text, p, ScenarioError)
            if isinstance(data, dict) and "rows" in data:
                data = data["rows"]
            if not isinstance(data, list):
                got = type(data).__name__
                raise ScenarioError(f"{p}: expected a list of rows (or a mapping with 'rows'), got {got}")
            return cls(data, source=str(p), skip_missing=skip_missing)
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
            raise ScenarioError(f"{p}: not a readable CSV file ({str(e).strip().splitlines()[0]})") from None
        return cls(frame, source=str(p), skip_missing=skip_missing)

    @classmethod
    def default(cls) -> RiskRegister:
        """Return the register shipped for the battery chain (``scenarios/data/risk_register.csv``).

        Its rows cite their basis; their probabilities and distributions are assumptions.
        """
        ref = resources.files("valuechain.scenarios").joinpath("data", "risk_register.csv")
        with resources.as_file(ref) as p:
            reg = cls.from_file(p, skip_missing=True)
        reg.source = "risk_register.csv"
        return reg

    @property
    def frame(self) -> pd.DataFrame:
        """Return the rows as a table (distributions written as text)."""
        recs = [
            {
                "id": r.id,
                "exporter": ";".join(r.exporter),
                "commodities": ";".join(r.commodities),
                "destinations": ";".join(r.destinations),
                "probability": r.probability,
                "severity": str(r.severity),
                "duration": str(r.duration),
                "start": "uniform"
                if r.start is None
                else (str(r.start.date()) if isinstance(r.start, pd.Timestamp) else str(r.start)),
                "group": r.group,
                "basis": r.basis,
            }
            for r in self.rows
        ]
        return pd.DataFrame(recs).set_index("id")

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"RiskRegister({len(self)} rows from {self.source})"

    # ------------------------------------------------------------------ sampling
    def _routes(self, network: Network) -> list[np.ndarray]:
        out = []
        for i, r in enumerate(self.rows, start=1):
            res = Resolver(network, "RiskRegister", self.skip_missing)
            try:
                exporters = res.regions(r.exporter, "exporter")
                coms = res.commodities(r.commodities, "commodities")
                dest = res.regions(r.destinations, "destinations") - exporters
            except ScenarioError as e:
                raise ScenarioError(f"{self.source}, row {i} ({r.id}): {e}") from None
            out.append(res.routes(coms, exporters, dest) if exporters and coms and dest else np.zeros(0, np.intp))
        return out

    def _draws(self, first: int, stop: int, seed: int | np.random.SeedSequence) -> dict[str, np.ndarray]:
        """Random numbers for scenarios ``first..stop-1``, drawn block by block."""
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        g, k = len(self._groups), len(self.rows)
        parts: dict[str, list[np.ndarray]] = {n: [] for n in ("fire", "start", "dur_u", "dur_z", "sev_u")}
        for block in range(first // BLOCK, (stop - 1) // BLOCK + 1):
            child = np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, block))
            rng = np.random.default_rng(child)
            parts["fire"].append(rng.random((BLOCK, g)))
            parts["start"].append(rng.random((BLOCK, g)))
            parts["dur_u"].append(rng.random((BLOCK, g)))
            parts["dur_z"].append(rng.standard_normal((BLOCK, g)))
            parts["sev_u"].append(rng.random((BLOCK, k)))
        lo = first - (first // BLOCK) * BLOCK
        return {n: np.concatenate(v)[lo : lo + stop - first] for n, v in parts.items()}

    def _layout(self, network: Network, horizon: Horizon) -> tuple[ShockArrays, list[np.ndarray]]:
        """Item labels (an empty baseline) and the routes of every row, computed once per ensemble."""
        return ShockArrays.baseline(network, horizon.periods, 0), self._routes(network)

    def _row_draws(
        self,
        layout: tuple[ShockArrays, list[np.ndarray]],
        first: int,
        stop: int,
        seed: int | np.random.SeedSequence,
        horizon: Horizon,
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Yield, for every row that fires somewhere, what it does.

        That is the scenarios hit, their monthly multipliers (hit x month), the row's routes, and
        each hit's severity and window (hit x 2, start and end on the month grid).
        """
        n, m = stop - first, horizon.n_months
        _, row_routes = layout
        d = self._draws(first, stop, seed) if n else {}
        months = np.arange(m, dtype=float)
        for k, (row, pos) in enumerate(zip(self.rows, row_routes, strict=True)):
            if not len(pos) or n == 0:
                continue
            g = self._group_of[k]
            fire = d["fire"][:, g] < row.probability
            if row.start is None:
                start = d["start"][:, g] * m
            elif isinstance(row.start, pd.Timestamp):
                start = np.full(n, month_coordinate(row.start, horizon))
            else:
                start = row.start.draw(d["start"][:, g], d["dur_z"][:, g])
            dur = row.duration.draw(d["dur_u"][:, g], d["dur_z"][:, g])
            sev = row.severity.draw(d["sev_u"][:, k], d["sev_u"][:, k])
            hit = np.flatnonzero(fire & (sev > 0) & (start < m) & (start + dur > 0))
            if len(hit):
                s, e = start[hit, None], (start + dur)[hit, None]
                cover = np.clip(np.minimum(months + 1.0, e) - np.maximum(months, s), 0.0, 1.0)
                yield hit, 1.0 - sev[hit, None] * cover, pos, sev[hit], np.hstack([s, e])

    def _sample(
        self,
        layout: tuple[ShockArrays, list[np.ndarray]],
        first: int,
        stop: int,
        seed: int | np.random.SeedSequence,
        horizon: Horizon,
    ) -> ShockArrays:
        return self._sample_sparse(layout, first, stop, seed, horizon).to_dense()

    def _sample_sparse(
        self,
        layout: tuple[ShockArrays, list[np.ndarray]],
        first: int,
        stop: int,
        seed: int | np.random.SeedSequence,
        horizon: Horizon,
    ) -> SparseShocks:
        n, pm = stop - first, horizon.period_months
        base, _ = layout
        parts: list[tuple[np.ndarray, ...]] = []
        edges: list[tuple[np.ndarray, ...]] = []  # the months a hit covers only in part, with its window
        for hit, mult, pos, sev, win in self._row_draws(layout, first, stop, seed, horizon):
            pos = np.unique(pos)
            hi, mo = np.nonzero(mult != 1.0)
            k = len(pos)
            parts.append((np.repeat(hit[hi], k), np.repeat(mo, k), np.tile(pos, len(hi)), np.repeat(mult[hi, mo], k)))
            cover = np.minimum(mo + 1.0, win[hi, 1]) - np.maximum(mo, win[hi, 0])
            q = np.flatnonzero(cover < 1.0)
            edges.append(
                (np.repeat(hit[hi[q]], k), np.repeat(mo[q], k), np.tile(pos, len(q)), np.repeat(sev[hi[q]], k),
                 np.repeat(win[hi[q], 0], k), np.repeat(win[hi[q], 1], k))
            )  # fmt: skip
        width = len(base.routes)
        # multipliers of one month multiply, instant by instant: a cell where one control hands over to another
        # gets one more entry, the factor from the product of their month means to the mean of their product
        e = [np.concatenate([p[j] for p in edges]) if edges else np.zeros(0) for j in range(6)]
        es, em, ei = (c.astype(np.int64, copy=False) for c in e[:3])
        at, factor = _handovers((es * horizon.n_months + em) * width + ei, em.astype(float), *e[3:])
        parts.append((es[at], em[at], ei[at], factor))
        cols = [np.concatenate([p[j] for p in parts]) for j in range(4)]
        s, mo, item = (c.astype(np.int64, copy=False) for c in cols[:3])
        val = cols[3].astype(float, copy=False)
        if pm > 1 and len(s):
            # a period's multiplier is the mean of its months'
            key = (s * horizon.n_months + mo) * width + item
            order = np.argsort(key, kind="stable")
            key, val = key[order], val[order]
            head = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            val, key = np.multiply.reduceat(val, head), key[head]
            s, mo, item = key // width // horizon.n_months, key // width % horizon.n_months, key % width
            pkey = (s * len(horizon.periods) + mo // pm) * width + item
            uniq, inv = np.unique(pkey, return_inverse=True)
            val = 1.0 + np.bincount(inv, weights=val - 1.0, minlength=len(uniq)) / pm
            s, mo, item = uniq // width // len(horizon.periods), uniq // width % len(horizon.periods), uniq % width
        return SparseShocks(
            scenarios=pd.RangeIndex(first, stop, name="scenario"),
            probability=np.full(n, 1.0 / n) if n else np.zeros(0),
            periods=horizon.periods,
            processes=base.processes,
            routes=base.routes,
            demands=base.demands,
            expansions=base.expansions,
            scenario=s,
            period=mo,
            kind=np.ones(len(s), dtype=np.int64),
            item=item,
            value=val,
            expansion_allowed=np.ones((n, len(base.expansions)), dtype=bool),
        )

    def _horizon(self, network: Network, start: object, periods: int, freq: str) -> Horizon:
        if start is None:
            if network.year is None:
                raise ScenarioError(f"network '{network.name}' has no year: pass start= (e.g. '2025-01')")
            start = pd.Period(year=int(network.year) + 1, month=1, freq="M")
        return make_horizon(start, periods, freq)

    @staticmethod
    def _check_n(name: str, value: object, low: int) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ScenarioError(
                f"The '{name}' parameter of RiskRegister.sample must be an integer >= {low}. Got {value!r}."
            )
        return int(value)

    @staticmethod
    def _check_seed(seed: object) -> None:
        ok = isinstance(seed, np.random.SeedSequence) or (
            isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0
        )
        if not ok:
            raise ScenarioError(
                f"The 'seed' parameter of RiskRegister.sample must be an integer >= 0 or a SeedSequence. Got {seed!r}."
            )

    def sample(
        self,
        network: Network,
        n: int,
        *,
        seed: int | np.random.SeedSequence,
        start: object = None,
        periods: int = 24,
        freq: str = "M",
        first: int = 0,
        sparse: bool = False,
    ) -> ShockArrays | SparseShocks:
        """Draw ``n`` equally likely scenarios and compile them on ``network``.

        Parameters
        ----------
        network
            The network.
        n
            Number of scenarios.
        seed
            Seed (same seed, same scenarios).
        start, periods, freq
            The horizon, as for :func:`compile_shocks`; ``start`` defaults to January after
            ``network.year``.
        first
            Number of the first scenario (scenario ``i`` is the same in every call with the same
            seed, however the ensemble is split).
        sparse
            Return :class:`~valuechain.scenarios.sparse.SparseShocks` (only the multipliers that
            differ from 1; the same scenarios, far less memory and time for large ``n``).

        Returns
        -------
        ShockArrays or SparseShocks
            Scenarios labelled ``first .. first + n - 1``, each with probability ``1 / n``; only
            route multipliers differ from 1 (register rows are export controls).
        """
        self._check_seed(seed)
        n = self._check_n("n", n, 1)
        first = self._check_n("first", first, 0)
        horizon = self._horizon(network, start, periods, freq)
        draw = self._sample_sparse if sparse else self._sample
        return draw(self._layout(network, horizon), first, first + n, seed, horizon)

    def iter_samples(
        self,
        network: Network,
        n: int,
        *,
        seed: int | np.random.SeedSequence,
        chunk_size: int = 10_000,
        start: object = None,
        periods: int = 24,
        freq: str = "M",
        sparse: bool = False,
    ) -> Iterator[ShockArrays | SparseShocks]:
        """Yield the ``n`` scenarios of :meth:`sample` in chunks of at most ``chunk_size``.

        The chunks hold exactly the scenarios ``sample(network, n, seed=seed)`` would, in order;
        each chunk's probabilities sum to 1 (weight chunk results by their length). With
        ``sparse``, chunks are :class:`~valuechain.scenarios.sparse.SparseShocks`. The default
        chunk of 10,000 keeps the README's 1e5-sample line on the global network near 0.9 GB at
        its peak (4.3 GB in one chunk of 1e5; ``benchmarks/bench_mc_memory.py``).
        """
        self._check_seed(seed)
        n = self._check_n("n", n, 1)
        chunk_size = self._check_n("chunk_size", chunk_size, 1)
        horizon = self._horizon(network, start, periods, freq)
        layout = self._layout(network, horizon)  # fails before the first chunk
        draw = self._sample_sparse if sparse else self._sample
        for a in range(0, n, chunk_size):
            yield draw(layout, a, min(n, a + chunk_size), seed, horizon)
