"""Named plants and projects: the projects table of the global network, its checks and its command."""

import re
import shutil
from pathlib import Path

import pytest

import valuechain as vc
from valuechain.cli import run
from valuechain.errors import NetworkError
from valuechain.network import find_network


@pytest.fixture(scope="module")
def net():
    return vc.load_network("global-li-ion-2024")


def test_seed_plants_are_in_the_projects_table_with_their_status(net):
    p = net.projects
    # Plants the seed documents name, with the status the seeds or the cited sources report.
    expected = {
        "fr-prologium-dunkirk": "construction",
        "se-novo-energy-gothenburg": "delayed",
        "de-powerco-salzgitter": "operating",
        "fi-cngr-hamina": "cancelled",
        "se-putailai-sundsvall": "cancelled",
        "se-northvolt-ett": "bankrupt",
        "hu-catl-debrecen": "construction",
        "es-catl-stellantis-zaragoza": "construction",
        "sk-gotion-inobat-surany": "construction",
        "pt-calb-sines": "delayed",
        "fr-aesc-douai": "operating",
        "fr-verkor-dunkirk": "operating",
        "fi-easpring-fmg-kotka": "construction",
        "fr-xtc-orano-dunkirk": "announced",
    }
    assert {k: p.loc[k, "status"] for k in expected} == expected
    # Owners are the controlling owners, not the location: Gotion holds 80 % of the Slovak JV (S134),
    # Easpring 70 % of Kotka (S099), CNGR 60 % of Hamina (W019), ProLogium is Taiwanese.
    assert p.loc["sk-gotion-inobat-surany", "owner"] == "CN"
    assert p.loc["fi-easpring-fmg-kotka", "owner"] == "CN"
    assert p.loc["fi-cngr-hamina", "owner"] == "CN"
    assert (p.loc["fr-prologium-dunkirk", "region"], p.loc["fr-prologium-dunkirk", "owner"]) == ("FR", "TW")
    # Every project names a process of the network or none, and every source id exists.
    linked = p["process"][p["process"] != ""]
    assert set(linked) <= set(net.processes.index)
    ids = {s for cell in p["source"] for s in cell.split(";")}
    assert ids <= set(net.sources.index)


def test_2024_network_counts_what_operated_in_2024(net):
    proc = net.processes
    # Northvolt Ett had 16 GWh installed (W002), still ramping up and missing its targets (W003):
    # the 2024 network counts its 1 GWh of output, the projects table keeps the 16 GWh.
    assert proc.loc["se-northvolt-ett", "capacity"] == pytest.approx(1.0)
    assert net.projects.loc["se-northvolt-ett", "capacity_2024"] == pytest.approx(16.0)
    # EU27 cell capacity in operation, by hand: Wrocław 90 (W001) + Göd 30 + SK On 30 + Arnstadt 14
    # + other German plants 21 + Northvolt 1 + ACC 13.4 (W004) = 199.4 GWh; plants that made
    # nothing in 2024 (Debrecen, Zaragoza, ...) have capacity 0.
    out = net.recipes[(net.recipes["kind"] == "output") & net.recipes["commodity"].isin(["cell_nmc", "cell_lfp"])]
    eu = set(net.members("EU27"))
    cells = proc.loc[[q for q in out["process"] if q in proc.index]]
    assert cells[cells["region"].isin(eu)]["capacity"].sum() == pytest.approx(199.4)
    # Plants that started after 2024 carry no 2024 capacity in the projects table.
    later = net.projects[net.projects["status_year"] >= 2025]
    assert later.loc[["fr-aesc-douai", "fr-verkor-dunkirk", "de-powerco-salzgitter"], "capacity_2024"].isna().all()


def _numbers(text: str) -> set[float]:
    return {float(m.replace(",", "")) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def test_every_sourced_project_capacity_is_in_one_of_its_sources(net):
    # A capacity cited to a public source (W, P, S ids) must appear in the text recorded for one of
    # the row's sources; capacities resting on an assumption or a derivation name it instead, and a
    # derived capacity (t LCE from t of lithium hydroxide, say) must appear in its derivation's note.
    notes = net.sources["note"].astype(str).to_dict()
    cols = ["capacity_2024", "capacity_2025", "capacity_2027", "capacity_2030", "capacity_full"]
    checked = 0
    for pid, row in net.projects.iterrows():
        ids = row["source"].split(";")
        direct = [s for s in ids if s[0] in "WPST" or s.startswith("D-")]
        if not any(s[0] in "WP" for s in ids):
            continue
        text = set().union(*(_numbers(notes[s]) for s in direct))
        for c in cols:
            v = row[c]
            if v == v:  # not NaN
                assert float(v) in text, (pid, c, v)
                checked += 1
    assert checked >= 25


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "net"
    shutil.copytree(find_network("global-li-ion-2024"), dst)
    return dst


def test_bad_project_rows_are_one_line_errors(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "projects.csv"
    text = path.read_text("utf-8")
    path.write_text(text.replace(",operating,2024,,90,", ",running,2024,,90,", 1), "utf-8")
    with pytest.raises(NetworkError) as e:
        vc.load_network(folder)
    msg = str(e.value)
    for part in ("projects.csv", "row 1", "'status'", "operating"):
        assert part in msg
    assert "\n" not in msg
    path.write_text(text.replace(",W001,medium,", ",W999,medium,", 1), "utf-8")
    with pytest.raises(NetworkError, match=r"projects\.csv.*row 1.*'source'.*unknown source 'W999'"):
        vc.load_network(folder)
    path.write_text(text.replace(",operating,2024,,90,", ",operating,2024,,-90,", 1), "utf-8")
    with pytest.raises(NetworkError, match=r"projects\.csv.*row 1.*'capacity_2024'"):
        vc.load_network(folder)


def test_projects_command_lists_the_table(capsys):
    assert run(["networks", "projects", "global-li-ion-2024"]) == 0
    out = capsys.readouterr().out
    assert "fr-prologium-dunkirk" in out
    assert "se-putailai-sundsvall" in out
    n = len(vc.load_network("global-li-ion-2024").projects)
    assert f"{n} plants and projects:" in " ".join(out.split())
    assert run(["networks", "projects", "toy-battery"]) == 0
    assert "has no projects table" in capsys.readouterr().out


def test_project_figures_count_in_the_provenance(net):
    from valuechain.network.provenance import figure_provenance

    figs = figure_provenance(net)
    figs = figs[figs["table"] == "projects"].set_index(["row", "field"])
    # Putailai: 50,000 t in 2025, 100,000 t in 2027 and in all, each cited to W020 alone: direct.
    put = figs.loc["se-putailai-sundsvall"]
    assert set(put.index) == {"capacity_2025", "capacity_2027", "capacity_full"}
    assert (put["kind"] == "direct").all()
    # Arnstadt's 14 GWh cites a seed fact and a derivation (S109;D-arnstadt): derived, not direct.
    assert figs.loc[("de-catl-arnstadt", "capacity_2024"), "kind"] == "derived"
    # Dates are not figures.
    assert "announced_start" not in set(figs.index.get_level_values("field"))
