"""Networks for the scenario tests: the bundled toy networks, a shuffled copy, and a small
network with the canonical ids of the global network so that every library entry has something
to hit."""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.network.model import Network


@pytest.fixture(scope="session")
def toy() -> Network:
    return vc.load_network("toy-battery")


def _shuffled(net: Network, seed: int) -> Network:
    tables = {}
    for name, t in net.tables.items():
        frame = t.reset_index() if t.index.name == "id" else t.reset_index(drop=True)
        tables[name] = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return Network.from_frames(net.name, tables, year=net.year, period=net.period, check_balance=False)


@pytest.fixture(scope="session")
def shuffled():
    """A function returning the same network with the rows of every table in another order."""
    return _shuffled


@pytest.fixture(scope="session")
def canon() -> Network:
    """A small network using the canonical ids that the library names."""
    b = vc.NetworkBuilder("canon", year=2024)
    stages = {
        "natural_graphite": "mining",
        "anode_natural": "active material",
        "anode_synthetic": "active material",
        "pcam": "precursor",
        "cam_nmc": "active material",
        "cam_lfp": "active material",
        "lithium_carbonate": "refining",
        "lithium_hydroxide": "refining",
        "cell_nmc": "cell",
        "cell_lfp": "cell",
        "cobalt_ore": "mining",
        "cobalt_refined": "refining",
        "nickel_ore": "mining",
        "black_mass": "black mass",
        "eol_batteries": "end-of-life",
    }
    for c, st in stages.items():
        b.add_commodity(c, unit="t", stage=st)
    for r, g in {
        "CN": None,
        "CD": None,
        "ID": None,
        "SE": "EU27;OECD",
        "DE": "EU27;OECD",
        "US": "OECD",
        "KR": "OECD",
    }.items():
        b.add_region(r, groups=g)
    b.add_process("cn-graphite", region="CN", capacity=100, outputs={"natural_graphite": 1})
    b.add_process("cn-anode", region="CN", capacity=100, inputs={"natural_graphite": 1}, outputs={"anode_natural": 1})
    b.add_process("cn-cam", region="CN", capacity=100, outputs={"cam_nmc": 1, "cam_lfp": 1})
    b.add_process("cd-mine", region="CD", capacity=100, outputs={"cobalt_ore": 1})
    b.add_process("id-mine", region="ID", capacity=100, outputs={"nickel_ore": 1})
    b.add_process("se-cells", region="SE", capacity=10, inputs={"cam_nmc": 1}, outputs={"cell_nmc": 1})
    b.add_process(
        "de-cells",
        region="DE",
        capacity=10,
        inputs={"cam_nmc": 1},
        outputs={"cell_nmc": 1},
        owner="CN",
        technology_origin="CN",
    )
    b.add_process("de-recycler", region="DE", capacity=10, inputs={"eol_batteries": 1}, outputs={"black_mass": 1})
    b.add_process("cn-cells", region="CN", capacity=10, inputs={"cam_lfp": 1}, outputs={"cell_lfp": 1, "cell_nmc": 1})
    routes = [
        ("natural_graphite", "CN", "US"),
        ("anode_natural", "CN", "DE"),
        ("anode_natural", "CN", "KR"),
        ("anode_synthetic", "CN", "KR"),
        ("cam_nmc", "CN", "DE"),
        ("cam_lfp", "CN", "DE"),
        ("cell_nmc", "CN", "DE"),
        ("cobalt_ore", "CD", "CN"),
        ("nickel_ore", "ID", "CN"),
        ("black_mass", "DE", "CN"),
        ("black_mass", "DE", "KR"),
        ("eol_batteries", "DE", "CN"),
        ("cell_nmc", "SE", "DE"),
    ]
    for c, o, d in routes:
        b.add_route(f"{o}-{d}-{c}".lower(), c, o, d, capacity=10)
    b.add_demand("DE", "cell_nmc", quantity=5)
    b.add_demand("US", "natural_graphite", quantity=5)
    b.add_expansion("de-lfp-cn", region="DE", technology_origin="CN", owner="CN", outputs={"cam_lfp": 1})
    b.add_expansion("de-li-cn", region="DE", technology_origin="CN", owner="CN", outputs={"lithium_hydroxide": 1})
    b.add_expansion("de-cells-cn", region="DE", technology_origin="CN", owner="CN", outputs={"cell_lfp": 1})
    b.add_expansion("de-cells-kr", region="DE", technology_origin="KR", owner="KR", outputs={"cell_nmc": 1})
    b.add_expansion("cn-lfp", region="CN", technology_origin="CN", outputs={"cam_lfp": 1})
    return b.build(check_balance=False)
