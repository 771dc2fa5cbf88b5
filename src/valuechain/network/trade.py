"""Constrained balancing of gross bilateral trade, with observed shares as bounds.

Where observed trade is known, :func:`balance_trade_constrained` fits gross trade: every
region's whole output is spread over every region's whole use (its own included, weighted by a
home bias), so a region can import and export the same commodity, as China does with lithium
chemicals. The prior carries what drives who buys from whom (distance, ``affinity`` for owners
supplying their own plants, tariffs through :func:`tariff_affinity`, bans as zeros), and observed
shares enter as :class:`ShareConstraint` bounds that the fit must meet, alternating with the margins
(cyclic Bregman-type projections). Lanes nobody observed are left to the prior, so the method can be
checked against flows it was not given.

The net-trade method it extends (gravity seed, iterative proportional fitting) is in
:mod:`valuechain.network.balancing`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from valuechain.errors import NetworkError
from valuechain.network.balancing import gravity_seed, ipf, net_positions

__all__ = ["ShareConstraint", "balance_trade_constrained", "ownership_affinity", "tariff_affinity"]


@dataclass(frozen=True)
class ShareConstraint:
    """A bound on one partner group's share of a reporter group's trade in some commodities.

    Parameters
    ----------
    name
        Label used in error messages and in the fitted shares (``attrs["shares"]``).
    commodities
        Commodities whose flows are added up (e.g. both cell chemistries).
    reporters
        Regions of the reporting group (e.g. the EU member-state regions).
    partners
        Regions counted in the numerator.
    side
        ``"import"``: the share of the reporters' supply that comes from the partners;
        ``"export"``: the share of the reporters' output that goes to the partners.
    lo, hi
        Bounds on the share (``lo == hi`` pins it).
    basis
        ``"extra"``: the denominator is trade with regions outside the reporting group (extra-EU
        imports, say); ``"total"``: it is everything the reporters use (import side) or make
        (export side), their own supply included.
    """

    name: str
    commodities: tuple[str, ...]
    reporters: tuple[str, ...]
    partners: tuple[str, ...]
    side: str = "import"
    lo: float = 0.0
    hi: float = 1.0
    basis: str = "extra"

    def __post_init__(self) -> None:
        if self.side not in ("import", "export"):
            raise NetworkError(f"share constraint '{self.name}': side '{self.side}'; expected import or export")
        if self.basis not in ("extra", "total"):
            raise NetworkError(f"share constraint '{self.name}': basis '{self.basis}'; expected extra or total")
        if not (0.0 <= self.lo <= self.hi <= 1.0) or not (math.isfinite(self.lo) and math.isfinite(self.hi)):
            raise NetworkError(
                f"share constraint '{self.name}': bounds ({self.lo}, {self.hi}); expected 0 <= lo <= hi <= 1"
            )


def tariff_affinity(tariffs: pd.DataFrame, *, elasticity: float) -> pd.DataFrame:
    """Affinity factor of ad-valorem tariffs: ``(1 + t) ** -elasticity`` per lane.

    Examples
    --------
    >>> t = pd.DataFrame({"EU": [0.1, 0.0]}, index=["CN", "KR"])
    >>> tariff_affinity(t, elasticity=4.0).round(4)["EU"].tolist()
    [0.683, 1.0]
    """
    t = tariffs.astype(float)
    if (t < 0).any().any() or elasticity < 0:
        raise NetworkError("tariffs and the trade elasticity must be non-negative")
    return (1.0 + t) ** (-elasticity)


def ownership_affinity(supply_owners: pd.DataFrame, use_owners: pd.DataFrame, *, weight: float) -> pd.DataFrame:
    """Affinity of lanes on which an owner supplies its own plants.

    ``affinity[i, j] = 1 + weight * sum_o supply_owners[i, o] * use_owners[j, o]``: the share of
    region i's output made by owner o times the share of region j's use taken by plants of the same
    owner, summed over owners.

    Parameters
    ----------
    supply_owners, use_owners
        Indexed by region, one column per owner, rows summing to 1 (missing owners count as 0).
    weight
        Extra weight of a lane fully inside one owner's plants (0 turns the driver off).

    Examples
    --------
    >>> s = pd.DataFrame({"KR": [1.0, 0.0], "CN": [0.0, 1.0]}, index=["KR", "CN"])
    >>> u = pd.DataFrame({"KR": [1.0]}, index=["PL"])
    >>> ownership_affinity(s, u, weight=4.0)["PL"].to_dict()
    {'KR': 5.0, 'CN': 1.0}
    """
    if weight < 0:
        raise NetworkError(f"ownership weight {weight}; expected a non-negative number")
    owners = supply_owners.columns.union(use_owners.columns)
    s = supply_owners.reindex(columns=owners, fill_value=0.0).fillna(0.0).to_numpy(float)
    u = use_owners.reindex(columns=owners, fill_value=0.0).fillna(0.0).to_numpy(float)
    return pd.DataFrame(1.0 + weight * s @ u.T, index=supply_owners.index, columns=use_owners.index)


def _masks(
    con: ShareConstraint, rows: list[tuple[str, str]], cols: list[tuple[str, str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator cells of a share constraint in the stacked trade matrix."""
    rep, par, coms = set(con.reporters), set(con.partners), set(con.commodities)
    rc = np.array([c for c, _ in rows], dtype=object)
    rr = np.array([r for _, r in rows], dtype=object)
    cc = np.array([c for c, _ in cols], dtype=object)
    cr = np.array([r for _, r in cols], dtype=object)
    same = rc[:, None] == cc[None, :]
    in_com = np.isin(rc, list(coms))[:, None] & same
    o_rep, d_rep = np.isin(rr, list(rep))[:, None], np.isin(cr, list(rep))[None, :]
    if con.side == "import":
        denom = in_com & d_rep & (~o_rep if con.basis == "extra" else True)
        num = denom & np.isin(rr, list(par))[:, None]
    else:
        denom = in_com & o_rep & (~d_rep if con.basis == "extra" else True)
        num = denom & np.isin(cr, list(par))[None, :]
    return num, denom


