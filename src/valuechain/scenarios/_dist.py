"""Distributions of a risk register's fields, written as text: ``0.5``, ``uniform(a, b)``, ...

Each distribution turns uniform draws ``u`` (and standard normal draws ``z``, for the lognormal)
into values, so that the sampler can draw all its random numbers up front in a fixed layout.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["Dist", "parse_dist"]

_CALL = re.compile(r"^\s*([a-z]+)\s*\(\s*(.*?)\s*\)\s*$")
_ARGS = {"uniform": 2, "triangular": 3, "lognormal": 2}


@dataclass(frozen=True)
class Dist:
    """A distribution: ``kind`` is 'fixed', 'uniform', 'triangular' or 'lognormal'.

    ``params`` are (value,), (low, high), (low, mode, high) or (median, sigma of the log).
    """

    kind: str
    params: tuple[float, ...]

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest value the distribution takes."""
        if self.kind == "fixed":
            return self.params[0], self.params[0]
        if self.kind == "lognormal":
            return (0.0, math.inf) if self.params[1] > 0 else (self.params[0], self.params[0])
        return self.params[0], self.params[-1]

    def draw(self, u: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Map uniform draws ``u`` (and normal draws ``z``) to values of the distribution."""
        p = self.params
        if self.kind == "fixed":
            return np.full(u.shape, p[0])
        if self.kind == "uniform":
            return p[0] + u * (p[1] - p[0])
        if self.kind == "lognormal":
            return p[0] * np.exp(p[1] * z)
        low, mode, high = p
        if high == low:
            return np.full(u.shape, low)
        cut = (mode - low) / (high - low)
        left = low + np.sqrt(u * (high - low) * (mode - low))
        right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
        return np.where(u < cut, left, right)

    def __str__(self) -> str:
        if self.kind == "fixed":
            return f"{self.params[0]:g}"
        return f"{self.kind}({', '.join(f'{x:g}' for x in self.params)})"


def parse_dist(value: object) -> Dist | None:
    """Read a distribution (``0.5``, ``"uniform(0.2, 0.6)"``, ...); ``None`` if the text is not one.

    Examples
    --------
    >>> str(parse_dist("lognormal(6, 0.5)")), str(parse_dist(3))
    ('lognormal(6, 0.5)', '3')
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Dist("fixed", (float(value),)) if math.isfinite(value) else None
    text = str(value).strip()
    try:
        x = float(text)
    except ValueError:
        pass
    else:
        return Dist("fixed", (x,)) if math.isfinite(x) else None
    m = _CALL.match(text.lower())
    if not m or m.group(1) not in _ARGS:
        return None
    try:
        args = tuple(float(a) for a in m.group(2).split(","))
    except ValueError:
        return None
    if len(args) != _ARGS[m.group(1)] or not all(math.isfinite(a) for a in args):
        return None
    kind = m.group(1)
    if kind == "uniform" and not args[0] <= args[1]:
        return None
    if kind == "triangular" and not args[0] <= args[1] <= args[2]:
        return None
    if kind == "lognormal" and not (args[0] > 0 and args[1] >= 0):
        return None
    return Dist(kind, args)
