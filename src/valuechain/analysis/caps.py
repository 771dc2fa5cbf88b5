r"""Dependency caps that change over the years, and study specs that use them.

:class:`CapPath` is a planning policy (a :class:`valuechain.opt.Policy`): at most a share
:math:`\sigma_{tc}` of the supply of commodity :math:`c` to a region comes from one single origin
(every third country in turn, or a named origin), with a share that follows a path over the years:

.. math::

    supply_{from\ o}(s, t, c) - \sigma_{tc}\, supply(s, t, c) \le 0
    \qquad \forall s, t, c, o

The path is given by knots ``{year: share}``; between two knots the share is interpolated
linearly, after the last knot it stays at the last value, and before the first knot there is no
cap (:math:`\sigma = 1`). A knot may be relative to today's share (``{reduction: 0.3}``: 30 % below
the share the origin holds today); relative knots apply only to commodities whose top share today
is above the last absolute knot, if there is one (they are the dependencies to cut), and the path never loosens
(each share is the smallest of its own and the earlier ones).

:meth:`valuechain.opt.Model.update_share` on a cap path sets a flat cap from the first knot's
year on (the sweep of :func:`valuechain.analysis.pricing.price_of_resilience`).

Study specs may list a ``cap_path`` policy; :func:`load_targets_study` reads them (the other
policies go through :func:`valuechain.opt.load_study`)::

    - type: cap_path
      name: single-country-cap
      commodities: [lithium_chem, cam_nmc]
      region: EU27
      path: {2029: {reduction: 0.30}, 2030: 0.65}

Examples
--------
>>> cap = CapPath(commodities=("c",), region="EU", path=((2027, 0.8, False), (2029, 0.6, False)))
>>> cap.shares([2026, 2027, 2028, 2029, 2030], {"c": 0.9}).ravel().round(2).tolist()
[1.0, 0.8, 0.7, 0.6, 0.6]
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from valuechain._params import Interval, check
from valuechain.errors import StudyError
from valuechain.opt.policies import Policy

if TYPE_CHECKING:
    from valuechain.opt.build import Context
    from valuechain.opt.study import Study

__all__ = ["CapPath", "load_targets_study"]


@dataclass(frozen=True)
class CapPath(Policy):
    """A cap on the share of one origin in a region's supply that follows a path over the years.

    Parameters
    ----------
    commodities
        Commodity ids.
    region
        Region or group whose supply is capped (e.g. "EU27").
    path
        Knots ``(year, value, relative)``: ``value`` is the share when ``relative`` is false, the
        fractional reduction of today's share when it is true.
    origin
        A region or group whose share is capped; ``None`` caps every single third country.
    today
        Today's top share per commodity, ``((commodity, share), ...)``; needed by relative knots
        (:func:`valuechain.analysis.targets.targets` fills it in).
    elastic, penalty, label
        As for :class:`valuechain.opt.MaxOriginShare`.
    """

    commodities: tuple[str, ...] = ()
    region: str = ""
    path: tuple[tuple[int, float, bool], ...] = ()
    origin: str | None = None
    today: tuple[tuple[str, float], ...] = ()
    elastic: bool = False
    penalty: float | None = None
    label: str | None = None
    kind: ClassVar[str] = "cap_path"

    def __post_init__(self) -> None:
        if isinstance(self.commodities, str):
            object.__setattr__(self, "commodities", (self.commodities,))
        object.__setattr__(self, "commodities", tuple(str(c) for c in self.commodities))
        if not self.commodities:
            raise StudyError("The 'commodities' parameter of CapPath must be a non-empty list. Got ().")
        check(
            "CapPath", "region", self.region, lambda v: isinstance(v, str) and v != "",
            error=StudyError, expected="a region or group id",
        )  # fmt: skip
        if not self.path:
            raise StudyError("The 'path' parameter of CapPath must hold at least one (year, share) knot. Got ().")
        knots = tuple(sorted((int(y), float(v), bool(r)) for y, v, r in self.path))
        for _, v, _ in knots:
            check("CapPath", "path", v, Interval(0, 1), error=StudyError)
        object.__setattr__(self, "path", knots)
        object.__setattr__(self, "today", tuple((str(c), float(s)) for c, s in self.today))
        self._common()

    @property
    def name(self) -> str:
        """``cap-path-<origin or third-country>-in-<region>`` unless labelled."""
        return self.label or f"cap-path-{self.origin or 'third-country'}-in-{self.region}"

    @property
    def final(self) -> tuple[int, float]:
        """The last absolute knot (year, share), or the last knot's year and 1.0 if none is absolute."""
        absolute = [(y, v) for y, v, r in self.path if not r]
        return absolute[-1] if absolute else (self.path[-1][0], 1.0)

    def shares(self, years: Any, today: Mapping[str, float] | None = None) -> np.ndarray:
        """The cap per year and commodity, shape (len(years), len(commodities))."""
        years = np.asarray(years, dtype=float)
        today = dict(self.today) if today is None else dict(today)
        last = self.final[1] if any(not r for _, _, r in self.path) else -1.0
        out = np.ones((years.size, len(self.commodities)))
        for j, c in enumerate(self.commodities):
            kx: list[float] = []
            ky: list[float] = []
            for y, v, rel in self.path:
                if rel:
                    if c not in today:
                        raise StudyError(f"policy '{self.name}': a relative knot needs today's share of '{c}'")
                    if today[c] <= last:
                        continue
                    v = today[c] * (1.0 - v)
                kx.append(float(y))
                ky.append(min([v, *ky]))
            if not kx:
                continue
            col = np.interp(years, kx, ky)
            out[:, j] = np.where(years < kx[0], 1.0, col)
        return out

    def add(self, ctx: Context) -> None:
        """Rows over (scenario, period, commodity, origin), with the period's share as coefficient."""
        own = f"policy '{self.name}'"
        into = ctx.region_mask(self.region, own)
        com = ctx.commodity_positions(self.commodities, own)
        if self.origin is None:
            origins = [int(o) for o in np.unique(ctx.route_from[into[ctx.route_to] & ~into[ctx.route_from]])]
            masks, labels = [], []
            for o in origins:
                m = np.zeros(len(ctx.regions), dtype=bool)
                m[o] = True
                masks.append(m)
                labels.append(str(ctx.regions[o]))
        else:
            masks, labels = [ctx.region_mask(self.origin, own)], [self.origin]
        axes = (
            pd.Index(list(self.commodities), name="commodity", dtype=object),
            pd.Index(labels, name="origin", dtype=object),
        )
        n_o = len(labels)
        fixed, scaled = [], []
        total = ctx.supply_terms(com, into)
        for j, mask in enumerate(masks):
            for b, i, s, c in ctx.supply_terms(com, into, origin=mask):
                fixed.append((b, i, s * n_o + j, c))
            for b, i, s, c in total:
                scaled.append((b, i, s * n_o + j, -np.asarray(c, dtype=float)))
        years = (
            np.asarray(ctx.shocks.periods.start_time.year, dtype=float)
            + (np.asarray(ctx.shocks.periods.start_time.month, dtype=float) - 1) / 12.0
        )
        sigma = self.shares(years)  # (T, C)
        rows = ctx.constraint(
            f"policy:{self.name}", axes, [], elastic=self.elastic, penalty=self._penalty(ctx), policy=self.name
        )
        rf, cf, vf = ctx.expand(rows, axes, fixed)
        rs, cs, vs = ctx.expand(rows, axes, scaled)
        _, t_of, c_of, _ = np.unravel_index(rs - rows.offset, rows.shape)
        big = np.int64(1) << 40
        key = np.concatenate([rf, rs]) * big + np.concatenate([cf, cs])
        uniq, inv = np.unique(key, return_inverse=True)
        a_fixed = np.bincount(inv, weights=np.concatenate([vf, np.zeros(vs.size)]), minlength=uniq.size)
        a_path = np.bincount(
            inv, weights=np.concatenate([np.zeros(vf.size), vs * sigma[t_of, c_of]]), minlength=uniq.size
        )
        rpos, cpos = np.divmod(uniq, big)
        ctx.lp.add_terms(rpos, cpos, a_fixed + a_path, keep_zeros=True)
        # Model.update_share(name, s) sets the cap to s from the first knot's year on (no cap before).
        on = years[t_of] >= self.path[0][0]
        a_share = np.bincount(
            inv, weights=np.concatenate([np.zeros(vf.size), np.where(on, vs, 0.0)]), minlength=uniq.size
        )
        a_before = np.bincount(
            inv, weights=np.concatenate([np.zeros(vf.size), np.where(on, 0.0, vs)]), minlength=uniq.size
        )
        ctx.share_terms[self.name] = (rpos, cpos, a_fixed + a_before, a_share, None)


