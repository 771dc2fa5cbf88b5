"""The network README's section on the EU's baseline states what `valuechain dependency` computes today.

Its figures are model output, so they move whenever the network does; these checks make a stale
sentence fail instead of drifting silently (each figure is recomputed here and formatted as the
README writes it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from valuechain.analysis.dependency import dependency

README = Path(__file__).resolve().parents[2] / "networks" / "global-li-ion-2024" / "README.md"


@pytest.fixture(scope="module")
def section() -> str:
    text = README.read_text(encoding="utf-8")
    body = text.split("## What the baseline says about the EU", 1)[1].split("\n## ", 1)[0]
    return re.sub(r"\s+", " ", body)


@pytest.fixture(scope="module")
def eu(global_net):
    dep = dependency(global_net, "EU27")
    shares = dep[dep["metric"] == "share"]

    def share(commodity: str, origin: str, view: str = "direct", upstream: str | None = None) -> str:
        rows = shares[
            (shares["commodity"] == commodity)
            & (shares["view"] == view)
            & (shares["upstream"] == (upstream or commodity))
            & (shares["origin"] == origin)
        ]
        assert len(rows) == 1, (commodity, origin, view, upstream)
        return f"{float(rows['value'].iloc[0]):.0%}"

    return share


def test_cells(section, eu):
    assert f"The EU makes {eu('cell_nmc', 'EU27')} of the NMC cells it uses" in section
    assert (
        f"buys {eu('cell_nmc', 'CN')} from China, {eu('cell_nmc', 'JP')} from Japan and {eu('cell_nmc', 'KR')} from Korea"
        in section
    )
    assert (
        f"{eu('cell_nmc', 'KR', 'owner')} of its NMC cells come from Korean-owned plants, {eu('cell_nmc', 'CN', 'owner')} from Chinese-owned ones"
        in section
    )
    assert (
        f"{eu('cell_nmc', 'JP', 'owner')} from Japanese-owned and {eu('cell_nmc', 'EU27', 'owner')} from EU-owned ones"
        in section
    )


def test_embedded_origin_of_nmc_cells(section, eu):
    def emb(upstream: str, origin: str) -> str:
        return eu("cell_nmc", origin, "embedded", upstream)

    assert (
        f"{emb('lithium_hydroxide', 'CN')} of their lithium hydroxide was refined in China, {emb('cobalt_refined', 'CN')} of the refined cobalt, {emb('nickel_sulphate', 'CN')} of the nickel sulphate, {emb('cam_nmc', 'CN')} of the NMC cathode and {emb('pcam', 'CN')} of the precursor were made there"
        in section
    )
    assert f"{emb('natural_graphite', 'CN')} of the natural graphite in their anode was mined there" in section
    assert (
        f"Australia {emb('lithium_ore', 'AU')}, China {emb('lithium_ore', 'CN')}, Chile {emb('lithium_ore', 'CL')} of the lithium"
        in section
    )
    assert f"DR Congo {emb('cobalt_ore', 'CD')} of the cobalt" in section


def test_materials_bought_directly(section, eu):
    assert (
        f"Synthetic anode {eu('anode_synthetic', 'CN')} and natural anode {eu('anode_natural', 'CN')} from China"
        in section
    )
    assert (
        f"NMC cathode {eu('cam_nmc', 'KR')} from Korea and {eu('cam_nmc', 'CN')} from China ({eu('cam_nmc', 'EU27')} made in the EU)"
        in section
    )
    assert (
        f"lithium carbonate {eu('lithium_carbonate', 'CL')} from Chile, {eu('lithium_carbonate', 'AR')} from Argentina ({eu('lithium_carbonate', 'EU27')} recovered in the EU)"
        in section
    )
    assert (
        f"lithium hydroxide {eu('lithium_hydroxide', 'CN')} from China, {eu('lithium_hydroxide', 'CL')} from Chile, {eu('lithium_hydroxide', 'AU')} from Australia"
        in section
    )
    assert f"cobalt intermediates {eu('cobalt_ore', 'CD')} from DR Congo" in section
    assert (
        f"natural graphite {eu('natural_graphite', 'CN')} from China, {eu('natural_graphite', 'MG')} from Madagascar, {eu('natural_graphite', 'BR')} from Brazil and {eu('natural_graphite', 'MZ')} from Mozambique"
        in section
    )
