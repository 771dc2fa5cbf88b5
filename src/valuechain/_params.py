"""Declared parameter constraints with uniform error messages (scikit-learn style).

A class or function declares its constraints once; :func:`check` turns a violation into an
error whose text names the owner, the parameter, the expectation and the value received::

    The 'severity' parameter of ExportControl must be in [0, 1]. Got 1.5.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from valuechain.errors import ValueChainError

__all__ = ["Interval", "OneOf", "check", "closest", "restate"]


@dataclass(frozen=True)
class Interval:
    """A real interval; ``closed`` says which ends belong to it ('both', 'left', 'right', 'neither')."""

    low: float = -math.inf
    high: float = math.inf
    closed: str = "both"

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        v = float(value)
        if math.isnan(v):
            return False
        lo_ok = v >= self.low if self.closed in ("both", "left") else v > self.low
        hi_ok = v <= self.high if self.closed in ("both", "right") else v < self.high
        return lo_ok and hi_ok

    def __str__(self) -> str:
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        lo = "-inf" if self.low == -math.inf else f"{self.low:g}"
        hi = "inf" if self.high == math.inf else f"{self.high:g}"
        return f"a number in {left}{lo}, {hi}{right}"


@dataclass(frozen=True)
class OneOf:
    """A value from a fixed set."""

    options: tuple[object, ...]

    def __contains__(self, value: object) -> bool:
        return value in self.options

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options)


def closest(name: str, options: Iterable[str], n: int = 3) -> str:
    """Return ``" (closest: a, b)"`` naming the nearest valid options, or ``""`` if none is close."""
    matches = difflib.get_close_matches(str(name), [str(o) for o in options], n=n, cutoff=0.5)
    return f" (closest: {', '.join(matches)})" if matches else ""


def check(
    owner: str,
    name: str,
    value: object,
    constraint: Interval | OneOf | type | tuple[type, ...] | Callable[[object], bool],
    *,
    error: type[ValueChainError] = ValueChainError,
    expected: str | None = None,
) -> None:
    """Raise ``error`` unless ``value`` satisfies ``constraint``.

    Parameters
    ----------
    owner
        The class or function the parameter belongs to, as users write it.
    name
        The parameter's name.
    value
        The value received.
    constraint
        An :class:`Interval`, a :class:`OneOf`, a type (or tuple of types), or a predicate.
    error
        The exception class to raise.
    expected
        Text describing the expectation, when the constraint is a predicate.

    Raises
    ------
    ValueChainError
        (or ``error``) with a message of the form
        ``The 'name' parameter of Owner must be <expectation>. Got <value>.``
    """
    if isinstance(constraint, (Interval, OneOf)):
        ok = value in constraint
        text = expected or str(constraint)
    elif isinstance(constraint, (type, tuple)):
        ok = isinstance(value, constraint) and not (
            isinstance(value, bool) and constraint in (int, float, (int, float))
        )
        names = constraint if isinstance(constraint, tuple) else (constraint,)
        text = expected or "an instance of " + " or ".join(t.__name__ for t in names)
    else:
        ok = bool(constraint(value))
        text = expected or "valid"
    if not ok:
        exc = error(f"The '{name}' parameter of {owner} must be {text}. Got {value!r}.")
        exc.param, exc.expected, exc.got = name, text, value
        raise exc


def restate(error: ValueChainError, where: str) -> str:
    """Restate ``error`` for a reader of a file: ``where.param: expected ..., got ...``.

    ``where`` locates the object the parameter belongs to: a file and a key
    (``"models/x.yaml: policies[2]"``, the parameter follows after a dot) or a file alone
    (``"my.yaml"``, the parameter follows after a colon). Errors that do not come from a
    parameter check keep their text after ``where: ``.

    Examples
    --------
    >>> from valuechain.errors import StudyError
    >>> try:
    ...     check("MaxOriginShare", "share", 1.5, Interval(0, 1), error=StudyError)
    ... except StudyError as e:
    ...     print(restate(e, "x.yaml: policies[2]"))
    x.yaml: policies[2].share: expected a number in [0, 1], got 1.5
    """
    if error.param is not None:
        sep = "." if ": " in where else ": "
        return f"{where}{sep}{error.param}: expected {error.expected}, got {error.got!r}"
    return f"{where}: {error}"
