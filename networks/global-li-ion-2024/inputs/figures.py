"""Figures behind the global-li-ion-2024 network, each with the id of its source.

Ids: ``Pxxx`` are public figures (``public_figures.csv`` in this folder), ``Sxxx`` are seed facts
(``seeds/facts.csv``), ``A-...`` are assumptions and ``D-...`` are figures derived by arithmetic
from cited ones (both defined in ``ASSUMPTIONS`` / ``DERIVED`` below and written to the network's
``sources.csv``). Quantities are per year, 2024, in the commodity's unit.
"""

from __future__ import annotations

import statistics

# Tables of figures read best one row per line: the formatter leaves this file alone.
# fmt: off
# ruff: noqa: E501

# --------------------------------------------------------------------------- constants
LI_TO_LCE = 5.323  # t lithium carbonate equivalent per t Li (stoichiometry: 73.89 / (2 * 6.94))
EUR_USD = 0.6665 / 0.6219  # USD per EUR: the RBA's USD and EUR per AUD of 21 Jun 2024 (P991), 1.072
EUR_USD_SOURCE = "P991"

# --------------------------------------------------------------------------- regions
# id, name, groups, latitude, longitude (a point near the region's industry, for distances)
REGIONS: list[tuple[str, str, str, float, float]] = [
    ("CN", "China", "", 31.0, 117.0),
    ("AU", "Australia", "OECD", -28.0, 121.0),
    ("CL", "Chile", "OECD", -23.5, -68.5),
    ("AR", "Argentina", "", -24.5, -66.5),
    ("ID", "Indonesia", "", -2.5, 121.5),
    ("PH", "Philippines", "", 9.5, 125.5),
    ("CD", "DR Congo", "", -10.7, 25.5),
    ("ZA", "South Africa", "", -27.0, 23.0),
    ("GA", "Gabon", "", -1.5, 13.2),
    ("BR", "Brazil", "", -17.0, -42.0),
    ("CA", "Canada", "OECD", 46.5, -80.0),
    ("US", "United States", "OECD", 37.0, -88.0),
    ("KR", "South Korea", "OECD", 36.5, 127.5),
    ("JP", "Japan", "OECD", 35.0, 136.5),
    ("MA", "Morocco", "", 33.0, -7.5),
    ("MZ", "Mozambique", "", -13.0, 39.0),
    ("MG", "Madagascar", "", -19.0, 47.0),
    ("IN", "India", "", 21.0, 78.0),
    ("ZW", "Zimbabwe", "", -19.0, 30.0),
    ("RU", "Russia", "", 67.9, 32.9),  # the Kola peninsula, where Nornickel's nickel for Europe is refined
    ("NC", "New Caledonia", "", -21.5, 165.5),
    ("DE", "Germany", "EU27;OECD", 51.0, 10.5),
    ("HU", "Hungary", "EU27;OECD", 47.5, 20.0),
    ("PL", "Poland", "EU27;OECD", 51.5, 17.5),
    ("FR", "France", "EU27;OECD", 49.0, 2.8),
    ("ES", "Spain", "EU27;OECD", 41.5, -1.0),
    ("SE", "Sweden", "EU27;OECD", 64.0, 20.0),
    ("FI", "Finland", "EU27;OECD", 63.8, 23.5),
    ("PT", "Portugal", "EU27;OECD", 38.5, -8.8),
    ("SK", "Slovakia", "EU27;OECD", 48.1, 18.2),
    ("BE", "Belgium", "EU27;OECD", 51.0, 4.4),
    ("EU-other", "Other EU member states", "EU27;OECD", 45.5, 12.0),
    ("GB", "United Kingdom", "OECD", 53.0, -1.5),
    ("NO", "Norway", "OECD", 60.0, 8.0),
    ("RoW", "Rest of the world", "", 15.0, 60.0),
]
EU27 = [r[0] for r in REGIONS if "EU27" in r[2]]

# --------------------------------------------------------------------------- demand (GWh)
EV_DEMAND = (950.0, "P011")  # EV battery demand, world, 2024 (IEA: more than 950 GWh)
ESS_DEMAND = (205.0, "P022")  # stationary storage deployed, world, 2024 (Rho Motion)
# Share of world EV battery demand by region; CN, EU27 and US are sourced, the rest split by assumption.
EV_DEMAND_SHARES = {"CN": (0.59, "P103"), "EU27": (0.13, "P104"), "US": (0.13, "P105")}
EV_DEMAND_REST = (  # the remaining 15%, A-demand-split
    {"GB": 0.035, "NO": 0.01, "KR": 0.025, "JP": 0.01, "IN": 0.01, "CA": 0.02, "BR": 0.005, "AU": 0.01, "RoW": 0.025}
)
EU_EV_SPLIT = {  # A-demand-split: EU27 EV battery demand among member-state regions
    "DE": 0.30, "FR": 0.17, "BE": 0.07, "SE": 0.06, "ES": 0.05, "PL": 0.02, "HU": 0.01, "FI": 0.02,
    "PT": 0.02, "SK": 0.005, "EU-other": 0.275,
}
ESS_SPLIT = {  # A-demand-split: share of world stationary-storage demand
    "CN": 0.60, "US": 0.20, "DE": 0.03, "ES": 0.01, "EU-other": 0.03, "GB": 0.02, "AU": 0.03, "JP": 0.02,
    "KR": 0.01, "IN": 0.01, "RoW": 0.04,
}
# Share of LFP cells in EV packs by region (A-chemistry); China's cell output is split so chemistries balance.
EV_LFP_SHARE = {"CN": 0.65, "EU": 0.15, "US": 0.20, "KR": 0.10, "JP": 0.05, "IN": 0.50, "GB": 0.15, "NO": 0.15, "CA": 0.20,
                "BR": 0.50, "AU": 0.30, "RoW": 0.40}
EV_GROWTH = (0.21, "D-growth")  # (3000/950)**(1/6) - 1 from P016, P011
ESS_GROWTH = (0.12, "D-growth")  # (400/205)**(1/6) - 1 from P243, P022
PACK_PRICE_EV = (97e6, "P220")  # USD/GWh, BEV pack 2024
PACK_PRICE_ESS = (70e6, "P214")  # USD/GWh, stationary pack (2025 survey)
LOST_VALUE_FACTOR = 3.0  # A-lost-value: value of lost demand = 3 x pack price

