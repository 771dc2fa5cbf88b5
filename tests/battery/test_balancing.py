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


# --------------------------------------------------------------------------- constrained gross trade
from valuechain.network.trade import (  # noqa: E402
    ShareConstraint,
    balance_trade_constrained,
    ownership_affinity,
    tariff_affinity,
)


def _two_by_two():
    prod = pd.DataFrame({"x": [60.0, 40.0, 0.0, 0.0]}, index=["A", "B", "C", "D"])
    use = pd.DataFrame({"x": [0.0, 0.0, 50.0, 50.0]}, index=["A", "B", "C", "D"])
    return prod, use


def _flow(f, o, d, com="x"):
    sel = (f["commodity"] == com) & (f["origin"] == o) & (f["destination"] == d)
    return float(f.loc[sel, "flow"].sum())


def test_constrained_share_moves_to_nearest_bound_by_hand():
    # Uniform prior: A->C = 60 * 50 / 100 = 30, i.e. 60 % of C's 50. Bounding A's share of C to 0.7-0.8
    # lifts it to the nearest bound: A->C = 35, B->C = 15; the margins then give A->D = 60 - 35 = 25 and
    # B->D = 40 - 15 = 25 (D's 50 checks).
    prod, use = _two_by_two()
    c = ShareConstraint("C from A", ("x",), ("C",), ("A",), lo=0.7, hi=0.8)
    f = balance_trade_constrained(prod, use, constraints=[c])
    assert _flow(f, "A", "C") == pytest.approx(35.0, rel=1e-8)
    assert _flow(f, "B", "C") == pytest.approx(15.0, rel=1e-8)
    assert _flow(f, "A", "D") == pytest.approx(25.0, rel=1e-8)
    assert _flow(f, "B", "D") == pytest.approx(25.0, rel=1e-8)
    assert f.attrs["shares"]["C from A"] == pytest.approx(0.7)
    # Without the constraint the prior's 60 % stays: the bound is what moved it.
    free = balance_trade_constrained(prod, use)
    assert _flow(free, "A", "C") == pytest.approx(30.0, rel=1e-8)


def test_export_share_constraint_and_ban_by_hand():
    # A makes 100 and uses 40 itself; D makes 40 and uses none; B and C use 50 each. "At least 80 % of
    # A's output leaves A" leaves A 20 of its own, so D supplies A's other 20 and splits its remaining
    # 20 evenly between B and C (10 each, B and C being alike); A sends 80 - 10 - 10... i.e. 40 to each.
    # Banning A->C leaves C (50) to D, which makes only 40: no trade matrix exists, and the fit says so.
    prod = pd.DataFrame({"x": [100.0, 0.0, 0.0, 40.0]}, index=["A", "B", "C", "D"])
    use = pd.DataFrame({"x": [40.0, 50.0, 50.0, 0.0]}, index=["A", "B", "C", "D"])
    out = ShareConstraint("A exports", ("x",), ("A",), ("B", "C", "D"), side="export", lo=0.8, basis="total")
    f = balance_trade_constrained(prod, use, constraints=[out])
    assert f.attrs["domestic"][("x", "A")] == pytest.approx(20.0, rel=1e-6)
    assert _flow(f, "D", "A") == pytest.approx(20.0, rel=1e-6)
    assert _flow(f, "A", "B") == pytest.approx(40.0, rel=1e-6)
    assert _flow(f, "A", "C") == pytest.approx(40.0, rel=1e-6)
    assert _flow(f, "D", "B") == pytest.approx(10.0, rel=1e-6)
    ban = {"x": pd.DataFrame({"C": [0.0]}, index=["A"])}
    with pytest.raises(NetworkError, match="zero pattern"):
        balance_trade_constrained(prod, use, constraints=[out], affinity=ban, max_iter=2000)
    # A bound the margins cannot meet: B uses only 50, so at most 50 % of A's 100 can go to B; asking
    # for 80-100 % names the constraint.
    only_b = ShareConstraint("A to B", ("x",), ("A",), ("B",), side="export", lo=0.8, basis="total")
    with pytest.raises(NetworkError, match="'A to B' cannot be met"):
        balance_trade_constrained(prod, use, constraints=[only_b], max_iter=2000)


