"""The command line as a user meets it: help, bars, findings, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tapereader.findings import validate_document


def run(*args: str, data=None, env_data=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(x for x in (src, env.get("PYTHONPATH")) if x)
    if env_data is not None:
        env["TAPEREADER_DATA"] = str(env_data)
    cmd = [sys.executable, "-m", "tapereader.cli", *args]
    if data is not None:
        cmd += ["--data", str(data)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)


def test_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("bars", "findings", "report", "fetch", "scan"):
        assert cmd in r.stdout


def test_version():
    from importlib.metadata import version

    r = run("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"tapereader {version('tapereader')}"


@pytest.mark.realdata
def test_bars_weekly_csv(market_dir):
    r = run("bars", "GSPC", "--weekly", "--asof", "2013-07-08", "--format", "csv", data=market_dir)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "date,open,high,low,close,volume"
    row = next(x for x in lines if x.startswith("2013-06-21,")).split(",")
    assert [round(float(v), 2) for v in row[1:5]] == [1630.64, 1654.19, 1577.70, 1592.43]
    assert lines[-1].startswith("2013-07-08,")
    assert next(x for x in lines if x.startswith("2013-07-05,")).split(",")[1].startswith("1609.78")


@pytest.mark.realdata
def test_data_folder_from_environment(market_dir):
    r = run("bars", "IWM", "--asof", "2013-07-08", "--format", "csv", env_data=market_dir)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1].startswith("2013-07-08,")


@pytest.mark.parametrize("args,needle", [
    (["bars", "NOPE"], "NOPE"),
    (["bars", "GSPC", "--asof", "someday"], "--asof 'someday' is not a date"),
    (["bars", "GSPC", "--weekly", "--monthly"], "choose one of --weekly and --monthly"),
])
def test_bad_input_is_one_line(market_dir, args, needle):
    r = run(*args, data=market_dir)
    assert r.returncode != 0
    assert needle in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) <= 2


def test_missing_data_folder_is_one_line(tmp_path):
    r = run("findings", data=tmp_path / "nowhere")
    assert r.returncode == 1 and "data folder not found" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.realdata
def test_findings_json(market_dir):
    r = run("findings", "--asof", "2013-07-08", "--symbols", "IWM,QQQ", "--format", "json",
            data=market_dir)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert validate_document(doc) == []
    assert doc["symbols"] == ["IWM", "QQQ"] and doc["asof"] == "2013-07-08"
    assert {f["symbol"] for f in doc["findings"]} <= {"IWM", "QQQ"}
    assert any(f["kind"] == "relative_strength" for f in doc["findings"])


def test_fetch_from_local_stooq_server(tmp_path):
    from .data.httpserver import serve, stooq_route

    db = tmp_path / "store.duckdb"
    with serve(stooq_route) as srv:
        env = {"TAPEREADER_STOOQ_URL": srv.url}
        os.environ.update(env)
        try:
            ok = run("fetch", "SPY", "--provider", "stooq", "--db", str(db), "--asof", "2013-07-12")
            bad = run("fetch", "SPY", "NOSUCH", "--provider", "stooq", "--db", str(db),
                      "--asof", "2013-07-12")
        finally:
            os.environ.pop("TAPEREADER_STOOQ_URL")
    assert ok.returncode == 0, ok.stderr
    assert "SPY" in ok.stdout and db.exists()
    assert bad.returncode == 1
    assert "NOSUCH" in bad.stdout and "Traceback" not in bad.stderr
    from tapereader.data.store import Store

    with Store(db) as store:
        assert store.symbols() == ["SPY"] and store.last_date("SPY").isoformat() == "2013-07-12"
    # what was fetched is what findings reads with --db
    r = run("findings", "--db", str(db), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["symbols"] == ["SPY"] and doc["data_through"] == "2013-07-12"
    one = [f for f in doc["findings"] if f["kind"] == "change" and f["figures"]["sessions"] == 1]
    assert one and one[0]["figures"]["start_date"] == "2013-07-11"
    r = run("findings", "--db", str(tmp_path / "none.duckdb"))
    assert r.returncode == 1 and "no such store" in r.stderr


@pytest.mark.realdata
def test_asof_before_the_data_is_one_line(market_dir):
    r = run("findings", "--asof", "1980-01-01", "--symbols", "SPY", data=market_dir)
    assert r.returncode == 1 and "no bars on or before 1980-01-01" in r.stderr
    r = run("findings", "--asof", "1995-01-03", "--symbols", "SPY,TLT", "--format", "json",
            data=market_dir)
    assert r.returncode == 0, r.stderr
    assert "skipped TLT" in r.stderr and "its data starts 2002-07-30" in r.stderr
    assert json.loads(r.stdout)["symbols"] == ["SPY"]


def test_unwritable_report_folder_is_one_line(market_dir, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = run("report", "--asof", "2013-07-08", "--out", str(blocker / "out"), data=market_dir)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert str(blocker) in r.stderr