# --------------------------------------------------------------------------- cells (GWh)
CELL_CAPACITY_WORLD = (3000.0, "P002")
CN_CELL_CAPACITY_SHARE = (0.83, "S051")
# Cell plants and aggregates outside China: (id, name, region, chemistry, capacity, production,
# owner, technology origin, source of capacity/production)
CELL_PLANTS: list[tuple[str, str, str, str, float, float, str, str, str]] = [
    ("pl-lges-wroclaw", "LG Energy Solution, Wrocław (Biskupice Podgórne)", "PL", "nmc", 90.0, 47.0, "KR", "KR", "W001"),
    ("hu-sdi-god", "Samsung SDI, Göd", "HU", "nmc", 30.0, 12.5, "KR", "KR", "A-eu-cells"),
    ("hu-skon-komarom", "SK On, Komárom and Iváncsa", "HU", "nmc", 30.0, 10.5, "KR", "KR", "A-eu-cells"),
    ("de-catl-arnstadt", "CATL, Arnstadt (Thuringia)", "DE", "nmc", 14.0, 6.0, "CN", "CN", "D-arnstadt"),
    ("de-cells-other", "Other cell plants in Germany (aggregate)", "DE", "nmc", 21.0, 1.5, "DE", "DE", "A-eu-cells"),
    ("se-northvolt-ett", "Northvolt Ett, Skellefteå (bankrupt in 2025)", "SE", "nmc", 1.0, 1.0, "SE", "SE", "D-northvolt-2024"),
    ("fr-acc-billy-berclau", "ACC, Billy-Berclau/Douvrin", "FR", "nmc", 13.4, 1.5, "FR", "FR", "W004"),
    ("us-cells-nmc-kr", "Korean-owned NMC cell plants in the US (aggregate)", "US", "nmc", 80.0, 27.0, "KR", "KR", "A-cells"),
    ("us-cells-nmc-jp", "Panasonic, Nevada (Japanese-owned NMC cells in the US)", "US", "nmc", 41.0, 38.1, "JP", "JP", "P1067"),
    ("us-cells-nmc", "US-owned NMC cell plants (aggregate)", "US", "nmc", 30.0, 8.0, "US", "US", "A-cells"),
    ("us-cells-lfp", "LFP cell plants in the US (aggregate)", "US", "lfp", 30.0, 10.0, "US", "US", "A-cells"),
    ("kr-cells-nmc", "NMC cell plants in South Korea (aggregate)", "KR", "nmc", 38.0, 24.0, "KR", "KR", "A-cells"),
    ("kr-cells-lfp", "LFP cell lines in South Korea (aggregate)", "KR", "lfp", 2.0, 1.0, "KR", "KR", "A-cells"),
    ("jp-cells-nmc", "NMC/NCA cell plants in Japan (aggregate)", "JP", "nmc", 45.0, 30.0, "JP", "JP", "A-cells"),
    ("in-cells-nmc", "NMC cell plants in India (aggregate)", "IN", "nmc", 2.5, 1.0, "IN", "KR", "A-cells"),
    ("in-cells-lfp", "LFP cell plants in India (aggregate)", "IN", "lfp", 2.5, 1.0, "IN", "CN", "A-cells"),
    ("gb-aesc-sunderland", "Envision AESC, Sunderland", "GB", "nmc", 2.0, 1.0, "CN", "CN", "A-cells"),
    ("no-cells-lfp", "LFP cell plants in Norway (aggregate)", "NO", "lfp", 1.0, 0.5, "NO", "NO", "A-cells"),
    ("row-cells-nmc", "NMC cell plants elsewhere (aggregate)", "RoW", "nmc", 13.0, 6.0, "RoW", "KR", "A-cells"),
    ("row-cells-lfp", "LFP cell plants elsewhere (aggregate)", "RoW", "lfp", 14.0, 6.5, "CN", "CN", "A-cells"),
]
# Plants named in the seeds that produced nothing in 2024: a process of capacity 0 (identity, owner,
# technology) plus an expansion option with the planned capacity and investment.
# (id, name, region, chemistry, planned capacity, owner, technology origin, capacity source,
#  capex USD per (GWh/yr), capex source, lead time years)
PIPELINE_CELLS: list[tuple[str, str, str, str, float, str, str, str, float, str, float]] = [
    ("hu-catl-debrecen", "CATL, Debrecen", "HU", "nmc", 100.0, "CN", "CN", "P229", 7.3e9 * EUR_USD / 100, "D-capex-catl", 2),
    ("es-catl-stellantis-zaragoza", "CATL-Stellantis joint venture, Zaragoza", "ES", "lfp", 50.0, "CN", "CN", "W005",
     7.3e9 * EUR_USD / 100, "D-capex-catl", 2),
    ("sk-gotion-inobat-surany", "Gotion-InoBat, Šurany", "SK", "lfp", 20.0, "CN", "CN", "W006", 7.3e9 * EUR_USD / 100,
     "D-capex-catl", 2),
    ("pt-calb-sines", "CALB, Sines", "PT", "lfp", 15.0, "CN", "CN", "W008", 2.0e9 * EUR_USD / 15, "D-capex-calb", 3),
    ("fr-aesc-douai", "Envision AESC, Douai (opened June 2025)", "FR", "nmc", 24.0, "CN", "CN", "S106", 33e9 * EUR_USD / 200,
     "D-capex-eu-cells", 1),
    ("fr-verkor-dunkirk", "Verkor, Dunkirk", "FR", "nmc", 16.0, "FR", "FR", "W012", 33e9 * EUR_USD / 200,
     "D-capex-eu-cells", 1),
]
# China's cell output by owner: Korean makers' EV installations (18.4% of 894 GWh, P289 x P285) less their
# output outside China gives the Korean-owned output of their Chinese plants (D-cn-cells-kr; LGES Nanjing,
# Samsung SDI Xi'an and SK On's plants, T042); Panasonic's Dalian plant is an assumption (A-cn-cells-jp).
KR_MAKERS_EV_SHARE = (0.184, "P289")
EV_INSTALLATIONS_WORLD = (894.0, "P285")
CN_CELLS_JP = (5.0, "A-cn-cells-jp")  # GWh NMC, Japanese-owned plants in China
# Share of electrode materials lost as production scrap: the lower end of the 5-12 % that cell plants scrap in a
# steady state (Porsche Consulting, P1040); most of the world's cells come from established plants (D-cell-scrap).
CELL_SCRAP = 0.05
CELL_SCRAP_SOURCE = "P1040"
# China's 2024 cell output (MIIT): EV 826 and storage 260 GWh (P320, P321), beyond the 84 GWh for consumer
# electronics (P322). What China made beyond what the network's EV and storage packs use is 2024 stock build of
# LFP cells (D-cn-cell-stock, A-cn-cell-stock).
CN_CELL_OUTPUT = {"ev": (826.0, "P320"), "ess": (260.0, "P321")}
# Active materials made in 2024, by the makers' own trade figures: China's LFP cathode shipments (GGII, P323)
# and world anode shipments by type (SNE Research, P325, P326). Output beyond what the network's cells use is a
# demand row where it is made (D-cam-beyond-cells, D-anode-beyond-cells): stock build, exports into stock,
# cells the network does not hold and losses beyond D-cell-scrap. SNE puts world anode demand at 1.97 Mt against
# 2.11 Mt shipped (P327, P328): 0.14 Mt of the anode shipped in 2024 went into stock.
CN_LFP_CATHODE_SHIPPED = (2_460_000.0, "P323")
# China's LFP cathode capacity in 2024, "nearly 4.7 million mt" with output above 2.3 Mt (SMM, P330, P331).
CN_LFP_CATHODE_CAPACITY = (4_700_000.0, "P330")
CAM_CN_CAPACITY_SHARE = (0.87, "P092")  # cathode capacity outside China follows from China's (D-cam-capacity)
ANODE_SHIPPED_WORLD = {"anode_synthetic": (1_760_000.0, "P325"), "anode_natural": (290_000.0, "P326")}

# --------------------------------------------------------------------------- recipes
# BatPaC 5.1 default EV designs, kg per kWh of pack; NMC is a 50/50 blend of NMC 811 and NMC 622.
INTENSITY = {
    "nmc": {"li": ((0.0998 + 0.1102) / 2, "D-nmc-blend"), "ni": ((0.6584 + 0.5463) / 2, "D-nmc-blend"),
            "co": ((0.0826 + 0.1828) / 2, "D-nmc-blend"), "mn": ((0.0770 + 0.1704) / 2, "D-nmc-blend"),
            "graphite": ((0.9241 + 0.9096) / 2, "D-nmc-blend")},
    "lfp": {"li": (0.0915, "P147"), "graphite": (0.9846, "P151")},
}
LI_MASS_FRACTION = {  # Li mass fraction of the cathode active material (stoichiometry), D-cam-mass
    "nmc": (0.0713 + 0.0716) / 2,  # LiNi0.8Mn0.1Co0.1O2 and LiNi0.6Mn0.2Co0.2O2
    "lfp": 6.94 / 157.76,  # LiFePO4
}
PCAM_PER_CAM = 0.95  # t hydroxide precursor per t NMC cathode (molar masses), D-cam-mass
# Synthetic graphite's share of graphite anode, from world shipments (SNE Research): 1.76 / (1.76 + 0.29) Mt
# (P325, P326) = 0.8585 (D-anode-mix).
ANODE_SYNTHETIC_SHARE = 1_760_000.0 / (1_760_000.0 + 290_000.0)
# Cathode lithium salts (A-lithium-salts): LFP cathode draws carbonate; the network's NMC, a blend of NMC 811 and
# NMC 622 (D-nmc-blend), draws hydroxide, which NMC 811 needs (P305). NMC 622 can be made from carbonate (P305):
# in a shortage of hydroxide an NMC plant may run its NMC 622 share on carbonate, t LCE for t LCE. That share is
# the 622 half's cathode mass in the blend, 0.1102 / 0.0716 = 1.539 of 0.0998 / 0.0713 + 1.539 = 2.939 kg per
# kWh: 0.52 (D-nmc-blend). (input replaced, alternative, largest share, months to reach it, extra cost USD/t)
LITHIUM_SALT_SWITCHING = {"cam_nmc": ("lithium_hydroxide", "lithium_carbonate", 0.52, 6.0, 0.0)}
# Cells may switch graphite (A-anode-substitution): input replaced -> (alternative, t of the
# alternative per t replaced, largest share of the activity, months to reach it)
ANODE_SUBSTITUTION = {
    "anode_natural": ("anode_synthetic", 1.0, 1.0, 3.0),
    "anode_synthetic": ("anode_natural", 1.0, 0.25, 3.0),
}
# Packs may switch cell chemistry (A-chemistry-switching): pack process (by its id's ending) ->
# (input replaced, alternative, largest share of the activity, months to reach it, extra cost in
# USD per GWh). EV packs moving from NMC to LFP give up range worth at least the cell price
# difference (NMC 75, P025, less LFP 60 USD/kWh, P024), or their buyers would have chosen LFP.
# Storage packs may also take sodium-ion cells for LFP ones where sodium-ion cells are made (A-sodium-ion),
# asked before NMC cells: an input's alternatives are drawn on in their order.
CHEMISTRY_SWITCHING = {
    "pack-ess": [("cell_lfp", "cell_sib", 1.0, 6.0, 0.0), ("cell_lfp", "cell_nmc", 1.0, 6.0, 0.0)],
    "pack-ev-nmc": [("cell_nmc", "cell_lfp", 0.10, 12.0, 75e6 - 60e6)],
    "pack-ev-lfp": [("cell_lfp", "cell_nmc", 0.10, 12.0, 0.0)],
}
# Sodium-ion cell plants (A-sodium-ion): China's, at the capacities published for two makers that produced in
# 2024, HiNa's Fuyang line, 1 GWh (Dec 2022, P1107), and Transimage, 4.5 GWh (end of March 2023, P1108): 5.5 GWh
# (D-sib-cn; others, such as CATL's, have no published capacity in the figure set). Their 2024 output went to
# two- and three-wheelers and pilots, which the network does not hold, so they make nothing in the baseline and
# all their capacity is spare: an upper bound of what they could give storage packs short of LFP cells. None of
# their materials (sodium salts, hard carbon, layered oxide or Prussian white cathodes) is in the network, so a
# GWh costs what an LFP cell sells for (P024) rather than a conversion cost.
SODIUM_ION_CELLS = [
    ("cn-cells-sib", "Sodium-ion cell plants in China (HiNa Fuyang and Transimage, aggregate)", "CN", 1.0 + 4.5,
     "D-sib-cn", "CN"),
]
SODIUM_ION_DERIVED = {"D-sib-cn": ("HiNa's Fuyang line (1 GWh) plus Transimage's capacity (4.5 GWh)", "P1107;P1108")}
# Electrolyte and separator per GWh of cells (D-components): China's 2022 output of each over its 2022 output of
# Li-ion batteries, all published by MIIT (P1110-P1112): 0.85 Mt / 750 GWh = 1,133 t and 13.0 bn m2 / 750 GWh =
# 17.3 Mm2 per GWh, one figure for every chemistry (no published split). China's 2024 outputs (P101, P102) stay
# out-of-sample checks; its first half of 2023 (P1113-P1115: 1,100 t and 17.0 Mm2 per GWh) is another.
COMPONENTS_PER_GWH = {"electrolyte": ("P1112", "P1110"), "separator": ("P1111", "P1110")}
ELECTROLYTE = 0.85e6 / 750  # t per GWh of cells, any chemistry
SEPARATOR = 13.0e3 / 750  # million m2 per GWh of cells, any chemistry
# t of ore (in the commodity's unit) per t of refined output: lithium 1 / the 91 % that China's spodumene converters
# recover (P1041); nickel, cobalt and manganese A-yields.
LITHIUM_RECOVERY = (0.91, "P1041")
REFINING_INPUT = {
    "lithium_carbonate": 1 / LITHIUM_RECOVERY[0], "lithium_hydroxide": 1 / LITHIUM_RECOVERY[0],
    "nickel_sulphate": 1.05, "cobalt_refined": 1.02, "manganese_sulphate": 1.10, "nickel_intermediate": 1.0,
}
# t natural flake per t spherical natural anode material: 1 / the 50 % spherical graphite yield a battery anode
# material study adopted (Renascor, P1042; its commercial-scale milling trials gave more than 65 %).
SPHERONISATION_YIELD = (0.50, "P1042")
FLAKE_PER_ANODE = 1 / SPHERONISATION_YIELD[0]
# t black mass per t of end-of-life batteries or scrap shredded: Li-Cycle's Rochester hub takes 35,000 t of black mass a
# year, the equivalent of about 90,000 t of battery feed (P1109): 0.389.
BLACK_MASS_YIELD = 35_000 / 90_000
BLACK_MASS_YIELD_SOURCE = "P1109"
# Per t black mass: the lower ends of the metal content of traded NMC black mass (Li 3 %, Ni 15 %, Co 5 %,
# P999) x the EU's minimum recovery by 2027 (lithium 50 %, nickel and cobalt 90 %, P1000); lithium as
# carbonate (P306, A-lithium-salts): 0.03 x 0.5 x 5.323 = 0.080 t LCE, 0.135 t Ni, 0.045 t Co. Refiners
# outside the EU are taken to recover the same (A-recycling); the network does not tell LFP black mass apart.
RECOVERY = {"lithium_carbonate": 0.03 * 0.50 * LI_TO_LCE, "nickel_sulphate": 0.15 * 0.90, "cobalt_refined": 0.05 * 0.90}
RECOVERY_SOURCE = "P999;P1000"

