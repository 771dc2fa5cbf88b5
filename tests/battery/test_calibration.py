"""The global network against published figures: the targets it is built to, and figures it is not.

``calibration_targets.csv`` holds the figures the network was built to reproduce (stage shares,
totals, observed trade shares it is fitted to, ownership shares), each with its source id and
tolerance (stage shares +-3 pp, totals +-10 %, trade shares +-5 pp or the row's band). Those tests
guard the construction. The out-of-sample tests below compare the network with published figures
it was NOT built from; where they disagree, the test is an expected failure (strict) with its reason,
and the network's README lists it as a known gap.
"""

import warnings

import pytest

import valuechain as vc
from valuechain.cli import run
from valuechain.errors import NetworkWarning
from valuechain.network.calibration import calibration_report, compute_target, read_targets

from .test_global_network import FOLDER

TARGETS = read_targets(FOLDER / "calibration_targets.csv")


@pytest.fixture(scope="module")
def net():
    with warnings.catch_warnings():
        warnings.simplefilter("error", NetworkWarning)
        return vc.load_network("global-li-ion-2024")


@pytest.fixture(scope="module")
def report(net):
    return calibration_report(net).set_index("id")


@pytest.mark.parametrize("tid", list(TARGETS["id"]))
def test_target(report, tid):
    r = report.loc[tid]
    assert r["lo"] - 1e-6 <= r["network"] <= r["hi"] + 1e-6, (tid, r["network"], r["lo"], r["hi"], r["source"])


def test_targets_cover_every_kind_and_cite_a_source(net):
    assert set(TARGETS["kind"]) == {
        "share", "total", "import_share", "export_share", "ownership_share", "ownership_total"
    }  # fmt: skip
    assert set(TARGETS["source"]) <= set(net.sources.index)
    # Stage shares and totals cite the figure as the source states it.
    for _, t in TARGETS[TARGETS["kind"].isin(["share", "total"]) & TARGETS["source"].str.startswith("P")].iterrows():
        assert f"= {t['source_value']}" in str(net.sources.at[t["source"], "note"]), t["id"]


def test_calibration_command_passes(capsys):
    assert run(["networks", "calibration", "global-li-ion-2024"]) == 0
    out = capsys.readouterr().out
    assert f"{len(TARGETS)} of {len(TARGETS)} targets pass" in out
    assert "eu-cells-cn" in out
    assert "T001" in out


def test_eu_headlines_from_observation(report):
    # The three headlines the gravity balancing got wrong, now as observed: China 78 % of extra-EU
    # cell imports with Korea and Japan above 0 (T001), no black mass to China (T136) and Korea the
    # largest destination, lithium hydroxide mainly from China (70-90 %, T054) and lithium carbonate
    # with Argentina at most 10 % (T060).
    assert report.at["eu-cells-cn", "network"] == pytest.approx(0.78, abs=1e-6)
    assert report.at["eu-cells-kr", "network"] > 0
    assert report.at["eu-cells-jp", "network"] > 0
    assert report.at["eu-bm-cn", "network"] == 0.0
    assert report.at["eu-bm-kr", "network"] >= 0.6
    assert 0.70 - 1e-6 <= report.at["eu-lioh-cn", "network"] <= 0.90 + 1e-6
    assert report.at["eu-li-ar", "network"] <= 0.10 + 1e-6


# --------------------------------------------------------------------------- out of sample
def value(net, kind, commodities, region="", partner="", basis="extra", measure="production"):
    row = dict(id="oos", kind=kind, commodities=commodities, measure=measure, region=region, partner=partner,
               basis=basis, made_from="")  # fmt: skip
    return compute_target(net, row)


def total_flow(net, commodity, destination):
    r = net.routes
    return float(r.loc[(r["commodity"] == commodity) & (r["destination"] == destination), "baseline_flow"].sum())


def test_out_of_sample_p003_china_makes_over_three_quarters_of_cells(net):
    # P003 (IEA): China produces over three quarters of batteries; not a build input.
    assert value(net, "share", "cell_nmc;cell_lfp", "CN") > 0.75


def test_out_of_sample_t072_australia_spodumene_to_china(net):
    # T072 (ABS, H1 2024): 95 % of Australia's spodumene exports go to China; +-5 pp.
    assert value(net, "export_share", "lithium_ore", "AU", "CN") == pytest.approx(0.95, abs=0.05)


