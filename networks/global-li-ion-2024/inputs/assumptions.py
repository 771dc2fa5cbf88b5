"""Assumption and derivation sources of the global-li-ion-2024 network.

Each entry becomes a row of the network's ``sources.csv``. Assumptions (``A-``) have confidence
"assumption"; derivations (``D-``) carry the confidence of their weakest input and name the
figures they are computed from.
"""

from __future__ import annotations

# id -> (title, note)
ASSUMPTIONS: dict[str, tuple[str, str]] = {
    "A-demand-split": (
        "Split of battery demand among regions not given by the sources",
        "EV demand outside CN, EU27 and US (15% of the world) is split GB 3.5%, KR 2.5%, RoW 2.5%, CA 2%, NO, JP,"
        " IN, AU 1% each, BR 0.5%; EU27 EV demand is split among member-state regions roughly by 2024 EV sales "
        "(DE 30%, FR 17%, BE 7%, SE 6%, ES 5%, others smaller, EU-other 27.5%); stationary storage (205 GWh, "
        "P022) is split CN 60%, US 20%, EU27 7%, RoW 4%, AU 3%, GB and JP 2%, KR and IN 1%.",
    ),
    "A-chemistry": (
        "Share of LFP cells in EV packs by region",
        "CN 65%, IN and BR 50%, RoW 40%, AU 30%, US and CA 20%, EU27, GB and NO 15%, KR 10%, JP 5%; stationary "
        "storage is all LFP. With these, LFP is 46% of EV battery demand, consistent with P023 (>45%). China's "
        "cell output is split between NMC and LFP so that world cell supply of each chemistry equals demand.",
    ),
    "A-lost-value": (
        "Value of lost final demand",
        "Three times the pack price (P220, P214) per GWh not delivered.",
    ),
    "A-eu-cells": (
        "Capacity and 2024 output of operating European cell plants",
        "Capacities of the plants with no sourced figure, chosen so that EU27 cell capacity is about 7% of 3,000 GWh"
        " (P089 and P002; S046 gives >200 GWh): Samsung SDI Göd 30, SK On Hungary 30, other German plants 21 GWh;"
        " with LG Wrocław 90 (W001), CATL Arnstadt 14 (D-arnstadt), ACC 13.4 (W004) and Northvolt Ett 1 GWh in "
        "operation (D-northvolt-2024) the EU has 199.4 GWh. 2024 output, 80 GWh in all, is an estimate below the "
        "110 GWh of "
        "2023 (T036) after the 58% drop in Polish deliveries in H1 2024 (S122), split as in 2023: Poland 47 GWh "
        "(59%; T034: about 60%), Hungary 23 GWh (29%; T035: almost 30%: Samsung SDI 12.5, SK On 10.5), so that "
        "Korean-owned plants make 87.5% (T034 + T035: about 90%); CATL Arnstadt 6, other German plants 1.5, ACC "
        "1.5, Northvolt 1 GWh.",
    ),
    "A-cells": (
        "Cell capacity and output outside China and the EU",
        "The 4% of world capacity outside CN, EU27 and US (P090 gives the US 6% = 180 GWh) is split KR 40, JP 45,"
        " RoW 27, IN 5, GB 2, NO 1 GWh; US capacity is split by owner (Korean 80, US 30 NMC, 30 LFP GWh, beside "
        "Panasonic's Nevada plant, 41 GWh, which cites its own capacity and output, P1067). Output assumes low "
        "utilisation outside China (about a third to two thirds). China makes the rest of the 1,155 GWh "
        "demanded, 920.9 GWh, and its 2024 stock build (D-cn-cell-stock): 1,086 GWh of 1,320.1 GWh, 82% of world "
        "output, consistent with P003 (>75%).",
    ),
    "A-pipeline": (
        "Planned capacity of European plants under construction in 2024",
        "Their planned sizes are sourced in projects.csv: CATL-Stellantis Zaragoza 50 GWh (W005), Gotion-InoBat "
        "Šurany 20 GWh (W006), CALB Sines 15 GWh (W008), Verkor Dunkirk 16 GWh (W012); Easpring-FMG Kotka 60 kt/yr"
        " (W021) and XTC-Orano 40 kt/yr (W022) of cathode material. These plants produced nothing in 2024: they "
        "appear as "
        "processes of capacity 0 (for their owner and technology) and as expansion options with the planned size.",
    ),
    "A-cn-cell-stock": (
        "China's 2024 cell stock build is LFP and does not recur",
        "The cells China made in 2024 beyond what the network's EV and storage packs use (D-cn-cell-stock) are "
        "counted as LFP cells: GGII counts more than 900 GWh of LFP cells among China's 1,175 GWh shipped in 2024,"
        " more than the network's Chinese LFP output even with the stock build, while the network's Chinese NMC "
        "output (318 GWh) is already above the 220 GWh or so of ternary power cells in GGII's figures. Stock built "
        "in one year is drawn in later ones, not built again: the row's growth is -100 % a year, so it counts in "
        "2024 only (studies of later years do not carry it).",
    ),
    "A-yields": (
        "Conversion yields",
        "One GWh of cells per GWh of pack. Ore (in content units) per unit refined: nickel 1.05 (of intermediates "
        "per t of sulphate; the intermediates carry their ore's nickel one for one, their losses counted in the "
        "sulphate's 1.05), cobalt 1.02, manganese 1.10. Two yields cite published figures in the derivations "
        "table instead: lithium 1 / 0.91 = "
        "1.099 t LCE of ore per t LCE refined (the recovery of China's spodumene converters, P1041), and 2.0 t of "
        "natural flake per t of spherical natural anode material (the 50 % yield of Renascor's anode material "
        "study, P1042).",
    ),
    "A-recycling": (
        "Recycling volumes and recoveries",
        "End-of-life batteries collected in 2024 by region (CN 250 kt, US 40 kt, EU27 50 kt, RoW 30 kt, KR 20 kt,"
        " ...); 0.389 t black mass per t shredded (Li-Cycle's hub: 35,000 t for about 90,000 t of batteries, P1109); "
        "refiners outside the EU recover per t black mass what the EU "
        "requires of its own by 2027 (0.080 t LCE, 0.135 t Ni, 0.045 t Co: figures.py, P999, P1000); "
        "hydrometallurgical capacity and throughput outside China (BE 7/5, DE 3/2, FI 3/2, JP 8/5, US 12/6 kt; "
        "KR 15 and RoW 5 kt plus the black mass no named refiner treats, 60% to Korea (T139: Korean recyclers "
        "rely on European black mass) and 40% to refiners elsewhere in Asia; Korean capacity at 45% utilisation,"
        " T139: below 50%). China's refiners treat only China's black mass, because China banned its import until "
        "1 Aug 2025 (T136); their capacity share stays above 70% (P238). Shredding happens where batteries are "
        "collected; production scrap where nothing is collected is shredded in RoW.",
    ),
    "A-mines": (
        "Mine output not in the project's figure set",
        "Nickel: Finland 30 kt Ni; cobalt: Morocco 2 kt Co. The USGS Mineral Commodity Summaries (2026 edition, "
        "2024 column: P1020-P1036 for lithium, nickel and manganese) count these countries among 'other "
        "countries', not by name.",
    ),
    "A-refining": (
        "Refining outside China not given in the sources",
        "Lithium: Australia 10 kt LCE, RoW the remainder after China (70%, P040), Chile and Argentina (which "
        "convert their own brine). Cobalt: Finland 15 kt (Umicore Kokkola), Norway 4, Japan 4, Canada 3, DR Congo"
        " 8 kt Co, RoW the rest after China's 80% (P081).",
    ),
    "A-shares": (
        "Country shares of midstream production not given by the sources",
        "Nickel sulphate: CN 59%, ID 15% (Chinese-owned, cf. P071), FI 10% (Terrafame, fed by its own mine), JP "
        "8%, KR 4%, AU 2%, RoW 2%. Manganese sulphate RoW 5%. Natural-graphite anode: KR 1%, JP and IN 0.5% each;"
        " synthetic anode: JP 0.8%, KR 0.4%, US 0.3%, IN 0.2%, NO 0.1%, RoW 0.2% (China 98% in all, P088). NMC "
        "cathode: KR 13%, JP 6%, US 1%, Umicore Nysa (PL) 10 kt, RoW the rest after China; LFP cathode: CN 99%. "
        "Precursor: CN 85%, KR 9%, JP 4%, FI 1.2%, RoW 0.8%. Electrolyte and separator outside China: KR, JP, PL,"
        " US and RoW a few percent each.",
    ),
    "A-eu-materials": (
        "European material plants in operation",
        "Umicore Nysa (PL) NMC cathode: 20 kt/yr capacity, 10 kt in 2024; precursor at Kokkola (FI, Umicore) and "
        "the Polish electrolyte and separator plants (Korean-owned) take the shares in A-shares.",
    ),
    "A-ownership": (
        "Owners of aggregates",
        "60% of DR Congo's cobalt output comes from Chinese-owned mines, the rest is recorded as Swiss-owned (the"
        " largest non-Chinese operator); Indonesian nickel intermediates, nickel sulphate and cobalt and DR "
        "Congo's cobalt refining are"
        " Chinese-owned (cf. P071: Chinese firms run most Indonesian refining); Kokkola cobalt and precursor and "
        "Nysa cathode are Belgian-owned (Umicore); Norwegian cobalt refining is Swiss-owned; the CATL-Stellantis "
        "joint venture (50/50) is recorded as Chinese-owned because CATL supplies the technology; Envision AESC "
        "plants are Chinese-owned and recorded with Chinese technology (AESC's research roots are Japanese). "
        "Other aggregates are owned in their region.",
    ),
    "A-utilisation": (
        "Utilisation used to turn output into capacity",
        "Mining 90%, refining 75%, anode 55%, precursor 60%, cathode 60% (China's NMC plants; China's LFP"
        " capacity is SMM's 4.7 Mt, P330, and capacity outside China follows from P092, D-cam-capacity), "
        "electrolyte and separator 60%, pack assembly 80%, shredding 35% (European shredding capacity is "
        "300 kt/yr, P234), hydrometallurgy 55%.",
    ),
    "A-costs": (
        "Variable costs",
        "Conversion cost per unit of activity at Chinese cost levels (USD) where none is published: per t LCE "
        "refining 3,000; per t Ni mining 6,000, intermediates (HPAL, matte) 3,000, together the 9,000 that mining "
        "and intermediates cost as one commodity before, refining 3,500; per t Co 18,000 / 4,000; per t Mn "
        "refining 1,200; "
        "per t anode 2,000 (natural), 3,500 (synthetic); precursor 2,500; NMC cathode 4,000; LFP cathode 2,500; "
        "electrolyte 1,500; separator 0.15 USD/m2; collection 300, shredding 600, hydrometallurgy 2,000 USD/t. "
        "Lithium, graphite and manganese mines, LFP cell lines and pack lines cite published costs (figures.py: "
        "P985-P994, P1001); NMC cell lines are taken to cost what LFP lines do per kWh, for want of a split. "
        "EU27 costs are 50% higher (P008); other OECD costs 20% higher, the figure the IEA gives for US cells at "
        "equal material costs (P992), taken for the other OECD countries and for every stage; mining costs are "
        "not scaled by region.",
    ),
    "A-values": (
        "Commodity values",
        "Round 2024 market prices in USD per unit where the figure set has no dated 2024 price from a price "
        "reporter (anode materials 3,500 natural and 4,500 synthetic per t, electrolyte 3,000 per t, separator "
        "300,000 per Mm2, end-of-life batteries 1,000 per t; sodium-ion cells at an LFP cell's 60 USD/kWh, P024); "
        "they value lost output and "
        "held stock. The prices found for these were a producer's list, an unattributed summary, and undated "
        "or 2025 quotes, so none was used; no price per t of end-of-life batteries was found.",
    ),
    "A-freight": (
        "Transport costs and lead times where no published rate or transit time is used",
        "Lanes within a continent other than Asia (containers) and Europe (road, P1002) cost half of the "
        "intercontinental freight (no published rail or truck rate of the Americas or Africa is in the figure "
        "set). Freight per unit on an intercontinental lane for the commodities "
        "whose shipped mass per unit rests on an unpublished mix or mass: "
        "refined cobalt (sulphate or metal) 300 USD/t Co, separator film 20,000 USD/Mm2 (cobalt hydroxide, "
        "nickel intermediates, nickel ore and manganese ore cite a published grade and rate instead, D-freight). "
        "Nickel ore pays the published Philippines-China rate (D-freight) on lanes within any continent, and twice"
        " it between continents (the inverse of the half above). Lead time 0.04 year within a "
        "continent and 0.12 year between continents where no published transit time is used (within North "
        "America, South America, Africa; Europe-Oceania, Africa-North and South America, North America-Oceania "
        "and -South America, Oceania-South America; D-freight has the rest). Tariffs are D-tariffs'.",
    ),
    "A-sodium-ion": (
        "Sodium-ion cells",
        "China's sodium-ion cell plants (D-sib-cn) make nothing in the baseline: their 2024 output went to two- "
        "and three-wheelers and pilots, which the network does not hold, and no 2024 output figure was found "
        "(Benchmark's 11 GWh of sodium-ion production is quoted only on a page that does not say for which "
        "year). All 5.5 GWh are therefore spare: an upper bound of what they could give storage packs. "
        "Storage packs in China may take them for LFP cells (chemistry_switching, up to the whole activity "
        "over 6 months, as NMC cells, and asked before NMC cells); elsewhere there is no sodium-ion hub and no"
        " lane carries them. None of their materials (sodium salts, hard carbon, layered-oxide or Prussian-white"
        " cathodes, sodium electrolyte) is in the network, so a GWh costs what an LFP cell sells for (P024, 60 "
        "USD/kWh), not a conversion cost, and a plan does not turn to them for free; their value is an LFP "
        "cell's (A-values).",
    ),
    "A-ttr": (
        "Recovery and ramp-up times",
        "Time to recover of cell plants 0.25 years, of pack lines and recycling 0.1 years (mines, refineries and "
        "material plants: D-ttr); ramp-up of spare capacity: mines 0.5, refineries and material plants 0.25, cell "
        "plants 0.5, pack lines and recycling 0.1 years. The recovery times stand for an event that damages a "
        "plant. The published outages of cell plants found (Murata Koriyama 2 days, EVE Energy at most a week, "
        "CATL Yibin in Sichuan's 2022 power cuts about 10-15 days, Leclanché Willstätt about 2 months) are four, "
        "mostly minor, while the worst (Northvolt Ett's explosion, Aricell's fire) have no date of restart; those of "
        "pack and vehicle lines and recyclers (half a day to more than 3.5 months) are as few and partly still "
        "open. Too few to set a stage's figure, so these stay assumed. No published figure for how fast a plant "
        "brings spare capacity online was found.",
    ),
    "A-capex": (
        "Investment cost of expansion options without a sourced figure",
        "Round figures per unit of yearly capacity: Korean-technology cell plant in Europe 120 USD m/GWh; LFP "
        "cathode 10,000 and precursor 8,000 USD per t/yr (Chinese technology; 1.5x in Finland); lithium refining "
        "20,000-25,000 USD per t LCE/yr; spodumene mines 12,000-15,000 and geothermal lithium 30,000 USD per t "
        "LCE/yr; nickel sulphate 15,000-20,000 USD per t Ni/yr; manganese sulphate 6,000 USD per t Mn/yr; anode "
        "plants 12,000 USD per t/yr; graphite mines 2,000-3,000 USD per t/yr; hydrometallurgy 3,000 and shredding"
        " 500 USD per t/yr; cobalt refining 20,000 USD per t Co/yr. Electrolyte and separator plants cite a "
        "plant's investment instead (P998, P997). Building in Europe or the US costs more than in China (P225: "
        "70-130% more), which these figures reflect only roughly.",
    ),
    "A-option-sizes": (
        "Sizes of the generic expansion options",
        "Each generic option in the EU27 and the US (expansions.csv, ids ending '-build' that are not a named "
        "plant) may build one plant of about the size recent projects announce: 40 GWh of NMC or 60 GWh of LFP "
        "cells per member state (CATL Debrecen is 100 GWh, P229), 100 GWh in the US, 60 kt/yr of NMC and 100 "
        "kt/yr of LFP cathode (Kotka 60 kt/yr, W021), and round sizes for refineries, mines and recycling plants. "
        "They bound what a plan may build in one place; a plan may build less.",
    ),
    "A-cn-cells-jp": (
        "Japanese-owned cell output in China",
        "5 GWh of NMC cells from Panasonic's plant in Dalian. No figure was found; the size is small next to "
        "Panasonic's plants in Japan and the US, so the choice moves no headline by more than half a point.",
    ),
    "A-eu-ore-uses": (
        "Non-battery uses in the EU of lithium ore and natural graphite",
        "The EU converts no lithium ore at scale, but imports some, 87% from Australia (T049, small volumes): "
        "3,000 t LCE a year for glass and ceramics is assumed. Natural graphite used in the EU outside the "
        "battery chain (refractories, steel, lubricants) is the 76 kt imported in 2023 (T080). Both are split "
        "among EU regions DE 35%, FR 15%, ES 10%, PL 10%, EU-other 30%, roughly by industrial output.",
    ),
    "A-eu-carbonate-uses": (
        "Non-battery uses of lithium carbonate in the EU",
        "Europe imports about 81 % of the lithium salts it uses (T053) and Chile is its main supplier of refined "
        "lithium (T044), which is carbonate; its buyers outside the battery chain are glass, glass-ceramics and "
        "ceramics makers, construction chemicals and pharmaceuticals. No tonnage is in the project's figure set: "
        "5,000 t LCE a year is assumed, the same order as the EU's non-battery use of lithium ore (A-eu-ore-uses), "
        "split among EU regions as that use is. Without it the EU would buy no carbonate at all, since its only "
        "battery user of lithium, NMC cathode in Poland, draws hydroxide (A-lithium-salts).",
    ),
    "A-lithium-salts": (
        "Lithium carbonate and lithium hydroxide: who makes and who uses which",
        "Both salts are counted in t LCE (0.8805 t LCE per t of lithium hydroxide monohydrate, by lithium "
        "content), so recipes and refinery yields are the same for either. Makers: China's split is its 2024 "
        "output (P301, P302; D-lithium-salts-cn), Chile's its 2023 exports by value (T055; D-lithium-salts-cl); "
        "Argentina's brine operations export carbonate (T060) and are counted as carbonate only; Australia's "
        "refineries, Kwinana and Kemerton, make hydroxide (P303) and are counted as hydroxide only; RoW (the US, "
        "Brazil, Canada, Korea and others, which make both) is split half and half. Hydrometallurgical recyclers "
        "recover lithium as carbonate (China's recycled lithium is reported as carbonate, P306; the same is assumed"
        " elsewhere). Users: LFP cathode is made from carbonate; NMC 811 needs hydroxide, whose lower melting "
        "point allows the lower sintering temperature high-nickel cathode needs (P305), and the network's NMC "
        "(half NMC 811, half NMC 622 by intensity, D-nmc-blend) is counted on hydroxide throughout, as Korean and "
        "Japanese makers and high-nickel lines run it. NMC 622 can be made from carbonate (P305): an NMC plant "
        "short of hydroxide may run its NMC 622 share, 0.52 of its cathode mass (D-nmc-blend: 1.539 of 2.939 kg "
        "per kWh), on carbonate, t LCE for t LCE, reaching that share in 6 months (re-qualifying the cathode with "
        "the cell maker, as for a new anode material, A-anode-substitution, but twice as long, since sintering "
        "must be re-tuned). The switch has no cost of its own: carbonate is the cheaper salt, but firing it "
        "needs a higher temperature, and no figure for either is in the project's figure set. The recourse is "
        "'chemistry_switching' (a change of cathode recipe). LFP is not allowed onto hydroxide, and no "
        "carbonate-to-hydroxide conversion (causticisation) is modelled: no figure for its output is in the "
        "project's figure set. The non-battery uses of either salt ('other uses', A-other-uses) are what the "
        "refiners make beyond the chain's needs.",
    ),
    "A-trade-drivers": (
        "What drives who buys from whom, where no flow is observed",
        "Gross trade (a region may import and export the same commodity) by a gravity prior: output times use "
        "over distance (exponent 1, the usual estimate in gravity studies); a region supplies itself with weight "
        "10 against a foreign supplier at the same distance (a home bias of the order of the border effects "
        "measured between national markets), 100 for end-of-life batteries (hazardous waste, shipped abroad only "
        "with prior consent under the Basel Convention); a lane between plants of the same owner (a Korean cathode "
        "plant and a Korean-owned cell plant in Poland) weighs 1 + 4 x the owners' overlap; banned lanes weigh 0 "
        "(inputs/trade_rules.csv). Lanes below 3% of an importer's imports are dropped. Tariffs are sourced where "
        "in force (D-tariffs); other lanes carry none.",
    ),
    "A-stocks": (
        "Initial stocks where none is published",
        "Where no stock is published, a hub starts with days of cover of its annual use: 30 days for ores, nickel "
        "intermediates, black mass, precursor, active materials and components (shipping cycles of a month), 45 days "
        "for refined chemicals and cells (refiners and cell makers report one to two months of inventory), 15 days "
        "for packs (assembled to order); end-of-life batteries none. China's lithium carbonate and hydroxide start at"
        " SMM's published inventories of May 2024 instead (P1071, P1072), which the 45 days come close to: they would"
        " give 93.8 kt and 26.6 kt LCE, against the published 92.6 kt and 30.3 kt LCE.",
    ),
    "A-anode-substitution": (
        "Cells switching between natural and synthetic graphite anodes",
        "Both anode materials are graphite of about the same specific capacity (some 360 mAh/g for either), so "
        "a tonne of one replaces a tonne of the other in a cell's recipe. A cell plant may run all of its "
        "natural-graphite share on synthetic graphite (all-synthetic anodes are common, in LFP cells above all), "
        "but only a quarter of its synthetic share on natural graphite (natural flake swells more and lasts fewer "
        "cycles, so it is blended in, not used alone). Either switch takes 3 months to reach its full share "
        "(qualifying a new anode material with the cell maker). The switch costs nothing of its own: the price "
        "difference of the two materials is in the anode plants' variable costs (A-costs). No figure for these "
        "shares or the ramp is in the project's figure set.",
    ),
    "A-other-uses": (
        "Non-battery uses and unmodelled battery uses",
        "Mined nickel, manganese and graphite beyond the battery chain's needs (stainless steel, alloys, "
        "refractories) is a final demand at the mine hubs, in proportion to output (nickel ore: to what a region "
        "mines beyond what its own intermediate plants draw, since HPAL and matte plants stand at the mines, so "
        "nickel ore is not traded); Indonesia's MHP and matte beyond what the sulphate refiners take is a final "
        "demand in Indonesia (refined into nickel metal; Ramu's MHP is sold abroad); refined lithium and cobalt "
        "beyond the needs of EV and storage cells (portable-electronics cells, non-battery uses, stock build in "
        "the chain) is a final demand at the refining hubs, in proportion to output. EU27 hubs carry none of this"
        " demand (their output serves the modelled chain or is exported), so EU dependency figures describe the "
        "battery chain.",
    ),
    "A-chemistry-switching": (
        "Packs switching between NMC and LFP cells",
        "Pack demand is in GWh, so a GWh of cells of one chemistry replaces a GWh of the other. Stationary-storage "
        "packs may run all of their activity on NMC cells instead of LFP (storage systems were built on NMC cells "
        "until LFP took over the market, and an integrator can qualify either), reaching the full share in 6 "
        "months (certifying a system with other cells). EV packs may run a tenth of their activity on the other "
        "chemistry, reaching it in 12 months: twice the shift of one year in the open market (LFP's share of EV "
        "batteries rose by 5 points from 2023 to 2024, to over 45 %, P023), since under a shortage carmakers lean "
        "on the models they already offer with either chemistry; a larger switch needs new vehicle platforms, "
        "which take years. An EV pack moving from NMC to LFP cells costs 15 million USD per GWh, the cell price "
        "difference (75 USD/kWh NMC, P025, less 60 USD/kWh LFP, P024), since buyers of NMC packs pay at least that "
        "for their range; the other switches cost nothing of their own (the dearer cells' price is in the cell "
        "plants' costs). Sodium-ion cells are not in the network, so they are not an alternative. No figure for "
        "these shares or ramps is in the project's figure set.",
    ),
    "A-amg-salts": (
        "AMG Bitterfeld-Wolfen's planned lithium salts counted as lithium hydroxide monohydrate",
        "The five modules planned make about 100,000 t of lithium salts (W209, W228) without naming the salt; the "
        "projects table counts them as monohydrate, like the first module (D-lioh-amg).",
    ),
}