# --------------------------------------------------------------------------- mining (t/yr)
# region -> (quantity in source unit, source); lithium in t Li (x LI_TO_LCE), others in t of content.
LITHIUM_MINES = {"AU": (88_000, "P050"), "CL": (49_000, "P051"), "CN": (41_000, "P052"), "AR": (18_000, "P054"),
                 "BR": (10_200, "P1020"), "CA": (4_820, "P1021"), "ZW": (20_000, "P1037")}
LITHIUM_WORLD = (240_000, "P049")  # RoW = world - listed
# Nickel and manganese: USGS Mineral Commodity Summaries 2026, the 2024 column of world mine production.
NICKEL_MINES = {"ID": (2_310_000, "P1023"), "PH": (354_000, "P1024"), "CA": (125_000, "P1025"), "AU": (98_000, "P1026"),
                "CN": (115_000, "P1027"), "RU": (205_000, "P1038"), "NC": (116_000, "P1039"), "FI": (30_000, "A-mines")}
NICKEL_WORLD = (3_710_000, "P1022")  # RoW = world - listed, D-ni-row
# Nickel intermediates for batteries (MHP, high-grade matte, mixed sulphide) in 2024, t Ni (D-ni-intermediates).
# Indonesia: SMM's review of 2025 projects 445,500 t of MHP, up 36.6 % on 2024 (P1087), and 218,500 t of high-grade
# matte, down 20.3 % (P1088): 326,135 + 274,153 t in 2024. New Caledonia: Goro made almost 32,000 t of MHP in 2023
# (P1092) and was shut for seven months of 2024 after the riots (P1045), 13,333 t at its 2023 rate. The rest of the
# world: Papua New Guinea's Ramu, 28,669 t of MHP (P1090); the Philippines' Coral Bay and Taganito, Madagascar and
# Cuba are left out for want of a 2024 figure. Finland's mixed sulphide (Terrafame) is its own
# mine's output (A-mines). The rest of the mined nickel (nickel pig iron, ferronickel, refined nickel for stainless
# steel and alloys) is other uses at the mines.
NI_MHP_ID = 445_500 / 1.366
NI_MATTE_ID = 218_500 / (1 - 0.203)
NICKEL_INTERMEDIATES = {
    "ID": (NI_MHP_ID + NI_MATTE_ID, "D-ni-int-id"),
    "NC": (32_000.0 * 5 / 12, "D-ni-int-nc"),
    "RoW": (28_669.0, "P1090"),
}
COBALT_MINES = {"CD": (200_800, "P059"), "ID": (28_000, "P1005"), "CA": (4_500, "P062"), "PH": (4_100, "P063"),
                "AU": (3_600, "P064"), "MA": (2_000, "A-mines")}
COBALT_DRC_SHARE = (0.741, "P060")  # world = DRC / share
CD_COBALT_CN_OWNED = 0.6  # A-ownership: share of DRC output from Chinese-owned mines
MANGANESE_MINES = {"ZA": (7_490_000, "P1028"), "GA": (4_640_000, "P1029"), "AU": (1_600_000, "P1030"),
                   "CN": (690_000, "P1031"), "BR": (705_000, "P1032"), "IN": (731_000, "P1033"),
                   "RoW": (340_000 + 1_280_000 + 1_240_000, "D-mn-row")}  # Cote d'Ivoire, Ghana, others
# Outputs that are sums or residuals of published figures (a row source D-...), with their inputs (derive.py).
MINE_DERIVED = {
    "D-mn-row": ("USGS's 2024 output of Cote d'Ivoire, Ghana and other countries: 340 + 1,280 + 1,240 kt Mn",
                 "P1034;P1035;P1036"),
    "D-ni-row": ("USGS's 2024 world output less the listed countries and Finland's assumed 30 kt",
                 "P1022;P1023;P1024;P1025;P1026;P1027;P1038;P1039;A-mines"),
    "D-ni-int-id": ("SMM's 2025 output of Indonesian MHP and high-grade matte over their change on 2024: "
                    "445,500 / 1.366 + 218,500 / (1 - 0.203)", "P1087;P1088"),
    "D-ni-int-nc": ("Goro's 2023 output of nickel in MHP x the 5 months of 2024 it ran, at its 2023 rate",
                    "P1092;P1045"),
    "D-graphite-row": ("USGS's 2024 world output less China, Madagascar, Brazil, Mozambique and India",
                       "P1081;P1082;P1083;P1084;P1085;P1086"),
}
# Natural graphite mine output in 2024 (USGS MCS 2026, its 2024 column): China 1.27 Mt of the world's 1.55 Mt
# (81.9 %); RoW is the world less the named countries (Tanzania, Russia, Canada, North Korea, Norway and others).
GRAPHITE_WORLD = (1_550_000.0, "P1086")
# Non-battery uses in the EU of natural graphite (76 kt imported in 2023, T080) and of lithium ore (glass and
# ceramics; EU raw-lithium imports are mostly Australian, T049, in small volumes: A-eu-ore-uses), split among
# EU regions by A-eu-ore-uses.
EU_GRAPHITE_USE = (76_000.0, "T080")
# Natural graphite used outside the modelled chain in the importing countries that China's exports mostly go to
# (refractories, lubricants, brake linings, and anode material the network does not make there), in t, with
# its sources and how it was derived ("" when it is the figure itself). The US: its apparent consumption in 2024
# (USGS MCS 2026, P1073). Korea and Japan, which mine none: China's 2024 exports to them (China-reported, UN
# Comtrade, P1074, P1075) over China's share of their imports (P1076, P1077). Less, in the build, what the
# network's natural-anode plants there use. Spherical graphite is counted ton for ton as flake.
GRAPHITE_USES_ABROAD: dict[str, tuple[float, str, str]] = {
    "US": (65_200.0, "P1073", ""),
    "KR": (32_897.0 / 0.977, "P1074;P1076", "China's 2024 exports to Korea / China's share of Korea's imports"),
    "JP": (24_120.0 / 0.90, "P1075;P1077", "China's 2024 exports to Japan / China's share of Japan's imports"),
}
EU_LITHIUM_ORE_USE = (3_000.0, "A-eu-ore-uses")  # t LCE
EU_CARBONATE_USE = (5_000.0, "A-eu-carbonate-uses")  # t LCE: glass, ceramics, construction chemicals, pharma
EU_INDUSTRY_SPLIT = {"DE": 0.35, "FR": 0.15, "ES": 0.10, "PL": 0.10, "EU-other": 0.30}
GRAPHITE_MINES = {"CN": (1_270_000, "P1081"), "MZ": (39_000, "P1085"), "MG": (85_000, "P1084"), "BR": (58_000, "P1082"),
                  "IN": (17_600, "P1083")}

