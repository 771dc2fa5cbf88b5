"""The outlook: hand-computed probabilities, ranking and additions on a copy of toy-battery.

The copy has no demand growth, so Germany's consumption of cells is its final demand, 200 GWh
a year, in every year; its own cell plant (150 GWh) runs at utilisation 1. Two projects in
Germany add 30 GWh each from 2025 (unmapped, so no shock touches them): 'a' announced, 'b'
under construction. With a minimum domestic share of 100 %, Germany needs 200 GWh: 150 + 30 +
30 = 210 meets it, 150 + 30 = 180 does not, so the benchmark is met exactly when both deliver.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from valuechain.analysis.outlook import outlook
from valuechain.cli import run
from valuechain.errors import NetworkError
from valuechain.network import load_network
from valuechain.opt import MinDomesticShare, Study

ROOT = Path(__file__).resolve().parents[2]
HEADER = (
    "id,name,region,commodity,owner,technology_origin,status,status_year,announced_start,capacity_2024,"
    "capacity_2025,capacity_2027,capacity_2030,capacity_full,process,source,confidence,note\n"
)
COMPLETION = "status,stage,owner,deliver,delay_mean,delay_sd,utilisation,source,note\n"


def _network(tmp: Path, p_a: float, p_b: float) -> Path:
    folder = tmp / "toy-pipeline"
    shutil.copytree(ROOT / "networks" / "toy-battery", folder)
    dem = pd.read_csv(folder / "demand.csv")
    dem["growth"] = 0.0
    dem.to_csv(folder / "demand.csv", index=False)
    yaml = (folder / "network.yaml").read_text()
    (folder / "network.yaml").write_text(yaml.replace("expansions]", "expansions, projects]"))
    (folder / "projects.csv").write_text(
        HEADER
        + "a,Plant A,DE,cell_nmc,DE,DE,announced,2024,2025,,30,,,,,toy,assumption,\n"
        + "b,Plant B,DE,cell_nmc,DE,DE,construction,2024,2025,,30,,,,,toy,assumption,\n"
    )
    (folder / "completion.csv").write_text(
        COMPLETION
        + "operating,,,1,0,0,1,toy,\n"
        + f"announced,,,{p_a},0,0,1,toy,\n"
        + f"construction,,,{p_b},0,0,1,assumption,\n"
    )
    return folder


def _study(years: int = 1) -> Study:
    pol = MinDomesticShare(commodities=("cell_nmc",), region="DE", share=1.0, label="cells-100")
    return Study(name="toy-pipeline", start=2025, years=years, policies=(pol,))


def test_both_needed_gives_the_product_of_probabilities(tmp_path: Path) -> None:
    # met iff both deliver: P = 0.7 x 0.6 = 0.42; with n = 20,000 samples the Monte Carlo
    # standard deviation is sqrt(0.42 x 0.58 / 20,000) = 0.00349, so 4 sd = 0.014
    net = load_network(_network(tmp_path, 0.7, 0.6))
    res = outlook(_study(), network=net, samples=20_000, seed=5)
    p = float(res.probabilities["p_met"].iloc[0])
    assert abs(p - 0.42) <= 4 * np.sqrt(0.42 * 0.58 / 20_000)
    # expected gap in GWh: 20 GWh when one fails (0.7 x 0.4 + 0.3 x 0.6 = 0.46), 50 when both
    # fail (0.3 x 0.4 = 0.12): 0.46 x 20 + 0.12 x 50 = 15.2 GWh
    gap = float(res.probabilities["expected_gap"].iloc[0])
    assert abs(gap - 15.2) <= 4 * 0.2  # the gap's sd over samples is below 16 GWh: 16 / sqrt(20,000) x 4 < 0.5


def test_certain_projects_meet_it_exactly(tmp_path: Path) -> None:
    # deliver 1 and delay 0: 210 GWh >= 200 in every sample
    net = load_network(_network(tmp_path, 1.0, 1.0))
    res = outlook(_study(), network=net, samples=500, seed=2)
    assert float(res.probabilities["p_met"].iloc[0]) == 1.0
    assert float(res.probabilities["expected_gap"].iloc[0]) == 0.0


def test_dropping_a_needed_project_loses_the_whole_probability(tmp_path: Path) -> None:
    # without either project the best case is 180 < 200: the probability falls to 0, so the
    # drop equals P(met), on the same samples exactly
    net = load_network(_network(tmp_path, 0.7, 0.6))
    res = outlook(_study(), network=net, samples=5_000, seed=9)
    p = float(res.probabilities["p_met"].iloc[0])
    ranked = res.projects.set_index("project")
    assert set(ranked.index) == {"a", "b"}
    assert ranked.at["a", "p_without"] == 0.0
    assert ranked.at["a", "drop"] == pytest.approx(p, abs=0)
    assert ranked.at["b", "drop"] == pytest.approx(p, abs=0)


def test_additions_reach_the_target_at_least_cost(tmp_path: Path) -> None:
    # lack per sample: 0 (both deliver, 0.42), 20 GWh (one, 0.46), 50 GWh (none, 0.12): the
    # 80 % quantile is 20 GWh, after which 0.42 + 0.46 = 0.88 >= 0.8 are met. The cheapest
    # option is the Chinese-technology plant: capex 55e6 x CRF(5 %, 15 y) + variable 22e6 at
    # utilisation 1; CRF = 0.05 x 1.05^15 / (1.05^15 - 1) = 0.0963423, so 27.298826e6 a GWh
    # a year and 545.98e6 for 20 GWh. Three years, so the 2-year lead time fits.
    net = load_network(_network(tmp_path, 0.7, 0.6))
    res = outlook(_study(years=3), network=net, samples=20_000, seed=4, target=0.8)
    add = res.additions.set_index("expansion")
    assert list(add.index) == ["de-cells-exp-cn"]
    assert add.at["de-cells-exp-cn", "capacity"] == pytest.approx(20.0, rel=1e-5)
    crf = 0.05 * 1.05**15 / (1.05**15 - 1)
    assert add.at["de-cells-exp-cn", "cost_per_year"] == pytest.approx(20 * (55e6 * crf + 22e6), rel=1e-5)
    after = res.after.iloc[0]
    assert after["p_after"] >= 0.8
    assert abs(after["p_after"] - 0.88) <= 4 * np.sqrt(0.88 * 0.12 / 20_000)


def test_same_seed_same_tables_other_seed_other(tmp_path: Path) -> None:
    net = load_network(_network(tmp_path, 0.7, 0.6))
    one = outlook(_study(), network=net, samples=2_000, seed=11)
    two = outlook(_study(), network=net, samples=2_000, seed=11)
    other = outlook(_study(), network=net, samples=2_000, seed=13)
    pd.testing.assert_frame_equal(one.probabilities, two.probabilities)
    pd.testing.assert_frame_equal(one.projects, two.projects)
    assert not one.probabilities["p_met"].equals(other.probabilities["p_met"])


def test_default_study_is_reproducible() -> None:
    a = outlook("eu-crma-2030", samples=1_000, seed=1)
    b = outlook("eu-crma-2030", samples=1_000, seed=1)
    pd.testing.assert_frame_equal(a.probabilities, b.probabilities)
    assert set(a.probabilities["benchmark"]) >= {"nzia-cells", "single-country-materials", "recycling-lithium"}


def test_bad_completion_file_is_one_line(tmp_path: Path) -> None:
    folder = _network(tmp_path, 0.7, 0.6)
    net = load_network(folder)
    bad = tmp_path / "bad.csv"
    bad.write_text(COMPLETION + "announced,,,1.5,0,0,1,toy,\n")
    with pytest.raises(
        NetworkError, match=r"bad.csv, row 1 \(line 2\), field 'deliver': expected a number in \[0, 1\]"
    ):
        outlook(_study(), network=net, completion=bad, samples=10)
    with pytest.raises(NetworkError, match="no such completion file"):
        outlook(_study(), network=net, completion=tmp_path / "none.csv", samples=10)
    bad.write_text(COMPLETION + "operating,,,1,0,0,1,nosuch,\n")
    with pytest.raises(NetworkError, match="field 'source': expected ids of the network's sources"):
        outlook(_study(), network=net, completion=bad, samples=10)
    bad.write_text(COMPLETION + "operating,,,1,0,0,1,toy,\n")  # no row for 'announced'
    with pytest.raises(NetworkError, match="no row fits project 'a'"):
        outlook(_study(), network=net, completion=bad, samples=10)


def test_cli_reports_a_bad_completion_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("status,deliver\noperating,x\n")
    code = run(["outlook", "models/eu-crma-2030.yaml", "--samples", "10", "--completion", str(bad)])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith("error: ")
    assert "field 'source'" in err
    assert "\n" not in err


def test_targets_model_with_the_pipeline_as_given_builds_what_is_missing(tmp_path: Path) -> None:
    # At the 20 % quantile (target 0.8) neither project counts: each fails with probability
    # 0.3 or 0.4 >= 0.2, so its 20 % quantile is 0. Given 150 GWh, a 100 % domestic share of
    # 200 GWh needs 50 GWh more from 2027 (the options' lead time is 2 years); the Chinese-
    # technology option is the cheaper one (capex 55e6 vs 80e6 a GWh, variable 22e6 vs 26e6).
    # Re-evaluated on the samples, 150 + 50 = 200 GWh meets the share whatever the projects
    # do, so the probability is 1 >= 0.8.
    net = load_network(_network(tmp_path, 0.7, 0.6))
    pol = MinDomesticShare(commodities=("cell_nmc",), region="DE", share=1.0, elastic=True, penalty=1e9)
    study = Study(name="toy-plan", start=2025, years=3, policies=(pol,))
    res = outlook(study, network=net, samples=5_000, seed=4, target=0.8, plan=True)
    assert res.plan is not None
    built = res.plan.set_index("expansion")
    assert list(built.index) == ["de-cells-exp-cn"]
    assert built.at["de-cells-exp-cn", "capacity"] == pytest.approx(50.0, rel=1e-6)
    assert float(res.after["p_plan"].iloc[0]) == 1.0
    assert res.left_out == []


def test_report_section_names_the_projects_and_their_loss(tmp_path: Path) -> None:
    from valuechain.report.html import Report
    from valuechain.report.outlook import outlook_section

    net = load_network(_network(tmp_path, 0.7, 0.6))
    res = outlook(_study(), network=net, samples=2_000, seed=9)
    rep = Report("outlook")
    outlook_section(rep, res, net)
    page = rep.to_html()
    # both projects are needed: without either the probability is 0 %
    p = res.probabilities["p_met"].iloc[0]
    for name in ("Plant A", "Plant B"):
        row = f"<td>{name}</td><td>{'announced' if name == 'Plant A' else 'construction'}</td><td>cells-100</td>"
        assert f'{row}<td class="n">{round(100 * p)}%</td><td class="n">0%</td>' in page
    assert "outlook.png" in rep._pngs


def test_chunk_size_does_not_change_the_tables() -> None:
    # 20,500 samples are 21 blocks of 1,000 (the last of 500), each from its own child seed:
    # chunks of 1 block, of 7 blocks, or all 21 at once give the same numbers, not close ones
    runs = [outlook("eu-crma-2030", samples=20_500, seed=3, chunk_size=c, plan=True) for c in (1_000, 7_000, 20_500)]
    first = runs[0]
    assert 0 < first.probabilities["p_met"].mean() < 1  # some benchmarks met, some not: the comparison bites
    assert first.probabilities["expected_gap_pp"].max() > 0
    for other in runs[1:]:
        for name in ("probabilities", "projects", "additions", "after", "plan"):
            pd.testing.assert_frame_equal(getattr(first, name), getattr(other, name), check_exact=True)
    # the chunk size in between rounds up to whole blocks: 1,500 is 2 blocks
    from valuechain.analysis._outlook_chunks import chunks

    assert chunks(20_500, 1_500) == [(b, 2) for b in range(0, 20, 2)] + [(20, 1)]


def test_pipeline_quantile_from_outcome_counts_is_numpy_quantile() -> None:
    # the plan's pipeline quantile is taken from counts of (delivered, delay) per project; on the
    # same samples it must equal numpy's inverted-cdf quantile of the drawn capacities
    from valuechain.analysis import _outlook_chunks as ch
    from valuechain.analysis.outlook import _evaluator

    model, *_ = _evaluator(None, "eu-crma-2030", None)
    n = 2_300
    parts = [ch.run_chunk(model, n, 8, f, c) for f, c in ch.chunks(n, 1_000)]
    counts = sum(p.outcomes for p in parts)
    draw = model.draw(8, [(0, 1_000), (1, 1_000), (2, 300)])
    assert np.unique(draw.capacity[:, -1], axis=1).shape[1] > 1  # the capacities do vary over samples
    for q in (0.0, 0.05, 0.2, 0.5, 0.9, 1.0):
        want = np.quantile(draw.capacity, q, axis=2, method="inverted_cdf")
        assert np.array_equal(ch.capacity_quantile(model, counts, q), want), q


def test_cli_rejects_bad_chunk_size_and_workers(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--chunk-size", "0"], ["--workers", "-1"]):
        code = run(["outlook", "models/eu-crma-2030.yaml", "--samples", "10", *args])
        err = capsys.readouterr().err.strip()
        assert code == 1
        assert err.startswith("error: --samples and --chunk-size must be >= 1, --seed and --workers >= 0")
        assert "\n" not in err


def test_what_no_option_can_supply_in_time_is_short_in_its_own_unit(tmp_path: Path) -> None:
    # One year: the options' 2-year lead time does not fit, so nothing can be added and the whole
    # need is short: the 80 % quantile of the lack, 20 GWh (see the test above), at utilisation 1.
    net = load_network(_network(tmp_path, 0.7, 0.6))
    res = outlook(_study(years=1), network=net, samples=20_000, seed=4, target=0.8)
    assert res.additions.empty
    after = res.after.iloc[0]
    assert after["short"] == pytest.approx(20.0, rel=1e-5)
    ((com, qty, unit),) = after["short_parts"]
    assert (com, unit) == ("cell_nmc", "GWh")
    assert qty == pytest.approx(20.0, rel=1e-5)


def test_a_shortfall_over_commodities_of_different_units_is_given_per_commodity() -> None:
    # a cap over cells (GWh) and cathode (t) short of both: never one sum of GWh and tonnes
    from valuechain.report.outlook import _short

    net = load_network("toy-battery")
    text = _short(net, (("cell_nmc", 12.0, "GWh"), ("cam_nmc", 4_500.0, "t")))
    from valuechain.report import fmt

    cells, cathode = text.split("; ")
    assert cells.endswith(fmt.quantity(12.0, "GWh"))
    assert cathode.endswith(fmt.quantity(4_500.0, "t"))
