"""Infeasible studies: every conflicting policy is named, and so is demand no supply can reach."""

from __future__ import annotations

import pytest

from valuechain import InfeasibleError, NetworkBuilder
from valuechain.opt import ExportBan, MaxOriginShare, Study, build, solve


def x_buys_from_y_or_z():
    """X has no production: its 100 t of c come from Y or Z (no cost), and demand there is hard."""
    b = NetworkBuilder("y-or-z", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    for r in ("X", "Y", "Z"):
        b.add_region(r)
    b.add_process("y-plant", region="Y", outputs={"c": 1.0})
    b.add_process("z-plant", region="Z", outputs={"c": 1.0})
    b.add_route("y-x", "c", "Y", "X")
    b.add_route("z-x", "c", "Z", "X")
    b.add_demand("X", "c", quantity=100.0)
    return b


def hard(*policies):
    return Study(policies=tuple(policies), allow_unmet=False, discount_rate=0.0, stocks=False)


def test_both_policies_of_a_conflict_are_named_and_a_redundant_one_is_not():
    # at most 50 % from Y and at most 40 % from Z leave 10 t of X's 100 t without a source: each
    # cap alone can hold, the two together cannot; a cap of 90 % on Y is not part of the conflict
    net = x_buys_from_y_or_z().build()
    y50 = MaxOriginShare(commodities=["c"], region="X", origin="Y", share=0.5, label="y-at-most-half")
    z40 = MaxOriginShare(commodities=["c"], region="X", origin="Z", share=0.4, label="z-at-most-40pc")
    y90 = MaxOriginShare(commodities=["c"], region="X", origin="Y", share=0.9, label="y-at-most-90pc")
    for alone in (y50, z40, y90):
        assert solve(build(net, hard(alone))).ok
    with pytest.raises(InfeasibleError) as err:
        solve(build(net, hard(y50, z40, y90)))
    msg = str(err.value)
    assert "'y-at-most-half' on c" in msg
    assert "'z-at-most-40pc' on c" in msg
    assert "y-at-most-90pc" not in msg
    assert "cannot all hold together" in msg
    # relaxed together, the cheaper fix bends one of them by the missing 10 t
    assert "by 10 at worst" in msg


def test_two_separate_conflicts_are_both_reported():
    # the Y/Z caps conflict at X; at W, a ban on Z's exports leaves W's hard demand unserved
    b = x_buys_from_y_or_z()
    b.add_region("W")
    b.add_route("z-w", "c", "Z", "W")
    b.add_demand("W", "c", quantity=5.0)
    net = b.build()
    y50 = MaxOriginShare(commodities=["c"], region="X", origin="Y", share=0.5, label="y-at-most-half")
    z40 = MaxOriginShare(commodities=["c"], region="X", origin="Z", share=0.4, label="z-at-most-40pc")
    ban = ExportBan(commodities=["c"], from_region="Z", to_region="W", label="no-c-from-z-to-w")
    with pytest.raises(InfeasibleError) as err:
        solve(build(net, hard(y50, z40, ban)))
    msg = str(err.value)
    for name in ("y-at-most-half", "z-at-most-40pc", "no-c-from-z-to-w"):
        assert f"'{name}'" in msg
    # with the ban in force W's 5 t cannot be served
    assert "'no-c-from-z-to-w' on c cannot hold even on its own" in msg
    assert "hub 'W:c' (region W, commodity c): 5 t of 5 t unserved in 2025" in msg


def test_hard_demand_without_supply_names_the_hub_and_the_commodity():
    b = x_buys_from_y_or_z()
    b.add_commodity("d", unit="kg", stage="product")
    b.add_demand("Y", "d", quantity=7.0)  # nothing makes d anywhere
    net = b.build()
    with pytest.raises(InfeasibleError) as err:
        solve(build(net, hard()))
    msg = str(err.value)
    assert "Demand is hard (allow_unmet: false) and no supply can reach it" in msg
    assert "hub 'Y:d' (region Y, commodity d): 7 kg of 7 kg unserved in 2025" in msg
    assert "X:c" not in msg  # X's demand is served