def _project(x: np.ndarray, num: np.ndarray, denom: np.ndarray, lo: float, hi: float) -> float:
    """Scale the partner block and the rest of the denominator so the share meets the nearest bound.

    The total of the denominator block is kept. Returns the violation before the step.
    """
    m_b = float(x[denom].sum())
    if m_b <= 0:
        return 0.0
    m_a = float(x[num].sum())
    share = m_a / m_b
    target = min(max(share, lo), hi)
    if target == share:
        return 0.0
    rest = denom & ~num
    if m_a > 0:
        x[num] *= target / share
    if m_b - m_a > 0:
        x[rest] *= (1.0 - target) / (1.0 - share)
    return abs(target - share)


def _fit(
    seed: np.ndarray,
    r: np.ndarray,
    c: np.ndarray,
    cons: list[tuple[str, np.ndarray, np.ndarray, float, float]],
    *,
    tol: float,
    max_iter: int,
) -> np.ndarray:
    """Margins and share bounds by alternating projections; raises if they cannot all be met."""
    x = ipf(seed, r, c, tol=tol, max_iter=max_iter)
    total = max(r.sum(), 1e-300)
    viol = 0.0
    for _ in range(max_iter):
        viol = max((_project(x, a, b, lo, hi) for _, a, b, lo, hi in cons), default=0.0)
        rs = x.sum(axis=1)
        x *= np.divide(r, rs, out=np.zeros_like(r), where=rs > 0)[:, None]
        cs = x.sum(axis=0)
        x *= np.divide(c, cs, out=np.zeros_like(c), where=cs > 0)[None, :]
        err = max(np.abs(x.sum(axis=1) - r).max(initial=0.0), np.abs(x.sum(axis=0) - c).max(initial=0.0))
        if viol <= tol and err <= tol * total:
            break
    for name, a, b, lo, hi in cons:
        m_b = float(x[b].sum())
        share = float(x[a].sum()) / m_b if m_b > 0 else 0.0
        if m_b > 0 and not (lo - 1e-6 <= share <= hi + 1e-6):
            raise NetworkError(
                f"share constraint '{name}' cannot be met together with the margins (share {share:.4f}, "
                f"expected {lo:g} to {hi:g}); expected a partner with lanes to the reporters and room in the totals"
            )
    err = max(np.abs(x.sum(axis=1) - r).max(initial=0.0), np.abs(x.sum(axis=0) - c).max(initial=0.0))
    if err > 1e-6 * total:
        raise NetworkError(f"constrained fit did not converge in {max_iter} sweeps (margin error {err:.3g})")
    return x


