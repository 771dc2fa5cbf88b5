"""Every battery-chain project the seed documents name is in the global network's projects table.

The seed documents are not redistributed with the project (``seeds/README.md``); these tests read
them where the project's shared data keeps them (``VALUECHAIN_SEEDS``, or a ``shared/seeds`` folder
beside one of the repository's parent folders) and are skipped when they are absent. Each entry below
is a name as the seed spells it, the seed file and line where it appears, and the projects that
stand for it, or why it is not a battery-chain project. The test checks the name against the seed
text at that line, so a wrong line, a misspelt name or a project dropped from the table fails.
"""

import os
from pathlib import Path

import pytest

import valuechain as vc

ROOT = Path(__file__).resolve().parents[2]

# (name as in the seed, seed file, line, projects that stand for it)
NAMED: list[tuple[str, str, int, tuple[str, ...]]] = [
    ("Farasis", "000", 201, ("cn-farasis-solid-state",)),
    ("Northvolt", "002", 407, ("se-northvolt-ett",)),
    ("Ghent", "003", 616, ("be-volvo-ghent-packs",)),
    ("battery pack assembly line", "003", 620, ("be-volvo-ghent-packs",)),
    ("Shansan", "003", 1111, ("fi-shanshan-gigavaasa",)),
    ("Kotka", "003", 1117, ("fi-easpring-fmg-kotka",)),
    ("Beijing Easpring", "003", 1117, ("fi-easpring-fmg-kotka",)),
    ("CNGR", "003", 1119, ("fi-cngr-hamina",)),
    ("Hamina", "003", 1119, ("fi-cngr-hamina",)),
    ("Umicore", "003", 1119, ("fi-umicore-kokkola-cobalt", "fi-umicore-kokkola-pcam")),
    ("Envision AESC", "003", 1273, ("fr-aesc-douai",)),
    ("XTC New Energy Materials", "003", 1275, ("fr-xtc-orano-dunkirk",)),
    ("Verkor", "003", 1275, ("fr-verkor-dunkirk",)),
    ("ACC", "003", 1275, ("fr-acc-billy-berclau",)),
    ("Prologium", "003", 1275, ("fr-prologium-dunkirk",)),
    ("Arnstadt", "003", 1374, ("de-catl-arnstadt",)),
    ("Debrecen", "003", 1538, ("hu-catl-debrecen",)),
    ("battery factory in partnership with CATL", "003", 1801, ("es-catl-stellantis-zaragoza",)),
    ("Sines", "003", 2502, ("pt-calb-sines",)),
    ("Šurany", "003", 2705, ("sk-gotion-inobat-surany",)),
    ("Gotion-Inobat (GIB)", "003", 2719, ("sk-gotion-inobat-surany",)),
    ("Shenzhen Unicon", "003", 2725, ("sk-unicon-contact-systems",)),
    ("Zaragoza", "003", 2990, ("es-catl-stellantis-zaragoza",)),
    ("Northvolt", "003", 3078, ("se-northvolt-ett",)),
    ("proposed battery plant, which originally involved Northvolt", "003", 3080, ("se-novo-energy-gothenburg",)),
    ("CATL gigafactory", "003", 3020, ("es-catl-stellantis-zaragoza",)),
    ("Putailai", "003", 3094, ("se-putailai-sundsvall",)),
    # The post writes Slovenia; Gotion's European joint venture with InoBat is in Šurany, Slovakia.
    ("Gotion in Slovenia", "004", 12, ("sk-gotion-inobat-surany",)),
    ("VW-Gotion", "004", 20, ("de-powerco-salzgitter",)),
    ("Stellantis–CATL", "004", 20, ("es-catl-stellantis-zaragoza",)),
    ("Gotion–Inobat", "004", 20, ("sk-gotion-inobat-surany",)),
    ("CATL and Korean plants", "004", 25, ("hu-catl-debrecen", "hu-sdi-god", "hu-skon-komarom")),
    ("LG", "004", 26, ("pl-lges-wroclaw",)),
    ("Northvolt", "004", 36, ("se-northvolt-ett",)),
]

