"""The kernel's chunk runner: block size, output selection and reused buffers change nothing."""

from __future__ import annotations

import numpy as np
import pytest

from valuechain.sim import compile_network
from valuechain.sim.kernel import OUTPUTS, Workspace, events_from_dense, make_events, run_chunk
from valuechain.sim.simulate import summary_statics

SUMMARIES = ("lost_value_t", "short_periods", "worst_share", "lost_cells", "e_short", "e_dem", "p_dry",
             "first_sum", "earliest", "work")  # fmt: skip


def _multipliers(arr, n_s, n_t, seed):
    rng = np.random.default_rng(seed)

    def draw(m):
        u = rng.random((n_t, m, n_s))
        return np.where(u < 0.2, 0.0, np.where(u < 0.5, 1.0, rng.uniform(0, 1.5, u.shape)))

    return draw(len(arr.processes)), draw(len(arr.routes)), draw(len(arr.demands))


def test_block_size_outputs_and_workspace_change_nothing(toy):
    arr = compile_network(toy)
    args, statics = arr.kernel_args(), summary_statics(arr)
    ws = Workspace()
    for mode in (False, True):
        # a large chunk first, then a smaller one into the same (now larger) buffers
        for n_s, seed in ((37, 1), (5, 2)):
            ev = events_from_dense(*_multipliers(arr, n_s, 6, seed))
            w = np.random.default_rng(seed).random(n_s)
            full = run_chunk(args, ev, statics, w, resourcing=mode, outputs=OUTPUTS)
            assert set(full) == set(OUTPUTS) | set(SUMMARIES)
            assert full["lost_value_t"].sum() > 0  # the draws do cut supply
            for block in (4, 16, 256):
                part = run_chunk(args, ev, statics, w, resourcing=mode, block=block, outputs=("served", "activity"),
                                 workspace=ws)  # fmt: skip
                assert set(part) == {"served", "activity"} | set(SUMMARIES)
                for k in ("served", "activity", "lost_value_t", "short_periods", "worst_share", "lost_cells",
                          "earliest"):  # fmt: skip
                    np.testing.assert_array_equal(part[k], full[k])
                # weighted sums are added block by block: equal up to rounding
                for k in ("e_short", "e_dem", "p_dry", "first_sum"):
                    np.testing.assert_allclose(part[k], full[k], rtol=1e-12, atol=1e-12)


def test_summaries_agree_with_dense_outputs(toy):
    arr = compile_network(toy)
    args, statics = arr.kernel_args(), summary_statics(arr)
    ev = events_from_dense(*_multipliers(arr, 50, 8, 3))
    w = np.full(50, 0.02)
    out = run_chunk(args, ev, statics, w, resourcing=False, outputs=OUTPUTS)
    short = np.maximum(out["demand"] - out["served"], 0.0)
    np.testing.assert_allclose(out["lost_value_t"], np.einsum("tds,d->ts", short, arr.demand_value), rtol=1e-12)
    np.testing.assert_allclose(out["e_short"], np.einsum("tds,s->td", short, w), rtol=1e-12)
    np.testing.assert_allclose(out["e_dem"], np.einsum("tds,s->td", out["demand"], w), rtol=1e-12)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(out["demand"] > 0, short / out["demand"], 0.0)
    np.testing.assert_allclose(out["worst_share"], share.max(axis=(0, 1)), rtol=1e-12)


def test_events_are_grouped_by_scenario_and_period():
    ev = make_events(2, 3, np.array([1, 0, 1]), np.array([2, 1, 0]), np.array([0, 1, 2]), np.array([5, 6, 7]),
                     np.array([0.1, 0.2, 0.3]))  # fmt: skip
    # keys scenario * 3 + period: 5, 1, 3 -> order 1, 3, 5
    assert ev.ptr.tolist() == [0, 0, 1, 1, 2, 2, 3]
    assert ev.item.tolist() == [6, 7, 5]
    assert ev.value.tolist() == [0.2, 0.3, 0.1]


def test_unknown_output_is_refused(toy):
    arr = compile_network(toy)
    ev = make_events(1, 1, *(np.zeros(0, dtype=np.int64) for _ in range(4)), np.zeros(0))
    with pytest.raises(ValueError, match="unknown kernel outputs"):
        run_chunk(arr.kernel_args(), ev, summary_statics(arr), resourcing=False, outputs=("stocks",))


def test_workspace_reuses_its_buffers():
    ws = Workspace()
    a = ws.array("x", (3, 4, 5))
    b = ws.array("x", (2, 2, 2))
    assert a.flags.c_contiguous
    assert b.flags.c_contiguous
    assert np.shares_memory(a, b)
    c = ws.array("x", (10, 10, 10))
    assert c.shape == (10, 10, 10)
    assert not np.shares_memory(a, c)


def test_lanes_run_every_block_once_whatever_their_number(toy):
    # 27 scenarios in blocks of 4 are 7 blocks, the last of 3 scenarios; split into 1 to 9 lanes
    # (more lanes than blocks: one block each) every lane's blocks are contiguous and together
    # they cover the 7 blocks once, so every result is bit-identical to one lane's
    arr = compile_network(toy)
    args, statics = arr.kernel_args(), summary_statics(arr)
    n_s, n_t = 27, 6
    mult = _multipliers(arr, n_s, n_t, 4)
    ev = events_from_dense(*mult)
    w = np.random.default_rng(4).random(n_s)
    ref = run_chunk(args, ev, statics, w, resourcing=True, block=4, outputs=OUTPUTS, lanes=1)
    assert ref["lost_value_t"].sum() > 0
    for lanes in (2, 3, 7, 9, None):
        got = run_chunk(args, ev, statics, w, resourcing=True, block=4, outputs=OUTPUTS, lanes=lanes)
        for k in set(OUTPUTS) | set(SUMMARIES):
            np.testing.assert_array_equal(got[k], ref[k], err_msg=f"{k} with {lanes} lanes")
    # each scenario alone (one block, one lane) gives its column of the chunk's results: no block
    # was skipped or run into another's columns
    for s in (0, 3, 4, 23, 24, 26):
        one = events_from_dense(*(m[..., s : s + 1] for m in mult))
        alone = run_chunk(args, one, statics, w[s : s + 1], resourcing=True, outputs=OUTPUTS)
        for k in OUTPUTS:
            np.testing.assert_array_equal(alone[k][..., 0], ref[k][..., s], err_msg=f"{k} of scenario {s}")
        np.testing.assert_array_equal(alone["lost_value_t"][:, 0], ref["lost_value_t"][:, s])
