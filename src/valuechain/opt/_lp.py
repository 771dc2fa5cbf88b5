"""A linear program held as named blocks of variables and rows over labelled axes.

Every block is the full product of its axes (e.g. scenario x period x route), so a variable or
row is found from its labels by arithmetic, and results come back as pandas objects indexed by
the network's ids. The coefficient matrix is collected as (row, column, value) triplets, added
block by block with numpy broadcasting, and compressed to the row-wise form HiGHS takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Block", "LinearProgram", "scale_capacity"]

INF = np.inf


def scale_capacity(capacity: np.ndarray | float, multiplier: np.ndarray | float) -> np.ndarray:
    """Capacity times a shock multiplier (broadcast), where an unlimited capacity stays unlimited.

    A multiplier of 0 shuts a capacity down whatever its size, so ``0 x inf`` is 0 (not NaN); a
    positive multiplier leaves an infinite capacity infinite.

    Examples
    --------
    >>> scale_capacity(np.array([np.inf, np.inf, 10.0]), np.array([0.0, 0.5, 0.5]))
    array([ 0., inf,  5.])
    """
    cap = np.asarray(capacity, dtype=float)
    m = np.asarray(multiplier, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(m == 0, 0.0, cap * m)


@dataclass(eq=False)
class Block:
    """A block of variables or rows: the product of its axes, stored from ``offset`` on.

    Attributes
    ----------
    name
        Name of the block (the Pyomo component and the Plan's key use it).
    axes
        One labelled index per axis, named ('scenario', 'period', 'route', ...).
    offset
        Position of the block's first element among all variables (or all rows).
    """

    name: str
    axes: tuple[pd.Index, ...]
    offset: int

    @property
    def shape(self) -> tuple[int, ...]:
        """Length of every axis."""
        return tuple(len(a) for a in self.axes)

    @property
    def size(self) -> int:
        """Number of elements."""
        return int(np.prod(self.shape, dtype=np.int64)) if self.axes else 1

    @property
    def dims(self) -> tuple[str, ...]:
        """Names of the axes."""
        return tuple(str(a.name) for a in self.axes)

    def flat(self, *idx: np.ndarray | int) -> np.ndarray:
        """Global positions of the elements at integer positions ``idx`` (broadcast together)."""
        if not self.axes:
            return np.asarray(self.offset, dtype=np.int64)
        arrays = np.broadcast_arrays(*[np.asarray(i, dtype=np.int64) for i in idx])
        return np.ravel_multi_index(tuple(arrays), self.shape) + self.offset

    def index(self) -> pd.MultiIndex | pd.Index:
        """Return the labels of all elements, in storage order."""
        if len(self.axes) == 1:
            return self.axes[0]
        return pd.MultiIndex.from_product(self.axes)

    def position(self, key: tuple[object, ...] | object) -> int:
        """Global position of the element labelled ``key`` (a tuple, or a label for 1-axis blocks)."""
        keys = key if isinstance(key, tuple) else (key,)
        if len(keys) != len(self.axes):
            raise KeyError(f"{self.name} is indexed by ({', '.join(self.dims)}); got {key!r}")
        pos = [_loc(a, k) for a, k in zip(self.axes, keys, strict=True)]
        return int(self.flat(*pos)) if pos else self.offset


def _loc(axis: pd.Index, key: object) -> int:
    loc = axis.get_loc(key)
    if not isinstance(loc, (int, np.integer)):
        raise KeyError(f"label {key!r} is not unique on axis '{axis.name}'")
    return int(loc)


@dataclass(eq=False)
class LinearProgram:
    """Variables, rows, costs and bounds of a (mixed-integer) linear program, minimised."""

    var_blocks: dict[str, Block] = field(default_factory=dict)
    row_blocks: dict[str, Block] = field(default_factory=dict)
    n_vars: int = 0
    n_rows: int = 0
    _lb: list[np.ndarray] = field(default_factory=list)
    _ub: list[np.ndarray] = field(default_factory=list)
    _cost: list[np.ndarray] = field(default_factory=list)
    _int: list[np.ndarray] = field(default_factory=list)
    _rlo: list[np.ndarray] = field(default_factory=list)
    _rhi: list[np.ndarray] = field(default_factory=list)
    _ri: list[np.ndarray] = field(default_factory=list)
    _ci: list[np.ndarray] = field(default_factory=list)
    _v: list[np.ndarray] = field(default_factory=list)
    offset: float = 0.0

    # ------------------------------------------------------------------ labels
    def label(self, pos: int, *, rows: bool = False) -> str:
        """Name of the variable (or row) at global position ``pos``, e.g. ``activity[baseline, 2025, mine]``."""
        blocks = self.row_blocks if rows else self.var_blocks
        for blk in blocks.values():
            if blk.offset <= pos < blk.offset + blk.size:
                if not blk.axes:
                    return blk.name
                idx = np.unravel_index(pos - blk.offset, blk.shape)
                return f"{blk.name}[{', '.join(str(a[int(i)]) for a, i in zip(blk.axes, idx, strict=True))}]"
        return f"{'row' if rows else 'column'} {pos}"

    def first_nan(self, values: np.ndarray, positions: np.ndarray | None = None, *, rows: bool = False) -> str | None:
        """Name of the first element whose value is NaN (``values`` at ``positions``, default all), or ``None``."""
        bad = np.flatnonzero(np.isnan(values))
        if bad.size == 0:
            return None
        j = int(bad[0]) if positions is None else int(np.asarray(positions).ravel()[bad[0]])
        more = f" (and {bad.size - 1:,} more)" if bad.size > 1 else ""
        return self.label(j, rows=rows) + more

    # ------------------------------------------------------------------ adding
    def add_vars(
        self,
        name: str,
        axes: tuple[pd.Index, ...],
        *,
        lb: float | np.ndarray = 0.0,
        ub: float | np.ndarray = INF,
        cost: float | np.ndarray = 0.0,
        integer: bool = False,
    ) -> Block:
        """Add a block of variables with bounds and costs broadcast to the block's shape."""
        blk = Block(name, axes, self.n_vars)
        shape = blk.shape
        self._lb.append(np.broadcast_to(np.asarray(lb, dtype=float), shape).ravel())
        self._ub.append(np.broadcast_to(np.asarray(ub, dtype=float), shape).ravel())
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), shape).ravel())
        self._int.append(np.full(blk.size, integer, dtype=bool))
        self.var_blocks[name] = blk
        self.n_vars += blk.size
        return blk

    def add_rows(
        self,
        name: str,
        axes: tuple[pd.Index, ...],
        *,
        lo: float | np.ndarray = -INF,
        hi: float | np.ndarray = INF,
    ) -> Block:
        """Add a block of rows ``lo <= a @ x <= hi``; add their coefficients with :meth:`add_terms`."""
        blk = Block(name, axes, self.n_rows)
        shape = blk.shape
        self._rlo.append(np.broadcast_to(np.asarray(lo, dtype=float), shape).ravel().copy())
        self._rhi.append(np.broadcast_to(np.asarray(hi, dtype=float), shape).ravel().copy())
        self.row_blocks[name] = blk
        self.n_rows += blk.size
        return blk

    def add_terms(
        self, rows: np.ndarray | int, cols: np.ndarray | int, values: np.ndarray | float, *, keep_zeros: bool = False
    ) -> None:
        """Add coefficients at global row and column positions (arrays broadcast together).

        Zeros are dropped unless ``keep_zeros`` (coefficients that later updates may change).
        """
        r, c, v = np.broadcast_arrays(np.asarray(rows), np.asarray(cols), np.asarray(values, dtype=float))
        if keep_zeros:
            self._ri.append(r.ravel().astype(np.int64))
            self._ci.append(c.ravel().astype(np.int64))
            self._v.append(v.ravel().astype(float))
            return
        keep = v != 0
        self._ri.append(r[keep].astype(np.int64, copy=False))
        self._ci.append(c[keep].astype(np.int64, copy=False))
        self._v.append(v[keep].astype(float, copy=False))

    # ------------------------------------------------------------------ arrays
    @staticmethod
    def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Lower bounds, upper bounds, costs and integrality flags of all variables."""
        return (
            self._cat(self._lb, float),
            self._cat(self._ub, float),
            self._cat(self._cost, float),
            self._cat(self._int, bool),
        )

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of all rows."""
        return self._cat(self._rlo, float), self._cat(self._rhi, float)

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the coefficient matrix in compressed rows (start, index, value), duplicates summed."""
        r = self._cat(self._ri, np.int64)
        c = self._cat(self._ci, np.int64)
        v = self._cat(self._v, float)
        key = r * max(self.n_vars, 1) + c
        order = np.argsort(key, kind="stable")
        key, v = key[order], v[order]
        if key.size:
            first = np.ones(key.size, dtype=bool)
            first[1:] = key[1:] != key[:-1]
            starts = np.flatnonzero(first)
            v = np.add.reduceat(v, starts)
            key = key[starts]
        rows, cols = np.divmod(key, max(self.n_vars, 1))
        start = np.zeros(self.n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=self.n_rows), out=start[1:])
        return start, cols.astype(np.int32), v