# (name as in the seed, seed file, line, why no project stands for it)
NOT_PROJECTS: list[tuple[str, str, int, str]] = [
    ("Lopal Technologies", "000", 236, "a cathode maker named for its share price; no plant or project named"),
    ("Michigan", "001", 9, "Chinese battery factories in Michigan 'under discussion': no plant named"),
    ("Xpeng", "003", 575, "contract assembly of cars in Graz, not the battery chain"),
    ("Skeleton Technologies", "003", 1119, "ultracapacitors and their carbon, not a commodity of the Li-ion chain"),
    ("Szeged", "003", 1546, "BYD's car plant, not the battery chain"),
    ("Leapmotor", "003", 1801, "car assembly in Poland, not the battery chain"),
    ("Košice", "003", 2719, "Volvo's car plant, not the battery chain"),
    ("Meta Systems", "003", 2725, "on-board chargers, not the battery chain"),
    ("Chery", "003", 2992, "car assembly in Barcelona, not the battery chain"),
]


def _seed_folder() -> Path | None:
    env = os.environ.get("VALUECHAIN_SEEDS")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        folder = parent / "shared" / "seeds"
        if folder.is_dir():
            return folder
    return None


@pytest.fixture(scope="module")
def seed_lines() -> dict[str, list[str]]:
    folder = _seed_folder()
    if folder is None or not any(folder.glob("00?_*.txt")):
        pytest.skip("the seed documents are not on this machine (set VALUECHAIN_SEEDS)")
    return {p.name[:3]: p.read_text("utf-8").splitlines() for p in sorted(folder.glob("00?_*.txt"))}


@pytest.fixture(scope="module")
def projects():
    return vc.load_network("global-li-ion-2024").projects


@pytest.mark.parametrize(("name", "doc", "line", "ids"), NAMED, ids=[f"{d}:{ln}:{n}" for n, d, ln, _ in NAMED])
def test_seed_name_is_a_project(seed_lines, projects, name, doc, line, ids):
    assert name in seed_lines[doc][line - 1], f"'{name}' is not on line {line} of seed {doc}"
    missing = [i for i in ids if i not in projects.index]
    assert not missing, f"'{name}' (seed {doc}, line {line}) has no row {missing} in projects.csv"
    for i in ids:
        assert projects.loc[i, "status"] != ""
        assert projects.loc[i, "source"] != ""


@pytest.mark.parametrize(
    ("name", "doc", "line", "why"), NOT_PROJECTS, ids=[f"{d}:{ln}:{n}" for n, d, ln, _ in NOT_PROJECTS]
)
def test_seed_names_that_are_not_battery_projects_are_in_the_seed(seed_lines, name, doc, line, why):
    assert name in seed_lines[doc][line - 1], f"'{name}' is not on line {line} of seed {doc}"
    assert why


def test_every_seed_plant_line_is_accounted_for(seed_lines):
    # Every line of the seeds that speaks of a plant of the chain and names a company of the chain must
    # be one of the lines above or next to one (memo 000 wraps its sentences over short lines): a
    # plant the seeds name without an entry here fails.
    words = ("gigafactor", "battery plant", "battery factory", "cathode", "anode", "precursor", "pCAM")
    listed = {(d, ln) for _, d, ln, _ in NAMED} | {(d, ln) for _, d, ln, _ in NOT_PROJECTS}
    known = {(d, ln) for d, ln in listed} | {(d, ln + k) for d, ln in listed for k in (-2, -1, 1, 2)}
    unlisted = []
    for doc, lines in seed_lines.items():
        for i, text in enumerate(lines, start=1):
            low = text.lower()
            if not any(w.lower() in low for w in words) or text.lstrip().startswith(("-", "http", "[")):
                continue
            if (doc, i) not in known and _names_a_plant(text):
                unlisted.append(f"{doc}:{i}: {text.strip()[:100]}")
    assert not unlisted, "seed lines naming a plant without an entry:\n" + "\n".join(unlisted)


_COMPANIES = (
    "CATL",
    "Gotion",
    "CALB",
    "AESC",
    "XTC",
    "Easpring",
    "CNGR",
    "Northvolt",
    "Putailai",
    "Umicore",
    "Shanshan",
    "Shansan",
    "Farasis",
    "Verkor",
    "ProLogium",
    "Prologium",
    "ACC",
    "LG",
    "Samsung",
    "SK On",
    "Volvo",
    "BYD",
    "Unicon",
    "EVE",
    "Sunwoda",
    "Huayou",
    "BASF",
    "EcoPro",
)


def _names_a_plant(text: str) -> bool:
    return any(c in text for c in _COMPANIES)