# --------------------------------------------------------------------------- shares of production
# Refined lithium: China 70% of refining (P040); Chile and Argentina convert their own brine.
LITHIUM_REFINING_CN = (0.70, "P040")
LITHIUM_REFINING_OTHER = {"AU": (10_000, "A-refining")}  # t LCE; RoW takes the rest
# Lithium hydroxide's share of each region's refined output, in t LCE (the rest is carbonate). China: MIIT's
# 2024 output, 360 kt of battery-grade hydroxide (P302) x 0.8805 t LCE per t of monohydrate = 316,980 t LCE
# against 670 kt of carbonate (P301): 316,980 / 986,980 = 0.3212 (D-lithium-salts-cn). Chile: its 2023 exports,
# hydroxide USD 1.01 bn against carbonate USD 6.06 bn (T055), at one price per tonne of either salt (an
# assumption) and 0.8805 t LCE per t of hydroxide: 0.889 / 6.949 = 0.1280 (D-lithium-salts-cl). Argentina's
# brine makes carbonate (T060), Australia's refineries (Kwinana, Kemerton) hydroxide (P303); RoW half of each.
LITHIUM_HYDROXIDE_SHARE = {"CN": (360_000 * 0.8805 / (670_000 + 360_000 * 0.8805), "D-lithium-salts-cn"),
                           "CL": (1.01 * 0.8805 / (6.06 + 1.01 * 0.8805), "D-lithium-salts-cl"),
                           "AR": (0.0, "A-lithium-salts"), "AU": (1.0, "A-lithium-salts"), "RoW": (0.5, "A-lithium-salts")}
LIOH_TO_LCE = 0.8805  # t LCE per t LiOH.H2O (lithium content by molar mass: 73.89 / (2 x 41.96))
COBALT_REFINING_CN = (0.80, "P081")
COBALT_REFINING_OTHER = {  # t Co, A-refining; RoW takes the rest
    "FI": 15_000, "JP": 4_000, "CA": 3_000, "NO": 4_000, "CD": 8_000,
}
COBALT_REFINING_OWNER = {"FI": "BE", "NO": "CH", "CA": "CA", "CD": "CN", "JP": "JP", "RoW": "RoW", "CN": "CN"}
NICKEL_SULPHATE_SHARES = {"CN": 0.59, "ID": 0.15, "JP": 0.08, "KR": 0.04, "FI": 0.10, "AU": 0.02, "RoW": 0.02}
MN_SULPHATE_SHARES = {"CN": (0.84, "P282"), "JP": (0.11, "P282"), "RoW": (0.05, "A-shares")}
ANODE_CN_SHARE = (0.98, "P088")
ANODE_NATURAL_SHARES = {"KR": 0.01, "JP": 0.005, "IN": 0.005}  # rest CN, A-shares
ANODE_SYNTHETIC_SHARES = {"JP": 0.008, "KR": 0.004, "US": 0.003, "IN": 0.002, "NO": 0.001, "RoW": 0.002}
CAM_CN_SHARE = (0.90, "P087")
CAM_NMC_SHARES = {"KR": 0.13, "JP": 0.06, "US": 0.01}  # PL from Umicore Nysa; CN solved; RoW rest
CAM_LFP_SHARES = {"CN": 0.99, "KR": 0.003, "US": 0.002, "RoW": 0.005}
UMICORE_NYSA = (20_000.0, 10_000.0)  # capacity, production, t/yr, A-eu-materials
PCAM_SHARES = {"CN": 0.85, "KR": 0.09, "JP": 0.04, "FI": 0.012, "RoW": 0.008}
ELECTROLYTE_SHARES = {"CN": (0.85, "P098"), "KR": 0.06, "JP": 0.05, "PL": 0.01, "US": 0.02, "RoW": 0.01}
SEPARATOR_SHARES = {"CN": (0.874, "P097"), "JP": 0.06, "KR": 0.04, "PL": 0.01, "US": 0.01, "RoW": 0.006}
# Owner of aggregates that are not owned where they stand (A-ownership).
OWNER = {("ID", "nickel_sulphate"): "CN", ("ID", "nickel_intermediate"): "CN", ("PL", "electrolyte"): "KR", ("PL", "separator"): "KR",
         ("FI", "pcam"): "BE", ("PL", "cam_nmc"): "BE", ("MA", "cobalt_ore"): "MA", ("ID", "cobalt_ore"): "CN"}

# Utilisation (production / capacity) by stage, A-utilisation; cells take sourced capacities.
UTILISATION = {"mining": 0.90, "refining": 0.75, "anode": 0.55, "pcam": 0.60, "cam": 0.60, "component": 0.60,
               "pack": 0.80, "collection": 1.0, "pretreatment": 0.35, "hydromet": 0.55}
UTILISATION_OUTSIDE_CN: dict[str, float] = {}  # by stage where it differs outside China (cathode: D-cam-capacity)

# --------------------------------------------------------------------------- recycling (t/yr)
EOL_COLLECTED = {  # A-recycling: end-of-life batteries collected for recycling
    "CN": 250_000, "KR": 20_000, "JP": 15_000, "US": 40_000, "DE": 15_000, "FR": 8_000, "BE": 4_000, "PL": 4_000,
    "HU": 2_000, "ES": 3_000, "SE": 2_000, "EU-other": 12_000, "NO": 4_000, "GB": 8_000, "RoW": 30_000,
}
PRETREATMENT_EU_CAPACITY = (300_000, "P234")  # split over EU regions by EU_PRETREATMENT_SPLIT
EU_PRETREATMENT_SPLIT = {"DE": 0.35, "FR": 0.15, "BE": 0.08, "PL": 0.12, "HU": 0.10, "ES": 0.05, "SE": 0.05,
                         "EU-other": 0.10}
HYDROMET = {  # t black mass per year: (capacity, throughput, owner), A-recycling
    "BE": (7_000, 5_000, "BE"), "DE": (3_000, 2_000, "DE"), "FI": (3_000, 2_000, "FI"), "KR": (0.0, 15_000, "KR"),
    "JP": (8_000, 5_000, "JP"), "US": (12_000, 6_000, "US"), "RoW": (0.0, 5_000, "RoW"),
}  # KR and RoW (capacity 0: from utilisation) also take the black mass that no named refiner treats
# China banned imports of black mass until 1 Aug 2025 (T136): its refiners treat only China's own black mass.
# The rest of the world's black mass goes to Korean refiners (T139: they rely on European black mass) and to
# refiners elsewhere in Asia, in this proportion (A-recycling).
BLACK_MASS_REST_SPLIT = {"KR": 0.6, "RoW": 0.4}
KR_HYDROMET_UTILISATION = 0.45  # T139: Korean recyclers run below 50% utilisation

