"""Numbers and names as a reader wants them: the one place the report formats anything.

Every number on the page goes through these functions, so the page never shows scientific
notation, a share as a bare fraction next to percentages, a year with a thousands separator or a
residue of the solver as a result. Values smaller than the model's precision (:data:`REL_TOL` of
the scale they belong to, or :data:`ABS_TOL` in their own unit) are shown as zero.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = [
    "ABS_TOL",
    "REL_TOL",
    "clean",
    "commodity",
    "horizon",
    "is_aggregate",
    "money",
    "month",
    "num",
    "number",
    "pct",
    "process",
    "quantity",
    "region",
    "unit",
    "year",
]

#: Relative precision of the model's results (the solver's feasibility tolerance, 1e-7): a value
#: below this fraction of the scale it belongs to is a residue, not a result.
REL_TOL = 1e-7
#: Absolute precision in a commodity's own unit (t, GWh, Mm2): smaller quantities are zero.
ABS_TOL = 1e-6

_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}


def num(x: Any) -> float:
    """Any scalar (a pandas or numpy number, a numeric string) as a float; NaN when it is not a number.

    Examples
    --------
    >>> num("2030"), num(None) != num(None)
    (2030.0, True)
    """
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def clean(x: float, scale: float = 0.0) -> float:
    """``x``, or 0 when it is below the model's precision.

    Parameters
    ----------
    x
        A value.
    scale
        The magnitude ``x`` is a part of (a total, the objective); ``x`` is zero when
        ``|x| < REL_TOL * |scale|`` or ``|x| < ABS_TOL``.

    Examples
    --------
    >>> clean(1.764e-08)
    0.0
    >>> clean(2585.0, scale=1.84e12)  # 1.4e-9 of the objective: below the precision
    0.0
    >>> clean(2585.0, scale=1e6)
    2585.0
    """
    if x is None or not math.isfinite(float(x)):
        return float("nan")
    x = float(x)
    if abs(x) < ABS_TOL or abs(x) < REL_TOL * abs(float(scale or 0.0)):
        return 0.0
    return x


def number(x: float, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, thousands separated, never in e-notation.

    Examples
    --------
    >>> number(2.668e9), number(31547.3), number(7.905), number(0.01234), number(0.0)
    ('2,670,000,000', '31,500', '7.91', '0.0123', '0')
    >>> number(float("nan"))
    '–'
    """
    if x is None or not math.isfinite(float(x)):
        return "–"
    x = float(x)
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(digits - 1 - mag, 0)
    # round half away from zero on the number as written (2,585 -> 2,590; 7.905 -> 7.91)
    step = Decimal(1).scaleb(mag - digits + 1)
    text = f"{Decimal(repr(x)).quantize(step, rounding=ROUND_HALF_UP):,.{decimals}f}"
    return "0" if float(text.replace(",", "")) == 0 else text


def money(x: float, currency: str = "USD", *, scale: float = 0.0, digits: int = 3) -> str:
    """An amount as ``$2.67 bn``, ``$18.1 m``, ``$31,500`` (``€`` for EUR; other codes after it).

    Examples
    --------
    >>> money(2.66819e9), money(1.8e7, "EUR"), money(31547.3), money(-4.2e9), money(7.905)
    ('$2.67 bn', '€18 m', '$31,500', '−$4.2 bn', '$7.91')
    >>> money(2585.0, scale=1.84e12)
    '$0'
    """
    v = clean(x, scale)
    if math.isnan(v):
        return "–"
    sym = _SYMBOL.get(currency, "")
    pre, post = (sym, "") if sym else ("", f" {currency}" if currency else "")
    sign = "−" if v < 0 else ""
    a = abs(v)
    if a >= 1e9:
        body = _trim(number(a / 1e9, digits)) + " bn"
    elif a >= 1e6:
        body = _trim(number(a / 1e6, digits)) + " m"
    else:
        body = number(a, digits)
    return f"{sign}{pre}{body}{post}"


def _trim(text: str) -> str:
    return re.sub(r"(\.\d*?)0+$", r"\1", text).rstrip(".")


def unit(u: str) -> str:
    """A unit as printed: ``Mm2`` -> ``Mm²``."""
    return str(u).replace("m2", "m²")


