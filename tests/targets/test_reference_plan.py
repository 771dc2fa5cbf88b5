"""targets() with the plan without caps solved elsewhere (a Plan or a future of one)."""

from __future__ import annotations

from concurrent.futures import Future

import pytest

import valuechain as vc
from valuechain.analysis.pricing import ResilienceSweep
from valuechain.errors import StudyError


@pytest.fixture(scope="module")
def solved():
    return vc.targets("toy-battery", "toy-battery")


def test_a_reference_from_the_resilience_sweep_gives_the_same_premium(solved):
    # the sweep solves its model with the cap switched off: the same LP as the study without caps
    ref = ResilienceSweep("toy-battery", "toy-battery").reference()
    res = vc.targets("toy-battery", "toy-battery", reference=ref)
    assert res.reference_plan is ref  # taken, not solved again
    assert res.premium == pytest.approx(solved.premium, rel=1e-7)
    assert res.premium > 0


def test_a_future_of_the_reference_is_read_after_the_capped_solve(solved):
    fut: Future = Future()
    fut.set_result(solved.reference_plan)
    res = vc.targets("toy-battery", "toy-battery", reference=fut)
    assert res.reference_plan is solved.reference_plan
    assert res.premium == pytest.approx(solved.premium, rel=1e-12)


def test_a_reference_that_costs_more_than_the_capped_plan_is_refused(solved):
    # a plan of the same study with its cell cap tightened: no plan without caps can cost more
    from valuechain.opt import build, extract, load_study, solve

    model = build(vc.load_network("toy-battery"), load_study("toy-battery"))
    model.update_share("cn-share-of-de-cells", 0.2)
    solve(model)
    dear = extract(model)
    assert dear.objective > solved.plan.objective
    with pytest.raises(StudyError, match="more than the capped plan"):
        vc.targets("toy-battery", "toy-battery", reference=dear)


def test_a_reference_that_is_not_a_plan_is_refused():
    with pytest.raises(StudyError, match="must be a Plan"):
        vc.targets("toy-battery", "toy-battery", reference=42)
