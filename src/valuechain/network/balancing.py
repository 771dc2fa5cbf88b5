"""Trade balancing: bilateral baseline flows derived from production and consumption per region.

Where bilateral trade figures are not published, a network's baseline routes can be derived from
what each region makes and uses of a commodity:

1. **Net positions.** A region whose production exceeds its consumption has a surplus to export,
   one whose consumption exceeds its production has a deficit to import
   (:func:`net_positions`). Trade is net: a region either exports or imports a commodity.
2. **Gravity seed.** A prior matrix proportional to exporter surplus times importer deficit,
   divided by distance to the power ``decay`` and multiplied by an optional affinity (0 forbids a
   lane) (:func:`gravity_seed`).
3. **Iterative proportional fitting** (RAS): the seed is scaled alternately by rows and columns
   until its row sums equal the surpluses and its column sums equal the deficits (:func:`ipf`).
   The result is the matrix closest to the seed, in the Kullback-Leibler sense, that has those
   margins; so the baseline balances at every hub by construction.
4. **Pruning.** Lanes that carry less than ``min_share`` of the importer's deficit are dropped
   and the fit is repeated on the lanes left, so a network keeps a few hundred routes instead of a
   dense matrix (:func:`balance_trade`).

Where observed trade is known, gross trade is fitted instead: :mod:`valuechain.network.trade`.

Examples
--------
>>> import pandas as pd
>>> from valuechain.network.balancing import balance_trade
>>> prod = pd.Series({"AU": 100.0, "CL": 50.0, "CN": 20.0})
>>> use = pd.Series({"CN": 120.0, "DE": 50.0})
>>> flows = balance_trade(prod, use)
>>> flows.groupby("destination")["flow"].sum().round(6).to_dict()
{'CN': 100.0, 'DE': 50.0}
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pandas as pd

from valuechain.errors import NetworkError

__all__ = ["balance_trade", "distance_matrix", "gravity_seed", "great_circle_km", "ipf", "net_positions"]

_EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (haversine formula).

    Examples
    --------
    >>> round(great_circle_km(0.0, 0.0, 0.0, 90.0))
    10008
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_matrix(coords: pd.DataFrame, *, floor_km: float = 500.0) -> pd.DataFrame:
    """Distances between regions from their coordinates.

    Parameters
    ----------
    coords
        Indexed by region, with columns ``lat`` and ``lon`` in degrees.
    floor_km
        Smallest distance returned (neighbours and a region with itself), so that gravity weights
        stay finite.

    Returns
    -------
    pandas.DataFrame
        Region x region distances in km.

    Examples
    --------
    >>> c = pd.DataFrame({"lat": [0.0, 0.0], "lon": [0.0, 90.0]}, index=["A", "B"])
    >>> distance_matrix(c).round().to_numpy().tolist()
    [[500.0, 10008.0], [10008.0, 500.0]]
    """
    for col in ("lat", "lon"):
        if col not in coords.columns:
            raise NetworkError(f"coordinates lack the column '{col}'; expected columns lat and lon")
    idx = coords.index
    lat, lon = coords["lat"].to_numpy(float), coords["lon"].to_numpy(float)
    d = np.array([[great_circle_km(lat[i], lon[i], lat[j], lon[j]) for j in range(len(idx))] for i in range(len(idx))])
    return pd.DataFrame(np.maximum(d, floor_km), index=idx, columns=idx)


def ipf(
    seed: np.ndarray,
    row_totals: np.ndarray,
    col_totals: np.ndarray,
    *,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> np.ndarray:
    """Scale a non-negative matrix so that its row and column sums match given totals (RAS).

    Parameters
    ----------
    seed
        Non-negative prior matrix (m x n); zeros stay zero.
    row_totals, col_totals
        Target row sums (m) and column sums (n); their grand totals must agree.
    tol
        Largest relative error of any margin accepted, relative to the grand total.
    max_iter
        Largest number of row-column sweeps.

    Returns
    -------
    numpy.ndarray
        The fitted matrix.

    Raises
    ------
    NetworkError
        If the inputs are negative or mis-shaped, the grand totals differ, a positive total has
        no positive seed entry to carry it, or the fit does not converge (the zero pattern of the
        seed admits no matrix with these margins).

    Examples
    --------
    >>> import numpy as np
    >>> ipf(np.ones((2, 2)), np.array([3.0, 1.0]), np.array([2.0, 2.0])).tolist()
    [[1.5, 1.5], [0.5, 0.5]]
    """
    x = np.array(seed, dtype=float)
    r = np.asarray(row_totals, dtype=float)
    c = np.asarray(col_totals, dtype=float)
    if x.ndim != 2 or x.shape != (len(r), len(c)):
        raise NetworkError(f"seed of shape {x.shape} does not match {len(r)} row and {len(c)} column totals")
    if (
        (x < 0).any()
        or (r < 0).any()
        or (c < 0).any()
        or not (np.isfinite(x).all() and np.isfinite(r).all() and np.isfinite(c).all())
    ):
        raise NetworkError("seed and totals must be finite and non-negative")
    total = r.sum()
    if total == 0 and c.sum() == 0:
        return np.zeros_like(x)
    if abs(total - c.sum()) > 1e-9 * max(total, c.sum()):
        raise NetworkError(
            f"row totals sum to {total:.6g} but column totals to {c.sum():.6g}; expected equal grand totals"
        )
    for axis, t, name in ((1, r, "row"), (0, c, "column")):
        carried = x.sum(axis=axis)
        bad = np.flatnonzero((t > 0) & (carried <= 0))
        if len(bad):
            raise NetworkError(
                f"{name} {int(bad[0])} needs a total of {t[bad[0]]:.6g} but its seed entries are all zero"
            )
    # A row or column with a single open entry fixes that entry; taking such entries out first spares
    # the sweeps a slow approach to the zeros that they force elsewhere.
    fixed = np.zeros_like(x)
    r_left, c_left = r.copy(), c.copy()
    open_ = x > 0
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            counts = open_.sum(axis=axis)
            for k in np.flatnonzero(counts == 1):
                i, j = (k, int(np.flatnonzero(open_[k])[0])) if axis == 1 else (int(np.flatnonzero(open_[:, k])[0]), k)
                v = r_left[i] if axis == 1 else c_left[j]
                if v < 0 or (c_left[j] if axis == 1 else r_left[i]) < v - tol * total:
                    raise NetworkError(
                        "proportional fitting did not converge: a lane forced by the zero pattern carries more "
                        "than its row or column total; expected a seed whose zero pattern admits the totals"
                    )
                fixed[i, j] = v
                r_left[i] -= v
                c_left[j] -= v
                open_[i, j] = False
                changed = True
    if fixed.any():
        r_left, c_left = np.clip(r_left, 0.0, None), np.clip(c_left, 0.0, None)
        x = np.where(open_, x, 0.0)
    for _ in range(max_iter):
        rs = x.sum(axis=1)
        x *= np.divide(r_left, rs, out=np.zeros_like(r), where=rs > 0)[:, None]
        cs = x.sum(axis=0)
        x *= np.divide(c_left, cs, out=np.zeros_like(c), where=cs > 0)[None, :]
        err = max(
            np.abs((x + fixed).sum(axis=1) - r).max(initial=0.0), np.abs((x + fixed).sum(axis=0) - c).max(initial=0.0)
        )
        if err <= tol * total:
            return x + fixed
    raise NetworkError(
        f"proportional fitting did not converge in {max_iter} sweeps (margin error {err:.3g}); "
        "expected a seed whose zero pattern admits the totals"
    )


def gravity_seed(
    supply: np.ndarray,
    demand: np.ndarray,
    distance: np.ndarray | None = None,
    *,
    decay: float = 1.0,
    affinity: np.ndarray | None = None,
) -> np.ndarray:
    """Gravity prior for trade: ``supply_i * demand_j * affinity_ij / distance_ij ** decay``.

    Examples
    --------
    >>> gravity_seed(np.array([1.0, 2.0]), np.array([3.0]), np.array([[1.0], [2.0]])).tolist()
    [[3.0], [3.0]]
    """
    s = np.outer(np.asarray(supply, dtype=float), np.asarray(demand, dtype=float))
    if distance is not None:
        d = np.asarray(distance, dtype=float)
        if d.shape != s.shape or (d <= 0).any():
            raise NetworkError(f"distance of shape {d.shape} must be positive and of shape {s.shape}")
        s = s / d**decay
    if affinity is not None:
        a = np.asarray(affinity, dtype=float)
        if a.shape != s.shape or (a < 0).any():
            raise NetworkError(f"affinity of shape {a.shape} must be non-negative and of shape {s.shape}")
        s = s * a
    return s


def net_positions(production: pd.Series, consumption: pd.Series, *, rtol: float = 1e-9) -> pd.DataFrame:
    """Surplus and deficit per region from production and consumption of one commodity.

    Returns
    -------
    pandas.DataFrame
        Indexed by region (the union of both inputs, sorted), with columns ``production``,
        ``consumption``, ``surplus`` and ``deficit``.

    Raises
    ------
    NetworkError
        If a value is negative or world production and consumption differ by more than ``rtol``.

    Examples
    --------
    >>> net_positions(pd.Series({"A": 5.0, "B": 1.0}), pd.Series({"B": 6.0}))["deficit"].to_dict()
    {'A': 0.0, 'B': 5.0}
    """
    idx = production.index.union(consumption.index).sort_values()
    p = production.reindex(idx, fill_value=0.0).astype(float)
    c = consumption.reindex(idx, fill_value=0.0).astype(float)
    if (p < 0).any() or (c < 0).any():
        raise NetworkError("production and consumption must be non-negative")
    scale = max(p.sum(), c.sum(), 1e-12)
    if abs(p.sum() - c.sum()) > rtol * scale:
        raise NetworkError(
            f"world production {p.sum():.6g} differs from world consumption {c.sum():.6g}; expected them to balance"
        )
    net = p - c
    return pd.DataFrame(
        {"production": p, "consumption": c, "surplus": net.clip(lower=0), "deficit": (-net).clip(lower=0)}
    )


def balance_trade(
    production: pd.Series,
    consumption: pd.Series,
    *,
    distance: pd.DataFrame | None = None,
    decay: float = 1.0,
    affinity: pd.DataFrame | None = None,
    min_share: float = 0.0,
    rtol: float = 1e-9,
) -> pd.DataFrame:
    """Bilateral flows that carry every region's surplus to the regions in deficit.

    Parameters
    ----------
    production, consumption
        Quantity made and used per region (indexed by region); world totals must agree.
    distance
        Region x region distances (any positive unit); ``None`` treats all lanes alike.
    decay
        Exponent of distance in the gravity seed.
    affinity
        Region x region non-negative weights multiplying the seed (missing pairs count as 1,
        0 forbids the lane).
    min_share
        Lanes carrying less than this share of the importer's deficit in the first fit are
        dropped and the fit repeated on the remaining lanes (if that refit cannot meet the
        totals, the unpruned fit is kept).
    rtol
        Tolerance on the world balance.

    Returns
    -------
    pandas.DataFrame
        Columns ``origin``, ``destination``, ``flow`` (positive flows only), sorted by origin
        and destination. Flows out of each region sum to its surplus; flows into each region
        sum to its deficit.

    Raises
    ------
    NetworkError
        If world production and consumption differ, or an importer has no permitted exporter.
    """
    pos = net_positions(production, consumption, rtol=rtol)
    exp = pos.index[pos["surplus"] > rtol * max(pos["production"].sum(), 1e-12)]
    imp = pos.index[pos["deficit"] > rtol * max(pos["production"].sum(), 1e-12)]
    if len(exp) == 0 or len(imp) == 0:
        return pd.DataFrame(
            {
                "origin": pd.Series([], dtype="str"),
                "destination": pd.Series([], dtype="str"),
                "flow": pd.Series([], dtype=float),
            }
        )
    s = pos.loc[exp, "surplus"].to_numpy()
    d = pos.loc[imp, "deficit"].to_numpy()
    # Net positions below the tolerance were dropped: restore exact equality of the totals.
    d = d * (s.sum() / d.sum())
    dist = None
    if distance is not None:
        missing = [r for r in [*exp, *imp] if r not in distance.index or r not in distance.columns]
        if missing:
            raise NetworkError(
                f"no distance for region '{missing[0]}'; expected every trading region in the distance matrix"
            )
        dist = distance.loc[exp, imp].to_numpy(float)
    aff = None
    if affinity is not None:
        aff = affinity.reindex(index=exp, columns=imp).fillna(1.0).to_numpy(float)
    seed = gravity_seed(s, d, dist, decay=decay, affinity=aff)
    flows = ipf(seed, s, d)
    if min_share > 0:
        keep = flows >= min_share * d[None, :]
        # Every exporter keeps its largest lane, every importer its largest supplier.
        keep[np.arange(len(s)), flows.argmax(axis=1)] = True
        keep[flows.argmax(axis=0), np.arange(len(d))] = True
        with contextlib.suppress(NetworkError):
            flows = ipf(np.where(keep, seed, 0.0), s, d)
    i, j = np.nonzero(flows > 0)
    out = pd.DataFrame({"origin": exp[i].astype(str), "destination": imp[j].astype(str), "flow": flows[i, j]})
    return out.sort_values(["origin", "destination"], ignore_index=True)
