"""The outlook on a Dask cluster gives the tables of a local run with the same samples and seed."""

from __future__ import annotations

import pandas as pd
import pytest

import valuechain as vc
from valuechain.analysis.outlook import outlook as local
from valuechain.errors import StudyError

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_dask_equals_local(client) -> None:
    # 9,500 samples in chunks of 3,000: four tasks spread over two workers, merged in chunk order
    here = local("eu-crma-2030", samples=9_500, seed=4, chunk_size=3_000, plan=True)
    there = vc.outlook("eu-crma-2030", samples=9_500, seed=4, chunk_size=3_000, plan=True, client=client)
    assert 0 < here.probabilities["p_met"].mean() < 1
    for name in ("probabilities", "projects", "additions", "after", "plan"):
        pd.testing.assert_frame_equal(getattr(here, name), getattr(there, name), check_exact=True)
    # and the default chunk size on the workers gives the same again
    again = vc.outlook("eu-crma-2030", samples=9_500, seed=4, plan=True, client=client)
    pd.testing.assert_frame_equal(here.probabilities, again.probabilities, check_exact=True)


def test_client_and_map_chunks_conflict(client) -> None:
    with pytest.raises(StudyError, match="give a client or map_chunks, not both"):
        vc.outlook("eu-crma-2030", samples=10, client=client, map_chunks=lambda fn, m, a: [])
