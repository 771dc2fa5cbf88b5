"""The kernel's chunk runner: output selection and reused buffers change nothing."""

from __future__ import annotations

import numpy as np

from valuechain.sim import compile_network
from valuechain.sim.kernel import OUTPUTS, Workspace, run_chunk


def _multipliers(arr, n_s, n_t, seed):
    rng = np.random.default_rng(seed)

    def draw(m):
        u = rng.random((n_t, m, n_s))
        return np.where(u < 0.2, 0.0, np.where(u < 0.5, 1.0, rng.uniform(0, 1.5, u.shape)))

    return draw(len(arr.processes)), draw(len(arr.routes)), draw(len(arr.demands))


def test_outputs_subset_and_workspace_match_fresh_full_run(toy):
    arr = compile_network(toy)
    args = arr.kernel_args()
    ws = Workspace()
    for mode in (False, True):
        # a large chunk first, then a smaller one into the same (now larger) buffers
        for n_s, seed in ((37, 1), (5, 2)):
            mp, mr, md = _multipliers(arr, n_s, 6, seed)
            full = run_chunk(args, mp, mr, md, n_hubs=len(arr.hubs), resourcing=mode)
            assert set(full) == set(OUTPUTS)
            for block in (4, 16, 256):
                part = run_chunk(
                    args, mp, mr, md, n_hubs=len(arr.hubs), resourcing=mode, block=block,
                    outputs=("served", "activity"), workspace=ws,
                )  # fmt: skip
                assert set(part) == {"served", "activity"}
                for k in part:
                    assert part[k].shape == full[k].shape
                    np.testing.assert_array_equal(part[k], full[k])


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
