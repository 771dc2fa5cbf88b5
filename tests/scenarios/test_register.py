"""The risk register: reading files, and the seeded, chunk-independent sampler."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuechain.errors import ScenarioError
from valuechain.network.model import Network
from valuechain.scenarios import ExportControl, RiskRegister, Scenario, compile_shocks

ROWS = [
    {
        "id": "anode",
        "exporter": "CN",
        "commodities": "anode_natural",
        "probability": 0.4,
        "severity": "uniform(0.2, 0.8)",
        "duration": "lognormal(6, 0.5)",
    },
    {
        "id": "cam",
        "exporter": "CN",
        "commodities": "cam_nmc",
        "probability": 0.3,
        "severity": 1,
        "duration": "uniform(2, 10)",
        "group": "pack",
    },
    {
        "id": "cells",
        "exporter": "CN",
        "commodities": "cell_nmc",
        "probability": 0.3,
        "severity": "triangular(0, 0.2, 0.5)",
        "duration": "uniform(2, 10)",
        "group": "pack",
    },
    {
        "id": "black-mass",
        "exporter": "EU27",
        "commodities": ["black_mass"],
        "destinations": "non-OECD",
        "probability": 0.9,
        "severity": 1,
        "duration": 120,
        "start": "2025-07-01",
    },
]


@pytest.fixture(scope="module")
def register() -> RiskRegister:
    return RiskRegister(ROWS)


def _hit(arrays, route: str) -> np.ndarray:
    """Which scenarios the route is shocked in."""
    return (arrays.route_capacity[:, :, arrays.routes.get_loc(route)] < 1).any(axis=1)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.integers(5, 3000), seed=st.integers(0, 2**32 - 1))
def test_same_seed_same_scenarios_whatever_the_chunks(
    toy: Network, register: RiskRegister, chunk: int, seed: int
) -> None:
    n = 1500
    whole = register.sample(toy, n, seed=seed, periods=12)
    parts = list(register.iter_samples(toy, n, seed=seed, chunk_size=chunk, periods=12))
    assert sum(len(p) for p in parts) == n
    assert np.array_equal(np.concatenate([p.route_capacity for p in parts]), whole.route_capacity)
    assert np.concatenate([p.scenarios for p in parts]).tolist() == list(range(n))
    for p in parts:
        assert p.probability.sum() == pytest.approx(1.0)
    offset = register.sample(toy, 100, seed=seed, periods=12, first=1034)
    assert np.array_equal(offset.route_capacity, whole.route_capacity[1034:1134])


def test_different_seeds_differ(toy: Network, register: RiskRegister) -> None:
    a = register.sample(toy, 500, seed=1, periods=12)
    b = register.sample(toy, 500, seed=2, periods=12)
    assert not np.array_equal(a.route_capacity, b.route_capacity)


def test_firing_frequencies_and_groups(toy: Network, register: RiskRegister) -> None:
    n = 20000
    m = register.sample(toy, n, seed=7, periods=24)
    anode, cam, cells, bm = (_hit(m, r) for r in ("cn-de-anode", "cn-de-cam", "cn-de-cells", "de-cn-black-mass"))
    # binomial standard error at n = 20000 is about 0.0035; allow 5 of them
    assert anode.mean() == pytest.approx(0.4, abs=0.02)
    assert cam.mean() == pytest.approx(0.3, abs=0.02)
    assert bm.mean() == pytest.approx(0.9, abs=0.02)
    # the group fires together (a triangular severity can be 0 only with probability 0)
    assert np.array_equal(cam, cells)
    # independent rows are independent
    assert (anode & cam).mean() == pytest.approx(0.12, abs=0.015)
    # the dated black-mass ban starts in July of the first year and lasts past the horizon
    col = m.route_capacity[bm, :, m.routes.get_loc("de-cn-black-mass")]
    assert (col[:, :6] == 1).all()
    assert (col[:, 6:] == 0).all()
    # a full ban on cam_nmc with uniform(2, 10) months of duration: whole months at 0 in between
    sev = m.route_capacity[cam, :, m.routes.get_loc("cn-de-cam")]
    assert sev.min() == 0.0
    assert (sev >= 0).all()
    assert (sev <= 1).all()
    cells_sev = 1 - m.route_capacity[cells, :, m.routes.get_loc("cn-de-cells")].min(axis=1)
    assert cells_sev.max() <= 0.5 + 1e-12


def test_yearly_samples_are_means_of_monthly(toy: Network, register: RiskRegister) -> None:
    monthly = register.sample(toy, 300, seed=3, periods=24, freq="M")
    yearly = register.sample(toy, 300, seed=3, periods=2, freq="Y")
    assert np.allclose(yearly.route_capacity, monthly.route_capacity.reshape(300, 2, 12, -1).mean(axis=2))


def test_a_handover_inside_a_month_matches_the_named_compile(toy: Network) -> None:
    # a ban from 1 March to mid-April, then a 40 % cut: April keeps half a month at 0.6 (0.3), not the product of
    # the two month means (0.5 x 0.8 = 0.4); the named compile of the same two controls gives the same months
    rows = [
        {"id": "ban", "exporter": "CN", "commodities": "anode_natural", "probability": 1, "severity": 1,
         "duration": 1.5, "start": "2025-03-01"},
        {"id": "cut", "exporter": "CN", "commodities": "anode_natural", "probability": 1, "severity": 0.4,
         "duration": 6, "start": "2025-04-16"},
    ]  # fmt: skip
    got = RiskRegister(rows).sample(toy, 2, seed=0, start="2025-01", periods=12).route_capacity
    lane = toy.routes.index.get_loc("cn-de-anode")
    assert got[0, :, lane].tolist() == pytest.approx([1, 1, 0, 0.3, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 1, 1])
    named = Scenario(
        "same",
        [
            ExportControl("CN", "anode_natural", severity=1, start="2025-03-01", duration=1.5),
            ExportControl("CN", "anode_natural", severity=0.4, start="2025-04-16", duration=6),
        ],
    )
    want = compile_shocks(toy, named, start="2025-01", periods=12).route_capacity
    assert np.allclose(got[0], want[0])
    yearly = RiskRegister(rows).sample(toy, 2, seed=0, start="2025-01", periods=1, freq="Y").route_capacity
    assert yearly[0, 0, lane] == pytest.approx(np.mean(got[0, :, lane]))


def test_only_routes_change(toy: Network, register: RiskRegister) -> None:
    m = register.sample(toy, 50, seed=0, periods=6)
    assert (m.process_capacity == 1).all()
    assert (m.demand == 1).all()
    assert m.expansion_allowed.all()
    assert m.route_capacity.shape == (50, 6, len(toy.routes))


def test_default_register(toy: Network) -> None:
    reg = RiskRegister.default()
    assert len(reg) >= 6
    f = reg.frame
    assert f["basis"].str.len().gt(40).all()
    assert f["basis"].str.contains("assum").all()  # probabilities are assumptions, and say so
    m = reg.sample(toy, 2000, seed=11, periods=24)
    assert (m.route_capacity < 1).any()
    assert (m.route_capacity[:, :, m.routes.get_loc("au-cn-lithium-ore")] == 1).all()


def test_unknown_names_in_a_strict_register(toy: Network) -> None:
    reg = RiskRegister([{**ROWS[0], "exporter": "CD"}], source="mine.csv")
    with pytest.raises(ScenarioError, match=r"^mine.csv, row 1 \(anode\): The 'exporter' parameter of RiskRegister"):
        reg.sample(toy, 10, seed=1)
    RiskRegister([{**ROWS[0], "exporter": "CD"}], skip_missing=True).sample(toy, 10, seed=1)


@pytest.mark.parametrize(
    ("change", "row", "field"),
    [
        ({"probability": "1.5"}, 2, "probability"),
        ({"probability": "often"}, 2, "probability"),
        ({"severity": "uniform(0.5, 1.2)"}, 2, "severity"),
        ({"severity": "lognormal(0.5, 1)"}, 2, "severity"),
        ({"duration": "0"}, 2, "duration"),
        ({"duration": "uniform(-1, 3)"}, 2, "duration"),
        ({"duration": "normal(6, 1)"}, 2, "duration"),
        ({"start": "soon"}, 2, "start"),
        ({"exporter": ""}, 2, "exporter"),
        ({"id": "a"}, 2, "id"),
    ],
)
def test_csv_errors_name_file_row_and_field(tmp_path: Path, change: dict[str, str], row: int, field: str) -> None:
    header = "id,exporter,commodities,probability,severity,duration,start"
    good = "a,CN,cam_nmc,0.5,0.5,6,uniform"
    values = dict(zip(header.split(","), ["b", "CN", "cell_nmc", "0.5", "1", "6", "uniform"], strict=True))
    values.update(change)
    bad = ",".join(f'"{values[k]}"' for k in header.split(","))
    p = tmp_path / "reg.csv"
    p.write_text(f"{header}\n{good}\n{bad}\n")
    with pytest.raises(ScenarioError) as e:
        RiskRegister.from_file(p)
    assert str(e.value).startswith(f"{p}, row {row}, field '{field}': ")


def test_unknown_column_and_group_probability(tmp_path: Path) -> None:
    p = tmp_path / "reg.csv"
    p.write_text("id,exporter,commodities,probability,severity,duraton\na,CN,cam_nmc,0.5,1,6\n")
    with pytest.raises(ScenarioError, match=r"reg.csv, row 1, field 'duraton': unknown field.*closest: duration"):
        RiskRegister.from_file(p)
    rows = [dict(ROWS[1]), {**ROWS[2], "probability": 0.5}]
    with pytest.raises(ScenarioError, match=r"row 2, field 'probability': rows of group 'pack' fire together"):
        RiskRegister(rows)


def test_yaml_register(tmp_path: Path, toy: Network) -> None:
    p = tmp_path / "reg.yaml"
    p.write_text(
        "rows:\n"
        "  - {id: a, exporter: CN, commodities: [cam_nmc, cell_nmc], probability: 1, severity: 1, duration: 3,"
        " start: 2}\n"
    )
    m = RiskRegister.from_file(p).sample(toy, 4, seed=0, start="2025-01", periods=6)
    assert m.route_capacity[:, :, m.routes.get_loc("cn-de-cam")].tolist() == [[1, 1, 0, 0, 0, 1]] * 4
    p.write_text("rows:\n  - {id: a, exporter: CN, commodities: cam_nmc, probability: 1, severity: 2, duration: 3}\n")
    with pytest.raises(ScenarioError, match=r"reg.yaml, row 1, field 'severity'"):
        RiskRegister.from_file(p)
    with pytest.raises(ScenarioError, match="no such file"):
        RiskRegister.from_file(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("kwargs", "param"), [({"n": 0}, "n"), ({"n": 5, "seed": -1}, "seed"), ({"n": 5, "seed": "x"}, "seed")]
)
def test_sample_parameters(toy: Network, register: RiskRegister, kwargs: dict[str, object], param: str) -> None:
    kwargs = {"seed": 1, **kwargs}
    with pytest.raises(ScenarioError, match=rf"^The '{param}' parameter of RiskRegister.sample must be"):
        register.sample(toy, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "mean", "median"),
    [
        ("uniform(2, 10)", 6.0, 6.0),
        ("triangular(0, 0.2, 0.5)", 0.7 / 3, 0.5 - np.sqrt(0.5 * 0.5 * 0.3)),
        ("lognormal(6, 0.5)", 6 * np.exp(0.125), 6.0),
        ("4", 4.0, 4.0),
    ],
)
def test_distributions_have_their_moments(text: str, mean: float, median: float) -> None:
    from valuechain.scenarios._dist import parse_dist

    d = parse_dist(text)
    assert d is not None
    rng = np.random.default_rng(0)
    x = d.draw(rng.random(200_000), rng.standard_normal(200_000))
    assert x.mean() == pytest.approx(mean, rel=0.01)
    assert np.median(x) == pytest.approx(median, rel=0.01)
    lo, hi = d.support
    assert x.min() >= lo
    assert x.max() <= hi


@pytest.mark.parametrize("text", ["uniform(3, 2)", "triangular(0, 2, 1)", "lognormal(-1, 1)", "beta(1, 2)", "x", "inf"])
def test_bad_distributions(text: str) -> None:
    from valuechain.scenarios._dist import parse_dist

    assert parse_dist(text) is None


def test_handover_factors_for_two_and_three_windows_by_hand() -> None:
    from valuechain.scenarios.register import _handovers

    # one cell (key 7) in month 0 with three windows that each cover it in part, and one cell (key 9) with two
    cell = np.array([7, 7, 7, 9, 9])
    month = np.zeros(5)
    sev = np.array([0.5, 0.3, 0.9, 1.0, 0.4])
    lo = np.array([0.1, 0.4, -1.0, 0.0, 0.5])
    hi = np.array([0.6, 2.0, 0.3, 0.5, 3.0])
    at, factor = _handovers(cell, month, sev, lo, hi)
    cover = np.clip(np.minimum(1.0, hi) - np.maximum(0.0, lo), 0.0, 1.0)
    naive = {int(cell[i]): np.prod(1 - sev[cell == cell[i]] * cover[cell == cell[i]]) for i in at}
    got = {int(cell[i]): f * naive[int(cell[i])] for i, f in zip(at, factor, strict=True)}
    # by hand: cell 9 is banned to mid-month, then cut by 40 %: 0.5 x 0.6; cell 7 piecewise over [0, .1, .3, .4, .6, 1)
    assert got[9] == pytest.approx(0.3)
    pieces = [(0.1, 0.1), (0.2, 0.1 * 0.5), (0.1, 0.5), (0.2, 0.5 * 0.7), (0.4, 0.7)]
    assert got[7] == pytest.approx(sum(w * v for w, v in pieces))