def test_out_of_sample_t109_t131_korea_buys_anode_and_precursor_from_china(net):
    # T109: 98.8 % of Korea's artificial graphite imports and T131: 96.4 % of its nickel hydroxide
    # (precursor) imports come from China (Korean government data, low confidence); +-5 pp.
    assert value(net, "import_share", "anode_synthetic", "KR", "CN") == pytest.approx(0.988, abs=0.05)
    assert value(net, "import_share", "pcam", "KR", "CN") == pytest.approx(0.964, abs=0.05)


def test_out_of_sample_t113_china_cobalt_intermediate_imports(net):
    # T113: 575,268 t (gross) of cobalt intermediates in Jan-Nov 2024 at 30-35 % Co, times 12/11 for
    # the year: 575,268 * 0.30 * 12 / 11 = 188 kt to 575,268 * 0.35 * 12 / 11 = 220 kt Co.
    assert 188_000 <= total_flow(net, "cobalt_ore", "CN") <= 220_000


def test_out_of_sample_t061_t076_carbonate_comes_from_chile_and_argentina(net):
    # T061 (2024, low): Chile and Argentina supply over 98 % of China's carbonate imports; T076
    # (2024): 98 % of the US's; +-5 pp.
    for reg, share in (("CN", 0.98), ("US", 0.98)):
        v = value(net, "import_share", "lithium_carbonate", reg, "CL") + value(
            net, "import_share", "lithium_carbonate", reg, "AR"
        )
        assert v == pytest.approx(share, abs=0.05), reg


def test_out_of_sample_t058_chile_lithium_exports_to_the_eu(net):
    # T058 (2023): 2.4 % of Chile's lithium exports (carbonate and hydroxide) go to the EU (Belgium). A
    # share this small is checked within half to twice its value: 1.2-4.8 %.
    both = "lithium_carbonate;lithium_hydroxide"
    assert 0.012 <= value(net, "export_share", both, "CL", "EU27") <= 0.048


def _cn_cell_export_share_by_value(net, partner):
    """Share of China's cell exports that go to ``partner``, valued at the network's cell values."""
    r = net.routes[net.routes["commodity"].isin(["cell_nmc", "cell_lfp"]) & (net.routes["origin"] == "CN")]
    worth = r["baseline_flow"] * r["commodity"].map(net.commodities["value"])
    return float(worth[r["destination"] == partner].sum() / worth.sum())


@pytest.mark.parametrize(
    ("partner", "share"),
    [
        pytest.param(
            "US",
            0.25,
            marks=pytest.mark.xfail(
                strict=True,
                reason="the US takes 31.1 % of China's cell exports by value (32.1 % in GWh): the network has no "
                "consumer-electronics cells (China made 84 GWh, P322), most of which China ships to Asian device "
                "makers, so its exports miss part of their rest of the world",
            ),
            id="us",
        ),
        pytest.param(
            "DE",
            0.168,
            marks=pytest.mark.xfail(
                strict=True,
                reason="Germany takes 7.1 % of China's cell exports by value: in the network a region imports only "
                "what its own plants and packs use, with no trading on within the EU, so imports that land in "
                "Germany and move on to other member states are not there",
            ),
            id="germany",
        ),
    ],
)
def test_out_of_sample_p1068_china_cell_exports_by_destination(net, partner, share):
    # P1068 (China Customs via CIAPS): of China's USD 61.1 bn of Li-ion battery exports in 2024, by value, the
    # US took 25 % and Germany 16.8 %; +-5 pp. The network's flows are in GWh, valued here at its cell values
    # (NMC 75, LFP 60 USD/kWh), so the US's cheaper storage cells weigh less, as in the customs value.
    assert _cn_cell_export_share_by_value(net, partner) == pytest.approx(share, abs=0.05)


