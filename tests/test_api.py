"""The public API: analyze, findings_table, read_folder, report; validated at the boundary."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import tapereader
from tapereader.data.dates import NotADate

ROOT = Path(__file__).resolve().parents[1]


def _yahoo(market_dir: Path, symbol: str = "SPY") -> pd.DataFrame:
    """The file read as a pandas user reads a Yahoo export (Date index, Adj Close)."""
    df = pd.read_csv(market_dir / f"{symbol}.csv", index_col=0, parse_dates=True)
    df.columns = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    df.index.name = "Date"
    return df


@pytest.mark.realdata
def test_readme_example_runs(market_dir, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python API.*?```python\n(.*?)```", text, re.S)
    assert block, "README has no Python API example"
    monkeypatch.chdir(ROOT)  # the example's folder is the checkout's; CI may set another
    code = block[1].replace('"../shared/data/market"', repr(str(market_dir)))
    exec(compile(code, "README.md", "exec"), {})


@pytest.mark.realdata
def test_the_table_is_the_scans_table(market_dir, tmp_path):
    from tapereader.scan import run_scan

    (tmp_path / "SPY.csv").symlink_to(market_dir / "SPY.csv")
    scan = run_scan(tmp_path, "2013-07-08", workers=1)
    found = tapereader.analyze({"SPY": _yahoo(market_dir)}, asof="2013-07-08")
    table = tapereader.findings_table(found)
    assert len(table) == len(found) > 10
    pd.testing.assert_frame_equal(table, scan.rows)


@pytest.mark.realdata
def test_yfinance_frames_give_the_files_findings(market_dir):
    from tapereader.engine import analyze_bars

    from_file = analyze_bars(tapereader.read_folder(market_dir, ["SPY"]), "2013-07-08")
    yf = _yahoo(market_dir)
    assert tapereader.analyze({"SPY": yf}, "2013-07-08") == from_file
    levels = yf.copy()
    levels.columns = pd.MultiIndex.from_product([yf.columns, ["SPY"]],
                                                names=["Price", "Ticker"])
    assert tapereader.analyze({"SPY": levels}, "2013-07-08") == from_file


@pytest.mark.realdata
@pytest.mark.parametrize("break_it,message", [
    (lambda d: d.iloc[::-1], r"bars\['SPY'\], row 2, date .*: dates not in ascending order"),
    (lambda d: pd.concat([d.iloc[:3], d.iloc[2:50]]), r"row 4, date 1993-02-17: duplicate date"),
    (lambda d: d.assign(High=d["Close"] * 0.9), r"row 1, .*high below open/close"),
    (lambda d: d.drop(columns=["Low"]), r"missing columns: low"),
    (lambda d: d.rename(columns={"Open": "open"}).assign(open2=1.0)
     .rename(columns={"open2": "Open"}), r"both mean open"),
])
def test_bad_frames_are_named_as_files_are(market_dir, break_it, message):
    with pytest.raises(tapereader.DataError, match=message):
        tapereader.analyze({"SPY": break_it(_yahoo(market_dir))})


@pytest.mark.parametrize("asof", ["13/07/2013", "2013", "", pd.NaT, "2013-07-08 12:00"])
def test_asof_is_strict(asof):
    with pytest.raises(NotADate, match="asof"):
        tapereader.analyze({}, asof)


def test_not_a_mapping_of_frames():
    with pytest.raises(TypeError, match="mapping of symbol -> DataFrame"):
        tapereader.analyze([pd.DataFrame()])
    with pytest.raises(tapereader.DataError, match=r"bars\['X'\]: a DataFrame is needed"):
        tapereader.analyze({"X": [1, 2, 3]})


def test_read_folder_names_the_bad_file(tmp_path):
    (tmp_path / "BAD.csv").write_text("date,open,high,low,close\n2013-07-08,1,2,0.5,x\n")
    with pytest.raises(tapereader.DataError, match=r"BAD.csv, row 1.*unparsable number"):
        tapereader.read_folder(tmp_path)
    with pytest.warns(UserWarning, match="BAD.csv"):
        assert tapereader.read_folder(tmp_path, errors="warn") == {}


def test_report_is_the_module_and_the_verb():
    import tapereader.report as module

    assert tapereader.report is module and callable(tapereader.report)
    assert module.write_report  # the module's own names still work
