"""Freight cost and lead time of a trade lane of global-li-ion-2024, each with its method and inputs.

A lane's cost is the published freight rate of the commodity's mode per tonne (container or bulk
concentrate) times the tonnes shipped per unit of the commodity; containers within Asia pay the
published intra-Asia rate, lanes within Europe the published road rate per km of a full truckload
over the road distance, other lanes within a continent half of the intercontinental cost (an
assumption). Its lead time is the published port-to-port transit time between its two
continents where one is in the figure set, and an assumed time otherwise. The functions return
the method and the source ids of the inputs with the number, so that the derivations table names
them per figure. A commodity with a published rate per unit on a lane within Asia (nickel ore) pays it
on every lane within Asia, and twice it between continents (the inverse of the assumed half).
"""

from __future__ import annotations

import figures as F  # noqa: N812

from valuechain.network.balancing import great_circle_km

DAYS_PER_YEAR = 365.0
_COORDS = {rid: (lat, lon) for rid, _, _, lat, lon in F.REGIONS}


def region_km(origin: str, destination: str) -> float:
    """Great-circle distance in km between two regions of the network (their coordinates in REGIONS)."""
    return great_circle_km(*_COORDS[origin], *_COORDS[destination])


def road_rate() -> tuple[float, float]:
    """Published road freight in USD per t-km of great-circle distance, and the corridors' road/great-circle ratio.

    The mean contract rate per km of the five corridors (P1002), at the RBA's cross rate (P991), for 24 t
    (P965), times the mean ratio of each corridor's road km (its rate / its rate per km) to the
    great-circle km between its cities.

    Examples
    --------
    >>> usd_per_tkm, circuity = road_rate()
    >>> round(circuity, 3), round(usd_per_tkm * 1000, 2)
    (1.17, 69.79)
    """
    per_km = [eur_km for _, eur_km, _, _ in F.ROAD_CORRIDORS.values()]
    ratios = [trip / eur_km / great_circle_km(*a, *b) for trip, eur_km, a, b in F.ROAD_CORRIDORS.values()]
    circuity = sum(ratios) / len(ratios)
    usd_per_truck_km = sum(per_km) / len(per_km) * F.EUR_USD
    return usd_per_truck_km / F.ROAD_PAYLOAD[0] * circuity, circuity


def rate_per_tonne(mode: str) -> tuple[float, str]:
    """Published freight rate of a mode in USD per tonne shipped, and the source ids it rests on.

    ``container``: the 2024 average of Drewry's World Container Index over a 40 ft container's
    payload (3,966 / 26.73 = 148.4 USD/t); ``container-asia``: Drewry's Intra-Asia Container Index
    over the same payload (573 / 26.73 = 21.4 USD/t); ``bulk``: the spot rate for concentrate
    parcels (50 USD/t).
    """
    payload, p_src = F.CONTAINER_PAYLOAD
    if mode == "container":
        rate, r_src = F.CONTAINER_RATE
        return rate / payload, f"{r_src};{p_src}"
    if mode == "container-asia":
        rate, r_src = F.INTRA_ASIA_CONTAINER_RATE
        return rate / payload, f"{r_src};{p_src}"
    rate, src = F.CONCENTRATE_RATE
    return rate, src


_RATE_NAMES = {
    "container": "container freight per t (WCI 2024 / 40 ft payload)",
    "container-asia": "intra-Asia container freight per t (IACI 2024 / 40 ft payload)",
    "bulk": "concentrate freight per t",
}


def _mode_and_tonnes(com: str) -> tuple[str, float, str, str]:
    """Mode, tonnes shipped per unit, how the tonnes were found and their source ids."""
    if com in F.SHIPPED_T_SOURCED:
        mode, tonnes, how, src = F.SHIPPED_T_SOURCED[com]
        return mode, tonnes, how, src
    if com in F.CELL_WH_PER_KG:
        wh_per_kg, e_src = F.CELL_WH_PER_KG[com]
        return "container", 1e9 / wh_per_kg / 1e3, f"t per GWh ({wh_per_kg:g} Wh/kg)", e_src
    if com not in F.SHIPPED_T_PER_UNIT:
        raise KeyError(
            f"no freight basis for commodity {com!r}: add it to SHIPPED_T_PER_UNIT, SHIPPED_T_SOURCED, "
            "CELL_WH_PER_KG or FREIGHT_PER_UNIT in inputs/figures.py"
        )
    mode, tonnes = F.SHIPPED_T_PER_UNIT[com]
    return mode, tonnes, "t shipped per unit (molar masses)", ""