def _lithium_use(net):
    """Lithium used in 2024, t LCE: the salts primary refineries make and ore used as it is; and its non-battery part,
    the demand rows of other uses."""
    p, rec = net.processes, net.recipes
    fed = set(rec[(rec["kind"] == "input") & (rec["commodity"] == "lithium_ore")]["process"])
    out = rec[(rec["kind"] == "output") & rec["commodity"].isin(["lithium_carbonate", "lithium_hydroxide"])]
    out = out[out["process"].isin(fed) & out["process"].isin(p.index)]
    refined = sum(p.at[q, "baseline_activity"] * c for q, c in zip(out["process"], out["coefficient"], strict=True))
    d = net.demand
    li = d[d["commodity"].isin(["lithium_ore", "lithium_carbonate", "lithium_hydroxide"])]
    ore = float(li[li["commodity"] == "lithium_ore"]["quantity"].sum())
    other = float(li[li["source"].isin(["A-other-uses", "A-eu-ore-uses", "A-eu-carbonate-uses"])]["quantity"].sum())
    return refined + ore, other


def test_out_of_sample_p1070_world_lithium_consumption(net):
    # P1070 (USGS, MCS 2026): the world consumed 220,000 t of lithium in 2024; +-10 %. The network uses what
    # its refineries make from mined ore and the ore used as it is: 1,162.8 kt LCE / 5.323 = 218.5 kt Li.
    used, _ = _lithium_use(net)
    assert used / 5.323 == pytest.approx(220_000, rel=0.10)


@pytest.mark.xfail(
    strict=True,
    reason="batteries take 74.0 % of the lithium the network uses: its non-battery uses are the residual of mine "
    "output (A-other-uses), 26 %, which holds the lithium of batteries the network does not model (consumer "
    "electronics and other small cells, some 124 GWh, P335 less P333 and P334: about 6 points at 0.1 kg Li per kWh) "
    "and a rest that no figure at hand places",
)
def test_out_of_sample_p1069_batteries_share_of_lithium_use(net):
    # P1069 (USGS, MCS 2026): batteries are 88 % of global lithium end uses (2025 estimate); +-5 pp.
    used, other = _lithium_use(net)
    assert 1 - other / used == pytest.approx(0.88, abs=0.05)


def test_out_of_sample_p304_china_makes_most_lithium_hydroxide(net):
    # P304 (IEA data via a trade journal, 2023): China makes about 80 % of the world's lithium
    # hydroxide. The network splits China's refining by MIIT's 2024 output (P301, P302), not by
    # this share; +-5 pp.
    assert value(net, "share", "lithium_hydroxide", "CN") == pytest.approx(0.80, abs=0.05)


@pytest.mark.xfail(
    strict=True,
    reason="P039 (IEA, 22 %) conflicts with the USGS mine output the network uses (P052: 41 kt Li of 240 kt, 17 %)",
)
def test_out_of_sample_p039_china_lithium_mining(net):
    assert value(net, "share", "lithium_ore", "CN") == pytest.approx(0.22, abs=0.03)


@pytest.mark.xfail(
    strict=True,
    reason="P076/P084 (IEA, 90 %) count graphite on another basis than the USGS's natural graphite mine output, "
    "which the network uses (P1081, P1086: 1.27 of 1.55 Mt in 2024, 81.9 %)",
)
def test_out_of_sample_p084_china_graphite_mining(net):
    assert value(net, "share", "natural_graphite", "CN") == pytest.approx(0.90, abs=0.03)


@pytest.mark.xfail(
    strict=True,
    reason="T068 is 2023 and by gross weight; in the network almost all non-Australian ore goes to China (Zimbabwe 16 %, Brazil 8 %, Canada 4 %, RoW 5 % of its imports): Australia 67 %",
)
def test_out_of_sample_t068_china_spodumene_from_australia(net):
    assert value(net, "import_share", "lithium_ore", "CN", "AU") == pytest.approx(0.83, abs=0.05)


def test_out_of_sample_t121_china_mhp_from_indonesia(net):
    # T121 (Mysteel, China Customs): 87 % of China's MHP imports came from Indonesia in March 2025; +-5 pp. In the
    # network, China's imports of nickel intermediates (MHP and matte), from Indonesia, Goro and Ramu.
    assert value(net, "import_share", "nickel_intermediate", "CN", "ID") == pytest.approx(0.87, abs=0.05)


@pytest.mark.xfail(
    strict=True,
    reason="anode users outside China are few (no South-East Asian or Indian cell makers) and China is the only exporter with anode to spare, so the US's 25 % tariff on Chinese artificial graphite (D-tariffs) does not move the US lane: EU 31 %, KR 12 %, US 38 %",
)
def test_out_of_sample_t084_t088_t090_china_artificial_graphite_exports(net):
    # China's 2024 exports of artificial graphite: EU 24.3 % (T084), Korea 7.3 % (T088), US 13.9 % (T090).
    for partner, share in (("EU27", 0.243), ("KR", 0.073), ("US", 0.139)):
        assert value(net, "export_share", "anode_synthetic", "CN", partner) == pytest.approx(share, abs=0.05), partner


