"""The risk-register bands of a study run: simulated a chunk of samples at a time, as if all at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valuechain.analysis.dependency import reuse_dependency
from valuechain.study import runner


def test_bands_do_not_depend_on_how_many_samples_are_simulated_together(monkeypatch: pytest.MonkeyPatch) -> None:
    with reuse_dependency():
        run = runner._step_study(None, quick=True)
    start = pd.Period("2025-01", freq="M")
    monkeypatch.setattr(runner, "REGISTER_SAMPLES", 60)
    bands = {}
    for chunk in (60, 25, 7):
        monkeypatch.setattr(runner, "REGISTER_CHUNK", chunk)
        bands[chunk] = runner._register_bands(run, start)
    whole = bands[60]
    assert len(whole) == run.months
    assert whole.attrs["samples"] == 60
    assert whole["p95"].max() > 0  # (the register's shocks do cut supply: the bands are not all zero)
    for chunk in (25, 7):
        pd.testing.assert_index_equal(bands[chunk].index, whole.index)
        np.testing.assert_allclose(bands[chunk].to_numpy(), whole.to_numpy(), rtol=0, atol=1e-12)
        assert bands[chunk].attrs["p_any"] == whole.attrs["p_any"]
