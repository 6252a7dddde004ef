"""The report folder: its files, a standalone valid page, findings.json, atomic writes."""

import json
import re

import html5lib
import pytest

from tapereader import report as report_mod
from tapereader.config import default_watchlist
from tapereader.engine import findings_document
from tapereader.report import MARKER, ReportError, write_report
from tests.story.realrun import engine_run
from tests.story.synthetic import ASOF, rally_findings

WL = default_watchlist()
SYMS = ("GSPC", "RUT", "IWM", "QQQ", "SPY")
CHARTS = ("trend", "channels", "overlay", "ratio", "cross_asset")


@pytest.fixture
def inputs(real_bars):
    bars = {s: real_bars(s) for s in SYMS}
    fs = rally_findings()
    return bars, fs, findings_document(fs, bars, ASOF)


def check_page(folder):
    page = (folder / "index.html").read_text(encoding="utf-8")
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(page)                                  # raises on any parse error
    assert not parser.errors
    refs = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert refs and not [r for r in refs if re.match(r"\w+:", r) or r.startswith("//")]
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page and "<script" not in page   # styles inline, no scripts
    for r in refs:
        assert (folder / r).is_file(), r                # every referenced file was written
    imgs = re.findall(r"<img ([^>]*)>", page)
    assert imgs and all(re.search(r'alt="[^"]{20,}"', i) for i in imgs)
    return page


def test_report_writes_every_file(inputs, tmp_path):
    bars, fs, doc = inputs
    out = tmp_path / "out"
    res = write_report(bars, fs, doc, WL, ASOF, out)
    names = {p.name for p in out.iterdir()} - {MARKER}
    expected = {"index.html", "note.md", "note.txt", "findings.json"} | {
        f"{c}.{e}" for c in CHARTS for e in ("svg", "png")}
    assert names == expected == set(res.files)
    assert res.headline == (out / "note.md").read_text().splitlines()[0][2:]
    assert (out / "findings.json").read_text() == json.dumps(doc, indent=2) + "\n"
    assert (out / "note.txt").read_text().startswith(res.headline + "\n")
    assert "![" not in (out / "note.txt").read_text() and "#" not in (out / "note.txt").read_text()
    page = check_page(out)
    assert res.headline in page and "Leaders and laggards" in page
    # the findings behind the note, then all of them (header + a row each)
    assert page.count("<tr>") == len(res.note.used) + 1 + len(fs) + 1
    assert 0 < len(res.note.used) < len(fs)
    assert not list(tmp_path.glob(".out.*"))            # no temporary folders left behind
    assert res.skipped == {}


def test_rewrite_replaces_a_previous_report(inputs, tmp_path):
    bars, fs, doc = inputs
    out = tmp_path / "out"
    write_report(bars, fs, doc, WL, ASOF, out)
    (out / "stale.png").write_text("old")  # a chart the previous report wrote (its manifest)
    with (out / MARKER).open("a", encoding="utf-8") as m:
        m.write("stale.png\n")
    write_report(bars, fs[:5], findings_document(fs[:5], bars, ASOF), WL, ASOF, out)
    assert not (out / "stale.png").exists()
    assert json.loads((out / "findings.json").read_text())["findings"] == \
        [f.to_dict() for f in fs[:5]]
    assert not list(tmp_path.glob(".out.*"))


@pytest.mark.parametrize("fail_on", ["index.html", "note.txt"])
def test_failure_mid_render_leaves_the_folder_untouched(inputs, tmp_path, monkeypatch, fail_on):
    bars, fs, doc = inputs
    out = tmp_path / "out"
    write_report(bars, fs[:3], findings_document(fs[:3], bars, ASOF), WL, ASOF, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_write = report_mod._write

    def failing(path, text):
        if path.name == fail_on:
            raise OSError("disk full (simulated)")
        real_write(path, text)

    monkeypatch.setattr(report_mod, "_write", failing)
    with pytest.raises(OSError, match="simulated"):
        write_report(bars, fs, doc, WL, ASOF, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".out.*"))
    # and a first run that fails leaves no folder at all
    with pytest.raises(OSError, match="simulated"):
        write_report(bars, fs, doc, WL, ASOF, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()
    assert not list(tmp_path.glob(".fresh.*"))


def test_refuses_a_folder_that_is_not_a_report(inputs, tmp_path):
    bars, fs, doc = inputs
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(ReportError, match="not empty"):
        write_report(bars, fs, doc, WL, ASOF, out)
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


@pytest.mark.realdata
def test_reference_report_from_the_engine(market_dir, tmp_path):
    run = engine_run(market_dir, "2013-07-08")
    out = tmp_path / "ref"
    res = write_report(run.bars, run.findings, run.document, WL, "2013-07-08", out)
    assert sorted(c.name for c in res.charts) == sorted(CHARTS) and res.skipped == {}
    # the charts come in the order of the note's sections (the story's ranking)
    keys = [s.key for s in res.note.sections]
    assert [keys.index(c.section) for c in res.charts] == \
        sorted(keys.index(c.section) for c in res.charts)
    by = {c.name: c for c in res.charts}
    # chosen from the findings: the S&P 500's re-tested line, IWM's channel, the IWM/QQQ pair
    assert by["trend"].title.startswith("S&P 500")
    assert by["channels"].title.startswith("IWM")
    assert by["overlay"].title.startswith("IWM (blue) vs QQQ (red)")
    assert "small caps" in res.headline.lower()
    page = check_page(out)
    assert (out / "findings.json").read_text() == json.dumps(run.document, indent=2) + "\n"
    assert page.count("<figure") == 5


@pytest.mark.realdata
def test_cli_report_writes_what_findings_prints(market_dir, tmp_path):
    """`tapereader report` end to end: findings.json is byte-identical to `findings` output."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(x for x in (src, env.get("PYTHONPATH")) if x)
    base = [sys.executable, "-m", "tapereader.cli"]
    common = ["--data", str(market_dir), "--asof", "2013-07-08"]
    out = tmp_path / "cli"
    r = subprocess.run([*base, "report", *common, "--out", str(out)], capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    f = subprocess.run([*base, "findings", *common, "--format", "json"], capture_output=True,
                       text=True, env=env, timeout=300)
    assert f.returncode == 0, f.stderr
    assert (out / "findings.json").read_text() == f.stdout
    assert (out / "note.md").read_text().splitlines()[0][2:] in r.stdout


def test_page_gives_each_image_the_size_it_was_drawn_at(inputs, tmp_path, monkeypatch):
    """The <img> width and height are the PNG's own, not a fixed 700 x 400: draw narrower
    charts and the page follows."""
    from tapereader.charts import style

    monkeypatch.setattr(style, "WIDTH_IN", 6.0)
    bars, fs, doc = inputs
    out = tmp_path / "out"
    write_report(bars, fs, doc, WL, ASOF, out)
    page = check_page(out)
    imgs = re.findall(r'<img src="([^"]+)\.svg"[^>]* width="(\d+)" height="(\d+)"', page)
    assert len(imgs) == len(CHARTS)
    for stem, w, h in imgs:
        assert (int(w), int(h)) == (600, 400), stem