@pytest.mark.xfail(
    strict=True,
    reason="the unsourced 'other uses' demand at China's refining hub absorbs its refined cobalt: Korea gets 13 % from China",
)
def test_out_of_sample_t116_korea_cobalt_compounds_from_china(net):
    # T116 (2022): 72.8 % of Korea's imports of cobalt oxides and hydroxides come from China.
    assert value(net, "import_share", "cobalt_refined", "KR", "CN") == pytest.approx(0.728, abs=0.05)


@pytest.mark.xfail(
    strict=True,
    reason="China's lithium refining is sized by world mine output x 70 % (P040), below MIIT's 2024 output of salts "
    "(P301, P302): China imports 197 kt LCE of lithium carbonate, not 235 kt",
)
def test_out_of_sample_t061_china_carbonate_import_volume(net):
    # T061 (2024, low): China imported about 235 kt of lithium carbonate; +-10 %. (235 kt of carbonate
    # is 235 kt LCE: the unit is carbonate's own.)
    assert total_flow(net, "lithium_carbonate", "CN") == pytest.approx(235_000, rel=0.10)


def test_t092_china_natural_graphite_exports_partly_built_from(net):
    # T092 (UN Comtrade via the ChinaCriticalMineralComtrade repository): China exported 121.7 kt of natural
    # graphite (HS 250410, flake and spherical) to its 39 tracked partners in 2024; +-10 %. In the network, its
    # exports of natural graphite and of natural anode material. Not out of sample: Korea's and Japan's use of
    # natural graphite is sized from two of its partners (P1074, P1075: 57.0 kt), so what this checks is the
    # rest (the EU's and the US's imports, set by T080 and P1073 with China's shares, and natural anode).
    r = net.routes
    out = r[(r["origin"] == "CN") & r["commodity"].isin(["natural_graphite", "anode_natural"])]
    assert float(out["baseline_flow"].sum()) == pytest.approx(121_700, rel=0.10)


def made_in(net, commodities, region):
    """Output of ``commodities`` by the processes located in ``region`` (baseline activities x yields)."""
    rec = net.recipes[(net.recipes["kind"] == "output") & net.recipes["commodity"].isin(commodities)]
    rec = rec[rec["process"].isin(net.processes.index)]
    where = net.processes["region"]
    act = net.baseline_activity
    return sum(act[p] * c for p, c in zip(rec["process"], rec["coefficient"], strict=True) if where[p] == region)


@pytest.mark.xfail(
    strict=True,
    reason="sources conflict: P012 (IEA) counts 1,000 GWh for EV and storage, the network follows EV > 950 GWh "
    "(P011, IEA) and 205 GWh of storage (P022, Rho Motion): 1,155 GWh",
)
def test_out_of_sample_p012_world_battery_demand(net):
    # P012: world battery demand for EVs and storage reached 1,000 GWh in 2024; +-10 %.
    demand = net.demand[net.demand["commodity"].isin(["pack_ev", "pack_ess"])]["quantity"].sum()
    assert demand == pytest.approx(1000.0, rel=0.10)


def test_out_of_sample_p099_china_cathode_output(net):
    # P099: China made 2.4 Mt of cathode material in January-October 2024; times 12/10 for the year
    # (a stated scaling, output being spread over the year) = 2.88 Mt; +-10 %. The network is built from
    # GGII's shipments of LFP (P323) and from the cells' use of NMC, not from P099; P099 counts every
    # cathode type, the network NMC and LFP only.
    assert made_in(net, ["cam_nmc", "cam_lfp"], "CN") == pytest.approx(2.4e6 * 12 / 10, rel=0.10)


def test_out_of_sample_p100_china_anode_output(net):
    # P100: 1.55 Mt of anode material in January-October 2024; times 12/10 = 1.86 Mt; +-10 %. The network
    # is built from SNE Research's world shipments by type (P325, P326), not from P100.
    assert made_in(net, ["anode_natural", "anode_synthetic"], "CN") == pytest.approx(1.55e6 * 12 / 10, rel=0.10)