# id -> (title, note, confidence)
DERIVED: dict[str, tuple[str, str, str]] = {
    "D-nmc-blend": (
        "Material intensity of a blended NMC cell",
        "Average of BatPaC 5.1 NMC 811 (P107-P111) and NMC 622 (P115-P119) pack intensities, kg/kWh: Li 0.105, Ni"
        " 0.602, Co 0.133, Mn 0.124, graphite 0.917. Taken as the 2024 NMC mix.",
        "medium",
    ),
    "D-components": (
        "Electrolyte and separator per GWh of cells",
        "China's 2022 output of each over its 2022 output of Li-ion batteries, as MIIT published them: 0.85 Mt of "
        "electrolyte (P1112) and 13.0 bn m2 of separator (P1111) for 750 GWh (P1110), 1,133 t and 17.3 million m2 "
        "per GWh, for every chemistry (no published split). The ratio counts what China's cells used together with "
        "China's exports of both, its plants' scrap and stock change, and its consumer cells; the first half of "
        "2023 gives 1,100 t and 17.0 million m2 (P1113-P1115), and China's 2024 output (P101, P102) is checked "
        "against it out of sample. Cell-level figures are lower: the DOE puts separator at 7-10 million m2 per GWh "
        "of cell manufacturing (P1060).",
        "medium",
    ),
    "D-cam-mass": (
        "Cathode and precursor mass per GWh",
        "Cathode mass = lithium intensity / lithium mass fraction of the cathode (NMC 7.15%, LiFePO4 4.40%): "
        "about 1,470 t NMC and 2,080 t LFP cathode per GWh; precursor hydroxide 0.95 t per t NMC cathode (molar "
        "masses). Ni, Co and Mn per t precursor and Li per t cathode follow from the same intensities (P107-P119,"
        " P147). A cell line draws 1.05 times the cathode its cells hold (D-cell-scrap).",
        "medium",
    ),
    "D-northvolt-2024": (
        "Capacity of Northvolt Ett in operation in 2024",
        "Its 2024 output, 1 GWh (A-eu-cells): the 16 GWh installed in the first phase was still ramping up, not "
        "planned to run fully until 2025, and missed its weekly production targets from September 2024 (W002, "
        "W003); Northvolt went bankrupt in 2025 (S131). The 16 GWh and the 60 GWh planned are in projects.csv.",
        "low",
    ),
    "D-arnstadt": (
        "Capacity of CATL Arnstadt",
        "At least 200,000 EVs a year (S109) at 70 kWh per vehicle (assumption) is 14 GWh/yr; 2024 output 7 GWh is"
        " an assumption.",
        "low",
    ),
    "D-capex-catl": (
        "Investment per GWh of a Chinese-technology cell plant in Europe",
        "CATL Debrecen: EUR 7.3 bn (S112) for 100 GWh (P229) = EUR 73 m, about USD 78 m per GWh/yr at 1.072 USD "
        "per EUR (P991: the RBA's USD and EUR rates per AUD, 21 Jun 2024).",
        "medium",
    ),
    "D-capex-calb": (
        "Investment per GWh of CALB Sines",
        "EUR 2 bn (S124) for 15 GWh (W008), about USD 143 m per GWh/yr (P991).",
        "low",
    ),
    "D-capex-eu-cells": (
        "Investment per GWh of European cell plants",
        "EUR 33 bn invested (S047) for over 200 GWh of capacity (S046) = EUR 165 m, about USD 177 m per GWh/yr (P991).",
        "medium",
    ),
    "D-capex-us": (
        "Investment per GWh of a new cell plant in the US",
        "The median of four announced US plants' investment over their capacity: LG Energy Solution's Queen Creek "
        "EV plant, USD 3.2 bn for 27 GWh a year (P1116), and its storage plant, 2.3 bn for 16 GWh (P1117); "
        "Panasonic's De Soto plant, 4 bn for 30 GWh (P1118); Ultium Cells' Lansing plant, 2.6 bn for 50 GWh "
        "(P1119): 118.5, 143.8, 133.3 and 52.0, median USD 125.9 m per GWh a year. Announced investments, "
        "in the dollars of their year (2022-2023).",
        "medium",
    ),
    "D-capex-cn": (
        "Investment per GWh of a cell plant in China",
        "Half the US figure (D-capex-us): building battery plants in the US and Europe costs 70-130 % more than in "
        "China (IEA, P225), whose midpoint is +100 %: USD 62.9 m per GWh a year.",
        "medium",
    ),
    "D-capex-cam": (
        "Investment per t/yr of a cathode plant in Europe",
        "Kotka: about EUR 800 m (S100) for 60 kt/yr (W021) = about USD 14,300 per t/yr (P991); "
        "European- and US-technology plants at 1.3x and 1.2x that.",
        "low",
    ),
    "D-growth": (
        "Growth of battery demand",
        "EV batteries from 950 GWh (2024, P011) to over 3,000 GWh in 2030 (P016): 21% a year; storage from 205 "
        "GWh (2024, P022) to 400 GWh in 2030 (P243): 12% a year.",
        "medium",
    ),
    "D-ni-row": (
        "Nickel mine output of the rest of the world, 2024",
        "The USGS world total for 2024, 3.71 Mt (P1022), less the listed countries (P1023-P1027, P1038, P1039, "
        "USGS 2024) and Finland's assumed 30 kt (A-mines): 357 kt.",
        "medium",
    ),
    "D-ni-int-id": (
        "Indonesia's output of nickel intermediates, 2024",
        "MHP and high-grade nickel matte, the intermediates nickel sulphate is made from: SMM's annual review "
        "projects 445,500 t Ni of MHP in 2025, up 36.6 % on 2024 (P1087), and 218,500 t Ni of high-grade matte, "
        "down 20.3 % (P1088), so 2024 had 326,135 and 274,153 t, 600,288 t in all (Argus's 482 kt of MHP for 2025, "
        "'almost a 50pc rise from 2024', agrees). The rest of Indonesia's mined nickel becomes nickel pig iron and "
        "ferronickel for stainless steel, other uses of the ore (A-other-uses).",
        "medium",
    ),
    "D-ni-int-nc": (
        "New Caledonia's output of nickel intermediates, 2024",
        "Goro (Prony Resources) made almost 32,000 t Ni in MHP in 2023 (P1092) and was shut for seven months of "
        "2024 after the May riots (P1045); running the other five at its 2023 monthly rate, an assumption for want "
        "of a 2024 output, it made 13,333 t. New Caledonia's other plants (SLN, Koniambo) make ferronickel, which "
        "is other uses of its ore.",
        "low",
    ),
    "D-mn-row": (
        "Manganese mine output of the rest of the world, 2024",
        "USGS's 2024 output of Cote d'Ivoire (340 kt Mn, P1034), Ghana (1,280 kt, P1035) and other countries "
        "(1,240 kt, P1036): 2,860 kt Mn.",
        "high",
    ),
    "D-cobalt-world": (
        "World cobalt mine output 2024",
        "DR Congo's 200.8 kt (P059) is 74.1% of the world (P060): world 271 kt; RoW is the world minus listed "
        "countries (Russia P061, Cuba P065 and others).",
        "medium",
    ),
    "D-graphite-row": (
        "Natural graphite mine output of the rest of the world, 2024",
        "The world's 1.55 Mt (P1086) less China 1.27 Mt, Madagascar 85 kt, Brazil 58 kt, Mozambique 39 kt and "
        "India 17.6 kt (P1081-P1085; USGS MCS 2026, its 2024 column): 80.4 kt, mostly Tanzania (27 kt), Russia "
        "(20 kt), Canada (11.7 kt), North Korea (8.1 kt) and Norway (5.3 kt).",
        "high",
    ),
    "D-demand": (
        "Battery demand by region",
        "EV battery demand 950 GWh (P011: more than 950 GWh) and stationary storage 205 GWh (P022), 1,155 GWh in "
        "all (P012 gives 1,000 GWh for EV and storage together; the sources count storage differently, and the "
        "network follows the two figures by use); EV demand shares CN 59% (P103), EU27 13% (P104), US 13% "
        "(P105); the rest per A-demand-split.",
        "medium",
    ),
    "D-cell-capacity-cn": (
        "Chinese cell capacity 2024",
        "83% (S051) of 3,000 GWh (P002) = 2,490 GWh, split between NMC and LFP lines in proportion to output.",
        "medium",
    ),
    "D-lithium-refining": (
        "Lithium chemical output by country",
        "All mined lithium (240 kt Li, P049, x 5.323 t LCE per t Li) but the EU's ore uses is refined, 0.91 t of "
        "salt per t of ore (P1041); China refines 70% (P040); Chile and Argentina refine their own output (P051, "
        "P054); Australia and RoW per A-refining."
        " Each country's output is split between carbonate and hydroxide (A-lithium-salts, D-lithium-salts-cn, "
        "D-lithium-salts-cl).",
        "medium",
    ),
    "D-lithium-salts-cn": (
        "China's lithium refining split between hydroxide and carbonate",
        "China's refined lithium, 70 % of the world's (P040, D-lithium-refining), split by its 2024 output: 360 "
        "kt of battery-grade lithium hydroxide (P302) x 0.8805 t LCE per t of monohydrate = 316,980 t LCE, "
        "against 670 kt of battery-grade lithium carbonate (P301): hydroxide 316,980 / 986,980 = 32.1 %, "
        "carbonate 67.9 %.",
        "medium",
    ),
    "D-lithium-salts-cl": (
        "Chile's lithium refining split between hydroxide and carbonate",
        "Chile's 2023 lithium exports: carbonate USD 6.06 bn, hydroxide USD 1.01 bn (T055). At one price per "
        "tonne of either salt (an assumption: the two traded close to each other in 2023) the tonnes are in the "
        "ratio of the values; in t LCE hydroxide is 1.01 x 0.8805 = 0.889 against 6.06: 0.889 / 6.949 = 12.8 % "
        "hydroxide, 87.2 % carbonate, applied to Chile's refined output (D-lithium-refining).",
        "low",
    ),
    "D-cn-cells-kr": (
        "Korean-owned cell output in China",
        "Korean makers' EV battery installations, 18.4% (P289) of 894 GWh (P285) = 164.5 GWh, less the output "
        "of Korean-owned plants outside China in this network (Poland 47, Hungary 23, US 27, Korea 25 GWh) = 42.5"
        " GWh of NMC cells made in China by LGES, Samsung SDI and SK On (T042, T043).",
        "medium",
    ),
    "D-trade": (
        "Bilateral trade of 2024, by constrained balancing",
        "valuechain.network.trade.balance_trade_constrained on each region's output and use per commodity, "
        "with the observed shares in inputs/trade_pins.csv (T ids) as bounds, the ban in inputs/trade_rules.csv "
        "(T136), tariffs at a trade-cost elasticity of 5 (P1018; D-tariffs) and the drivers of A-trade-drivers for "
        "every lane not observed.",
        "medium",
    ),
    "D-tariffs": (
        "Tariff of a trade lane per unit",
        "The ad-valorem duty in force for most of 2024 (the tariff rows of inputs/trade_rules.csv: US general "
        "duties and Section 301 duties on Chinese goods, P1006-P1016; the EU's third-country duty on Li-ion "
        "accumulators, P1017) x the commodity's value. Increases after 27 Sep 2024 (P1008) are not in the base "
        "year. Lanes without a sourced rate carry none (EU duties on battery materials: suspensions and rates "
        "not confirmed for 2024; Section 301 on cathode materials and precursor not in the figure set).",
        "medium",
    ),
    "D-holding": (
        "Cost of holding stock above a hub's working level",
        "10 % of the commodity's value (P, D-values or A-values) a year: inventory carrying costs of 20-30 % "
        "of the value a year (P904), less their capital part of 8-15 % (P904), which the optimiser already charges by "
        "discounting costs at the study's rate; the working stock up to the days of cover (A-stocks) is not "
        "charged. Without it a plan stocks up years ahead for free and serves the last year from stock.",
        "low",
    ),
    "D-freight": (
        "Freight cost and lead time of a trade lane",
        "Cost: the published freight rate of the commodity's mode per tonne x the tonnes shipped per unit. "
        "Container: Drewry World Container Index, 2024 average of 3,966 USD per 40 ft container (P950), over "
        "a 40 ft container's payload of 26.73 t (P951) = 148.4 USD/t, for lithium chemicals (as carbonate, 1 t"
        " per t LCE), nickel sulphate (hexahydrate, 4.478 t per t Ni), manganese sulphate (monohydrate, 3.076 t"
        " per t Mn), graphite, anode, precursor, cathode, electrolyte, end-of-life batteries and black mass "
        "(1 t per t), and cells at 4,000 t per GWh for NMC (250 Wh/kg, P953) and 5,882 t per GWh for LFP (170"
        " Wh/kg, midpoint of 160-180, P954); cobalt ore and intermediates as hydroxide of 30 % Co (3.333 t "
        "per t Co, the grade of Fastmarkets' payable indicator, P1058) = 495 USD/t Co; nickel intermediates in "
        "Indonesia's 2024 mix of MHP (326,135 t Ni, P1087) and high-grade matte (274,153 t Ni, P1088), MHP at the "
        "midpoints of Fastmarkets' specification, 37.5 % Ni in dry mass and 37.5 % moisture (P1093, 4.267 t per t"
        " Ni), matte at 75 % Ni (P1094, 1.333 t per t Ni): 2.927 t per t Ni = 434 USD/t Ni (63 within Asia). Bulk: "
        "nickel ore at the Philippines-China rate of 12.5 USD per wet t (SMM, July 2025; no 2024 rate was found, "
        "P1097) x 102.6 wet t per t Ni (ore of 1.5 % Ni, P1095, with 35 % moisture, P1096) = 1,282 USD/t Ni on "
        "lanes within Asia; spodumene "
        "concentrate at 50 USD/t (P952) x 6.740 t of 6 % Li2O concentrate per t LCE (0.06 x 73.89 / 29.88 = "
        "0.1484 t LCE per t) = 337 USD/t LCE; manganese ore at the Port Elizabeth-China rate of 1.05 USD per "
        "dmtu of 37 % ore (February 2021, a peak of dry-bulk rates; no 2024 quote was found, P1059) = 105 USD/t "
        "Mn. Half of it "
        "within a continent (A-freight), but within Asia (the intra-Asia container rate, P958) and Europe "
        "(road: 1.336 EUR per truck-km, P1002, for 24 t, P965, at P991, over the great-circle distance x 1.170, "
        "the road/great-circle ratio of P1002's corridors). Lead time: published transit times / 365, port to "
        "port: Asia-Europe "
        "37.7 days (P955), Asia-North America 17 days (16-18, P956), Asia-South America 25 days (P957), within "
        "Asia 8 days (Shanghai-Jakarta, P959), Europe-North America 11 days (Hamburg-New York, P960), Europe-"
        "South America 33 days (Buenos Aires-Barcelona, P961), Africa-Asia 35 days (Durban-Shanghai, P962), "
        "Asia-Oceania 12.5 days (Shanghai-Fremantle, 12-13, P963), Africa-Europe 22 days (Rotterdam-Durban, "
        "P964); within Europe by road, 2 days (a full truckload over 550-1,300 km, P965); other lanes "
        "A-freight. Molar-mass ratios need no source.",
        "medium",
    ),
    "D-values": (
        "Commodity values from 2024 prices, in the network's units",
        "Spodumene: 870 USD per t of 6 % Li2O concentrate (P966) x 6.740 t per t LCE (molar masses) = 5,864 USD "
        "per t LCE. Lithium carbonate: 2024 average of 90,000 CNY/t (SMM, P967) / 7.1358 CNY per USD (P968) = "
        "12,612 USD per t LCE, and the same per t LCE for lithium hydroxide (A-lithium-salts). Nickel sulphate: "
        "26,379 CNY per t of hexahydrate (P969) x 4.478 t per t Ni / 7.1358 = 16,556 USD per t Ni. Natural "
        "graphite: mean of the midpoints of Fastmarkets' -100 mesh flake assessments of 4 Jan (530-577) and 31 "
        "Oct 2024 (450-470 USD/t) (P972) = 507 USD/t. Manganese ore: Fastmarkets' 6.29 USD per dmtu of 37 % ore, CIF "
        "Tianjin, 28 May 2024 (P979), x 100 dmtu per t Mn = 629 USD per t Mn (near the year's high). Manganese "
        "sulphate: SMM's 6,172 CNY per t of monohydrate, week to 27 Dec 2024 (P981), x 3.076 t per t Mn / 7.1358 "
        "= 2,661 USD per t Mn. Precursor: mean of the midpoints of SMM's 6-series (63,900-66,100) and 8-series "
        "(79,500-81,500 CNY/t) prices of 7 Nov 2024 (P982, P983) / 7.1358 = 10,195 USD/t. LFP cathode: midpoint "
        "of GGII's 2024 range of 30,000-40,000 CNY/t (P984) / 7.1358 = 4,905 USD/t. Black mass: the midpoint of "
        "April 2024's payables for NMC black mass, 72 % (P1003), of its nickel and cobalt at the lower end of the "
        "traded content, 15 % and 5 % (P999), at 16,335 USD/t of LME nickel (P1004) and 25,679 of refined cobalt "
        "(P971) = 2,689 USD/t. Nickel in matte (P978) values nickel intermediates, and nickel ore too for want of "
        "an ore price, "
        "cobalt intermediates (P970), refined cobalt (P971) and NMC cathode (P973) take their published price "
        "as it is.",
        "medium",
    ),
    "D-stocks": (
        "Initial stocks by hub",
        "Days of cover by stage (A-stocks) times the hub's annual use (processes' inputs and final demand) / 365.",
        "low",
    ),
    "D-cam-cn": (
        "China's share of NMC cathode output",
        "Set so that China's share of the cathode material (NMC and LFP, by mass) that the cells use is 90% "
        "(P087), given its 99% of LFP cathode (A-shares). China's LFP output beyond that (D-cam-beyond-cells) "
        "raises its share of all cathode made to 92%.",
        "medium",
    ),
    "D-cn-cell-stock": (
        "China's 2024 stock build of cells",
        "China made 826 GWh of EV cells and 260 GWh of storage cells in 2024 (MIIT, P320, P321): 1,086 GWh. The "
        "network's EV and storage packs (950 GWh, P011, and 205 GWh, P022) use 1,155 GWh of cells, of which "
        "plants outside China make 234.1 GWh (A-cells, A-eu-cells, P1067): 920.9 GWh from China. The 165.1 GWh "
        "China made beyond that are a demand row for LFP cells in China, in 2024 only (A-cn-cell-stock): stock "
        "built in 2024 (P012, the IEA's 1,000 GWh of EV and storage demand, is below even the network's 1,155 GWh). "
        "China's 84 GWh of consumer-electronics cells (P322) are not in the network.",
        "medium",
    ),
    "D-cam-beyond-cells": (
        "LFP cathode made in China in 2024 beyond what the network's cells use",
        "China's LFP cathode makers shipped 2.46 Mt in 2024 (GGII, P323); the network's cells use 1.75 Mt of "
        "China's LFP cathode (LFP cell output x D-cam-mass x 1.05, D-cell-scrap, x 99%, A-shares): the 0.71 Mt "
        "beyond that is a demand row in China with no growth (held flat in later years: part of it recurs). "
        "It stands for stock build at cathode and cell makers, exports into stock, cells the network does "
        "not hold and electrode losses beyond D-cell-scrap; the figures at hand do not split it among these. NMC "
        "is not raised the same way: GGII's 0.65 Mt of Chinese ternary cathode (P324) against the network's "
        "0.55 Mt would need lithium hydroxide that the network's refiners do not make (the network's NMC "
        "draws hydroxide only, A-lithium-salts); China's 0.24 Mt of other cathode types (P329 less P323 and "
        "P324) are not in the network.",
        "medium",
    ),
    "D-graphite-abroad": (
        "Natural graphite used in Korea and Japan outside the network's anode plants",
        "Neither mines graphite, so what they use is what they import: China's 2024 exports to them as China "
        "reports them to UN Comtrade (Korea 32,897 t, P1074; Japan 24,120 t, P1075) over China's share of their "
        "graphite imports (Korea 97.7 %, P1076; Japan 90 %, P1077, natural and synthetic together), 33,672 t and "
        "26,800 t; less what the network's natural-anode plants there draw (2 t of flake per t of anode), the "
        "rest a final demand: refractories, lubricants, brake linings and anode material the network does not "
        "make. Spherical graphite, which China also exports under the same heading, is counted ton for ton as "
        "flake. The US uses its apparent consumption of 2024 (65,200 t, P1073) as it stands: it has no "
        "natural-anode plant in the network.",
        "medium",
    ),
    "D-anode-beyond-cells": (
        "Anode made in 2024 beyond what the network's cells use",
        "World output of each anode type is what SNE Research counts as shipped in 2024: synthetic 1.76 Mt, "
        "natural 0.29 Mt (P325, P326; silicon-based anode, 41 kt, is not in the network); less what the "
        "network's cells use (cell output x the graphite intensity, D-nmc-blend and P151, x 1.05, D-cell-scrap, "
        "split by D-anode-mix): about 0.62 Mt of synthetic and 0.10 Mt of natural anode, a demand row where it "
        "is made, in proportion to each region's output, with no growth. Of the 2.11 Mt shipped, SNE counts 1.97"
        " Mt as demand (P327, P328): 0.14 Mt went into stock; the rest is anode used by cells the network does "
        "not hold (consumer electronics, P322) and electrode losses beyond D-cell-scrap: graphite per kWh in "
        "practice is above the BatPaC designs' 0.91 to 0.98 kg.",
        "medium",
    ),
    "D-cam-capacity": (
        "Cathode capacity outside China",
        "China's cathode capacity is its LFP capacity, nearly 4.7 Mt in 2024 (SMM, P330), and its NMC output / 60% "
        "(A-utilisation); the aggregates outside China (all but Umicore Nysa, A-eu-materials) are sized so that "
        "China holds 87% of world cathode capacity (P092), in proportion to their 2024 output. Their utilisation "
        "follows: about 30%, against SMM's 50% for China's LFP plants (P330, P331).",
        "medium",
    ),
    "D-anode-mix": (
        "Synthetic and natural graphite in anodes",
        "Synthetic graphite's share of graphite anode shipped in 2024, 1.76 Mt of 1.76 + 0.29 Mt (SNE Research, "
        "P325, P326) = 85.85% by mass; natural graphite 14.15%. A cell line's anode per GWh is the graphite "
        "intensity (D-nmc-blend, P151) x 1.05 (D-cell-scrap) x the type's share.",
        "medium",
    ),
    "D-material-life": (
        "Lifetime of cathode, precursor and anode plants",
        "The median of the lives over which three plants' feasibility studies evaluate them: VSPC's LFP cathode "
        "plant, 13 years of production (P1098); Graphite One's anode material plant with its mine, 26 years "
        "(P1099); Westwater's Coosa coated spherical graphite plant, 35 years (P1100): 26 years. Electrolyte and "
        "separator plants keep an assumed 20 years (A-growth-options), since no plant's life was found.",
        "medium",
    ),
    "D-sib-cn": (
        "Sodium-ion cell capacity in China",
        "HiNa's Fuyang line, 1 GWh a year (Dec 2022, P1107), plus Transimage's sodium-ion capacity, 4.5 GWh "
        "(end of March 2023, P1108): 5.5 GWh, the two makers whose capacity the figure set holds; later figures"
        " for 2024 were not found, so these earlier ones stand for it (an exception to the base year).",
        "medium",
    ),
    "D-material-lead": (
        "Build time of cathode, precursor and anode plants",
        "The median of five plants' published times from the start of construction to first production: "
        "Chenyu-Fuji's anode plant in Hunan 9 months (P1102), BTR's first Indonesian anode plant 10 (P1103), "
        "CNGR's iron phosphate line in Guizhou 8.8 (P1104), POSCO's second Sejong anode plant 17 (its "
        "contractor's construction period, P1105), Umicore's Nysa cathode plant 28 (P1106): 10 months, 0.833 "
        "years. Plans in yearly periods see one year. LFP cathode plants cite the construction cycle of "
        "China's LFP projects, 1-1.5 years, instead (P996). Electrolyte and separator plants keep an assumed "
        "year (A-growth-options).",
        "medium",
    ),
    "D-ttr": (
        "Time to recover of mines, refineries and material plants",
        "The median time from stop to first restart (partial or full) of published outages of single plants. "
        "Mines, 7.0 months (0.583 years) of seven: GEMCO after Cyclone Megan 14.1 (P1043), Balama after protests "
        "8.8 (P1044), Goro after New Caledonia's riots 7.0 (P1045), Nornickel's Oktyabrsky and Taimyrsky mines "
        "after flooding 2.6 and 3.3 (P1046, P1047), CATL's Jianxiawo lepidolite mine still shut after 10.4 "
        "(P1048), Kakula after seismic activity 0.66 (P1049). Refineries and material plants, 1.6 months (0.133 "
        "years) of eight: Livent Bessemer City 0.1 (P1050), Tianqi Shehong in Sichuan's 2022 power rationing at "
        "most 0.5 (P1051), Boliden Harjavalta at most 0.85 (P1052), Ambatovy's pipeline 1.2 and Covid-19 "
        "lockdown 11.9 (P1053, P1054), QMB's HPAL plant after a landslide about 2 (P1055), EcoPro BM's Ochang "
        "CAM4 2.6 and CAM4N at least 13.5 (P1056, P1057). Left out: outages whose first restart has no date "
        "(Nornickel's Kola cobalt plant after its 2022 fire, Wodgina's processing fire) and Mutanda's idling "
        "for prices. The samples are what the sources found, not a census: most events are minor, the dates partly "
        "approximate, and a still-open outage counts with its time so far.",
        "medium",
    ),
    "D-cell-scrap": (
        "Cell production scrap",
        "Cell lines scrap 5 % of the cathode and anode they would otherwise hold, the lower end of the 5-12 % that "
        "cell plants scrap after several years in a steady state (Porsche Consulting, P1040); most of the world's "
        "cells come from established plants, and ramp-up losses (up to 90 %, P1040) are not modelled. A line draws "
        "1.05 times the cathode and graphite its cells hold and sends the 0.05 to recycling as production scrap.",
        "medium",
    ),
    "D-lioh-keliber": (
        "Capacity of the Keliber lithium refinery, Kokkola, in t LCE",
        "About 15,000 t of lithium hydroxide monohydrate a year (W204) x 0.8805 t LCE per t (lithium content: "
        "Li2CO3 73.89 g/mol holds two Li atoms, 36.945 g per Li; LiOH.H2O 41.96 g/mol) = 13,208 t LCE a year.",
        "medium",
    ),
    "D-lioh-amg": (
        "Capacity of the AMG Lithium refinery, Bitterfeld-Wolfen, in t LCE",
        "20,000 t of lithium hydroxide a year in 2025 (W208, W209) x 0.8805 t LCE per t of monohydrate "
        "(lithium content, as D-lioh-keliber) = 17,610 t LCE; the five modules of 20,000 t planned, 100,000 t of "
        "lithium salts (W209), counted as monohydrate (an assumption: the source does not name the salt) = "
        "88,050 t LCE.",
        "medium",
    ),
    "D-lioh-vulcan": (
        "Capacity of Vulcan's Phase One Lionheart, in t LCE",
        "24,000 t of lithium hydroxide monohydrate a year from 2028 (W206, W207) x 0.8805 t LCE per t (lithium "
        "content, as D-lioh-keliber) = 21,132 t LCE a year, counted for 2030 (production starts in 2028).",
        "medium",
    ),
}

