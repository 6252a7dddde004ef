"""A real Dask cluster started the documented way (`dask scheduler` + `dask worker`
processes): `--scheduler tcp://...` gives the same file as the local engine."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tapereader.scan import ScanError, run_scan, write_scan

ASOF = "2013-07-08"
REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and one worker process (two single-threaded workers) on localhost."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    log = (tmp_path / "dask.log").open("w")
    sched = subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1",
                              "--port", str(port), "--no-dashboard"],
                             stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    worker = subprocess.Popen([sys.executable, "-m", "dask", "worker", address,
                               "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
                               "--memory-limit", "1GiB"],
                              stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        from dask.distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as c:
                    c.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        _stop(worker)
        _stop(sched)
        log.close()


@pytest.mark.realdata
def test_scan_on_a_running_cluster_equals_local(cluster, universe_dir, tmp_path):
    d = tmp_path / "u"
    d.mkdir()
    for s in ("AAPL", "ABT", "ADM", "MSFT", "XOM"):
        shutil.copy(universe_dir / f"{s}.csv", d / f"{s}.csv")
    (d / "BAD.csv").write_text("date,close\nyesterday,1\n")
    seen = []
    remote = run_scan(d, ASOF, engine="dask", scheduler=cluster,
                      progress=lambda done, total: seen.append(done))
    local = run_scan(d, ASOF, engine="local", workers=2)
    assert seen == list(range(1, 7))
    assert set(remote.errors) == {"BAD"} and len(remote.rows) > 50
    a = write_scan(local, tmp_path / "local.csv").read_bytes()
    b = write_scan(remote, tmp_path / "remote.csv").read_bytes()
    assert a == b


def test_unreachable_scheduler_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("tapereader.scan.runner.CONNECT_TIMEOUT", "1s")
    (tmp_path / "A.csv").write_text("date,open,high,low,close\n2013-07-08,1,1,1,1\n")
    with pytest.raises(ScanError, match=r"cannot reach Dask scheduler tcp://127\.0\.0\.1"):
        run_scan(tmp_path, ASOF, engine="dask", scheduler=f"tcp://127.0.0.1:{_free_port()}")