# --------------------------------------------------------------------------- costs (USD per unit of activity)
# Conversion cost per unit of activity at Chinese cost level, with source (A-costs where none is published).
#   Lithium mines: Australian spodumene FOB costs of FY24 per t LCE: Mt Marion A$750 per t of SC6 (P988) x
#   6.740 t SC6 per t LCE, and Pilgangoora A$654 per t (P989) at 5.3 % Li2O (P990) x 7.630 t per t LCE;
#   the mean, A$5,022, x 0.6665 USD per AUD (P991). Every lithium mine takes it, brine included.
#   Graphite mines: mean of Syrah's Balama C1 costs, 464 (P985) and 565 USD/t (P986).
#   Manganese mines: GEMCO's 1.88 USD per dmtu (P987) x 100 dmtu per t Mn.
#   Packs: pack price less cell price in BNEF's 2023 survey: BEV packs 128 - 89 = 39 USD/kWh (P993) for EV
#   packs, LFP packs 130 - 95 = 35 (P994) for storage packs (all LFP); this is all a pack adds to its cells
#   (housing, electronics, assembly and margin), since the network holds no pack components.
SC6_T_PER_T_LCE = 1 / (0.06 * 73.89 / 29.88)  # t of 6 % Li2O concentrate per t LCE (molar masses)
CNY_USD = (7.1358, "P968")  # yuan per US dollar, central parity of 24 Jul 2024
AUD_USD = (0.6665, "P991")
LI_ORE_COST_AUD = (750.0 * SC6_T_PER_T_LCE + 654.0 / (0.053 * 73.89 / 29.88)) / 2
VARIABLE_COST: dict[str, tuple[float, str]] = {
    **{k: (v, "A-costs") for k, v in {
        "nickel_ore": 6_000, "nickel_intermediate": 3_000, "cobalt_ore": 18_000,
        "lithium_carbonate": 3_000, "lithium_hydroxide": 3_000, "nickel_sulphate": 3_500, "cobalt_refined": 4_000,
        "manganese_sulphate": 1_200, "anode_natural": 2_000, "anode_synthetic": 3_500, "pcam": 2_500, "cam_nmc": 4_000,
        "cam_lfp": 2_500, "electrolyte": 1_500, "separator": 150_000,
        "eol_batteries": 300, "black_mass": 600, "hydromet": 2_000,
    }.items()},
    "lithium_ore": (LI_ORE_COST_AUD * AUD_USD[0], "P988;P989;P990;P991"),
    "natural_graphite": ((464.0 + 565.0) / 2, "P985;P986"),
    "manganese_ore": (1.88 * 100, "P987"),
    # Cells: what SMM's cost model of a 280 Ah LFP cell puts outside materials (labour, depreciation,
    # plant overheads), 9 % of 0.34 CNY/Wh (P1001), / 7.1358 CNY per USD = 4.29 USD/kWh; NMC cells are
    # taken to cost the same per kWh to make (A-costs: no published split for them).
    "cell_lfp": (0.34 * 0.09 / CNY_USD[0] * 1e9, "P1001;P968"),
    "cell_nmc": (0.34 * 0.09 / CNY_USD[0] * 1e9, "P1001;P968;A-costs"),
    "cell_sib": (60e6, "P024;A-sodium-ion"),  # an LFP cell's price: no material of the network goes into it
    "pack_ev": ((128.0 - 89.0) * 1e6, "P993"),
    "pack_ess": ((130.0 - 95.0) * 1e6, "P994"),
}
COST_LEVEL = {"EU": (1.5, "P008"), "HIGH": (1.2, "A-costs")}  # EU +50%; other OECD +20%; mining not scaled
COST_LEVEL_US = "P992"  # the other OECD countries' level is the US's published one (IEA: cells +20 %)
HIGH_COST = {"US", "CA", "KR", "JP", "AU", "GB", "NO"}
# Commodity values in USD per unit, for pricing lost output and holding stock: 2024 prices where the
# figure set has one (direct, or D-values: converted to the network's unit), A-values elsewhere.
NISO4_T_PER_T_NI = 262.85 / 58.69  # t of nickel sulphate hexahydrate per t Ni (molar masses)
VALUE_DERIVED: dict[str, tuple[float, str, str]] = {  # commodity -> (USD per unit, method, inputs), D-values
    "lithium_ore": (
        870.0 * SC6_T_PER_T_LCE,
        "870 USD per t of SC6 (Albemarle's auction, Aug 2024) x 6.740 t of SC6 per t LCE",
        "P966",
    ),
    "lithium_carbonate": (90_000.0 / CNY_USD[0], "2024 average, 90,000 CNY/t / 7.1358 CNY per USD", "P967;P968"),
    "nickel_sulphate": (
        26_379.0 * NISO4_T_PER_T_NI / CNY_USD[0],
        "26,379 CNY per t of hexahydrate (27 Dec 2024) x 4.478 t per t Ni / 7.1358 CNY per USD",
        "P969;P968",
    ),
    "natural_graphite": (
        ((530.0 + 577.0) / 2 + (450.0 + 470.0) / 2) / 2,
        "mean of the midpoints of Fastmarkets' 4 Jan (530-577) and 31 Oct 2024 (450-470) assessments",
        "P972",
    ),
    "manganese_ore": (
        6.29 * 100,
        "Fastmarkets' 6.29 USD per dmtu (37 % Mn, CIF Tianjin, 28 May 2024, near the year's high) x 100 dmtu per t Mn",
        "P979",
    ),
    "manganese_sulphate": (
        6_172.0 * 169.01 / 54.94 / CNY_USD[0],
        "6,172 CNY per t of monohydrate (week to 27 Dec 2024) x 3.076 t per t Mn / 7.1358 CNY per USD",
        "P981;P968",
    ),
    "pcam": (
        ((63_900.0 + 66_100.0) / 2 + (79_500.0 + 81_500.0) / 2) / 2 / CNY_USD[0],
        "mean of the midpoints of SMM's 6-series (63,900-66,100) and 8-series (79,500-81,500 CNY/t) power-battery "
        "precursor prices of 7 Nov 2024 (the network's NMC averages 622 and 811) / 7.1358 CNY per USD",
        "P982;P983;P968",
    ),
    "cam_lfp": (
        (30_000.0 + 40_000.0) / 2 / CNY_USD[0],
        "midpoint of GGII's 2024 range, 30,000-40,000 CNY/t / 7.1358 CNY per USD",
        "P984;P968",
    ),
    "black_mass": (
        (0.69 + 0.75) / 2 * (0.15 * 16_335.0 + 0.05 * 25_678.91),
        "the midpoint of April 2024's payables, 69-75 % of contained nickel and cobalt value (P1003), on the "
        "lower end of traded NMC black mass's content, 15 % Ni and 5 % Co (P999), at the LME's July 2024 "
        "nickel average, 16,335 USD/t (P1004), and refined cobalt's import price (P971)",
        "P1003;P999;P1004;P971",
    ),
    "lithium_hydroxide": (
        90_000.0 / CNY_USD[0],
        "lithium carbonate's 2024 average per t LCE, 90,000 CNY/t / 7.1358 CNY per USD, for either salt",
        "P967;P968;A-lithium-salts",
    ),
}
VALUE = {  # USD per unit and source; the derived values are added from VALUE_DERIVED below
    "nickel_ore": (12_651, "P978"), "nickel_intermediate": (12_651, "P978"), "cobalt_ore": (12_625, "P970"),
    "cobalt_refined": (25_678.91, "P971"),
    "anode_natural": (3_500, "A-values"), "anode_synthetic": (4_500, "A-values"),
    "cam_nmc": (27_683, "P973"), "electrolyte": (3_000, "A-values"),
    "separator": (300_000, "A-values"), "cell_nmc": (75e6, "P025"), "cell_lfp": (60e6, "P024"),
    "cell_sib": (60e6, "A-values"),
    "pack_ev": (97e6, "P220"), "pack_ess": (70e6, "P214"), "eol_batteries": (1_000, "A-values"),
} | {cid: (v, "D-values") for cid, (v, _, _) in VALUE_DERIVED.items()}
# Freight (D-freight). An intercontinental lane costs the published rate of its mode per tonne x the
# tonnes shipped per unit of the commodity; a lane within a continent half of that (A-freight).
# Container: Drewry's World Container Index, 2024 average of its eight east-west lanes (P950) over
# the payload of a 40 ft container (P951): 3,966 / 26.73 = 148.4 USD per t.
CONTAINER_RATE = (3_966.0, "P950")  # USD per 40 ft container
CONTAINER_PAYLOAD = (26.73, "P951")  # t per 40 ft container
# Container within Asia: Drewry's Intra-Asia Container Index, end of October 2024 (P958), over the same
# payload: 573 / 26.73 = 21.4 USD per t.
INTRA_ASIA_CONTAINER_RATE = (573.0, "P958")  # USD per 40 ft container
# Bulk concentrate (spodumene): spot rate for 11,000 t parcels of concentrate to the Far East (P952).
CONCENTRATE_RATE = (50.0, "P952")  # USD per t of concentrate
# Cells by mass: cell-level specific energy, NMC 250 and LFP 160-180 (midpoint 170) Wh/kg (P953, P954).
CELL_WH_PER_KG = {"cell_nmc": (250.0, "P953"), "cell_lfp": (170.0, "P954")}
# Tonnes shipped per unit, by commodity, with the mode; molar-mass ratios need no source.
#   spodumene concentrate of 6 % Li2O: 0.06 x 73.89 / 29.88 = 0.1484 t LCE per t, so 6.740 t per t LCE;
#   lithium carbonate, 1 t per t LCE; hydroxide monohydrate 1 / 0.8805 = 1.136 t per t LCE (D-lioh-*);
#   nickel sulphate hexahydrate 262.85 / 58.69 = 4.478 t per t Ni;
#   manganese sulphate monohydrate 169.01 / 54.94 = 3.076 t per t Mn; the rest are counted in tonnes.
SHIPPED_T_PER_UNIT: dict[str, tuple[str, float]] = {
    "lithium_ore": ("bulk", 1 / (0.06 * 73.89 / 29.88)), "lithium_carbonate": ("container", 1.0),
    "lithium_hydroxide": ("container", 1 / 0.8805),
    "nickel_sulphate": ("container", 262.85 / 58.69), "manganese_sulphate": ("container", 169.01 / 54.94),
    "natural_graphite": ("container", 1.0), "anode_natural": ("container", 1.0),
    "anode_synthetic": ("container", 1.0), "pcam": ("container", 1.0), "cam_nmc": ("container", 1.0),
    "cam_lfp": ("container", 1.0), "electrolyte": ("container", 1.0), "eol_batteries": ("container", 1.0),
    "black_mass": ("container", 1.0),
}
# Shipped mass per unit that rests on a published grade: (mode, t per unit, what, source). Cobalt ore and
# intermediates travel as hydroxide of 30 % Co, the grade of Fastmarkets' payable indicator (P1058), in containers.
# Nickel intermediates travel as Indonesia's 2024 mix of MHP (326,135 t Ni, P1087) and high-grade matte (274,153 t Ni,
# P1088): MHP at the midpoints of Fastmarkets' specification, 37.5 % Ni in dry mass with 37.5 % moisture (P1093),
# 1 / (0.375 x 0.625) = 4.267 t shipped per t Ni; matte of 75 % Ni (P1094), 1.333 t per t Ni; 2.927 t per t Ni in all.
_MHP_T_PER_NI = 1 / (0.375 * (1 - 0.375))
_MATTE_T_PER_NI = 1 / 0.75
NI_INT_T_PER_NI = (NI_MHP_ID * _MHP_T_PER_NI + NI_MATTE_ID * _MATTE_T_PER_NI) / (NI_MHP_ID + NI_MATTE_ID)
SHIPPED_T_SOURCED: dict[str, tuple[str, float, str, str]] = {
    "cobalt_ore": ("container", 1 / 0.30, "t of hydroxide per t Co (30 % Co)", "P1058"),
    "nickel_intermediate": ("container", NI_INT_T_PER_NI,
                            "t of MHP (37.5 % Ni dry, 37.5 % moisture) and matte (75 % Ni) per t Ni, Indonesia's 2024 mix",
                            "P1093;P1094;P1087;P1088"),
}
# Freight per unit on an intercontinental lane where no rate per tonne and tonnes per unit give it: (USD per unit,
# source, what it is). Manganese ore pays the Port Elizabeth-China bulk rate of 1.05 USD per dmtu of 37 % ore (Feb
# 2021, P1059) x 100 dmtu per t Mn on every intercontinental lane. Refined cobalt (sulphate or metal) and separator
# film (per Mm2) rest on a mix or a mass the figure set does not give: A-freight.
_ASSUMED = "freight per unit on an intercontinental lane"
FREIGHT_PER_UNIT: dict[str, tuple[float, str, str]] = {
    "manganese_ore": (1.05 * 100, "P1059", "bulk freight Port Elizabeth-China per t Mn (1.05 USD per dmtu, Feb 2021)"),
    "cobalt_refined": (300.0, "A-freight", _ASSUMED),
    "separator": (20_000.0, "A-freight", _ASSUMED),
}
# Freight per unit published for a lane within Asia: (USD per unit, sources, what). Nickel ore goes in bulk from the
# Philippines to China at 12.5 USD per wet t (SMM, July 2025, P1097; no 2024 rate was found), as ore of 1.5 % Ni
# (P1095) with 35 % moisture (P1096): 102.6 wet t per t Ni. Every lane within Asia pays it; lanes elsewhere pay it
# over INTRA_CONTINENT_FREIGHT between continents and as it is within other continents (A-freight).
FREIGHT_WITHIN_ASIA: dict[str, tuple[float, str, str]] = {
    "nickel_ore": (12.5 / (0.015 * (1 - 0.35)), "P1097;P1095;P1096",
                   "bulk freight Philippines-China, 12.5 USD per wet t of ore of 1.5 % Ni and 35 % moisture"),
}
INTRA_CONTINENT_FREIGHT = 0.5  # share of the intercontinental cost within a continent (but containers in Asia), A-freight
# Within Europe goods go by road: the mean of five Q4 2024 contract rates per km of the European Road Freight
# Rate Benchmark (1.15, 1.42, 1.52, 1.14, 1.45 EUR/km, P1002) for a full truckload of 24 t (P965), over the
# road distance: the great-circle distance between two regions x the corridors' mean ratio of road km (the
# rate of the trip / its rate per km, P1002) to great-circle km between the cities (coordinates below).
ROAD_CORRIDORS = {  # (EUR per trip, EUR per km, (lat, lon) of the two cities), P1002
    "Madrid-Paris": (1_458.0, 1.15, (40.42, -3.70), (48.86, 2.35)),
    "Paris-Madrid": (1_803.0, 1.42, (48.86, 2.35), (40.42, -3.70)),
    "Warsaw-Duisburg": (1_646.0, 1.52, (52.23, 21.01), (51.43, 6.76)),
    "Duisburg-Warsaw": (1_235.0, 1.14, (51.43, 6.76), (52.23, 21.01)),
    "Duisburg-Vienna": (1_386.0, 1.45, (51.43, 6.76), (48.21, 16.37)),
}
ROAD_RATE_SOURCE = "P1002"
ROAD_PAYLOAD = (24.0, "P965")  # t per full truckload
# Lead time by pair of continents, in days: published transit times (D-freight), port to port by sea
# except within Europe, where goods go by road (a full truckload covers 550-1,300 km in two days).
TRANSIT_DAYS: dict[frozenset[str], tuple[float, str, str]] = {
    frozenset({"AS", "EU"}): (37.7, "P955", "port-to-port"),  # China to the Netherlands, scheduled, 2024 (Cape routing)
    frozenset({"AS", "NA"}): (17.0, "P956", "port-to-port"),  # China to the US West Coast, 16-18 days
    frozenset({"AS", "SA"}): (25.0, "P957", "port-to-port"),  # west coast of South America to China, direct service
    frozenset({"AS"}): (8.0, "P959", "port-to-port"),  # Shanghai to Jakarta (nickel's main lane within Asia)
    frozenset({"EU", "NA"}): (11.0, "P960", "port-to-port"),  # Hamburg to New York
    frozenset({"EU", "SA"}): (33.0, "P961", "port-to-port"),  # Buenos Aires to Barcelona
    frozenset({"AF", "AS"}): (35.0, "P962", "port-to-port"),  # Durban to Shanghai, eastbound
    frozenset({"AS", "OC"}): (12.5, "P963", "port-to-port"),  # Shanghai to Fremantle, direct, 12-13 days
    frozenset({"AF", "EU"}): (22.0, "P964", "port-to-port"),  # Rotterdam to Durban
    frozenset({"EU"}): (2.0, "P965", "road"),  # full truckload, 550-1,300 km
}
LEAD_TIME_ASSUMED = {True: 0.04, False: 0.12}  # years, within / between the other continents, A-freight
_T = "A-ttr"
# Published outages of single plants, in months from the stop to the first restart, partial or full (public
# figures P1043-P1057, each with its dates). A plant still shut counts with its time so far (P1048), a restart
# known only as "at most" with that bound (P1051, P1052). Left out: outages whose first restart has no date (the
# fire at Nornickel's Kola cobalt plant, the processing fire at Wodgina) and idlings for prices (Mutanda).
OUTAGE_MONTHS: dict[str, dict[str, float]] = {
    "mines": {"P1043": 14.1, "P1044": 8.8, "P1045": 7.0, "P1046": 2.6, "P1047": 3.3, "P1048": 10.4, "P1049": 0.66},
    "refineries and material plants": {
        "P1050": 0.1, "P1051": 0.5, "P1052": 0.85, "P1053": 1.2, "P1054": 11.9, "P1055": 2.0, "P1056": 2.6,
        "P1057": 13.5,
    },
}