def test_out_of_sample_p102_china_electrolyte_output(net):
    # P102: China made 1.0 Mt of electrolyte in January-October 2024; times 12/10 for the year = 1.2 Mt;
    # +-10 %. China's plants make 85 % (P098) of what the world's cells use at China's 2022 electrolyte per GWh
    # (D-components: P1112 / P1110, 1,133 t/GWh), a figure of another year: 1.27 Mt (+6.0 %).
    assert made_in(net, ["electrolyte"], "CN") == pytest.approx(1.0e6 * 12 / 10, rel=0.10)


def test_out_of_sample_p101_china_separator_output(net):
    # P101: 16.5 bn m2 of separator in January-October 2024; times 12/10 = 19.8 bn m2 (19,800 Mm2); +-10 %.
    # China's plants make 87.4 % (P097) of what the world's cells use at China's 2022 separator per GWh
    # (D-components: P1111 / P1110, 17.3 Mm2/GWh), as for P102. It makes 20.0 bn m2 (+1.0 %).
    assert made_in(net, ["separator"], "CN") == pytest.approx(16.5e3 * 12 / 10, rel=0.10)


def test_out_of_sample_p333_p334_world_ev_and_storage_cells_shipped(net):
    # P333, P334 (EV Tank): 1,051 GWh of EV and 370 GWh of storage batteries shipped in 2024, 1,421 GWh;
    # +-10 %. The network makes 1,320.1 GWh (-7.1 %); without China's stock build (D-cn-cell-stock) it
    # would make the 1,155 GWh its packs use (-18.7 %).
    cells = sum(made_in(net, ["cell_nmc", "cell_lfp"], r) for r in net.regions.index)
    assert cells == pytest.approx(1051.0 + 370.0, rel=0.10)


@pytest.mark.xfail(
    strict=True,
    reason="the network's NMC draws lithium hydroxide only (A-lithium-salts) and its refiners make too little for "
    "more NMC: China's NMC cathode is what the cells use, 0.55 Mt",
)
def test_out_of_sample_p324_china_ternary_cathode_shipments(net):
    # P324 (GGII): Chinese makers shipped 0.65 Mt of ternary cathode in 2024; +-10 %.
    assert made_in(net, ["cam_nmc"], "CN") == pytest.approx(650_000, rel=0.10)


def test_full_scale_demand_by_use(net):
    # EV battery demand 950 GWh (P011) and storage 205 GWh (P022); China's EV demand 59 % (P103) of
    # 950 = 560.5 GWh. China made 826 + 260 = 1,086 GWh of EV and storage cells (P320, P321); plants
    # outside China make 234.1 GWh (47 + 12.5 + 10.5 + 6 + 1.5 + 1 + 1.5 in the EU, 27 + 38.1 (Panasonic's
    # Nevada plant, P1067) + 8 + 10 in the US, 24 + 1 in Korea, 30 in Japan, 1 + 1 in India, 1 in Britain,
    # 0.5 in Norway, 6 + 6.5 elsewhere), so the world makes 1,320.1 GWh and China's stock build is
    # 1,320.1 - 1,155 = 165.1 GWh of LFP cells.
    d = net.demand.set_index(["region", "commodity"])["quantity"]
    assert d.xs("pack_ev", level="commodity").sum() == pytest.approx(950.0)
    assert d.xs("pack_ess", level="commodity").sum() == pytest.approx(205.0)
    assert d[("CN", "pack_ev")] == pytest.approx(560.5)
    cells = sum(made_in(net, ["cell_nmc", "cell_lfp"], r) for r in net.regions.index)
    assert cells == pytest.approx(1320.1, rel=1e-9)
    assert made_in(net, ["cell_nmc", "cell_lfp"], "CN") == pytest.approx(1086.0, rel=1e-9)
    assert d[("CN", "cell_lfp")] == pytest.approx(165.1, rel=1e-9)


