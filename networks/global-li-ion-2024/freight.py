"""Freight cost and lead time of a trade lane of global-li-ion-2024, each with its method and inputs.

A lane's cost is the published freight rate of the commodity's mode per tonne (container or bulk
concentrate) times the tonnes shipped per unit of the commodity; within a continent, half of that
(an assumption). Its lead time is the published port-to-port transit time between its two
continents where one is in the figure set, and an assumed time otherwise. The functions return
the method and the source ids of the inputs with the number, so that the derivations table names
them per figure.
"""

from __future__ import annotations

import figures as F  # noqa: N812

DAYS_PER_YEAR = 365.0


def rate_per_tonne(mode: str) -> tuple[float, str]:
    """Published freight rate of a mode in USD per tonne shipped, and the source ids it rests on.

    Container: the 2024 average of Drewry's World Container Index over a 40 ft container's payload
    (3,966 / 26.73 = 148.4 USD/t). Bulk: the spot rate for concentrate parcels (50 USD/t).
    """
    if mode == "container":
        (rate, r_src), (payload, p_src) = F.CONTAINER_RATE, F.CONTAINER_PAYLOAD
        return rate / payload, f"{r_src};{p_src}"
    rate, src = F.CONCENTRATE_RATE
    return rate, src


def intercontinental_cost(com: str) -> tuple[float, str, str]:
    """Freight per unit of ``com`` on an intercontinental lane: (USD per unit, method, inputs)."""
    if com in F.FREIGHT_ASSUMED:
        return float(F.FREIGHT_ASSUMED[com]), "freight per unit on an intercontinental lane", "A-freight"
    if com in F.CELL_WH_PER_KG:
        wh_per_kg, e_src = F.CELL_WH_PER_KG[com]
        rate, r_src = rate_per_tonne("container")
        tonnes = 1e9 / wh_per_kg / 1e3  # t per GWh
        method = f"container freight per t (WCI 2024 / 40 ft payload) x {tonnes:,.0f} t per GWh ({wh_per_kg:g} Wh/kg)"
        return rate * tonnes, method, f"{r_src};{e_src}"
    mode, tonnes = F.SHIPPED_T_PER_UNIT[com]
    rate, r_src = rate_per_tonne(mode)
    what = "container freight per t (WCI 2024 / 40 ft payload)" if mode == "container" else "concentrate freight per t"
    method = what if tonnes == 1.0 else f"{what} x {tonnes:.4g} t shipped per unit (molar masses)"
    return rate * tonnes, method, r_src


def lane_cost(com: str, same_continent: bool) -> tuple[float, str, str]:
    """Freight per unit of ``com`` on a lane: (USD per unit, method, inputs).

    Examples
    --------
    >>> round(lane_cost("cam_nmc", False)[0], 2), lane_cost("cam_nmc", False)[2]
    (148.37, 'P950;P951')
    >>> round(lane_cost("cam_nmc", True)[0], 2), lane_cost("cam_nmc", True)[2]
    (74.19, 'P950;P951;A-freight')
    """
    cost, method, inputs = intercontinental_cost(com)
    if not same_continent:
        return cost, method, inputs
    share = F.INTRA_CONTINENT_FREIGHT
    if inputs == "A-freight":
        return cost * share, f"{method}, x {share:g} within a continent", inputs
    return cost * share, f"{method}, x {share:g} within a continent (assumed)", f"{inputs};A-freight"


def lane_lead_time(origin_continent: str, destination_continent: str) -> tuple[float, str, str]:
    """Lead time of a lane in years: (years, method, inputs).

    Examples
    --------
    >>> round(lane_lead_time("AS", "EU")[0], 4), lane_lead_time("AS", "EU")[2]
    (0.1033, 'P955')
    >>> lane_lead_time("EU", "EU")[0], lane_lead_time("EU", "EU")[2]
    (0.04, 'A-freight')
    """
    pair = frozenset({origin_continent, destination_continent})
    if pair in F.TRANSIT_DAYS:
        days, src = F.TRANSIT_DAYS[pair]
        return days / DAYS_PER_YEAR, f"published port-to-port transit time, {days:g} days / 365", src
    same = origin_continent == destination_continent
    where = "within a continent" if same else "between continents"
    return F.LEAD_TIME_ASSUMED[same], f"typical transit time {where}", "A-freight"