def _median_outage(group: str) -> tuple[float, str]:
    """The median published outage of a group of plants, in years, with the ids of the outages (D-ttr)."""
    months = OUTAGE_MONTHS[group]
    return statistics.median(months.values()) / 12.0, ";".join(months)


# Time to recover: mines, refineries and material plants the median of their published outages (D-ttr: 7.0 and 1.6
# months); cells, packs and recycling assumed (A-ttr), like every ramp-up.
TTR: dict[str, tuple[tuple[float, str], tuple[float, str]]] = {  # ((ttr, source), (ramp_up, source)) in years
    "mining": (_median_outage("mines"), (0.5, _T)),
    "refining": (_median_outage("refineries and material plants"), (0.25, _T)),
    "material": (_median_outage("refineries and material plants"), (0.25, _T)),
    "cell": ((0.25, _T), (0.5, _T)), "pack": ((0.1, _T), (0.1, _T)), "recycling": ((0.1, _T), (0.1, _T)),
}

# --------------------------------------------------------------------------- expansions
# (id, name, region, kind, max size, capex USD per unit/yr, capex source, owner, technology, lead time)
# kind names the recipe: a commodity made, or cell_nmc / cell_lfp, or hydromet / pretreatment.
EXPANSIONS: list[tuple[str, str, str, str, float, float, str, str, str, float]] = []
for reg in ("DE", "FR", "ES", "HU", "PL", "SE"):
    EXPANSIONS += [
        (f"{reg.lower()}-cells-nmc-eu", f"New NMC cell plant, European technology ({reg})", reg, "cell_nmc", 40.0,
         33e9 * EUR_USD / 200, "D-capex-eu-cells", reg, reg, 3),
        (f"{reg.lower()}-cells-lfp-cn", f"New LFP cell plant, Chinese technology ({reg})", reg, "cell_lfp", 60.0,
         7.3e9 * EUR_USD / 100, "D-capex-catl", "CN", "CN", 2),
        (f"{reg.lower()}-cells-nmc-kr", f"New NMC cell plant, Korean technology ({reg})", reg, "cell_nmc", 40.0, 1.2e8,
         "A-capex", "KR", "KR", 2),
    ]