def test_ban_sends_nothing_and_hubs_balance():
    # Two suppliers, one banned from C: C is supplied by B alone, and every region's output equals its
    # own supply plus exports while its use equals its own supply plus imports.
    prod = pd.DataFrame({"x": [50.0, 50.0, 20.0]}, index=["A", "B", "C"])
    use = pd.DataFrame({"x": [30.0, 30.0, 60.0]}, index=["A", "B", "C"])
    ban = {"x": pd.DataFrame({"C": [0.0]}, index=["A"])}
    f = balance_trade_constrained(prod, use, affinity=ban, home_bias=5.0)
    assert _flow(f, "A", "C") == 0.0
    dom = f.attrs["domestic"]
    for r in "ABC":
        exports = f.loc[f["origin"] == r, "flow"].sum()
        imports = f.loc[f["destination"] == r, "flow"].sum()
        assert dom.get(("x", r), 0.0) + exports == pytest.approx(prod.at[r, "x"], rel=1e-8)
        assert dom.get(("x", r), 0.0) + imports == pytest.approx(use.at[r, "x"], rel=1e-8)


def test_constraint_over_two_commodities_is_fitted_jointly():
    # C imports x and y, 50 each, from A and B (A makes 60 x and 20 y, B 40 x and 80 y... minus C's
    # needs elsewhere: D uses the rest). A's share of C's x + y together is pinned to 0.5.
    prod = pd.DataFrame({"x": [60.0, 40.0, 0.0, 0.0], "y": [20.0, 80.0, 0.0, 0.0]}, index=list("ABCD"))
    use = pd.DataFrame({"x": [0.0, 0.0, 50.0, 50.0], "y": [0.0, 0.0, 50.0, 50.0]}, index=list("ABCD"))
    c = ShareConstraint("C from A", ("x", "y"), ("C",), ("A",), lo=0.5, hi=0.5)
    f = balance_trade_constrained(prod, use, constraints=[c])
    a_to_c = _flow(f, "A", "C", "x") + _flow(f, "A", "C", "y")
    assert a_to_c == pytest.approx(50.0, rel=1e-6)  # half of C's 100
    for com, r in (("x", "A"), ("y", "B")):
        assert f.loc[(f["commodity"] == com) & (f["origin"] == r), "flow"].sum() == pytest.approx(
            prod.at[r, com], rel=1e-6
        )


def test_ownership_and_tariff_affinity_by_hand():
    # KR makes its output in Korean plants (share 1); PL uses 80 % in Korean-owned and 20 % in its own
    # plants: 1 + 4 * (1 * 0.8) = 4.2. CN's output is Chinese-owned: 1 + 4 * 0 = 1.
    sup = pd.DataFrame({"KR": [1.0, 0.0], "CN": [0.0, 1.0]}, index=["KR", "CN"])
    use = pd.DataFrame({"KR": [0.8], "PL": [0.2]}, index=["PL"])
    aff = ownership_affinity(sup, use, weight=4.0)
    assert aff.at["KR", "PL"] == pytest.approx(4.2)
    assert aff.at["CN", "PL"] == pytest.approx(1.0)
    # A 25 % tariff with trade elasticity 2: 1.25 ** -2 = 0.64.
    t = tariff_affinity(pd.DataFrame({"EU": [0.25]}, index=["CN"]), elasticity=2.0)
    assert t.at["CN", "EU"] == pytest.approx(0.64)
    with pytest.raises(NetworkError, match="non-negative"):
        ownership_affinity(sup, use, weight=-1.0)


def test_share_constraint_rejects_bad_bounds():
    with pytest.raises(NetworkError, match="expected 0 <= lo <= hi <= 1"):
        ShareConstraint("bad", ("x",), ("C",), ("A",), lo=0.8, hi=0.7)
    with pytest.raises(NetworkError, match="expected import or export"):
        ShareConstraint("bad", ("x",), ("C",), ("A",), side="both")


def test_ipf_forced_entries_by_hand():
    # Column 1 can only be supplied by row 0: x01 = 2 is forced, leaving row 0 with 3 - 2 = 1 for
    # column 0, and row 1 its 4 for column 0 (total 5 = column 0's total).
    out = ipf(np.array([[1.0, 1.0], [1.0, 0.0]]), np.array([3.0, 4.0]), np.array([5.0, 2.0]))
    np.testing.assert_allclose(out, [[1.0, 2.0], [4.0, 0.0]])