def balance_trade_constrained(
    production: pd.DataFrame,
    consumption: pd.DataFrame,
    *,
    distance: pd.DataFrame | None = None,
    decay: float = 1.0,
    home_bias: float | Mapping[str, float] = 1.0,
    affinity: Mapping[str, pd.DataFrame] | None = None,
    constraints: Iterable[ShareConstraint] = (),
    min_share: float = 0.0,
    rtol: float = 1e-9,
    tol: float = 1e-10,
    max_iter: int = 20_000,
) -> pd.DataFrame:
    """Gross bilateral trade that meets observed shares, with a gravity prior for the rest.

    Every region's output of a commodity is spread over every region's use of it, its own use
    included: the prior of a lane is ``output_i * use_j * affinity_ij / distance_ij ** decay``,
    times ``home_bias`` on the diagonal (supplying oneself). The matrix closest to that prior with
    these margins (proportional fitting) is then made to meet each :class:`ShareConstraint`,
    alternating with the margins until both hold; commodities tied by a constraint are fitted
    together. Lanes carrying less than ``min_share`` of the importer's use are then dropped and the
    fit repeated (if that refit fails, the unpruned fit is kept).

    Parameters
    ----------
    production, consumption
        Indexed by region, one column per commodity; world totals per commodity must agree.
    distance
        Region x region distances (positive); the diagonal is a region's distance to itself.
    decay
        Exponent of distance in the prior.
    home_bias
        Weight of a region supplying itself, one number or one per commodity (default 1).
    affinity
        Per commodity, region x region non-negative weights (0 forbids a lane: a ban); missing
        pairs count as 1.
    constraints
        Observed shares as bounds.
    min_share
        Lanes carrying less than this share of the importer's use (its own supply included) are
        dropped and the fit repeated; a net exporter keeps its largest export lane and a net
        importer its largest import lane.
    rtol
        Tolerance on the world balance, as in :func:`balance_trade`.
    tol, max_iter
        Convergence tolerance (shares, and margins relative to the total) and sweep limit.

    Returns
    -------
    pandas.DataFrame
        Columns ``commodity``, ``origin``, ``destination``, ``flow`` for positive flows between
        different regions. ``attrs["domestic"]`` holds each region's supply to itself per commodity
        and ``attrs["shares"]`` the fitted share of every constraint. For every region and
        commodity, output = own supply + exports and use = own supply + imports.

    Raises
    ------
    NetworkError
        If totals differ, a region or commodity is unknown, or a constraint cannot be met.

    Examples
    --------
    A makes 60 and B 40; C and D use 50 each. A uniform prior gives C 60 % from A; bounding that
    share to 0.7-0.8 moves it to the nearest bound, and the margins fix the rest.

    >>> prod = pd.DataFrame({"x": [60.0, 40.0, 0.0, 0.0]}, index=["A", "B", "C", "D"])
    >>> use = pd.DataFrame({"x": [0.0, 0.0, 50.0, 50.0]}, index=["A", "B", "C", "D"])
    >>> c = ShareConstraint("C from A", ("x",), ("C",), ("A",), lo=0.7, hi=0.8)
    >>> f = balance_trade_constrained(prod, use, constraints=[c])
    >>> f.attrs["shares"]["C from A"]
    0.7
    >>> f.round(6)["flow"].tolist()
    [35.0, 25.0, 15.0, 25.0]
    """
    cons = list(constraints)
    coms = [str(c) for c in production.columns.union(consumption.columns)]
    for con in cons:
        unknown = [c for c in con.commodities if c not in coms]
        if unknown:
            raise NetworkError(f"share constraint '{con.name}' names commodity '{unknown[0]}' with no production")
    # Commodities tied by a constraint are fitted together (union-find over constraints).
    parent = {c: c for c in coms}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for con in cons:
        for c in con.commodities[1:]:
            parent[find(c)] = find(con.commodities[0])
    groups: dict[str, list[str]] = {}
    for c in coms:
        groups.setdefault(find(c), []).append(c)
    out: list[pd.DataFrame] = []
    domestic: dict[tuple[str, str], float] = {}
    shares: dict[str, float] = {}
    for members in groups.values():
        rows: list[tuple[str, str]] = []
        cols: list[tuple[str, str]] = []
        r_tot: list[float] = []
        c_tot: list[float] = []
        for com in members:
            p = production[com] if com in production else pd.Series(dtype=float)
            u = consumption[com] if com in consumption else pd.Series(dtype=float)
            pos = net_positions(p.dropna(), u.dropna(), rtol=rtol)
            scale = max(pos["production"].sum(), 1e-300)
            exp = [str(i) for i in pos.index[pos["production"] > rtol * scale]]
            imp = [str(i) for i in pos.index[pos["consumption"] > rtol * scale]]
            pr = pos.loc[exp, "production"].to_numpy(float)
            us = pos.loc[imp, "consumption"].to_numpy(float)
            us = us * (pr.sum() / us.sum()) if us.sum() > 0 else us
            rows += [(com, e) for e in exp]
            cols += [(com, i) for i in imp]
            r_tot += list(pr)
            c_tot += list(us)
        r_arr = np.array(r_tot)
        c_arr = np.array(c_tot)
        seed = np.zeros((len(rows), len(cols)))
        for com in members:
            ri = [k for k, (cc, _) in enumerate(rows) if cc == com]
            ci = [k for k, (cc, _) in enumerate(cols) if cc == com]
            if not ri or not ci:
                continue
            ex = [rows[k][1] for k in ri]
            im = [cols[k][1] for k in ci]
            dist = None
            if distance is not None:
                missing = [g for g in [*ex, *im] if g not in distance.index or g not in distance.columns]
                if missing:
                    raise NetworkError(
                        f"no distance for region '{missing[0]}'; expected every trading region in the distance matrix"
                    )
                dist = distance.loc[ex, im].to_numpy(float)
            aff = np.ones((len(ex), len(im)))
            if affinity is not None and com in affinity:
                aff = affinity[com].reindex(index=ex, columns=im).fillna(1.0).to_numpy(float)
            hb = home_bias.get(com, 1.0) if isinstance(home_bias, Mapping) else home_bias
            diag = np.array(ex, dtype=object)[:, None] == np.array(im, dtype=object)[None, :]
            aff = np.where(diag, aff * hb, aff)
            block = gravity_seed(r_arr[ri], c_arr[ci], dist, decay=decay, affinity=aff)
            seed[np.ix_(ri, ci)] = block
        cmask = [(con.name, *_masks(con, rows, cols), con.lo, con.hi) for con in cons if con.commodities[0] in members]
        x = _fit(seed, r_arr, c_arr, cmask, tol=tol, max_iter=max_iter)
        if min_share > 0:
            x = _prune(x, seed, r_arr, c_arr, rows, cols, cmask, min_share, tol, max_iter)
        for name, num, den, _, _ in cmask:
            m_b = float(x[den].sum())
            shares[name] = round(float(x[num].sum()) / m_b, 9) if m_b > 0 else float("nan")
        recs = []
        for ii, jj in zip(*np.nonzero(x > 0), strict=True):
            (com, o), (_, d) = rows[ii], cols[jj]
            if o == d:
                domestic[(com, o)] = float(x[ii, jj])
            else:
                recs.append((com, o, d, float(x[ii, jj])))
        out.append(pd.DataFrame(recs, columns=["commodity", "origin", "destination", "flow"]))
    res = (
        pd.concat(out, ignore_index=True)
        if out
        else pd.DataFrame(columns=["commodity", "origin", "destination", "flow"])
    )
    res = res.sort_values(["commodity", "origin", "destination"], ignore_index=True)
    res.attrs["domestic"] = pd.Series(domestic, dtype=float).sort_index()
    res.attrs["shares"] = shares
    return res