# Investment per GWh/yr of a new cell plant in the US (D-capex-us): the median of four announced US plants' investment
# over their capacity, USD m per GWh/yr: LGES Queen Creek EV 3,200 / 27 = 118.5 (P1116) and storage 2,300 / 16 =
# 143.8 (P1117), Panasonic De Soto 4,000 / 30 = 133.3 (P1118), Ultium Lansing 2,600 / 50 = 52.0 (P1119): 125.9.
# In China (D-capex-cn) half of that: building battery plants in the US and Europe costs 70-130 % more than in
# China (IEA, P225), whose midpoint is +100 %.
US_CELL_PLANTS = {"P1116": (3200e6, 27.0), "P1117": (2300e6, 16.0), "P1118": (4000e6, 30.0), "P1119": (2600e6, 50.0)}
US_CELL_CAPEX = statistics.median(usd / gwh for usd, gwh in US_CELL_PLANTS.values())
CN_CELL_CAPEX = US_CELL_CAPEX / 2.0
EXPANSIONS += [
    ("us-cells-nmc-new", "New NMC cell plant (US)", "US", "cell_nmc", 100.0, US_CELL_CAPEX, "D-capex-us", "US", "US", 2),
    ("us-cells-lfp-new", "New LFP cell plant (US)", "US", "cell_lfp", 100.0, US_CELL_CAPEX, "D-capex-us", "US", "US", 2),
    ("cn-cells-lfp-new", "New LFP cell plant (China)", "CN", "cell_lfp", 500.0, CN_CELL_CAPEX, "D-capex-cn", "CN", "CN", 1),
    ("ma-cam_lfp-cn", "New LFP cathode plant, Chinese-owned (Morocco)", "MA", "cam_lfp", 100_000.0, 10_000.0,
     "A-capex", "CN", "CN", 2),
    ("ma-pcam-cn", "New precursor plant, Chinese-owned (Morocco)", "MA", "pcam", 60_000.0, 8_000.0, "A-capex", "CN", "CN", 2),
    ("de-cam_nmc-eu", "New NMC cathode plant, European technology (DE)", "DE", "cam_nmc", 60_000.0,
     800e6 * EUR_USD / 60_000 * 1.3, "D-capex-cam", "DE", "DE", 3),
    ("pl-cam_nmc-eu", "New NMC cathode plant, European technology (PL)", "PL", "cam_nmc", 60_000.0,
     800e6 * EUR_USD / 60_000 * 1.3, "D-capex-cam", "BE", "BE", 3),
    ("es-cam_lfp-cn", "New LFP cathode plant, Chinese technology (ES)", "ES", "cam_lfp", 100_000.0, 10_000.0, "A-capex",
     "CN", "CN", 2),
    ("hu-cam_lfp-cn", "New LFP cathode plant, Chinese technology (HU)", "HU", "cam_lfp", 100_000.0, 10_000.0, "A-capex",
     "CN", "CN", 2),
    ("fi-pcam-eu", "New precursor plant (Hamina or Kokkola, FI)", "FI", "pcam", 60_000.0, 8_000.0 * 1.5, "A-capex",
     "FI", "FI", 3),
    ("us-cam_nmc-new", "New NMC cathode plant (US)", "US", "cam_nmc", 60_000.0, 800e6 * EUR_USD / 60_000 * 1.2,
     "D-capex-cam", "US", "KR", 3),
    ("de-lithium_hydroxide-new", "New lithium hydroxide refinery (DE)", "DE", "lithium_hydroxide", 40_000.0, 25_000.0, "A-capex",
     "DE", "DE", 3),
    ("fi-lithium_hydroxide-new", "New lithium hydroxide refinery (Kokkola, FI)", "FI", "lithium_hydroxide", 15_000.0, 25_000.0,
     "A-capex", "FI", "FI", 2),
    ("us-lithium_hydroxide-new", "New lithium hydroxide refinery (US)", "US", "lithium_hydroxide", 50_000.0, 22_000.0, "A-capex", "US", "US", 3),
    ("au-lithium_hydroxide-new", "New lithium hydroxide refinery (AU)", "AU", "lithium_hydroxide", 50_000.0, 20_000.0, "A-capex",
     "AU", "AU", 3),
    ("pt-lithium_ore-new", "New spodumene mine (Barroso, PT)", "PT", "lithium_ore", 30_000.0, 15_000.0, "A-capex", "PT",
     "PT", 5),
    ("de-lithium_ore-geo", "Geothermal lithium extraction (Upper Rhine, DE)", "DE", "lithium_ore", 20_000.0, 30_000.0,
     "A-capex", "DE", "DE", 5),
    ("fi-lithium_ore-new", "New spodumene mine (Keliber, FI)", "FI", "lithium_ore", 15_000.0, 15_000.0, "A-capex", "FI",
     "FI", 3),
    ("ca-lithium_ore-new", "New spodumene mines (CA)", "CA", "lithium_ore", 100_000.0, 12_000.0, "A-capex", "CA", "CA", 5),
    ("fi-nickel_sulphate-new", "Nickel sulphate expansion (FI)", "FI", "nickel_sulphate", 30_000.0, 20_000.0, "A-capex",
     "FI", "FI", 3),
    ("id-nickel_sulphate-cn", "New HPAL and sulphate plant, Chinese-owned (ID)", "ID", "nickel_sulphate", 100_000.0,
     15_000.0, "A-capex", "CN", "CN", 2),
    ("eu-other-manganese_sulphate-new", "High-purity manganese sulphate plant (Czechia)", "EU-other",
     "manganese_sulphate", 50_000.0, 6_000.0, "A-capex", "EU-other", "EU-other", 3),
    ("se-anode_natural-new", "Natural graphite anode plant (Luleå, SE)", "SE", "anode_natural", 20_000.0, 12_000.0,
     "A-capex", "SE", "SE", 3),
    ("se-natural_graphite-new", "Natural graphite mine (Vittangi, SE)", "SE", "natural_graphite", 40_000.0, 3_000.0,
     "A-capex", "SE", "SE", 5),
    ("no-anode_synthetic-new", "Synthetic graphite anode plant (NO)", "NO", "anode_synthetic", 30_000.0, 12_000.0,
     "A-capex", "NO", "NO", 3),
    ("mz-natural_graphite-new", "Natural graphite mine expansion (MZ)", "MZ", "natural_graphite", 100_000.0, 2_000.0,
     "A-capex", "AU", "AU", 3),
    ("de-hydromet-new", "Hydrometallurgical black-mass refinery (DE)", "DE", "hydromet", 30_000.0, 3_000.0, "A-capex",
     "DE", "DE", 2),
    ("fr-hydromet-new", "Hydrometallurgical black-mass refinery (FR)", "FR", "hydromet", 30_000.0, 3_000.0, "A-capex",
     "FR", "FR", 2),
    ("es-hydromet-new", "Hydrometallurgical black-mass refinery (ES)", "ES", "hydromet", 20_000.0, 3_000.0, "A-capex",
     "ES", "ES", 2),
    ("no-hydromet-new", "Hydrometallurgical black-mass refinery (NO)", "NO", "hydromet", 20_000.0, 3_000.0, "A-capex",
     "NO", "NO", 2),
    ("de-pretreatment-new", "Battery shredding to black mass (DE)", "DE", "pretreatment", 50_000.0, 500.0, "A-capex",
     "DE", "DE", 1),
    ("pl-electrolyte-kr", "Electrolyte plant, Korean technology (PL)", "PL", "electrolyte", 100_000.0, 70e6 / 80_000, "P998",
     "KR", "KR", 2),
    ("hu-separator-cn", "Separator plant, Chinese technology (HU)", "HU", "separator", 2_000.0, 270e6 / 350, "P997", "CN",
     "CN", 2),
    ("fi-cobalt_refined-new", "Cobalt refinery expansion (Kokkola, FI)", "FI", "cobalt_refined", 10_000.0, 20_000.0,
     "A-capex", "BE", "BE", 2),
]
# Growth of supply outside the EU27 to 2030 (growth.py, A-growth-options): one option per region and kind of
# process it runs in 2024, of size 2024 capacity x (growth to 2030 - 1). Growth to 2030 by kind, with its source:
# a published 2030 outlook where one bounds the stage, else the growth of battery demand (EV and storage).
BATTERY_GROWTH_2030 = (3000.0 + 400.0) / (950.0 + 205.0)  # D-growth-bound: P016, P243 over P011, P022 = 2.94
GROWTH_2030: dict[str, tuple[float, str]] = {
    "lithium_ore": (1 + 1.46, "P901"), "lithium_carbonate": (1 + 1.46, "P901"), "lithium_hydroxide": (1 + 1.46, "P901"),  # lithium demand +146 %, IEA base case
    "cobalt_ore": (1 + 0.75, "P902"), "cobalt_refined": (1 + 0.75, "P902"),  # graphite and cobalt +50-75 %: upper end
    "natural_graphite": (1 + 0.75, "P902"),
    "pcam": (1 + 1.78, "P903"), "cam_nmc": (1 + 1.78, "P903"), "cam_lfp": (1 + 1.78, "P903"),  # CAM capacity +178 %
    **{k: (BATTERY_GROWTH_2030, "D-growth-bound") for k in (
        "nickel_ore", "manganese_ore", "nickel_intermediate", "nickel_sulphate", "manganese_sulphate", "anode_natural",
        "anode_synthetic",
        "electrolyte", "separator", "cell_nmc", "cell_lfp", "pretreatment", "hydromet")},
}
# Investment per unit of yearly capacity at Chinese cost level (x build.cost_level for the region), with source:
# the figures of the expansion options above where they exist (A-capex, D-capex-...), else A-capex-growth.
GROWTH_CAPEX: dict[str, tuple[float, str]] = {
    "lithium_ore": (12_000.0, "A-capex"), "nickel_ore": (5_000.0, "A-capex-growth"),
    "cobalt_ore": (30_000.0, "A-capex-growth"), "manganese_ore": (250.0, "A-capex-growth"),
    "natural_graphite": (2_000.0, "A-capex"), "lithium_carbonate": (20_000.0, "A-capex"),
    "lithium_hydroxide": (20_000.0, "A-capex"),
    "nickel_intermediate": (15_000.0, "A-capex-growth"), "nickel_sulphate": (15_000.0, "A-capex"),
    "cobalt_refined": (20_000.0, "A-capex"),
    "manganese_sulphate": (6_000.0, "A-capex"), "pcam": (8_000.0, "A-capex"),
    "cam_nmc": (800e6 * EUR_USD / 60_000 / 2.0, "D-capex-cam-cn"), "cam_lfp": (10_000.0, "A-capex"),
    "anode_natural": (12_000.0, "A-capex"), "anode_synthetic": (12_000.0, "A-capex"),
    "electrolyte": (70e6 / 80_000, "P998"), "separator": (270e6 / 350, "P997"),
    "cell_nmc": (CN_CELL_CAPEX, "D-capex-cn"), "cell_lfp": (CN_CELL_CAPEX, "D-capex-cn"),
    "pretreatment": (500.0, "A-capex"), "hydromet": (3_000.0, "A-capex"),
}
PACK_CAPEX = (10e6, "A-capex-growth")  # USD per GWh/yr of pack assembly, Chinese cost level
PACK_YEAR = 2030  # A-packs: pack growth options reach the demand of this year
# ((lead time, source), (lifetime, source)) in years by stage; Chinese cell lines separately. Published
# where the figure set has a plant's record: a spodumene mine built in about two years (Mt Marion, P974)
# with a 20-year life (Greenbushes, P975); a gigafactory opened two years after ground was broken
# (Nevada, P976); a lithium refinery's 20-year initial life in its feasibility study (P977); cathode and anode
# plants the median of the lives of three plants' feasibility studies (D-material-life: an LFP cathode plant 13
# years, P1098; two anode plants 26 and 35 years, P1099, P1100) and of five plants' build times (D-material-lead,
# below); a recycling plant's 10-year life (P1101). The rest
# are A-growth-options, among them electrolyte and separator plants, for which no plant's life was found.
_G = "A-growth-options"
MATERIAL_LIVES = {"P1098": 13.0, "P1099": 26.0, "P1100": 35.0}  # years, D-material-life
MATERIAL_LIFE = (statistics.median(MATERIAL_LIVES.values()), "D-material-life")
# Build time of anode, precursor and cathode plants: the median of five plants' published build times, 10 months
# (D-material-lead): anode plants of Chenyu-Fuji 9 (P1102), BTR Indonesia 10 (P1103) and POSCO Sejong 17 (P1105),
# CNGR's iron phosphate line 8.8 (P1104), Umicore's Nysa cathode plant 28 (P1106).
MATERIAL_BUILD_MONTHS = {"P1102": 9.0, "P1103": 10.0, "P1104": 8.8, "P1105": 17.0, "P1106": 28.0}
MATERIAL_LEAD = (statistics.median(MATERIAL_BUILD_MONTHS.values()) / 12.0, "D-material-lead")
TIME_DERIVED = {
    "D-material-life": ("median of the lives in three plants' feasibility studies", ";".join(MATERIAL_LIVES)),
    "D-material-lead": ("median of five plants' published build times / 12", ";".join(MATERIAL_BUILD_MONTHS)),
}
GROWTH_LEAD_LIFE: dict[str, tuple[tuple[float, str], tuple[float, str]]] = {
    "mining": ((2.0, "P974"), (20.0, "P975")), "refining": ((1.0, _G), (20.0, "P977")),
    "material": (MATERIAL_LEAD, MATERIAL_LIFE), "cam_lfp": ((1.0, "P996"), MATERIAL_LIFE),
    "electrolyte": ((1.0, _G), (20.0, _G)), "separator": ((1.0, _G), (20.0, _G)),
    "cell": ((2.0, "P976"), (15.0, _G)), "cell_cn": ((1.0, "P995"), (15.0, _G)),
    "recycling": ((1.0, _G), (10.0, "P1101")), "pack": ((1.0, "A-packs"), (15.0, "A-packs")),
}