def test_china_lfp_cathode_beyond_the_cells_use(net):
    # LFP cells use 0.0915 kg Li per kWh (P147) / 6.94 * 157.76 = 2.0800 t LFP per GWh, x 1.05 scrap
    # (D-cell-scrap, P1040) = 2.1840 t per GWh. The world makes 645.0875 GWh of LFP cells for packs: storage
    # 205 and EV 440.0875 (each region's EV demand x its LFP share, A-chemistry: China 560.5 x 0.65 =
    # 364.325, EU 123.5 x 0.15 = 18.525, US 123.5 x 0.20 = 24.7, the other nine 32.5375), and 165.1 GWh into
    # China's stock: 810.1875 x 2.1840 = 1,769.45 kt, of which China makes 99 % (A-shares): 1,751.75 kt.
    # China's makers shipped 2.46 Mt (P323): 2,460 - 1,751.75 = 708.25 kt are held in China.
    per_gwh = 0.0915 * 1000 / (6.94 / 157.76) * 1.05
    assert per_gwh == pytest.approx(2184.0, rel=1e-4)
    d = net.demand.set_index(["region", "commodity"])["quantity"]
    assert made_in(net, ["cam_lfp"], "CN") == pytest.approx(2_460_000.0, rel=1e-9)
    assert d[("CN", "cam_lfp")] == pytest.approx(2_460_000.0 - 0.99 * 810.1875 * per_gwh, rel=1e-6)
    assert d[("CN", "cam_lfp")] == pytest.approx(708_250, rel=1e-3)
    # Capacity: China's LFP plants 4.7 Mt (P330); China holds 87 % of cathode capacity (P092).
    p, rec = net.processes, net.recipes
    makers = rec[(rec["kind"] == "output") & rec["commodity"].isin(["cam_nmc", "cam_lfp"])]["process"]
    cam = p[p.index.isin(makers)]
    assert p.at["cn-cam_lfp", "capacity"] == pytest.approx(4_700_000.0)
    assert cam[cam["region"] == "CN"]["capacity"].sum() / cam["capacity"].sum() == pytest.approx(0.87, abs=1e-9)


def test_anode_output_is_the_published_world_shipments(net):
    # SNE Research: 1.76 Mt of synthetic and 0.29 Mt of natural graphite anode shipped in 2024 (P325,
    # P326); the cells' anode mix is the same split, 1.76 / 2.05 = 85.85 % synthetic. What the cells do
    # not use is demand where it is made: world output less the cells' use, per type.
    world = {r: sum(made_in(net, [c], r) for c in ["anode_synthetic"]) for r in net.regions.index}
    assert sum(world.values()) == pytest.approx(1_760_000.0, rel=1e-9)
    assert sum(made_in(net, ["anode_natural"], r) for r in net.regions.index) == pytest.approx(290_000.0, rel=1e-9)
    d = net.demand
    for com, total in (("anode_synthetic", 1_760_000.0), ("anode_natural", 290_000.0)):
        beyond = d[(d["commodity"] == com) & (d["source"] == "D-anode-beyond-cells")]["quantity"].sum()
        rec = net.recipes[(net.recipes["kind"] == "input") & (net.recipes["commodity"] == com)]
        used = sum(net.baseline_activity[p] * k for p, k in zip(rec["process"], rec["coefficient"], strict=True)
                   if p in net.processes.index)  # fmt: skip
        assert beyond == pytest.approx(total - used, rel=1e-6), com
        assert 0 < beyond < total, com
    syn = net.recipes[(net.recipes["process"] == "cn-cells-lfp") & (net.recipes["kind"] == "input")]
    k = syn.set_index("commodity")["coefficient"]
    assert k["anode_synthetic"] / (k["anode_synthetic"] + k["anode_natural"]) == pytest.approx(1.76 / 2.05)


def test_every_out_of_sample_figure_is_outside_the_build_inputs():
    # The trade figures named above as out of sample are not among the pins and bounds the network
    # is fitted to (inputs/trade_pins.csv), nor among its calibration targets.
    import csv

    with open(FOLDER / "inputs" / "trade_pins.csv", encoding="utf-8", newline="") as fh:
        used = {s for r in csv.DictReader(fh) for s in r["source"].split(";")}
    used |= set(TARGETS["source"])
    checks = {"P003", "P012", "P304", "P039", "P084", "P099", "P100", "P101", "P102", "P324", "P333", "P334", "P1068", "P1069", "P1070", "T058", "T061", "T068", "T072", "T076", "T084", "T088", "T090", "T109",
              "T113", "T116", "T121", "T131"}  # fmt: skip
    assert not (checks & used)