def _prune(
    x: np.ndarray,
    seed: np.ndarray,
    r: np.ndarray,
    c: np.ndarray,
    rows: list[tuple[str, str]],
    cols: list[tuple[str, str]],
    cmask: list[tuple[str, np.ndarray, np.ndarray, float, float]],
    min_share: float,
    tol: float,
    max_iter: int,
) -> np.ndarray:
    """Drop lanes below ``min_share`` of the importer's use and refit; keep ``x`` if the refit fails.

    A region that makes more than it uses keeps its largest export lane, one that uses more than it
    makes its largest import lane, so that the net positions can still be met.
    """
    diag = (
        np.array([o for _, o in rows], dtype=object)[:, None] == np.array([d for _, d in cols], dtype=object)[None, :]
    )
    trade = np.where(diag, 0.0, x)
    keep = diag | (trade >= min_share * c[None, :])
    for k in range(trade.shape[1]):
        if trade[:, k].sum() > 0 and c[k] > _own_output(rows, cols, r, k):
            keep[trade[:, k].argmax(), k] = True
    for k in range(trade.shape[0]):
        if trade[k].sum() > 0 and r[k] > _own_use(rows, cols, c, k):
            keep[k, trade[k].argmax()] = True
    with contextlib.suppress(NetworkError):
        return _fit(np.where(keep, seed, 0.0), r, c, cmask, tol=tol, max_iter=max_iter)
    return x


def _own_output(rows: list[tuple[str, str]], cols: list[tuple[str, str]], r: np.ndarray, k: int) -> float:
    """Output of the region and commodity of column ``k`` (0 if it makes none)."""
    return float(sum(r[i] for i, key in enumerate(rows) if key == cols[k]))


def _own_use(rows: list[tuple[str, str]], cols: list[tuple[str, str]], c: np.ndarray, k: int) -> float:
    """Use of the region and commodity of row ``k`` (0 if it uses none)."""
    return float(sum(c[j] for j, key in enumerate(cols) if key == rows[k]))
