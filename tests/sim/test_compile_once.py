"""The kernels compile once per installation: one specialisation whatever the arrays' flags, found in the cache.

Numba compiles a kernel again for every new combination of argument types, and an array's type
holds its layout and whether it is read-only. Arrays from pandas and arrays a Dask worker
unpickles are read-only; the chunk runner hands the kernels one form of every array so that all
of them share the specialisation a first run compiled and cached.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from valuechain.sim import compile_network
from valuechain.sim.delta import delta_kernel
from valuechain.sim.full import simulate_kernel
from valuechain.sim.kernel import in_cache, kernel_form, make_events, run_chunk
from valuechain.sim.simulate import summary_statics

SRC = Path(__file__).resolve().parents[2] / "src"


def _as_a_dask_worker_gets_them(arrays):
    """The arrays pickled with out-of-band buffers and loaded from read-only memory, as Dask does."""
    bufs = []
    data = pickle.dumps(arrays, protocol=5, buffer_callback=bufs.append)
    return pickle.loads(data, buffers=[memoryview(b.raw()).toreadonly() for b in bufs])


def _events(n_s, n_t):
    # scenario 0 loses half of process 0 in period 1; scenario 1 is not shocked
    return make_events(n_s, n_t, np.array([0]), np.array([1]), np.array([0]), np.array([0]), np.array([0.5]))


def test_kernel_form_copies_only_what_is_not_contiguous_and_writeable():
    ok = np.arange(4.0)
    ro = np.arange(4.0)
    ro.flags.writeable = False
    strided = np.arange(8)[::2]
    out = kernel_form((ok, ro, strided))
    assert out[0] is ok
    assert out[1] is not ro
    assert out[1].flags.writeable
    assert out[1].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert out[2].flags.c_contiguous
    assert out[2].tolist() == [0, 2, 4, 6]


@pytest.mark.parametrize("resourcing", [False, True])
def test_read_only_and_unpickled_arrays_reuse_the_full_kernels_specialisation(toy, resourcing):
    arr = compile_network(toy)
    args, statics = arr.kernel_args(), summary_statics(arr)
    assert any(not a.flags.writeable for a in args)  # (pandas hands out read-only arrays)
    first = run_chunk(args, _events(2, 4), statics, resourcing=resourcing, method="full")
    n_sigs = len(simulate_kernel.signatures)
    weight = np.ones(2)
    weight.flags.writeable = False
    remote = run_chunk(
        _as_a_dask_worker_gets_them(args), _events(2, 4), _as_a_dask_worker_gets_them(statics), weight,
        resourcing=resourcing, method="full",
    )  # fmt: skip
    assert len(simulate_kernel.signatures) == n_sigs
    assert first["lost_value_t"].sum() > 0  # the shock does cut supply: the runs are compared on something
    for key in ("lost_value_t", "short_periods", "lost_cells", "e_short"):
        np.testing.assert_array_equal(first[key], remote[key])


def test_delta_kernel_and_its_reference_run_add_no_specialisation(toy):
    arr = compile_network(toy)
    args, statics = arr.kernel_args(), summary_statics(arr)
    run_chunk(args, _events(2, 4), statics, resourcing=False, method="full")
    run_chunk(args, _events(2, 4), statics, resourcing=False, method="delta")
    n_full, n_delta = len(simulate_kernel.signatures), len(delta_kernel.signatures)
    remote = _as_a_dask_worker_gets_them(args)
    run_chunk(remote, _events(2, 4), statics, resourcing=False, method="delta")
    assert (len(simulate_kernel.signatures), len(delta_kernel.signatures)) == (n_full, n_delta)


def test_a_run_leaves_its_specialisation_in_the_cache(toy):
    arr = compile_network(toy)
    run_chunk(arr.kernel_args(), _events(1, 2), summary_statics(arr), resourcing=True)
    assert in_cache(simulate_kernel)


def _in_child(code: str, **env: str) -> str:
    full_env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    full_env["PYTHONPATH"] = str(SRC)
    full_env.update(env)
    proc = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_numba_cache_dir_is_honoured_and_an_empty_cache_reads_as_cold(tmp_path):
    code = (
        "from valuechain.sim.full import simulate_kernel as k\n"
        "from valuechain.sim.kernel import in_cache\n"
        "print(k._cache._cache_path, in_cache(k))"
    )
    path, cached = _in_child(code, NUMBA_CACHE_DIR=str(tmp_path)).split()
    assert Path(path).is_relative_to(tmp_path)
    assert cached == "False"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_install_caches_in_the_users_cache_folder(tmp_path):
    import shutil

    pkg = tmp_path / "site" / "valuechain"
    shutil.copytree(SRC / "valuechain", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    for d, _, _ in os.walk(pkg):
        os.chmod(d, 0o555)
    try:
        code = "from valuechain.sim.full import simulate_kernel as k\nprint(k._cache._cache_path)"
        path = Path(_in_child(code, PYTHONPATH=str(tmp_path / "site"), PYTHONDONTWRITEBYTECODE="1"))
        assert not path.is_relative_to(tmp_path)  # Numba's user-wide cache folder instead
    finally:
        for d, _, _ in os.walk(pkg):
            os.chmod(d, 0o755)