def lane_cost(
    com: str, origin_continent: str, destination_continent: str, km: float | None = None
) -> tuple[float, str, str]:
    """Freight per unit of ``com`` on a lane between two continents: (USD per unit, method, inputs).

    ``km`` is the great-circle distance of the lane (``region_km``); lanes within Europe that give it go
    by road.

    Examples
    --------
    >>> round(lane_cost("cam_nmc", "AS", "EU")[0], 2), lane_cost("cam_nmc", "AS", "EU")[2]
    (148.37, 'P950;P951')
    >>> round(lane_cost("cam_nmc", "AS", "AS")[0], 2), lane_cost("cam_nmc", "AS", "AS")[2]
    (21.44, 'P958;P951')
    >>> round(lane_cost("cam_nmc", "EU", "EU")[0], 2), lane_cost("cam_nmc", "EU", "EU")[2]
    (74.19, 'P950;P951;A-freight')
    >>> round(lane_cost("nickel_ore", "AS", "AS")[0], 1), lane_cost("nickel_ore", "AS", "AS")[2]
    (1282.1, 'P1097;P1095;P1096')
    >>> round(lane_cost("nickel_intermediate", "AS", "AS")[0], 2), lane_cost("nickel_intermediate", "AS", "AS")[2]
    (62.75, 'P958;P951;P1093;P1094;P1087;P1088')
    """
    same = origin_continent == destination_continent
    share = F.INTRA_CONTINENT_FREIGHT
    if com in F.FREIGHT_WITHIN_ASIA:
        cost, src, what = F.FREIGHT_WITHIN_ASIA[com]
        if same and origin_continent == "AS":
            return cost, what, src
        if same:
            return cost, f"{what}, the same within another continent (assumed)", f"{src};A-freight"
        return cost / share, f"{what}, / {share:g} between continents (assumed)", f"{src};A-freight"
    if com in F.FREIGHT_PER_UNIT:
        cost, src, what = F.FREIGHT_PER_UNIT[com]
        if same:
            inputs = ";".join(dict.fromkeys((src, "A-freight")))
            return cost * share, f"{what}, x {share:g} within a continent (assumed)", inputs
        return cost, what, src
    mode, tonnes, how, t_src = _mode_and_tonnes(com)
    if same and origin_continent == "EU" and km is not None:
        usd_tkm, circuity = road_rate()
        inputs = ";".join(i for i in (F.ROAD_RATE_SOURCE, F.EUR_USD_SOURCE, F.ROAD_PAYLOAD[1], t_src) if i)
        method = (f"road freight, {usd_tkm * 1000:.2f} USD per t per 1,000 km of great-circle distance (contract "
                  f"rates per km for 24 t, road km {circuity:.3f} x great-circle) x {km:,.0f} km")  # fmt: skip
        if tonnes != 1.0:
            method += f" x {tonnes:,.4g} {how}"
        return usd_tkm * km * tonnes, method, inputs
    if same and mode == "container" and origin_continent == "AS":
        mode = "container-asia"
    rate, r_src = rate_per_tonne(mode)
    inputs = ";".join(i for i in (r_src, t_src) if i)
    method = _RATE_NAMES[mode] if tonnes == 1.0 else f"{_RATE_NAMES[mode]} x {tonnes:,.4g} {how}"
    if same and mode != "container-asia":
        return rate * tonnes * share, f"{method}, x {share:g} within a continent (assumed)", f"{inputs};A-freight"
    return rate * tonnes, method, inputs


def lane_lead_time(origin_continent: str, destination_continent: str) -> tuple[float, str, str]:
    """Lead time of a lane in years: (years, method, inputs).

    Examples
    --------
    >>> round(lane_lead_time("AS", "EU")[0], 4), lane_lead_time("AS", "EU")[2]
    (0.1033, 'P955')
    >>> round(lane_lead_time("EU", "EU")[0], 4), lane_lead_time("EU", "EU")[2]
    (0.0055, 'P965')
    >>> lane_lead_time("NA", "NA")[0], lane_lead_time("NA", "NA")[2]
    (0.04, 'A-freight')
    """
    pair = frozenset({origin_continent, destination_continent})
    if pair in F.TRANSIT_DAYS:
        days, src, mode = F.TRANSIT_DAYS[pair]
        return days / DAYS_PER_YEAR, f"published {mode} transit time, {days:g} days / 365", src
    same = origin_continent == destination_continent
    where = "within a continent" if same else "between continents"
    return F.LEAD_TIME_ASSUMED[same], f"typical transit time {where}", "A-freight"
