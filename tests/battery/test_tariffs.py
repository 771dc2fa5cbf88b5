"""Tariffs of the global network: each rate's source holds it, each lane's tariff is the rate times the
commodity's value (recomputed by hand), lanes under a trade agreement carry none, and the trade prior
and the optimiser both see them."""

import pandas as pd
import pytest

from valuechain.network.provenance import figure_provenance
from valuechain.network.trade import balance_trade_constrained, tariff_affinity


@pytest.fixture(scope="module")
def routes(global_net):
    return global_net.routes


def test_each_rate_is_quoted_by_its_source(quoted):
    quoted(
        {
            "P1006": "3.4 percent ad valorem",
            "P1007": "additional 7.5 percent ad valorem rate of duty",
            "P1008": "on or after September 27, 2024",
            "P1009": "AU,B,BH,C,CL,CO,D,E,IL,JO,KR,MA",
            "P1010": "3801.10.50.00 Free  The duty provided in the applicable subheading + 25%",
            "P1011": "2836.91.00 3.7%  The duty provided in the applicable subheading + 25%",
            "P1012": "2825.20.00.00 3.7% The duty provided in the applicable subheading + 25%",
            "P1013": "additional 25 percent ad valorem rate of duty",
            "P1014": "additional 25 percent ad valorem rate of duty",
            "P1015": "6.5 percent ad valorem",
            "P1016": "3.7 percent ad valorem",
            "P1017": "Drittlandszollsatz 2,7 %",
            "P1018": "report a preferred estimate of 5",
            "P1019": "removed after 5 years on 1 July 2016",
        }
    )


def test_lane_tariffs_by_hand(global_net, routes):
    value = global_net.commodities["value"]
    # US: 3.4 % general duty + 7.5 % Section 301 on Chinese Li-ion batteries, in force for most of 2024
    assert routes.loc["cell_nmc/CN>US", "tariff"] == pytest.approx((0.034 + 0.075) * 75e6)
    assert routes.loc["cell_lfp/CN>US", "tariff"] == pytest.approx((0.034 + 0.075) * 60e6)
    # the general duty alone from Japan and from an EU member state
    assert routes.loc["cell_nmc/JP>US", "tariff"] == pytest.approx(0.034 * 75e6)
    assert routes.loc["cell_nmc/PL>US", "tariff"] == pytest.approx(0.034 * 75e6)
    # lithium salts 3.7 % + 25 %; electrolyte 5 % + 25 %; separator 6.5 % + 25 %; artificial graphite 0 + 25 %
    assert routes.loc["lithium_hydroxide/CN>US", "tariff"] == pytest.approx(0.287 * value["lithium_hydroxide"])
    assert routes.loc["electrolyte/CN>US", "tariff"] == pytest.approx(0.30 * value["electrolyte"])
    assert routes.loc["separator/CN>US", "tariff"] == pytest.approx(0.315 * value["separator"])
    assert routes.loc["anode_synthetic/CN>US", "tariff"] == pytest.approx(0.25 * value["anode_synthetic"])
    # EU: 2.7 % on Li-ion accumulators from China
    assert routes.loc["cell_lfp/CN>DE", "tariff"] == pytest.approx(0.027 * 60e6)


def test_lanes_under_agreements_and_inside_the_eu_carry_none(routes):
    for lane in ("cell_nmc/KR>US", "cell_nmc/KR>DE", "cell_nmc/HU>DE", "cell_nmc/PL>DE", "lithium_carbonate/CL>US",
                 "lithium_hydroxide/AU>US"):  # fmt: skip
        assert routes.loc[lane, "tariff"] == 0.0, lane
    # natural graphite and its anode paid nothing in the US in 2024 (25 % only from 2026)
    assert routes.loc["anode_natural/CN>US", "tariff"] == 0.0


def test_tariffs_cite_the_rate_and_the_value(global_net):
    figs = figure_provenance(global_net).set_index(["table", "row", "field"])
    cell = figs.loc[("routes", "cell_nmc/CN>US", "tariff")]
    assert (cell["source"], cell["kind"]) == ("P1006;P1007;P025", "derived from direct")
    # the value of electrolyte is assumed, so its tariff is derived with an assumption among the inputs
    assert figs.loc[("routes", "electrolyte/CN>US", "tariff"), "kind"] == "derived"
    # the flows of a taxed commodity name the tariffs and the elasticity that price them
    flow = figs.loc[("routes", "separator/CN>US", "baseline_flow"), "source"].split(";")
    assert {"P1014", "P1015", "P1018", "A-trade-drivers"} <= set(flow)


def test_a_tariff_moves_trade_away_from_the_taxed_lane():
    # two suppliers and two buyers, all at the same distance: without a tariff every lane carries 5 t;
    # a 28.7 % tariff on China -> US at elasticity 5 sends China's salt to Germany and Chile's to the US
    regions = ["CN", "CL", "US", "DE"]
    prod = pd.DataFrame({"li": [10.0, 10.0, 0.0, 0.0]}, index=regions)
    use = pd.DataFrame({"li": [0.0, 0.0, 10.0, 10.0]}, index=regions)
    dist = pd.DataFrame(1000.0, index=regions, columns=regions)
    rates = pd.DataFrame(0.0, index=regions, columns=regions)
    rates.loc["CN", "US"] = 0.287
    aff = tariff_affinity(rates, elasticity=5.0)
    assert aff.loc["CN", "US"] == pytest.approx(1.287**-5)

    def lanes(affinity):
        flows = balance_trade_constrained(prod, use, distance=dist, affinity=affinity, rtol=1e-12)
        return flows.set_index(["origin", "destination"])["flow"]

    free, taxed = lanes(None), lanes({"li": aff})
    assert free[("CN", "US")] == pytest.approx(5.0)
    # the fitted matrix keeps the prior's cross-ratio: (CN>US x CL>DE) / (CN>DE x CL>US) = 1.287^-5
    r = 1.287**-5
    cn_us = 10 * r**0.5 / (1 + r**0.5)
    assert taxed[("CN", "US")] == pytest.approx(cn_us, rel=1e-6)
    assert taxed[("CL", "US")] == pytest.approx(10 - cn_us, rel=1e-6)
    assert taxed[("CN", "US")] + taxed[("CN", "DE")] == pytest.approx(10.0)
