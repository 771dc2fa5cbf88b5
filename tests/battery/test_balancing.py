import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.errors import NetworkError
from valuechain.network.balancing import balance_trade, distance_matrix, gravity_seed, ipf, net_positions


def test_ipf_hand_checked_2x2():
    # Uniform seed with row totals (3, 1) and column totals (2, 2): each row splits evenly.
    out = ipf(np.ones((2, 2)), np.array([3.0, 1.0]), np.array([2.0, 2.0]))
    np.testing.assert_allclose(out, [[1.5, 1.5], [0.5, 0.5]])


def test_ipf_textbook_3x3():
    # Seed [[1,2],[3,4]], rows (30, 70), columns (40, 60). The fixed point keeps the seed's cross
    # ratio (1*4)/(2*3) = 2/3: with x11 = a, x12 = 30-a, x21 = 40-a, x22 = 30+a,
    # a(30+a) / ((30-a)(40-a)) = 2/3  ->  a^2 + 230a - 2400 = 0  ->  a = (-230 + sqrt(62500)) / 2 = 10.
    out = ipf(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([30.0, 70.0]), np.array([40.0, 60.0]))
    np.testing.assert_allclose(out, [[10.0, 20.0], [30.0, 40.0]], rtol=1e-8)


def test_ipf_keeps_zeros_and_rejects_impossible_pattern():
    seed = np.array([[1.0, 0.0], [1.0, 1.0]])
    out = ipf(seed, np.array([1.0, 2.0]), np.array([2.0, 1.0]))
    assert out[0, 1] == 0.0
    np.testing.assert_allclose(out.sum(axis=1), [1.0, 2.0])
    with pytest.raises(NetworkError, match="all zero"):
        ipf(np.array([[0.0, 1.0]]), np.array([1.0]), np.array([0.5, 0.5]))
    with pytest.raises(NetworkError, match="grand totals"):
        ipf(np.ones((1, 1)), np.array([1.0]), np.array([2.0]))
    # Row 0 may only go to column 0, which needs less than row 0 has: no solution.
    with pytest.raises(NetworkError, match="did not converge"):
        ipf(np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([2.0, 1.0]), np.array([1.0, 2.0]), max_iter=200)


def test_gravity_seed_by_hand():
    # supply (1, 2), demand (3), distances (1, 2): 1*3/1 = 3 and 2*3/2 = 3.
    np.testing.assert_allclose(
        gravity_seed(np.array([1.0, 2.0]), np.array([3.0]), np.array([[1.0], [2.0]])), [[3.0], [3.0]]
    )


def test_net_positions_and_imbalance():
    pos = net_positions(pd.Series({"A": 5.0, "B": 1.0}), pd.Series({"B": 6.0}))
    assert pos["surplus"].to_dict() == {"A": 5.0, "B": 0.0}
    assert pos["deficit"].to_dict() == {"A": 0.0, "B": 5.0}
    with pytest.raises(NetworkError, match="differs from world consumption"):
        net_positions(pd.Series({"A": 5.0}), pd.Series({"B": 4.0}))


def test_balance_trade_single_importer_takes_all_surplus():
    prod = pd.Series({"AU": 100.0, "CL": 50.0, "CN": 20.0})
    use = pd.Series({"CN": 170.0})
    f = balance_trade(prod, use).set_index("origin")["flow"]
    assert f.to_dict() == pytest.approx({"AU": 100.0, "CL": 50.0})


def test_balance_trade_distance_and_affinity():
    # Two exporters, two importers, equal sizes: the nearer pairs get more (decay 1, distances 1 and 3):
    # seed [[1, 1/3], [1/3, 1]] with margins 10 -> flows [[7.5, 2.5], [2.5, 7.5]].
    prod = pd.Series({"A": 10.0, "B": 10.0})
    use = pd.Series({"X": 10.0, "Y": 10.0})
    dist = pd.DataFrame([[1.0, 3.0], [3.0, 1.0]], index=["A", "B"], columns=["X", "Y"])
    dist = dist.reindex(index=["A", "B", "X", "Y"], columns=["A", "B", "X", "Y"]).fillna(1.0)
    f = balance_trade(prod, use, distance=dist).set_index(["origin", "destination"])["flow"]
    assert f[("A", "X")] == pytest.approx(7.5)
    assert f[("A", "Y")] == pytest.approx(2.5)
    # Forbidding A -> Y with X needing 15 and Y 5: A sends all 10 to X, B sends 5 to X and 5 to Y.
    aff = pd.DataFrame({"Y": {"A": 0.0}})
    use2 = pd.Series({"X": 15.0, "Y": 5.0})
    f = balance_trade(prod, use2, distance=dist, affinity=aff).set_index(["origin", "destination"])["flow"]
    assert ("A", "Y") not in f.index
    assert f[("A", "X")] == pytest.approx(10.0)
    assert f[("B", "X")] == pytest.approx(5.0)
    assert f[("B", "Y")] == pytest.approx(5.0)


def test_balance_trade_pruning_keeps_margins():
    prod = pd.Series({"A": 100.0, "B": 1.0})
    use = pd.Series({"X": 60.0, "Y": 41.0})
    full = balance_trade(prod, use)
    pruned = balance_trade(prod, use, min_share=0.05)
    assert len(pruned) < len(full)
    for df in (full, pruned):
        assert df.groupby("origin")["flow"].sum().to_dict() == pytest.approx({"A": 100.0, "B": 1.0})
        assert df.groupby("destination")["flow"].sum().to_dict() == pytest.approx({"X": 60.0, "Y": 41.0})


def test_distance_matrix_floor():
    c = pd.DataFrame({"lat": [0.0, 0.0], "lon": [0.0, 1.0]}, index=["A", "B"])
    d = distance_matrix(c, floor_km=500.0)
    assert d.loc["A", "B"] == 500.0  # 111 km, raised to the floor


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 100.0)), min_size=2, max_size=6),
    st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 100.0)), min_size=2, max_size=6),
)
def test_balance_trade_conserves_every_region(prod_vals, use_vals):
    regions = [f"R{i}" for i in range(max(len(prod_vals), len(use_vals)))]
    prod = pd.Series(prod_vals, index=regions[: len(prod_vals)])
    use = pd.Series(use_vals, index=regions[: len(use_vals)])
    if use.sum() == 0:
        return
    use = use * (prod.sum() / use.sum())
    flows = balance_trade(prod, use, rtol=1e-9)
    pos = net_positions(prod, use)
    out = flows.groupby("origin")["flow"].sum().reindex(pos.index, fill_value=0.0)
    inn = flows.groupby("destination")["flow"].sum().reindex(pos.index, fill_value=0.0)
    tol = 1e-6 * max(prod.sum(), 1.0)
    assert np.allclose(out, pos["surplus"], atol=tol)
    assert np.allclose(inn, pos["deficit"], atol=tol)
    assert (flows["flow"] > 0).all()
