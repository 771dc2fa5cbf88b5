"""``valuechain run``: the study report end to end on the default study (quick settings)."""

from __future__ import annotations

import dataclasses
import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.analysis import summary
from valuechain.analysis.planned import baseline_flows, origin_shares, plan_flows, share_of
from valuechain.errors import StudyError
from valuechain.report import fmt
from valuechain.report.render import SECTIONS, render
from valuechain.report.run import ReportRun, collect, run_report
from valuechain.report.sankey import flow_links

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run() -> ReportRun:
    return collect(None, quick=True)


@pytest.fixture(scope="module")
def written(run: ReportRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(run, tmp_path_factory.mktemp("report"))


class _Tables(HTMLParser):
    """Collect the tables that follow each <h3> title, as lists of rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._title = ""
        self._in_h3 = False
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h3":
            self._in_h3, self._title = True, ""
        elif tag == "table":
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3":
            self._in_h3 = False
        elif tag in ("td", "th") and self._rows is not None and self._cell is not None:
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._title] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._in_h3:
            self._title += data
        elif self._cell is not None:
            self._cell.append(data)


def test_the_default_study_runs_every_step(run: ReportRun) -> None:
    assert run.study.name == "eu-crma-2030"
    assert run.network.name == "global-li-ion-2024"
    assert run.skipped == {}
    assert set(run.timings) == {"study", "dependency", "targets", "outlook", "resilience", "shocks", "criticality"}
    assert run.outlook is not None
    assert set(run.outlook.probabilities["year"]) == set(range(2025, 2031))
    assert run.targets is not None
    assert run.resilience is not None
    assert len(run.resilience) == 4
    assert run.shocks is not None
    assert run.shocks.n_scenarios == len(run.scenarios) >= 2
    assert "cn-midstream-all" in run.scenarios
    assert run.criticality is not None
    assert len(run.criticality) == len(run.network.processes)


def test_html_has_every_section_and_stands_alone(written: Path) -> None:
    text = written.read_text("utf-8")
    for heading in SECTIONS:
        assert f">{heading}</h2>" in text, heading
    assert "did not run" not in text
    assert re.search(r"<script[^>]*\bsrc=", text) is None  # plotly.js is inlined, nothing is fetched
    assert text.count("Plotly.newPlot") == 2  # the baseline and the planned Sankey


def test_largest_supplier_table_is_the_runs(run: ReportRun, written: Path) -> None:
    # The table in the report is the run's largest-supplier frame, row for row: lithium hydroxide
    # without China today and in 2030, and the IEA's 65 % for refined lithium (2035) beside it with the verdict.
    t = run.largest_supplier
    assert t is not None
    parser = _Tables()
    parser.feed(written.read_text("utf-8"))
    rows = parser.tables["Largest-supplier test: share of world demand covered without the largest supplier"]
    assert len(rows) == 1 + len(t)
    li = next(r for r in rows if r[1].startswith("Lithium hydroxide"))
    lc = t.loc["lithium_hydroxide"]
    assert li[3] == f"{100 * lc['coverage']:.0f}% without China"
    assert li[5] == f"{100 * lc['coverage_2030']:.0f}% without China"
    assert li[6] == f"65% without China (2035; {lc['verdict']})"


def test_pngs_exist_and_are_valid_images(written: Path) -> None:
    names = {p.name for p in written.parent.glob("*.png")}
    assert names == {"origin-shares.png", "shortfall.png", "criticality.png", "price-of-resilience.png", "outlook.png"}
    for name in names:
        img = plt.imread(written.parent / name)
        assert img.ndim == 3
        assert img.shape[0] > 200
        assert img.shape[1] > 300
        assert float(img[..., :3].std()) > 0.01  # not a blank canvas


def test_targets_tables_in_the_html_are_the_targets_result(run: ReportRun, written: Path) -> None:
    parser = _Tables()
    parser.feed(written.read_text("utf-8"))
    net = run.network
    table = run.targets.table.droplevel("stage")
    rows = parser.tables["Targets and their shadow prices"]
    assert rows[0][0] == "Commodity"
    body = {r[0]: r for r in rows[1:]}
    capped = table[table[["target_share", "min_domestic", "min_recycled"]].notna().any(axis=1)]
    assert len(body) == len(capped) >= 10
    cost_col = rows[0].index("Cost of one more point")
    scale = abs(float(run.targets.plan.objective))
    for c, r in capped.iterrows():
        cells = body[fmt.commodity(net, str(c), with_unit=False, short=True)]  # names, never ids
        assert cells[cost_col] == fmt.money(float(r["cost_per_pp"]), "USD", scale=scale), c
    # NZIA's 40 % made in the EU covers NMC and LFP cells together: each row says so, since LFP
    # alone can stay near 0 % while the target is met on their sum
    target_col = rows[0].index("Target")
    nmc, lfp = (fmt.commodity(net, c, with_unit=False, short=True) for c in ("cell_nmc", "cell_lfp"))
    assert body[nmc][target_col].endswith(f"≥ 40% made in region with {lfp}")
    assert body[lfp][target_col].endswith(f"≥ 40% made in region with {nmc}")
    # made in region is the policy's own measure: refined cobalt's 40 % processing and 25 %
    # recycling targets are met, and the column shows shares at or above them
    made_col = rows[0].index("Planned, made in region")
    cobalt = body[fmt.commodity(net, "cobalt_refined", with_unit=False, short=True)]
    r = table.loc["cobalt_refined"]
    assert cobalt[target_col] == "≤ 65% from one origin; ≥ 40% made in region; ≥ 25% recycled in region"
    assert cobalt[made_col] == f"{fmt.pct(r['planned_domestic'])}; {fmt.pct(r['planned_recycled'])} recycled"
    assert r["planned_domestic"] >= 0.4 - 1e-6
    assert r["planned_recycled"] >= 0.25 - 1e-6
    # what the plan builds: one row per option and commodity that the targets plan builds more of than
    # the plan without the targets (the growth world demand needs in both is not the targets' doing)
    built = parser.tables["What the plan builds"]
    cap = run.targets.capacity.groupby(["plan", "expansion", "commodity"])["capacity"].sum()
    ref = cap["reference"].reindex(cap["capped"].index).fillna(0.0)
    extra = cap["capped"] - ref
    assert len(built) - 1 == int((extra > 1e-6 * np.maximum(1.0, ref)).sum())
    assert 1 < len(built) - 1 < len(cap["capped"][cap["capped"] > 1e-6])
    # and the CSV beside the report holds the targets table in full precision
    csv = pd.read_csv(written.parent / "targets.csv", index_col=[0, 1])
    num = run.targets.table.select_dtypes("number")
    np.testing.assert_allclose(csv[num.columns].to_numpy(dtype=float), num.to_numpy(dtype=float), rtol=1e-12)


def test_planned_sankey_differs_where_the_plan_builds(run: ReportRun) -> None:
    net, f = run.network, run.plan_flows
    assert f is not None
    built = f.expansion_activity[f.expansion_activity > 1e-6]
    assert len(built), "the default study builds new capacity"
    base, _ = flow_links(net, regions=100)
    plan, _ = flow_links(net, f.activity, f.route_flow, f.served, expansion_activity=f.expansion_activity, regions=100)
    names = net.commodities["name"]
    rec = net.recipes
    for eid in built.index:
        region = net.expansions.at[eid, "region"]
        outs = rec[(rec["process"] == eid) & (rec["kind"] == "output")]["commodity"]
        # production scrap is a by-product of a new cell plant: the region's end-of-life node also
        # carries collection, which a plan may leave undone where nothing needs the black mass
        outs = [c for c in outs if c != "eol_batteries" or len(outs) == 1]
        for com in outs:
            node = f"{names[com]} · {region}"
            # mines have no inputs: count the links leaving a node as well as those entering it
            through_plan = plan.loc[(plan["target"] == node) | (plan["source"] == node), "value"].sum()
            through_base = base.loc[(base["target"] == node) | (base["source"] == node), "value"].sum()
            # not necessarily more: new capacity may displace other output at the same node (seen:
            # a new Finnish lithium refinery running 8 t while the Finnish recycler, which also
            # makes lithium chemicals, runs at 1,172 instead of its baseline 2,000)
            assert abs(through_plan - through_base) > 1e-6 * through_base, (eid, node)


def test_plan_flows_carry_the_plans_new_capacity(run: ReportRun) -> None:
    plan = run.targets.plan
    last = plan.expansion_activity.index.get_level_values("period").max()
    f = run.plan_flows
    xa = plan.expansion_activity.xs(last, level="period")["activity"].groupby(level="expansion").mean()
    probs = run.study.probabilities
    if probs is None:  # equally likely scenarios: the plain mean is the expectation
        pd.testing.assert_series_equal(
            f.expansion_activity.sort_index(), xa.sort_index(), check_names=False, check_index_type=False
        )
    assert f.label == f"plan, {last}"


def test_baseline_origin_shares_match_dependency() -> None:
    net = vc.load_network("global-li-ion-2024")
    mine = origin_shares(net, baseline_flows(net), region="EU27")
    dep = summary(vc.dependency(net, "EU27"))
    assert list(mine.index) == list(dep.index)
    assert (mine["top_origin"] == dep["top_origin"]).all()
    np.testing.assert_allclose(mine["top_share"], dep["top_share"], atol=1e-12)
    np.testing.assert_allclose(mine["domestic_share"], dep["domestic_share"], atol=1e-12)
    np.testing.assert_allclose(mine["use"], dep["consumption"], rtol=1e-12)
    assert share_of(mine, "anode_natural", "CN") == pytest.approx(float(dep.at["anode_natural", "top_share"]))
    assert np.isnan(share_of(mine, "not-a-commodity", "CN"))


def test_plan_flows_weight_scenarios_and_check_the_period() -> None:
    plan = vc.optimise("toy-battery", "toy-battery")
    f = plan_flows(plan, period=2027)
    want = plan.flows.xs(2027, level="period")["flow"].groupby(level="route").mean()
    pd.testing.assert_series_equal(f.route_flow.sort_index(), want.sort_index(), check_names=False)
    with pytest.raises(vc.ValueChainError, match="period 1999 is not in the plan"):
        plan_flows(plan, period=1999)
    with pytest.raises(vc.ValueChainError, match="probabilities must be 1 numbers"):
        plan_flows(plan, probabilities=[0.5, 0.5])


def test_missing_study_is_a_one_line_error_naming_the_step(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match=r"^reading the study and the network failed: .*no such study spec"):
        run_report(tmp_path / "nope.yaml", out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_prints_one_line_on_a_missing_study(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "valuechain", "run", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    err = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(err) == 1
    assert "nope.yaml: no such study spec" in err[0]
    assert "Traceback" not in proc.stderr


def test_bad_study_content_names_the_file(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("network: global-li-ion-2024\nhorizon: {years: many}\n", "utf-8")
    with pytest.raises(StudyError, match=r"bad\.yaml: horizon.years: expected an integer >= 1, got 'many'"):
        collect(spec)


def test_a_run_without_targets_says_so_instead_of_showing_a_table(run: ReportRun, tmp_path: Path) -> None:
    why = "the targets analysis cannot be imported (no module named 'valuechain.analysis.targets')"
    partial = dataclasses.replace(
        run,
        targets=None,
        resilience=None,
        plan_flows=None,
        after=None,
        skipped={"targets": why, "resilience": why},
    )
    text = render(partial, tmp_path).read_text("utf-8")
    for heading in SECTIONS:
        assert f">{heading}</h2>" in text, heading
    line = html.escape(f"The targets study did not run, so this section is empty: {why}")
    assert text.count(line) == 4
    assert "<h3>What the plan builds</h3>" not in text
    assert text.count("Plotly.newPlot") == 1  # the baseline Sankey only
    assert not (tmp_path / "targets.csv").exists()
    assert not (tmp_path / "price-of-resilience.png").exists()


def test_readme_figure_matches_a_fresh_run(run: ReportRun) -> None:
    """The README's picture is stale when its numbers (the CSV beside it) differ from a fresh run's.

    Regenerate it with ``valuechain run --quick --readme-figure docs/``.
    """
    from valuechain.report.readme import FIGURE, figure_data

    stored = pd.read_csv(ROOT / "docs" / f"{FIGURE}.csv", index_col=0, keep_default_na=False)
    fresh = figure_data(run)
    hint = "docs/eu-dependency-by-stage.png is stale: run `valuechain run --quick --readme-figure docs/`"
    assert list(stored.index) == list(fresh.index), hint
    # today's origins are data; the plan's top origin is not compared, since equally cheap plans
    # (a degenerate LP) may buy the same share from another country (seen: Chile or Argentina at
    # the same 84 % of lithium chemicals); the plan's shares are what the picture shows
    assert stored["today_origin"].astype(str).tolist() == fresh["today_origin"].astype(str).tolist(), hint
    for col in ("cap", "today_share", "plan_share"):
        np.testing.assert_allclose(stored[col].to_numpy(float), fresh[col].to_numpy(float), atol=0.005, err_msg=hint)
    assert (ROOT / "docs" / f"{FIGURE}.png").stat().st_size > 10_000


def test_readme_figure_data_uses_countries_not_aggregates(run: ReportRun) -> None:
    from valuechain.report.readme import figure_data

    data = figure_data(run)
    net = run.network
    for col in ("today_origin", "plan_origin"):
        for origin in data[col]:
            assert origin == "" or not fmt.is_aggregate(net, origin), origin
    # manganese sulphate: 83 % comes from the rest of the world (several countries), so the top
    # *country* today is Japan with the remaining 14 % (0.139 in the dependency frame's shares)
    dep = run.dependency
    shares = dep[(dep["view"] == "direct") & (dep["metric"] == "share") & (dep["commodity"] == "manganese_sulphate")]
    jp = float(shares.loc[shares["origin"] == "JP", "value"].iloc[0])
    assert data.at["manganese_sulphate", "today_origin"] == "JP"
    assert data.at["manganese_sulphate", "today_share"] == pytest.approx(jp, abs=1e-4)
    # every capped commodity of the study has a row, each state with its own top country
    table = run.targets.table.droplevel("stage")
    assert set(data.index) == set(table.index[table["target_share"].notna()]) & set(run.before.index)


def test_readme_caption_says_what_the_figure_shows() -> None:
    # The caption under the README's picture counts the inputs above the 65 % benchmark today; it is checked against
    # the figure's own numbers (which the test above ties to a fresh run), so neither drifts from the other.
    from valuechain.report.readme import FIGURE

    data = pd.read_csv(ROOT / "docs" / f"{FIGURE}.csv", index_col=0, keep_default_na=False)
    over = set(data.index[data["today_share"].astype(float) > 0.65])
    words = {5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
    caption = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert (
        f"today {words[len(over)]} inputs the EU uses take more than 65 % of their supply from one country" in caption
    )
    assert {"lithium_carbonate", "lithium_hydroxide", "anode_natural", "anode_synthetic", "cell_lfp"} <= over
    assert (data.at["cell_lfp", "today_origin"], float(data.at["cell_lfp", "today_share"])) == ("CN", 1.0)