def _knots(value: Any, file: str, where: str) -> tuple[tuple[int, float, bool], ...]:
    if not isinstance(value, Mapping) or not value:
        raise StudyError(f"{file}: key '{where}.path' must be a mapping of year to share (or {{reduction: x}})")
    out = []
    for year, v in value.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise StudyError(f"{file}: key '{where}.path': years must be integers; got {year!r}")
        if isinstance(v, Mapping):
            if list(v) != ["reduction"]:
                raise StudyError(f"{file}: key '{where}.path.{year}': expected a share or {{reduction: x}}; got {v!r}")
            v, rel = v["reduction"], True
        else:
            rel = False
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise StudyError(f"{file}: key '{where}.path.{year}' must be a number in [0, 1]; got {v!r}")
        out.append((year, float(v), rel))
    return tuple(out)


def load_targets_study(path: str | Path) -> Study:
    """Read a study spec that may hold ``cap_path`` policies (see the module docstring).

    Parameters
    ----------
    path
        The YAML file, or the name of a spec in ``models/`` (``"eu-crma-2030"``).

    Returns
    -------
    Study
        With :class:`CapPath` policies first, then the spec's other policies in order.

    Examples
    --------
    >>> study = load_targets_study("eu-crma-2030")
    >>> study.network, [p.kind for p in study.policies][:1]
    ('global-li-ion-2024', ['cap_path'])
    """
    import yaml

    from valuechain.opt.study import _resolve, load_study

    p = _resolve(path)
    file = str(p)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise StudyError(f"{file}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("policies", []), list):
        return load_study(p)
    paths, rest = [], []
    for i, item in enumerate(raw.get("policies") or [], 1):
        if isinstance(item, Mapping) and item.get("type") == "cap_path":
            where = f"policies[{i}]"
            allowed = ("type", "name", "commodities", "region", "path", "origin", "elastic", "penalty")
            bad = [k for k in item if k not in allowed]
            if bad:
                raise StudyError(f"{file}: unknown key '{where}.{bad[0]}'; expected one of {', '.join(allowed[1:])}")
            try:
                paths.append(
                    CapPath(
                        commodities=item.get("commodities", ()),
                        region=item.get("region", ""),
                        path=_knots(item.get("path"), file, where),
                        origin=item.get("origin"),
                        elastic=bool(item.get("elastic", False)),
                        penalty=item.get("penalty"),
                        label=item.get("name"),
                    )
                )
            except StudyError as e:
                raise StudyError(f"{file}: key '{where}': {e}") from None
        else:
            rest.append(item)
    if not paths:
        return load_study(p)
    spec = dict(raw, policies=rest)
    net = spec.get("network")
    if isinstance(net, str) and ("/" in net or net.startswith(".")) and not Path(net).is_absolute():
        spec["network"] = str((p.parent / net).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        tmp_file = Path(tmp) / p.name
        tmp_file.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        try:
            study = load_study(tmp_file)
        except StudyError as e:
            raise StudyError(str(e).replace(str(tmp_file), file)) from None
    return study.replace(policies=tuple(paths) + study.policies, path=p)


def with_today(study: Study, today: Mapping[str, float], by_origin: pd.DataFrame | None = None) -> Study:
    """Return ``study`` with today's shares filled into its :class:`CapPath` policies.

    ``today`` holds the top third-country share per commodity (used by caps on every third
    country); ``by_origin`` (commodity x origin shares) the shares used by caps on a named origin.
    """
    pols = []
    for pol in study.policies:
        if isinstance(pol, CapPath):
            if pol.origin is not None and by_origin is not None and pol.origin in by_origin.columns:
                col = by_origin[pol.origin]
                vals = {c: float(col.get(c, 0.0)) for c in pol.commodities}
            else:
                vals = {c: float(today.get(c, 0.0)) for c in pol.commodities}
            pol = replace(pol, today=tuple((c, 0.0 if np.isnan(v) else v) for c, v in vals.items()))
        pols.append(pol)
    return study.replace(policies=tuple(pols))
