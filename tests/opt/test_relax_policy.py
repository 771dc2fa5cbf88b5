"""Switching a policy off and on in place (Model.relax_policy / restore_policy)."""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.errors import StudyError
from valuechain.opt import build, load_study, solve


@pytest.fixture(scope="module")
def toy():
    return vc.load_network("toy-battery"), load_study("toy-battery")


def test_a_relaxed_policy_solves_as_the_model_built_without_it(toy):
    net, study = toy
    model = build(net, study)
    capped = solve(model).objective
    model.relax_policy("cn-share-of-de-cells")
    relaxed = solve(model).objective
    others = tuple(p for p in study.policies if p.name != "cn-share-of-de-cells")
    without = solve(build(net, study.replace(policies=others))).objective
    assert relaxed == pytest.approx(without, rel=1e-9)
    assert relaxed < capped - 1e6  # the cap binds in the toy study: switching it off saves money

    model.restore_policy("cn-share-of-de-cells")
    again = solve(model)
    assert again.warm
    assert again.objective == pytest.approx(capped, rel=1e-9)


def test_the_share_of_a_relaxed_policy_cannot_change_until_it_is_restored(toy):
    net, study = toy
    model = build(net, study)
    model.relax_policy("cn-share-of-de-cam")
    with pytest.raises(StudyError, match="switched off"):
        model.update_share("cn-share-of-de-cam", 0.3)
    model.restore_policy("cn-share-of-de-cam")
    model.update_share("cn-share-of-de-cam", 0.3)


def test_unknown_or_active_policies_give_one_line_errors(toy):
    net, study = toy
    model = build(net, study)
    with pytest.raises(StudyError, match="not a policy of this model"):
        model.relax_policy("cn-share-of-de-cels")
    with pytest.raises(StudyError, match="not switched off"):
        model.restore_policy("cn-share-of-de-cells")