def quantity(x: float, u: str, *, scale: float = 0.0, digits: int = 3) -> str:
    """A quantity in its unit, tonnes scaled to kt or Mt, e.g. ``12.3 kt LCE``, ``93.9 GWh``.

    Examples
    --------
    >>> quantity(12345.0, "t LCE"), quantity(850.0, "t"), quantity(2.5e6, "t"), quantity(93.92, "GWh")
    ('12.3 kt LCE', '850 t', '2.5 Mt', '93.9 GWh')
    >>> quantity(1.764e-08, "GWh"), quantity(1200.0, "Mm2")
    ('0 GWh', '1,200 Mm²')
    """
    v = clean(x, scale)
    if math.isnan(v):
        return "–"
    u = str(u or "")
    parts = u.split(" ", 1)
    if parts[0] == "t" and abs(v) >= 1e3:
        rest = f" {parts[1]}" if len(parts) > 1 else ""
        if abs(v) >= 1e6:
            return f"{_trim(number(v / 1e6, digits))} Mt{rest}"
        return f"{_trim(number(v / 1e3, digits))} kt{rest}"
    return f"{number(v, digits)} {unit(u)}".rstrip()


def pct(share: float, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage, ``87%``; shares below the precision are ``0%``.

    Examples
    --------
    >>> pct(0.728498), pct(1e-9), pct(0.004), pct(0.0671, 1), pct(float("nan"))
    ('73%', '0%', '<1%', '6.7%', '–')
    """
    if share is None or not math.isfinite(float(share)):
        return "–"
    s = clean(float(share))
    p = 100 * s
    if 0 < abs(p) < 0.5 * 10**-digits:
        return f"<{10**-digits:g}%"
    return f"{p:.{digits}f}%"


def year(x: Any) -> str:
    """A year without separators: ``2030.0`` -> ``2030``."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    return "–" if not math.isfinite(v) else str(round(v))


def horizon(start: int | None, years: int) -> str:
    """A planning horizon: ``2025–2030 (6 years)``, or ``6 years`` without a start.

    Examples
    --------
    >>> horizon(2025, 6), horizon(None, 1)
    ('2025–2030 (6 years)', '1 year')
    """
    span = f"{years} year" + ("" if years == 1 else "s")
    return span if start is None else f"{start}–{start + years - 1} ({span})"


def month(p: Any) -> str:
    """A month as ``Jan 2025`` (a pandas Period, Timestamp or ``YYYY-MM`` text)."""
    import pandas as pd

    return pd.Period(p, freq="M").strftime("%b %Y")


def commodity(net: Network, cid: str, *, with_unit: bool = True, short: bool = False) -> str:
    """A commodity's name (and unit) from the network, e.g. ``Electrolyte (t)``; the id if unknown.

    ``short`` drops the name's parenthesised detail (``Lithium hydroxide (monohydrate, counted
    in t LCE)`` -> ``Lithium hydroxide``).
    """
    com = net.commodities
    if cid not in com.index:
        return str(cid)
    name = str(com.at[cid, "name"] or cid)
    if short:
        name = re.sub(r"\s*\([^)]*\)", "", name).strip() or name
    return f"{name} ({unit(str(com.at[cid, 'unit']))})" if with_unit else name


def region(net: Network, rid: str) -> str:
    """A region's (or group's) name, e.g. ``China``; aggregates are named as such."""
    reg = net.regions
    if rid in reg.index:
        name = str(reg.at[rid, "name"] or rid)
        return name
    if rid in net.groups:
        return {"EU27": "the EU27"}.get(rid, rid)
    return str(rid)


def is_aggregate(net: Network, rid: str) -> bool:
    """Whether a region stands for several countries (``RoW``, ``EU-other``): never a 'third country'."""
    if rid in net.groups:
        return True
    name = str(net.regions.at[rid, "name"]).lower() if rid in net.regions.index else ""
    rid_l = str(rid).lower()
    return rid_l in ("row", "other") or rid_l.endswith("-other") or name.startswith(("rest of", "other "))


def process(net: Network, pid: str) -> str:
    """A process's (or expansion option's) name from the network; the id if unknown."""
    for table in (net.processes, net.expansions):
        if pid in table.index and "name" in table.columns and str(table.at[pid, "name"] or ""):
            return str(table.at[pid, "name"])
    return str(pid)