# Growth of supply to 2030: id -> (title, note, confidence); written after the sources above.
GROWTH: dict[str, tuple[str, str, str]] = {
    "A-packs": (
        "Pack assembly grows with demand, in each region's mix of cell chemistries",
        "Packs are assembled at vehicle and storage-system plants, which are built with the demand that the "
        "growth rates of D-growth project; a pack line is cheap and quick to add next to a car or storage plant. "
        "The 2024 pack lines keep their capacity (2024 output / 80 %, A-utilisation), which alone would cap pack "
        "output at 1.25 times 2024 while demand grows 21 % a year (EV) and 12 % a year (storage), leaving a "
        "quarter of 2027 demand and more than half of 2030 demand unserved in a plan with no policy. Each region "
        "with pack demand may therefore add pack assembly (options '<region>-pack_ev-grow' and "
        "'<region>-pack_ess-grow') up to its 2030 demand (2024 demand x 1.21^6 or 1.12^6) less its 2024 lines, "
        "in service a year after the decision, at 10 USD m per GWh/yr (A-capex-growth) times the region's cost "
        "level. The new EV lines take NMC and LFP cells in the region's 2024 mix (A-chemistry), not one "
        "chemistry each as the 2024 lines do: with one line per chemistry and room to grow, the cheaper LFP "
        "lines would take all new EV demand, a switch of chemistry the network does not model. Storage packs "
        "are all LFP.",
        "assumption",
    ),
    "A-growth-options": (
        "Growth of supply outside the EU27 to 2030",
        "Every region outside the EU27 that runs a mine, refinery, precursor, cathode, anode, electrolyte, "
        "separator, cell or recycling process in 2024 may add capacity of that kind (options '<region>-<kind>-grow'"
        " in expansions.csv), up to its 2024 capacity times the stage's growth to 2030 less one: lithium mining and"
        " refining 2.46 (lithium demand +146 %, P901), cobalt mining and refining and natural graphite 1.75 (the "
        "upper end of +50-75 %, P902), precursor and cathode 2.78 (cathode capacity +178 %, P903), the rest 2.94, "
        "the growth of battery demand (D-growth-bound). A region's share of new capacity is therefore at most its "
        "share of 2024 capacity; which regions build is left to cost. Capex per unit of yearly capacity is the "
        "stage's figure at Chinese cost level (A-capex, D-capex-cn, D-capex-cam-cn, A-capex-growth) times the "
        "region's cost level (EU27 1.5, other OECD 1.2, mining 1.0 everywhere). Lead times: mines 2 years "
        "(they stand for expansions of operating mines and for projects already under construction in 2024, "
        "which still need pits, concentrators or brine ponds built; a mine in a region with no mining takes a "
        "decade or more from discovery, beyond the horizon, so no option opens one outside the EU27), "
        "refineries, component plants and recycling 1 year (new lines at existing sites), material plants 10 "
        "months (D-material-lead), cell "
        "plants 2 years and 1 year in China (Chinese makers add lines within a year). Lifetimes: cell plants and pack "
        "lines 15 years, electrolyte and separator plants 20. Published records give the others, which cite "
        "them instead: Mt Marion's spodumene mine was built in about two years (P974), Greenbushes has a "
        "20-year mine life (P975), the Nevada gigafactory opened two years after ground was broken (P976), a "
        "lithium hydroxide refinery's feasibility study took a 20-year life (P977), cathode, precursor and "
        "anode plants live 26 years (the median of three plants' feasibility studies, D-material-life) and a "
        "recycling plant 10 (P1101). The EU27's named and generic options take the same lifetimes. The EU27 "
        "keeps its own named and generic options above; these options serve the world's growth, not EU policy.",
        "assumption",
    ),
    "A-capex-growth": (
        "Investment cost of mines and pack lines with no figure in the project's figure set",
        "Per unit of yearly capacity: nickel 20,000 USD per t Ni (laterite and sulphide projects, NPI at the low "
        "end, HPAL-fed mines at the high end), split 5,000 for the mine and 15,000 for the intermediate plant "
        "(HPAL, matte), cobalt 30,000 USD per t Co (mostly a by-product of copper "
        "and nickel mines, charged here in full), manganese ore 250 USD per t Mn; pack assembly 10 USD m per "
        "GWh/yr (a small share of a cell plant's 63 USD m, D-capex-cn). Round figures of the order of published "
        "project costs; they set only which region builds first.",
        "assumption",
    ),
    "D-growth-bound": (
        "Growth of battery demand from 2024 to 2030",
        "EV batteries over 3,000 GWh (P016) and storage 400 GWh (P243) in 2030 against 950 GWh (P011) and 205 GWh"
        " (P022) in 2024: (3,000 + 400) / (950 + 205) = 2.94. Bounds the growth of stages with no published 2030 "
        "outlook in the project's figure set.",
        "medium",
    ),
    "D-capex-cam-cn": (
        "Investment per t/yr of a cathode plant at Chinese cost level",
        "Kotka: about EUR 800 m (S100) for 60 kt/yr (W021), about USD 14,300 per t/yr in Europe (P991); building "
        "in Europe or the US costs 70-130 % more than in China (P225): at the midpoint, 100 % more, USD 7,100 per "
        "t/yr in China.",
        "low",
    ),
}
