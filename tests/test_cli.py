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


def run_here(*args: str) -> subprocess.CompletedProcess:
    """``run`` in this process (``cli._run``, what ``main`` runs): fast enough for many cases."""
    import contextlib
    import io

    from tapereader import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli._run(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


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


# --------------------------------------------------------------------------- usage errors


def one_line(r: subprocess.CompletedProcess) -> str:
    """The single stderr line of a failed run (asserts there is exactly one, no traceback)."""
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


@pytest.mark.parametrize("args,needle", [
    (["--bogus"], "No such option: --bogus"),
    (["nosuch"], "No such command 'nosuch'"),
    (["bars"], "Missing argument 'symbol'"),
    (["bars", "GSPC", "--asof"], "Option '--asof' requires an argument"),
    (["bars", "GSPC", "--format", "xml"], "'xml' is not one of"),
    (["findings", "--format"], "requires an argument"),
    (["scan"], "Missing option '--data'"),
    (["fetch"], "Missing argument 'symbols'"),
    (["bars", "GSPC", "--weekly", "--monthly"], "choose one of --weekly and --monthly"),
    (["scan", "--data", ".", "--engine", "spark"], "--engine 'spark': use local or dask"),
])
def test_usage_errors_are_one_line_and_exit_2(args, needle):
    r = run_here(*args)
    assert r.returncode == 2, r.stderr
    line = one_line(r)
    assert line.startswith("error: ") and needle in line, line


def test_no_arguments_prints_the_help_and_exits_2():
    r = run()
    assert r.returncode == 2 and "Traceback" not in r.stderr + r.stdout
    assert "Commands" in r.stdout + r.stderr and "findings" in r.stdout + r.stderr


@pytest.mark.parametrize("value", ["NaT", "", "13/07/2013", "07/08/2013", "2013", "July",
                                   "2013-02-30", "2013-7-8"])
@pytest.mark.parametrize("command", ["bars GSPC", "findings", "report", "scan", "fetch SPY"])
def test_a_date_that_is_not_iso_is_refused_by_every_command(command, value, tmp_path):
    extra = ["--data", str(tmp_path)] if command in ("scan", "findings", "report") else []
    if command == "report":
        extra += ["--out", str(tmp_path / "o")]
    r = run_here(*command.split(), "--asof", value, *extra)
    assert r.returncode == 2, r.stderr
    assert one_line(r) == (f"error: --asof {value!r} is not a date: "
                           + ("no such day" if value == "2013-02-30"
                              else "use YYYY-MM-DD (e.g. 2013-07-08)"))


@pytest.mark.realdata
@pytest.mark.parametrize("command", ["bars GSPC", "findings --symbols SPY", "report", "scan"])
def test_asof_outside_the_data_is_the_same_error_in_every_command(command, market_dir,
                                                                  tmp_path):
    out = ["--out", str(tmp_path / "o.csv" if command == "scan" else tmp_path / "o")] \
        if command in ("scan", "report") else []
    data = ["--data", str(market_dir)]
    before = run_here(*command.split(), "--asof", "1980-01-02", *out, *data)
    assert before.returncode == 1
    assert one_line(before).startswith("error: no bars on or before 1980-01-02 (--asof)")
    after = run_here(*command.split(), "--asof", "2026-06-01", *out, *data)
    assert after.returncode == 1
    line = one_line(after)
    assert "--asof 2026-06-01 is after the last bar" in line and "the data ends 20" in line
    future = run_here(*command.split(), "--asof", "2999-01-04", *out, *data)
    assert future.returncode == 1
    assert "--asof 2999-01-04 is in the future" in one_line(future)
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.csv").exists()


def test_error_text_is_printed_without_markup(tmp_path):
    r = run_here("findings", "--data", str(tmp_path / "data[red]"))
    assert str(tmp_path / "data[red]") in one_line(r)
    wl = tmp_path / "wl.toml"
    wl.write_text("title = 'x'\n")
    r = run_here("findings", "--watchlist", str(wl), "--data", str(tmp_path))
    assert "[symbols.<TICKER>]" in one_line(r)


def test_a_store_error_is_one_line_without_nanobind_noise(tmp_path):
    from tapereader.data.store import Store

    db = tmp_path / "s.duckdb"
    with Store(db):
        pass  # an empty store: every command that opens it loads duckdb
    r = run("findings", "--db", str(db))
    assert r.returncode == 1
    assert "the store holds no symbols yet" in one_line(r)  # no "nanobind: leaked" lines


def test_one_line_errors_wraps_commands_run_outside_the_app():
    import typer
    from typer.testing import CliRunner

    from tapereader.cli import one_line_errors
    from tapereader.data.errors import DataError

    other = typer.Typer()

    @other.command()
    @one_line_errors
    def publish(asof: str = "x") -> None:
        raise DataError("posts.sqlite", "no such table [post]")

    r = CliRunner().invoke(other, [])
    assert r.exit_code == 1
    assert "error: posts.sqlite: no such table [post]" in r.output


def _bad_store(tmp_path, kind: str):
    """A store file of one bad kind (see tests/data/test_store.py for each at the API)."""
    import duckdb

    from tests.data.test_store import _filled, _insert_raw

    db = tmp_path / f"{kind}.duckdb"
    if kind == "text":
        db.write_text("date,close\n2013-07-08,1\n")
    elif kind == "foreign":
        duckdb.connect(str(db)).execute("CREATE TABLE customers (id INTEGER)").close()
    else:
        _filled(db)
        if kind == "truncated":
            db.write_bytes(db.read_bytes()[:40_000])
        else:
            _insert_raw(db, "2013-07-06", 160.0, 161.0, 159.0, 160.5)
    return db


@pytest.mark.parametrize("kind,says", [
    ("text", "not a DuckDB database file"),
    ("foreign", "not a tapereader store: no table bars (it holds customers)"),
    ("truncated", "truncated or damaged DuckDB file"),
    ("saturday", "symbol SPY, row "),
])
def test_a_bad_store_is_one_line_in_every_command_that_reads_it(tmp_path, kind, says):
    db = _bad_store(tmp_path, kind)
    before = db.read_bytes()
    for args in (["findings", "--symbols", "SPY"], ["report", "--out", str(tmp_path / "o")],
                 ["fetch", "SPY", "--asof", "2013-07-08"]):
        if kind == "saturday" and args[0] == "fetch":
            continue  # writing works: the store is sound, one symbol's bars are not
        r = run_here(*args, "--db", str(db))
        rule = "SPY, row 2142, date 2013-07-06: not an XNYS session: Saturday"
        if kind == "saturday" and args[0] == "report":  # IWM is sound: SPY is skipped
            assert r.returncode == 0 and f"skipped SPY: {db}, symbol {rule}" in r.stderr
            continue
        assert r.returncode == 1, (args, r.stderr)
        line = one_line(r)
        assert line.startswith(f"error: {db}") and says in line, line
        assert kind != "saturday" or rule in line
    assert db.read_bytes() == before
    assert (tmp_path / "o").exists() == (kind == "saturday")


@pytest.mark.parametrize("out,says", [
    ("x.xlsx", "use a .csv or .parquet file name"),
    ("nofolder/x.csv", "{tmp}/nofolder does not exist"),
    ("o.csv", "is a folder; give a file name"),  # made a folder below
    ("blocker/x.csv", "{tmp}/blocker is a file, not a folder"),
    ("/sys/x.csv", "cannot write in /sys ("),  # even for root (denied, or read-only)
])
def test_scan_out_is_checked_before_any_scan_work(tmp_path, monkeypatch, out, says):
    """A bad --out fails before the scan starts (the runner is never called), naming it."""
    import tapereader.scan as scan

    (tmp_path / "o.csv").mkdir()
    (tmp_path / "blocker").write_text("a file")
    data = tmp_path / "data"
    data.mkdir()
    calls: list[object] = []

    def runner(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise scan.ScanError("the scan ran")

    monkeypatch.setattr(scan, "run_scan", runner)
    before = sorted(tmp_path.rglob("*"))
    r = run_here("scan", "--data", str(data), "--out", str(tmp_path / out))
    assert r.returncode == 1 and calls == []
    assert one_line(r).startswith(f"error: --out {tmp_path / out}: " + says.format(tmp=tmp_path))
    assert sorted(tmp_path.rglob("*")) == before  # no temporary file left behind
    ok = run_here("scan", "--data", str(data), "--out", str(tmp_path / "fine.csv"))
    assert one_line(ok) == "error: the scan ran" and len(calls) == 1  # the fake is the runner
