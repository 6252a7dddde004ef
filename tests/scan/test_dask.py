"""Local processes and a real Dask LocalCluster give byte-identical scan files."""

from __future__ import annotations

import pytest

from tapereader.scan import run_scan, write_scan
from tests.scan import standin

ASOF = "2013-07-08"


@pytest.mark.realdata
def test_dask_local_cluster_equals_local_pool_with_stand_in(small_universe, tmp_path):
    local = run_scan(small_universe, ASOF, engine="local", workers=2, analyze=standin.analyze)
    dask = run_scan(small_universe, ASOF, engine="dask", workers=2, analyze=standin.analyze)
    assert dask.engine == "dask" and "cluster_s" in dask.timings
    assert local.errors == dask.errors and set(dask.errors) == {"BAD"}
    for suffix in (".csv", ".parquet"):
        a = write_scan(local, tmp_path / f"local{suffix}").read_bytes()
        b = write_scan(dask, tmp_path / f"dask{suffix}").read_bytes()
        assert a == b
    assert local.rating.equals(dask.rating)
