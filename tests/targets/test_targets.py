"""Targets: premiums and shadow prices derived by hand, invariants, study specs, the global default study."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.analysis.caps import CapPath, load_targets_study
from valuechain.analysis.targets import _at, targets
from valuechain.errors import StudyError
from valuechain.opt import MaxOriginShare, MinDomesticShare, Study, ThirdCountryCap


def _study(*policies, years=1):
    return Study(name="hand", start=2025, years=years, discount_rate=0.0, stocks=False, policies=tuple(policies))


def test_cap_premium_and_shadow_price_by_hand(pair):
    # Uncapped: 100 GWh from Y at 1 = 100. Y capped at 60 %: 60 x 1 + 40 x 3 (Z beats X's 5) = 180.
    # Cost at share s is 100 s + 300 (1 - s): one point less of Y costs 100 x (3 - 1) / 100 = 2.
    res = targets(pair, _study(MaxOriginShare(commodities=("cell_nmc",), region="X", origin="Y", share=0.6)))
    assert res.reference_plan.objective == pytest.approx(100.0)
    assert res.plan.objective == pytest.approx(180.0)
    assert res.premium == pytest.approx(80.0)
    row = res.table.loc[("cell", "cell_nmc")]
    assert row["cost_per_pp"] == pytest.approx(2.0)
    assert row["target_share"] == pytest.approx(0.6)
    assert row["top_origin"] == "Y"
    assert row["top_share"] == pytest.approx(1.0)
    assert row["planned_share"] == pytest.approx(0.6)
    # 80 over 100 GWh = 1e8 kWh served
    assert res.premium_per_kwh == pytest.approx(80.0 / 1e8)
    assert "premium" in repr(res)


def test_cap_path_over_years_by_hand(pair):
    # No cap in 2025, 80 % in 2026, 60 % in 2027, any single third country (Y and Z):
    # 100 + (80 + 20 x 3) + (60 + 40 x 3) = 100 + 140 + 180 = 420 against 300 uncapped.
    cap = CapPath(commodities=("cell_nmc",), region="X", path=((2026, 0.8, False), (2027, 0.6, False)))
    res = targets(pair, _study(cap, years=3))
    assert res.premium == pytest.approx(120.0)
    # moving the whole path one point costs 2 in each of the two capped years
    assert res.table.loc[("cell", "cell_nmc"), "cost_per_pp"] == pytest.approx(4.0)
    assert res.table.loc[("cell", "cell_nmc"), "target_year"] == 2027
    flows = res.plan.flows["flow"].xs("y-x", level="route")
    assert flows.to_numpy() == pytest.approx([100.0, 80.0, 60.0])


def test_relative_knot_cuts_todays_share(pair):
    cap = CapPath(commodities=("cell_nmc",), region="X", path=((2025, 0.25, True),))
    res = targets(pair, _study(cap))
    # today Y holds 100 %: a 25 % cut leaves 75 %
    assert res.table.loc[("cell", "cell_nmc"), "target_share"] == pytest.approx(0.75)
    assert res.premium == pytest.approx(25.0 * 2)


def test_min_domestic_share_by_hand(pair):
    # 30 % made in X at 5 instead of 1 from Y: 30 x 4 = 120 more; one more point costs 4.
    res = targets(pair, _study(MinDomesticShare(commodities=("cell_nmc",), region="X", share=0.3)))
    assert res.premium == pytest.approx(120.0)
    row = res.table.loc[("cell", "cell_nmc")]
    assert row["cost_per_pp"] == pytest.approx(4.0)
    assert row["min_domestic"] == pytest.approx(0.3)
    assert row["planned_domestic"] == pytest.approx(0.3)


def test_made_in_region_is_production_over_own_use_not_over_supply():
    # X uses 100 GWh and passes 50 more on to W, which can only buy through X; X makes 30 % of its
    # own use at 5 instead of 1: it makes 30 and imports 120 from Y, of which 50 go on to W.
    # Made in X over X's use: 30 / 100 = 30 %; over X's supply it would read 30 / 150 = 20 %.
    # Premium 30 x (5 - 1) = 120; the basis is X's use, 100.
    res = targets(_transit(), _study(MinDomesticShare(commodities=("cell_nmc",), region="X", share=0.3)))
    assert res.premium == pytest.approx(120.0)
    row = res.table.loc[("cell", "cell_nmc")]
    assert row["planned_domestic"] == pytest.approx(0.3)
    assert row["domestic_basis"] == pytest.approx(100.0)
    assert res.plan.flows["flow"].xs("x-w", level="route").to_numpy() == pytest.approx([50.0])


def test_made_in_region_is_undefined_where_the_region_uses_none():
    # X uses no cells, only passes 50 on to W: 30 % of nothing holds without a plant, at no premium,
    # and the share is shown as undefined, not as 0 % made in X beside a met target
    res = targets(_transit(x_demand=0.0), _study(MinDomesticShare(commodities=("cell_nmc",), region="X", share=0.3)))
    assert res.premium == pytest.approx(0.0)
    row = res.table.loc[("cell", "cell_nmc")]
    assert math.isnan(row["planned_domestic"])
    assert row["domestic_basis"] == 0.0
    assert row["violation"] == 0.0


def test_a_cap_over_consumption_counts_what_passes_through_against_the_regions_own_use():
    # X uses 100 and passes 50 on to W; Y sells at 1, Z at 3, the route on to W costs 1.
    # Uncapped: 150 from Y + 50 on = 200. Y capped at 60 %:
    #   over X's supply (150): Y 90, Z 60 -> 90 + 180 + 50 = 320;
    #   over X's use (100, the CRMA's measure): Y 60, Z 90 -> 60 + 270 + 50 = 380.
    net = _transit(z=True)
    for measure, cost in (("supply", 320.0), ("consumption", 380.0)):
        cap = MaxOriginShare(commodities=("cell_nmc",), region="X", origin="Y", share=0.6, measure=measure)
        res = targets(net, _study(cap))
        assert res.reference_plan.objective == pytest.approx(200.0)
        assert res.plan.objective == pytest.approx(cost), measure
        assert res.table.loc[("cell", "cell_nmc"), "planned_share"] == pytest.approx(0.6), measure
    # a cap on every third country binds on Z too: Y 60 and Z 60 of X's use, and X makes the
    # other 30 at 5 -> 60 + 180 + 150 + 50 = 440; over supply Y 90 and Z 60 meet it -> 320
    for measure, cost in (("supply", 320.0), ("consumption", 440.0)):
        tcc = ThirdCountryCap(commodities=("cell_nmc",), region="X", share=0.6, measure=measure)
        path = CapPath(commodities=("cell_nmc",), region="X", path=((2025, 0.6, False),), measure=measure)
        for cap in (tcc, path):
            assert targets(net, _study(cap)).plan.objective == pytest.approx(cost), (cap.kind, measure)


def test_a_cap_measure_must_be_consumption_or_supply():
    with pytest.raises(StudyError, match="measure must be one of consumption, supply"):
        MaxOriginShare(commodities=("cell_nmc",), region="X", origin="Y", share=0.6, measure="imports")


def _transit(x_demand: float = 100.0, z: bool = False) -> vc.Network:
    """The two-supplier pair, plus a region W that buys 50 GWh of cells only through X (route cost 1).

    With ``z``, a third supplier Z sells to X at 3.
    """
    b = vc.NetworkBuilder("transit", year=2024, period="year")
    b.add_commodity("cell_nmc", unit="GWh", stage="cell", value=10.0)
    for r in ("X", "Y", "W", "Z"):
        b.add_region(r, groups="EU" if r == "X" else None)
    if z:
        b.add_process("z-plant", region="Z", outputs={"cell_nmc": 1.0})
        b.add_route("z-x", "cell_nmc", "Z", "X", cost=3.0)
    b.add_process("y-plant", region="Y", outputs={"cell_nmc": 1.0}, baseline_activity=x_demand + 50.0)
    b.add_process("x-plant", region="X", outputs={"cell_nmc": 1.0}, variable_cost=5.0)
    b.add_route("y-x", "cell_nmc", "Y", "X", cost=1.0, baseline_flow=x_demand + 50.0)
    b.add_route("x-w", "cell_nmc", "X", "W", cost=1.0, baseline_flow=50.0)
    if x_demand:
        b.add_demand("X", "cell_nmc", quantity=x_demand, value_of_lost_demand=1000.0)
    b.add_demand("W", "cell_nmc", quantity=50.0, value_of_lost_demand=1000.0)
    return b.build()


def test_toy_battery_invariants():
    res = targets("toy-battery", "toy-battery")
    assert res.premium >= -1e-6 * abs(res.reference_plan.objective)
    t = res.table
    assert set(t.index.get_level_values("commodity")) == set(vc.load_network("toy-battery").commodities.index)
    # the hard cap on China's share of German cells holds in every scenario and year
    pol = res.plan.policies["cn-share-of-de-cells"]
    assert (pol["dual"] <= 1e-9).all()
    assert t.loc[("cell", "cell_nmc"), "planned_share"] <= 0.5 + 1e-6
    assert {"capped", "reference"} == set(res.unmet.index.get_level_values("plan"))
    assert (res.unmet["unmet"] >= -1e-9).all()
    assert set(res.capacity.columns) >= {"year", "region", "commodity", "capacity", "plan"}
    assert (t["cost_per_pp"] >= -1e-6).all()


def test_targets_needs_a_cap(pair):
    with pytest.raises(StudyError, match="no dependency cap"):
        targets(pair, _study())


def test_study_specs_load():
    study = load_targets_study("eu-crma-2030")
    kinds = [p.kind for p in study.policies]
    assert kinds.count("cap_path") == 2
    assert "export_ban" in kinds
    assert kinds.count("min_domestic_share") == 12
    cap = study.policies[0]
    assert isinstance(cap, CapPath)
    # the 2029 knot cuts today's share by 30 % (only where it is above 65 %), 2030 is the CRMA 65 %
    shares = cap.shares([2028, 2029, 2030], {c: 0.9 if c == "lithium_hydroxide" else 0.5 for c in cap.commodities})
    j = cap.commodities.index("lithium_hydroxide")
    assert shares[:, j] == pytest.approx([1.0, 0.63, 0.63])
    k = cap.commodities.index("cam_nmc")
    assert shares[:, k] == pytest.approx([1.0, 1.0, 0.65])
    for name in ("eu-export-controls-stress", "us-china-cap-2030"):
        assert load_targets_study(name).network == "global-li-ion-2024"


def test_bad_cap_path_spec_names_the_key(tmp_path: Path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "network: toy-battery\npolicies:\n  - {type: cap_path, commodities: [cell_nmc], region: DE, path: {2027: 1.5}}\n"
    )
    with pytest.raises(StudyError, match=r"bad.yaml: policies\[1\].path.2027: expected a number in \[0, 1\], got 1.5$"):
        load_targets_study(spec)
    spec.write_text("network: toy-battery\npolicies:\n  - {type: cap_path, commodities: [x], region: DE, pth: {}}\n")
    with pytest.raises(
        StudyError, match=r"bad.yaml: policies\[1\]\.pth: unknown key for a cap_path policy.*closest: path"
    ):
        load_targets_study(spec)


@pytest.fixture(scope="module")
def default_targets():
    return targets()


def test_default_study_on_the_global_network(default_targets):
    res = default_targets
    assert res.region == "EU27"
    assert res.seconds < 60
    t = res.table
    assert len(t) == 25  # one row per commodity of the network; sodium-ion cells have neither cap nor benchmark
    assert math.isnan(t.loc[("cell", "cell_sib"), "target_share"])
    assert res.premium >= -1e-6 * abs(res.reference_plan.objective)
    assert math.isfinite(res.premium_per_kwh)
    scen = set(res.unmet.index.get_level_values("scenario"))
    assert scen == {"baseline", "cn-graphite-2023", "cn-oct2025-reimposed"}
    # elastic caps: where a 2030 cap is met without violation the planned share is under it
    capped = t[t["target_share"].notna() & (t["violation"] <= 1e-6) & t["planned_share"].notna()]
    assert len(capped) >= 8
    assert (capped["planned_share"] <= capped["target_share"] + 1e-6).all()
    assert np.isfinite(t["cost_per_pp"]).all()
    assert (t["cost_per_pp"] >= -1e-3).all()
    assert (res.capacity[res.capacity["plan"] == "capped"]["capacity"] > 0).any()
    # a minimum made in the EU that is met shows a planned share at or above it, measured as the
    # policy measures it (production over the EU's own use), or no use at all; refined cobalt once
    # showed 0 % made in the EU under a 40 % target read as met, from a measure over supply that
    # counted cobalt passing through Finland to Norway
    # One of the three recycling minimums is met (cobalt): with world demand served to 2030, the EU's
    # use of nickel sulphate grows with its cell output while its black mass stays at 2024 collection,
    # so under the reimposed export controls recycled nickel falls 44.6 t Ni short of 25 % in 2026,
    # before the new EU refiners run. Lithium falls short too since the EU buys lithium carbonate for
    # non-battery uses (A-eu-carbonate-uses): in 2024 it uses 3,803 t LCE of hydroxide (Umicore Nysa)
    # + 5,000 t LCE of carbonate = 8,803 t LCE, a quarter of which is 2,201 t, while its refiners
    # recover 0.08 t LCE per t of the 9,000 t of black mass they treat = 720 t LCE.
    for lo, got, n in (("min_domestic", "planned_domestic", 3), ("min_recycled", "planned_recycled", 1)):
        met = t[t[lo].notna() & (t["violation"] <= 1e-6)]
        assert len(met) >= n, lo
        ok = met[got].isna() | (met[got] >= met[lo] - 1e-6)
        assert ok.all(), met.loc[~ok, [lo, got]]
    assert t.loc[("refining", "cobalt_refined"), "planned_domestic"] >= 0.4 - 1e-6


def test_third_country_cap_matches_cap_path_at_one_share(pair):
    a = targets(pair, _study(ThirdCountryCap(commodities=("cell_nmc",), region="X", share=0.7)))
    b = targets(pair, _study(CapPath(commodities=("cell_nmc",), region="X", path=((2025, 0.7, False),))))
    assert a.plan.objective == pytest.approx(b.plan.objective, rel=1e-9)
    assert a.table["cost_per_pp"].to_numpy() == pytest.approx(b.table["cost_per_pp"].to_numpy())


def test_one_country_caps_hold_over_the_eus_own_use(default_targets):
    # imports from one third country over the EU's use of the commodity that year (inputs to its
    # plants after substitution, plus final demand served, less stock drawn), per scenario in the
    # last year, wherever the EU uses any and the cap is met. Measured over supply, the plan met
    # the caps by importing to send goods on and by making for export, while one country's share
    # of the EU's own use stayed above the cap (nickel sulphate by 15 points, refined cobalt 18,
    # synthetic anode 16); counted from recipes and whole consumption, it met them by drawing stock
    # bought earlier and by counting inputs its plants had replaced by an alternative (measured by
    # this test before that fix: LFP cells 35 points over, natural anode 13, synthetic anode 2.5,
    # NMC cells 1.5)
    res = default_targets
    net = vc.load_network("global-li-ion-2024")
    alts = net.alternatives
    members = set(net.members("EU27"))
    plan, rec = res.plan, net.recipes
    region = pd.concat([net.processes["region"], net.expansions["region"]])
    routes = net.routes
    last = plan.activity.index.get_level_values(1).max()
    worst = {}
    table = res.table.droplevel("stage")
    met = table[table["target_share"].notna() & (table["violation"] <= 1e-6)]
    assert len(met) >= 8
    for com, cap in met["target_share"].items():
        inputs = rec[(rec["kind"] == "input") & (rec["commodity"] == com)]
        for s in plan.activity.index.get_level_values(0).unique():
            act = pd.concat(
                [_at(plan.activity, s, last, "activity"), _at(plan.expansion_activity, s, last, "activity")]
            )
            use = sum(
                c * float(act.get(p, 0.0))
                for p, c in zip(inputs["process"], inputs["coefficient"], strict=True)
                if region.get(p) in members
            )
            subs = _at(plan.substitutions, s, last, "activity") if len(plan.substitutions) else pd.Series(dtype=float)
            for p, c, alt, k in zip(
                alts["process"], alts["commodity"], alts["alternative"], alts["coefficient"], strict=True
            ):
                run = float(subs.get(f"{p}:{c}", 0.0))
                if run and region.get(p) in members:
                    own = float(inputs.loc[inputs["process"] == p, "coefficient"].sum()) if c == com else 0.0
                    use += (float(k) if alt == com else 0.0) * run - own * run
            u = plan.unmet.xs((s, last), level=(0, 1))
            hubs = [h for h in u.index if h.split(":")[0] in members and h.split(":")[1] == com]
            use += float((u.loc[hubs, "demand"] - u.loc[hubs, "unmet"]).sum())
            st = plan.stocks.xs(s, level=0)["stock"]
            held = [h for h in st.index.unique(1) if h.split(":")[0] in members and h.split(":")[1] == com]
            before, after = st.xs(last - 1, level=0)[held], st.xs(last, level=0)[held]
            use -= float((before - after).clip(lower=0.0).sum())
            flows = _at(plan.flows, s, last, "flow").reindex(routes.index).fillna(0.0)
            into = routes[
                (routes["commodity"] == com) & routes["destination"].isin(members) & ~routes["origin"].isin(members)
            ]
            by_origin = flows[into.index].groupby(into["origin"]).sum()
            if use > 1e-6 and len(by_origin):
                worst[com] = max(worst.get(com, 0.0), float(by_origin.max()) / use - float(cap))
    over = {c: round(v, 3) for c, v in worst.items() if v > 1e-6}
    assert over == {}, over
    assert len(worst) >= 5
    # and the targets table reads the same measure: no met cap shows a planned share above it
    assert (met["planned_share"].dropna() <= met["target_share"][met["planned_share"].notna()] + 1e-6).all()


def _two_goods() -> vc.Network:
    """Region X uses 100 t each of goods a and b, bought from Y; its own plant makes at most 30 t of a."""
    b = vc.NetworkBuilder("two-goods", year=2024)
    for c in ("good_a", "good_b"):
        b.add_commodity(c, unit="t", stage="refining", value=10.0)
    b.add_region("X", groups="EU27")
    b.add_region("Y")
    for c in ("good_a", "good_b"):
        b.add_process(f"y-{c}", region="Y", outputs={c: 1.0}, baseline_activity=100.0)
        b.add_route(f"y-x-{c}", c, "Y", "X", cost=1.0, baseline_flow=100.0)
        b.add_demand("X", c, quantity=100.0, value_of_lost_demand=1e7)
    b.add_process(
        "x-good_a", region="X", outputs={"good_a": 1.0}, capacity=30.0, baseline_activity=0.0, variable_cost=2.0
    )
    return b.build()


def test_a_shortfall_of_a_target_over_two_goods_is_marked_shared_not_counted_twice(tmp_path) -> None:
    # Half of X's use of a and b (200 t) made at home: its plant makes at most 30 t, so the
    # elastic target lacks 100 - 30 = 70 t on the sum. Each good's row shows those 70 t, and
    # says they are shared; b's own cap (at most 50 % from Y, elastic) is short on b alone.
    from valuechain.report import fmt
    from valuechain.report.sections import _not_met

    net = _two_goods()
    both = MinDomesticShare(
        label="both", commodities=("good_a", "good_b"), region="X", share=0.5, elastic=True, penalty=1e4
    )
    only_b = MaxOriginShare(
        label="only-b", commodities=("good_b",), region="X", origin="Y", share=0.5, elastic=True, penalty=1e4
    )
    res = targets(net, _study(both, only_b))
    t = res.table.droplevel("stage")
    assert t.at["good_a", "violation"] == pytest.approx(70.0)
    assert t.at["good_a", "violation_shared"] == pytest.approx(70.0)
    assert t.at["good_b", "violation_shared"] == pytest.approx(70.0)
    own_b = t.at["good_b", "violation"] - t.at["good_b", "violation_shared"]
    assert own_b == pytest.approx(50.0)  # (b can come from nowhere but Y: 100 - 50 t over the cap)
    cell_a = _not_met(net, t.loc["good_a"], "t", ["good_b"])
    cell_b = _not_met(net, t.loc["good_b"], "t", ["good_a"])
    assert (
        cell_a == f"{fmt.quantity(70.0, 't')} together with {fmt.commodity(net, 'good_b', with_unit=False, short=True)}"
    )
    assert cell_b.startswith(f"{fmt.quantity(50.0, 't')}, and {fmt.quantity(70.0, 't')} together with ")
