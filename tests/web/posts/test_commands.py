"""tapereader publish / serve / manage as a user runs them: a fresh embedded SQLite database
migrated on first use, one-line errors, the site under gunicorn on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from ..conftest import free_port, wait_for_port

CLI = [sys.executable, "-m", "tapereader.cli"]
SQLITE_RUN = pytest.mark.skipif(os.environ.get("TAPEREADER_TEST_SITE_DB") == "postgres",
                                reason="the embedded SQLite default: tested in the SQLite run")


def env_for(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "TAPEREADER_SITE", "TAPEREADER_CONFIG"))}
    env.update({"TAPEREADER_SITE_DATA_DIR": str(tmp / "data"),
                "TAPEREADER_CONFIG_DIR": str(tmp / "config"), "MPLBACKEND": "Agg"})
    return env


def run(args: list[str], env: dict, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@SQLITE_RUN
@pytest.mark.parametrize("args,msg", [
    (["publish"], "publish needs --asof DATE"),
    (["publish", "--asof", "2013-13-45"], "--asof '2013-13-45' is not a date"),
    (["publish", "--asof", "2013-07-08", "--from", "2013-07-01", "--to", "2013-07-08"],
     "not both"),
    (["publish", "--from", "2013-07-08", "--to", "2013-07-01"], "is after --to"),
    (["publish", "--asof", "2013-07-08", "--data", "/nonexistent/dir"],
     "data folder not found: /nonexistent/dir"),
    (["serve", "--port", "0"], "--port 0"),
])
def test_bad_input_is_one_line(tmp_path, args, msg):
    r = run(args, env_for(tmp_path))
    assert r.returncode != 0
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and msg in lines[0], r.stderr
    assert "Traceback" not in r.stderr


@SQLITE_RUN
def test_a_bad_site_db_is_one_line(tmp_path):
    env = env_for(tmp_path) | {"TAPEREADER_SITE_DB": "mysql://x/y"}
    r = run(["publish", "--asof", "2013-07-08"], env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "TAPEREADER_SITE_DB mysql://" in r.stderr


@SQLITE_RUN
@pytest.mark.realdata
def test_publish_backfill_then_serve(tmp_path, market_dir):
    env = env_for(tmp_path) | {"TAPEREADER_DATA": str(market_dir)}
    r = run(["publish", "--from", "2013-07-03", "--to", "2013-07-08"], env)
    assert r.returncode == 0, r.stderr
    # July 4 is a holiday: three sessions
    assert "published 3 of 3 sessions from 2013-07-03 to 2013-07-08" in r.stdout
    assert (tmp_path / "data" / "site.sqlite3").exists()  # migrated on first use
    r = run(["manage", "shell", "-c",
             "from tapereader.web.posts.models import Post; "
             "print(sorted(str(p.date) for p in Post.objects.public()))"], env)
    assert "['2013-07-03', '2013-07-05', '2013-07-08']" in r.stdout, r.stderr
    port = free_port()
    srv = subprocess.Popen([*CLI, "serve", "--port", str(port), "--workers", "1"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    try:
        wait_for_port(port, 60)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
            html = resp.read().decode()
            assert resp.status == 200 and "Content-Security-Policy" in resp.headers
        assert "/2013/07/08/" in html
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/tapereader/site.css",
                                    timeout=30) as resp:
            assert resp.status == 200 and b"--ink" in resp.read()
    finally:
        os.killpg(srv.pid, signal.SIGTERM)
        out, err = srv.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out, (out, err)


ON_POSTGRES = os.environ.get("TAPEREADER_TEST_SITE_DB") == "postgres"


@pytest.mark.realdata
@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL run (TAPEREADER_TEST_SITE_DB)")
def test_publish_into_postgres_by_url(tmp_path, market_dir, pg_cluster):
    import psycopg

    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS cli_site")
        conn.execute("CREATE DATABASE cli_site")
    env = env_for(tmp_path) | {"TAPEREADER_DATA": str(market_dir),
                               "TAPEREADER_SITE_DB": pg_cluster.url("cli_site")}
    r = run(["publish", "--asof", "2013-07-08"], env)
    assert r.returncode == 1 and "needs migrating: run `tapereader manage migrate`" in r.stderr
    assert run(["manage", "migrate", "-v", "0"], env).returncode == 0
    r = run(["publish", "--asof", "2013-07-08"], env)
    assert r.returncode == 0, r.stderr
    assert "published: http://127.0.0.1:8000/2013/07/08/" in r.stdout.replace("\n", "")
    with psycopg.connect(pg_cluster.url("cli_site")) as conn:
        n = conn.execute("SELECT count(*) FROM posts_chart").fetchone()[0]
    assert n >= 3
