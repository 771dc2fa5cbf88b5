"""solve(method=...): every LP method reaches the same optimum; auto picks by size and basis."""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.opt import build, solve
from valuechain.opt.solver import IPM_FROM, choose_method

TRANSPORT_OPTIMUM = 153.675  # Dantzig's transportation problem, thousand dollars


@pytest.mark.parametrize("method", ["auto", "simplex", "ipm", "pdlp"])
def test_every_method_reaches_the_transportation_optimum(method):
    result = solve(build(vc.load_network("toy-transport")), method=method)
    assert result.objective == pytest.approx(TRANSPORT_OPTIMUM, rel=1e-6)
    assert result.method == ("simplex" if method == "auto" else method)


def test_hipo_runs_or_says_this_highspy_lacks_it():
    import highspy

    model = build(vc.load_network("toy-transport"))
    if highspy.Highs().setOptionValue("solver", "hipo") == highspy.HighsStatus.kError:
        with pytest.raises(vc.SolverError, match="does not offer the LP method 'hipo'"):
            solve(model, method="hipo")
    else:
        assert solve(model, method="hipo").objective == pytest.approx(TRANSPORT_OPTIMUM, rel=1e-6)


def test_auto_keeps_the_simplex_for_warm_re_solves_and_small_models():
    assert choose_method(IPM_FROM - 1, warm=False, is_mip=False) == "simplex"
    assert choose_method(IPM_FROM, warm=False, is_mip=False) == "ipm"
    assert choose_method(IPM_FROM, warm=True, is_mip=False) == "simplex"
    assert choose_method(IPM_FROM, warm=False, is_mip=True) == "simplex"
    model = build(vc.load_network("toy-transport"))
    solve(model)
    again = solve(model)  # unchanged model: the basis is reused, no simplex iteration needed
    assert again.warm
    assert again.method == "simplex"
    assert again.iterations == 0


def test_unknown_method_is_one_line_error():
    with pytest.raises(vc.StudyError, match="'method' parameter of solve must be one of auto, simplex"):
        solve(build(vc.load_network("toy-transport")), method="barrier")