# Named cathode plants under construction in 2024 (process of capacity 0 plus an expansion option).
PIPELINE_MATERIALS = [
    # id, name, region, commodity, planned capacity t/yr, owner, technology, capacity source, capex, capex source, lead
    ("fi-easpring-fmg-kotka", "Easpring-Finnish Minerals Group cathode plant, Kotka", "FI", "cam_nmc", 60_000.0, "CN", "CN",
     "W021", 800e6 * EUR_USD / 60_000, "D-capex-cam", 2),
    ("fr-xtc-orano-dunkirk", "XTC-Orano cathode and precursor joint venture, Dunkirk", "FR", "cam_nmc", 40_000.0, "CN", "CN",
     "W022", 800e6 * EUR_USD / 60_000, "D-capex-cam", 3),
]

# --------------------------------------------------------------------------- trade drivers (D-trade)
TRADE_DECAY = 1.0  # exponent of distance in the gravity prior, A-trade-drivers
HOME_BIAS = 10.0  # weight of supplying oneself against a foreign lane at the same distance, A-trade-drivers
# Waste batteries are shipped across borders only with prior consent (Basel Convention): shredded at home.
HOME_BIAS_BY_COMMODITY = {"eol_batteries": 100.0}
OWNERSHIP_WEIGHT = 4.0  # extra weight of a lane between plants of the same owner, A-trade-drivers
TRADE_MIN_SHARE = 0.03  # lanes below 3% of the importer's imports are dropped, A-trade-drivers
# Tariffs in the prior: a lane's weight x (1 + tariff) ** -5, the trade-cost elasticity of gravity equations
# (Head and Mayer's preferred estimate, P1018); the rates are the tariff rows of inputs/trade_rules.csv.
TRADE_ELASTICITY = (5.0, "P1018")
# Initial stocks: days of annual use held at each hub, by stage (A-stocks).
# D-holding: cost of holding stock above a hub's working level, a share of the commodity's value a
# year: carrying costs of 20-30 % a year (P904) less their capital part of 8-15 % (P904), which the
# optimiser's discounting already charges: 20 - 10 = 10 %.
HOLDING_RATE = 0.10
# Published stocks take the place of days of cover at their hub, in its unit: China's lithium carbonate held by
# smelters, cathode makers, traders and others on 31 May 2024 (SMM, P1071), and its lithium hydroxide at the end of
# May 2024 taken as monohydrate, 34,400 t x 0.8805 t LCE per t (SMM, P1072). One date's level each, taken for the
# stock the year starts with. (stock, its sources, how it was derived or "" when it is the figure itself)
PUBLISHED_STOCKS: dict[tuple[str, str], tuple[float, str, str]] = {
    ("CN", "lithium_carbonate"): (92_646.0, "P1071", ""),
    ("CN", "lithium_hydroxide"): (34_400.0 * LIOH_TO_LCE, "P1072", "t of monohydrate x 0.8805 t LCE per t"),
}
STOCK_DAYS = {"mining": 30.0, "intermediate": 30.0, "refining": 45.0, "black mass": 30.0, "precursor": 30.0, "active material": 30.0,
              "component": 30.0, "cell": 45.0, "pack": 15.0, "end-of-life": 0.0}
