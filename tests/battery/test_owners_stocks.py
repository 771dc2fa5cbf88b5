"""Owners are not locations, and hubs start with stocks: the global network checked by hand."""

import pytest

import valuechain as vc
from valuechain.network.provenance import figure_provenance


@pytest.fixture(scope="module")
def net():
    return vc.load_network("global-li-ion-2024")


def test_korean_and_japanese_plants_in_china_are_theirs(net):
    p = net.processes
    kr, jp = p.loc["cn-cells-nmc-kr"], p.loc["cn-cells-nmc-jp"]
    assert (kr["region"], kr["owner"], kr["technology_origin"]) == ("CN", "KR", "KR")
    assert (jp["region"], jp["owner"], jp["technology_origin"]) == ("CN", "JP", "JP")
    # Korean makers installed 18.4 % of 894 GWh (P289 x P285) = 164.496 GWh; outside China their
    # plants make PL 47 + HU 12.5 + 10.5 + US 27 + KR 24 + 1 = 122 GWh, so 42.496 GWh in China.
    assert kr["baseline_activity"] == pytest.approx(164.496 - 122.0, abs=1e-6)
    assert jp["baseline_activity"] == pytest.approx(5.0)  # A-cn-cells-jp
    korean = p[p["owner"] == "KR"].index
    cells = net.recipes[(net.recipes["kind"] == "output") & net.recipes["commodity"].isin(["cell_nmc", "cell_lfp"])]
    act = net.baseline_activity
    kr_out = sum(act[q] * c for q, c in zip(cells["process"], cells["coefficient"], strict=True) if q in korean)
    assert kr_out == pytest.approx(164.496, abs=1e-6)


def test_eu_nmc_cells_by_owner_count_korean_plants_in_china(net):
    # The owner view splits China's exports by the owners of China's NMC output. So the Chinese-owned
    # share of the EU's NMC cells is at least China's direct share times the Chinese-owned fraction of
    # its NMC output (more comes from CATL Arnstadt and from Chinese cells passing through Korean and
    # Japanese hubs).
    d = vc.dependency(net, "EU27", commodities=["cell_nmc"])
    share = d[(d["metric"] == "share")].set_index(["view", "origin"])["value"]
    act = net.baseline_activity
    cn_nmc = act[["cn-cells-nmc", "cn-cells-nmc-kr", "cn-cells-nmc-jp"]]
    low = share[("direct", "CN")] * cn_nmc["cn-cells-nmc"] / cn_nmc.sum()
    assert share[("owner", "CN")] >= low - 1e-9
    assert share[("direct", "CN")] * cn_nmc["cn-cells-nmc-kr"] / cn_nmc.sum() > 0.03  # Korean-owned, made in China
    # 30.4 % at full scale (EV demand 950 GWh): China's Chinese-owned NMC output grows with demand while the
    # Korean-owned 42.5 GWh made in China is fixed by P289 x P285; 39 % when Korean plants counted as Chinese.
    assert share[("owner", "CN")] < 0.32
    assert share[("owner", "KR")] > 0.5


def test_initial_stocks_are_days_of_cover_by_hand(net):
    h = net.hubs.set_index(["region", "commodity"])
    # China's EV pack hub: demand 560.5 GWh (59 % of 950, P103 x P011), 15 days of packs: 560.5 * 15 / 365.
    assert h.at[("CN", "pack_ev"), "initial_stock"] == pytest.approx(560.5 * 15 / 365, rel=1e-6)
    # Poland's NMC cathode hub: LG Wrocław's 47 GWh and the NMC pack lines' use of cathode, 30 days.
    rec = net.recipes[(net.recipes["kind"] == "input") & (net.recipes["commodity"] == "cam_nmc")]
    rec = rec[rec["process"].isin(net.processes.index)]  # not the expansion options
    region = net.processes["region"]
    use = sum(
        net.baseline_activity[p] * c
        for p, c in zip(rec["process"], rec["coefficient"], strict=True)
        if region[p] == "PL"
    )
    assert use > 0
    assert h.at[("PL", "cam_nmc"), "initial_stock"] == pytest.approx(use * 30 / 365, rel=1e-6)
    # A hub holds a stock exactly when something is used there, except end-of-life batteries (0 days).
    allin = net.recipes[(net.recipes["kind"] == "input") & net.recipes["process"].isin(net.processes.index)]
    used = {(region[p], c) for p, c, k in zip(allin["process"], allin["commodity"], allin["coefficient"], strict=True)
            if k * net.baseline_activity[p] > 0}  # fmt: skip
    used |= set(zip(net.demand["region"], net.demand["commodity"], strict=True))
    for key, row in h.iterrows():
        assert (row["initial_stock"] > 0) == (key in used and key[1] != "eol_batteries"), key
    published = {("CN", "lithium_carbonate"), ("CN", "lithium_hydroxide")}
    held = h[h["initial_stock"] > 0]
    assert (held.loc[[k for k in held.index if k not in published], "source"] == "D-stocks").all()


def test_published_stocks_take_the_place_of_days_of_cover(net, quoted):
    quoted(
        {"P1071": "the total market inventory stood at 92,646 mt", "P1072": "lithium hydroxide inventory was 34,400 mt"}
    )
    h = net.hubs.set_index(["region", "commodity"])
    # SMM's inventories of May 2024: 92,646 t of carbonate; 34,400 t of hydroxide monohydrate x 0.8805 t LCE per t.
    assert h.at[("CN", "lithium_carbonate"), "initial_stock"] == pytest.approx(92_646.0)
    assert h.at[("CN", "lithium_hydroxide"), "initial_stock"] == pytest.approx(34_400 * 0.8805)
    figs = figure_provenance(net).set_index(["table", "row", "field"])
    carb = figs.loc[("hubs", "CN/lithium_carbonate", "initial_stock")]
    hyd = figs.loc[("hubs", "CN/lithium_hydroxide", "initial_stock")]
    assert (carb["source"], carb["kind"]) == ("P1071", "direct")
    assert (hyd["source"], hyd["kind"]) == ("P1072", "derived from direct")
    # The 45 days of cover they replace would have come close: China's carbonate and hydroxide use x 45 / 365.
    rec = net.recipes[(net.recipes["kind"] == "input") & net.recipes["process"].isin(net.processes.index)]
    region = net.processes["region"]
    for com, published in (("lithium_carbonate", 92_646.0), ("lithium_hydroxide", 34_400 * 0.8805)):
        use = sum(
            net.baseline_activity[p] * c
            for p, c, m in zip(rec["process"], rec["coefficient"], rec["commodity"], strict=True)
            if m == com and region[p] == "CN"
        )
        use += float(net.demand[(net.demand["region"] == "CN") & (net.demand["commodity"] == com)]["quantity"].sum())
        assert use * 45 / 365 == pytest.approx(published, rel=0.15)
