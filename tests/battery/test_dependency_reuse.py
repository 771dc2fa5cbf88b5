"""Inside ``reuse_dependency`` a question is computed once; answers are copies; outside, nothing is kept."""

from __future__ import annotations

import importlib

import valuechain as vc
from valuechain.analysis.dependency import dependency, reuse_dependency

dep_module = importlib.import_module("valuechain.analysis.dependency")


def test_each_question_is_computed_once_and_answered_with_copies(monkeypatch):
    net = vc.load_network("toy-battery")
    calls = []
    compute = dep_module._dependency

    def counted(*args):  # (the real computation, counted)
        calls.append(args[1:])
        return compute(*args)

    monkeypatch.setattr(dep_module, "_dependency", counted)
    fresh = dependency(net, "DE")
    with reuse_dependency():
        first = dependency(net, "DE")
        first["value"] = -1.0  # a caller that changes its answer does not change the next one
        second = dependency(net, "DE", commodities=None)
        other = dependency(net, "EU27")
    after = dependency(net, "DE")
    # DE outside, DE once inside (asked twice), EU27 inside, DE again outside the block
    assert calls == [("DE", None, None), ("DE", None, None), ("EU27", None, None), ("DE", None, None)]
    assert second.equals(fresh)
    assert after.equals(fresh)
    assert not other.equals(fresh)


def test_another_network_object_is_another_question():
    a, b = vc.load_network("toy-battery"), vc.load_network("toy-battery")
    with reuse_dependency():
        da = dependency(a, "DE")
        db = dependency(b, "DE")
    assert da is not db
    assert da.equals(db)
