"""The bad inputs a new user meets (issue 12), each class with how to make it and what must
happen: a clear one-line error naming what was wrong and where (exit 1, or 2 for usage),
no traceback, no file changed in the case's folder; or, for the inputs that are fine, a
correct result.

``python -m tests.hardening.bad_inputs`` runs every class and prints the markdown table of
docs/status.md; ``tests/test_hardening.py`` runs every class as a test. CLI classes run
through the CLI's ``_run`` in this process (what ``main`` runs); those marked
``subprocess`` and every environment class run ``python -m tapereader.cli`` for real.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
H = "date,open,high,low,close,volume\n"
ROWS = ["2013-07-01,10,11,9,10.5,100", "2013-07-02,10.5,11,10,10.8,100",
        "2013-07-03,10.8,11.2,10.6,11,100", "2013-07-05,11,11.5,10.9,11.4,100",
        "2013-07-08,11.4,11.6,11.1,11.2,100"]
GOOD = H + "\n".join(ROWS) + "\n"


@dataclass(frozen=True)
class Ctx:
    """Where a case lives: ``tmp`` its own folder (nothing in it may change on an error),
    ``data`` a small valid market folder (SPY, IWM from 2010) shared by all cases."""

    tmp: Path
    data: Path


@dataclass(frozen=True)
class Case:
    """One class of bad input.

    ``setup(ctx)`` makes the input and returns the CLI arguments or a callable (called, its
    exception judged as the API's; with ``raw`` it runs the input itself and returns
    ``(code, out, err)``);
    ``expect``: texts the error line must contain ({tmp}, {data} filled in); ``ok``: the
    input is fine and ``expect`` are texts of the output instead; ``quiet``: an error with
    nothing to say (Ctrl-C: exit 130, as shells expect, and nothing on stderr).
    """

    group: str
    name: str
    setup: Callable[[Ctx], Any]
    expect: tuple[str, ...]
    code: int = 1
    ok: bool = False
    env: dict[str, str] | None = None
    subprocess: bool = False
    help: bool = False
    ok_code: int | tuple[int, ...] = 0
    raw: bool = False
    quiet: bool = False


@dataclass
class Outcome:
    code: int | None
    line: str
    problems: list[str] = field(default_factory=list)

    @property
    def behaves(self) -> bool:
        return not self.problems


CASES: list[Case] = []


def case(group: str, name: str, setup: Callable[[Ctx], Any], *expect: str, **kw: Any) -> None:
    CASES.append(Case(group, name, setup, tuple(expect), **kw))


# ------------------------------------------------------------------ helpers to make inputs

def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def rows(**changed: str) -> str:
    """The good file with row ``rN`` replaced (``r2=...``); ``extra=`` adds rows."""
    out = list(ROWS)
    for k, v in changed.items():
        if k.startswith("r"):
            out[int(k[1:]) - 1] = v
    return H + "\n".join(out) + "\n"


def bars_of(content: str | bytes, name: str = "X.csv") -> Callable[[Ctx], list[str]]:
    """``bars X`` over a folder holding only ``name`` with ``content``."""
    def setup(c: Ctx) -> list[str]:
        write(c.tmp / "d" / name, content)
        return ["bars", Path(name).stem, "--data", str(c.tmp / "d")]
    return setup


def parquet(frame_kw: dict[str, Any], name: str = "X.parquet") -> Callable[[Ctx], list[str]]:
    def setup(c: Ctx) -> list[str]:
        import pandas as pd

        (c.tmp / "d").mkdir()
        pd.DataFrame(frame_kw).to_parquet(c.tmp / "d" / name, index=False)
        return ["bars", "X", "--data", str(c.tmp / "d")]
    return setup


def argv(*args: str) -> Callable[[Ctx], list[str]]:
    """Fixed arguments; ``{tmp}``/``{data}`` are filled in."""
    return lambda c: [a.format(tmp=c.tmp, data=c.data) for a in args]


def market(days: int = 900, start: str = "2010-01-04") -> dict[str, Any]:
    """A valid daily frame of ``days`` XNYS sessions (a seeded random walk)."""
    import numpy as np

    from tapereader.data import calendar as xcal

    d = xcal.sessions(start, "2013-07-08")[-days:]
    rng = np.random.default_rng(len(d))
    close = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(d))))
    op = close * (1 + rng.normal(0, 0.003, len(d)))
    return {"date": d.strftime("%Y-%m-%d"), "open": op, "high": np.maximum(op, close) * 1.01,
            "low": np.minimum(op, close) * 0.99, "close": close,
            "volume": rng.integers(1000, 10**6, len(d)).astype(float)}


def make_market(folder: Path) -> Path:
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    for i, sym in enumerate(("SPY", "IWM")):
        pd.DataFrame(market(900 - 50 * i)).to_csv(folder / f"{sym}.csv", index=False)
    return folder


def frames(c: Ctx) -> dict[str, Any]:
    import pandas as pd

    return {s: pd.read_csv(c.data / f"{s}.csv", index_col="date", parse_dates=True)
            for s in ("SPY", "IWM")}


# ================================================================== file classes
F = "file"
case(F, "empty file", bars_of(""), "X.csv: empty file (no header)")
case(F, "only blank lines", bars_of("\n\n\n"), "X.csv: empty file (no header)")
case(F, "header only", bars_of(H), "X.csv, header: no data rows")
case(F, "missing close column", bars_of("date,open,high,low\n2013-07-08,1,2,1\n"),
     "header: missing columns: close (found: date, open, high, low)")
case(F, "two close columns", bars_of("date,open,high,low,close,close\n2013-07-08,1,2,1,2,2\n"),
     "columns 5 ('close') and 6 ('close') both mean close")
case(F, "Close and Last", bars_of("date,open,high,low,Close,Last\n2013-07-08,1,2,1,2,2\n"),
     "columns 5 ('Close') and 6 ('Last') both mean close")
case(F, "semicolon separated", bars_of("date;open;high;low;close\n2013-07-08;1;2;1;2\n"),
     "header: separated by semicolons, not commas")
case(F, "decimal commas", bars_of("date;open;high;low;close\n2013-07-08;1,5;2,5;1,5;2\n"),
     "separated by semicolons, not commas (with decimal commas)")
case(F, "tab separated", bars_of("date\topen\thigh\tlow\tclose\n2013-07-08\t1\t2\t1\t2\n"),
     "X.csv, header: separated by tabs, not commas")
case(F, "an HTML page saved as .csv", bars_of("<html><body>Not Found</body></html>\n"),
     "header: missing columns: date, open, high, low, close (found: <html><body>Not Found</body>")
case(F, "unparsable date", bars_of(rows(r1="08/07/2013,10,11,9,10.5,100")),
     "row 1 (line 2), date '08/07/2013': unparsable date (expected YYYY-MM-DD)")
case(F, "missing date", bars_of(rows(r2=",10.5,11,10,10.8,100")),
     "row 2 (line 3), date (missing): missing date")
case(F, "a header row repeated inside", bars_of(rows(r3="date,open,high,low,close,volume")),
     "row 3 (line 4), date 'date': unparsable date")
case(F, "unparsable number", bars_of(rows(r1="2013-07-01,10,11,9,abc,100")),
     "row 1 (line 2), date 2013-07-01: unparsable number in close: 'abc'")
case(F, "thousands separator", bars_of(rows(r1='2013-07-01,"1,010",1100,900,1050,100')),
     "unparsable number in open: '1,010'")
case(F, "currency sign", bars_of(rows(r1="2013-07-01,$10,11,9,10.5,100")),
     "unparsable number in open: '$10'")
case(F, "unparsable volume", bars_of(rows(r5="2013-07-08,11.4,11.6,11.1,11.2,lots")),
     "date 2013-07-08: unparsable number in volume: 'lots'")
case(F, "missing close", bars_of(rows(r2="2013-07-02,10.5,11,10,,100")),
     "row 2 (line 3), date 2013-07-02: missing close")
case(F, "close as text NaN", bars_of(rows(r2="2013-07-02,10.5,11,10,NaN,100")),
     "date 2013-07-02: missing close")
case(F, "negative price", bars_of(rows(r1="2013-07-01,-1,11,-2,10.5,100")),
     "date 2013-07-01: non-positive price in open: -1")
case(F, "zero price", bars_of(rows(r1="2013-07-01,10,11,0,10.5,100")),
     "date 2013-07-01: non-positive price in low: 0")
case(F, "negative adj close", bars_of("date,open,high,low,close,adj_close\n"
                                      "2013-07-08,1,2,1,2,-2\n"),
     "date 2013-07-08: non-positive price in adj_close: -2")
case(F, "high below close", bars_of(rows(r1="2013-07-01,10,10.2,9,10.5,100")),
     "date 2013-07-01: high below open/close: high 10.2 < close 10.5")
case(F, "low above open", bars_of(rows(r1="2013-07-01,10,11,10.2,10.5,100")),
     "date 2013-07-01: low above open/close: low 10.2 > open 10")
case(F, "negative volume", bars_of(rows(r1="2013-07-01,10,11,9,10.5,-5")),
     "date 2013-07-01: negative volume: -5")
case(F, "duplicate date", bars_of(rows(r3="2013-07-02,10.8,11.2,10.6,11,100")),
     "row 3 (line 4), date 2013-07-02: duplicate date: also at row 2")
case(F, "dates descending", bars_of(H + "\n".join(reversed(ROWS)) + "\n"),
     "row 2 (line 3), date 2013-07-05: dates not in ascending order")
case(F, "a Saturday", bars_of(rows(r4="2013-07-06,11,11.5,10.9,11.4,100")),
     "row 4 (line 5), date 2013-07-06: not an XNYS session: Saturday")
case(F, "a holiday", bars_of(rows(r4="2013-07-04,11,11.5,10.9,11.4,100")),
     "row 4 (line 5), date 2013-07-04: not an XNYS session: exchange holiday")
case(F, "date before the calendar", bars_of(H + "1850-01-02,1,1,1,1,1\n"),
     "date 1850-01-02: date outside the XNYS calendar")
case(F, "date in the far future", bars_of(rows(r5="2999-01-04,11.4,11.6,11.1,11.2,100")),
     "row 5 (line 6), date '2999-01-04': date outside the XNYS calendar")
case(F, "ragged row (first)", bars_of(rows(r1="2013-07-01,10,11,9,10.5,100,7")),
     "X.csv, row 1 (line 2): 7 fields, more than the header's 6")
case(F, "ragged row (later)", bars_of(rows(r3="2013-07-03,10.8,11.2,10.6,11,100,7")),
     "X.csv, row 3 (line 4): 7 fields, more than the header's 6")
case(F, "trailing comma on every row", bars_of("date,open,high,low,close\n2013-07-08,1,2,1,2,\n"),
     "row 1 (line 2): 6 fields, more than the header's 5")
case(F, "a row short of fields", bars_of(rows(r2="2013-07-02,10.5,11,10")),
     "row 2 (line 3), date 2013-07-02: missing close")
case(F, "not UTF-8 (Latin-1)", bars_of("date,open,high,low,close\n2013-07-08,1,2,1,2\n"
                                       "# caf\xe9\n".encode("latin-1")),
     "X.csv, byte 49: not UTF-8 text")
case(F, "UTF-16 file", bars_of(GOOD.encode("utf-16")), "X.csv, byte 0: not UTF-8 text")
case(F, "binary garbage", bars_of(bytes(range(128, 256)) * 3), "X.csv, byte 0: not UTF-8 text")
case(F, "infinite price", bars_of(rows(r1="2013-07-01,10,inf,9,10.5,100")),
     "date 2013-07-01: infinite number in high (or too large for a float): 'inf'")
case(F, "number too large", bars_of(rows(r1="2013-07-01,10,1e400,9,10.5,100")),
     "date 2013-07-01: infinite number in high (or too large for a float)")


def _links(c: Ctx) -> Path:
    d = c.tmp / "d"
    d.mkdir()
    return d


def dangling(c: Ctx) -> list[str]:
    (_links(c) / "X.csv").symlink_to(c.tmp / "d" / "gone.csv")
    return ["bars", "X", "--data", str(c.tmp / "d")]


def folder_csv(c: Ctx) -> list[str]:
    (_links(c) / "X.csv").mkdir()
    return ["bars", "X", "--data", str(c.tmp / "d")]


def two_files(c: Ctx) -> list[str]:
    write(_links(c) / "X.csv", GOOD)
    (c.tmp / "d" / "X.parquet").write_bytes(b"PAR1")
    return ["bars", "X", "--data", str(c.tmp / "d")]


case(F, "dangling symlink", dangling, "X.csv: dangling symbolic link (to {tmp}/d/gone.csv")
case(F, "folder named X.csv", folder_csv, "{tmp}/d/X.csv: is a folder, not a file")
case(F, "X.csv and X.parquet", two_files,
     "{tmp}/d: symbol X has two files (X.csv and X.parquet): keep one")
case(F, "corrupt parquet", bars_of(b"PAR1 not really", "X.parquet"),
     "X.parquet: unreadable parquet file")
case(F, "parquet without close", parquet({"date": ["2013-07-08"], "open": [1.0], "high": [2.0],
                                          "low": [1.0]}),
     "X.parquet, header: missing columns: close")
case(F, "parquet with text prices", parquet({"date": ["2013-07-08"], "open": ["1"],
                                             "high": ["2"], "low": ["1"], "close": ["x"]}),
     "X.parquet, row 1, date 2013-07-08: unparsable number in close: 'x'")
case(F, "parquet with a null close", parquet({"date": ["2013-07-05", "2013-07-08"],
                                              "open": [1.0, 1], "high": [2.0, 2],
                                              "low": [1.0, 1], "close": [2.0, None]}),
     "X.parquet, row 2, date 2013-07-08: missing close")
case(F, "parquet with duplicate dates", parquet({"date": ["2013-07-08", "2013-07-08"],
                                                 "open": [1.0, 1], "high": [2.0, 2],
                                                 "low": [1.0, 1], "close": [2.0, 2]}),
     "X.parquet, row 2, date 2013-07-08: duplicate date: also at row 1")
case(F, "parquet without rows", parquet({"date": [], "open": [], "high": [], "low": [],
                                         "close": []}),
     "X.parquet, header: no data rows")
case(F, "no file for the symbol", lambda c: ["bars", "NOPE", "--data", str(c.data)],
     "{data}: no file for symbol NOPE (expected NOPE.csv or NOPE.parquet)")
case(F, "data folder missing", argv("bars", "SPY", "--data", "{tmp}/no"),
     "data folder not found: {tmp}/no (use --data or $TAPEREADER_DATA)")
case(F, "data folder with brackets", argv("bars", "SPY", "--data", "{tmp}/d[red]"),
     "data folder not found: {tmp}/d[red]")
case(F, "data folder is a file", lambda c: ["bars", "SPY", "--data",
                                            str(write(c.tmp / "f.csv", GOOD))],
     "data folder is a file, not a folder: {tmp}/f.csv")
case(F, "empty data folder", lambda c: ["findings", "--data", str(_links(c))],
     "{tmp}/d: no SYMBOL.csv or SYMBOL.parquet files in this folder")
case(F, "Windows line endings", bars_of(GOOD.replace("\n", "\r\n")), "2013-07-08", ok=True)
case(F, "byte order mark", bars_of("\ufeff" + GOOD), "2013-07-08", ok=True)
case(F, "Yahoo export layout", bars_of("Date,Open,High,Low,Close,Adj Close,Volume\n"
                                       "2013-07-08,1,2,1,2,1.9,100\n"), "2013-07-08", ok=True)
case(F, "Stooq Polish headers", bars_of("Data,Otwarcie,Najwyzszy,Najnizszy,Zamkniecie,"
                                        "Wolumen\n2013-07-08,1,2,1,2,100\n"),
     "2013-07-08", ok=True)
case(F, "unknown extra column", bars_of("date,open,high,low,close,note\n"
                                        "2013-07-08,1,2,1,2,hello\n"), "2013-07-08", ok=True)
case(F, "lower-case file name", bars_of(GOOD, "x.csv"), "2013-07-08", ok=True)

# ================================================================== CLI classes
C = "cli"
case(C, "no arguments", argv(), "Usage", code=2, help=True)
case(C, "unknown option", argv("--bogus"), "No such option: --bogus", code=2)
case(C, "unknown command", argv("nosuch"), "No such command 'nosuch'", code=2)
case(C, "missing argument", argv("bars"), "Missing argument 'symbol'", code=2)
case(C, "option without a value", argv("bars", "SPY", "--asof"),
     "Option '--asof' requires an argument", code=2)
case(C, "bad --format", argv("bars", "SPY", "--format", "xml"), "'xml' is not one of", code=2)
case(C, "bars --format json", argv("bars", "SPY", "--format", "json", "--data", "{data}"),
     "bars --format takes table or csv", code=2)
case(C, "findings --format csv", argv("findings", "--format", "csv", "--data", "{data}"),
     "findings --format takes json or table", code=2)
case(C, "scan without --data", argv("scan"), "Missing option '--data'", code=2)
case(C, "fetch without symbols", argv("fetch"), "Missing argument 'symbols'", code=2)
case(C, "--weekly and --monthly", argv("bars", "SPY", "--weekly", "--monthly"),
     "choose one of --weekly and --monthly", code=2)
case(C, "unknown scan engine", argv("scan", "--data", "{data}", "--engine", "spark"),
     "--engine 'spark': use local or dask", code=2)
case(C, "unknown provider", argv("fetch", "SPY", "--provider", "bloomberg", "--db",
                                 "{tmp}/s.duckdb"),
     "unknown provider 'bloomberg': use yahoo or stooq")
case(C, "unknown scan kind", argv("scan", "--data", "{data}", "--kinds", "nope"),
     "unknown finding kind(s) nope")
case(C, "empty symbol", argv("bars", "", "--data", "{data}"), "SYMBOL is empty", code=2)
case(C, "a path as the symbol", argv("bars", "../SPY", "--data", "{data}"),
     "no file for symbol ../SPY")
case(C, "--symbols with only commas", argv("findings", "--symbols", ",,", "--data", "{data}",
                                          "--format", "json"), '"symbols"', ok=True)
case(C, "--symbols unknown", argv("findings", "--symbols", "NOPE", "--data", "{data}"),
     "no readable symbol files (first problem: {data}: no file for symbol NOPE")
case(C, "watchlist missing", argv("findings", "--watchlist", "{tmp}/no.toml", "--data",
                                  "{data}"), "{tmp}/no.toml: watchlist file not found")
case(C, "watchlist without symbols",
     lambda c: ["findings", "--data", str(c.data), "--watchlist",
                str(write(c.tmp / "wl.toml", "title = 'x'\n"))],
     "wl.toml: needs a [symbols.<TICKER>] table for each symbol")
case(C, "watchlist not TOML",
     lambda c: ["findings", "--data", str(c.data), "--watchlist",
                str(write(c.tmp / "bad.toml", "[symbols\n"))], "bad.toml: not valid TOML")
case(C, "watchlist is a folder", argv("findings", "--watchlist", "{tmp}", "--data", "{data}"),
     "{tmp}: is a folder, not a watchlist file")
case(C, "watchlist not UTF-8",
     lambda c: ["findings", "--data", str(c.data), "--watchlist",
                str(write(c.tmp / "wl.toml", b"[symbols.SPY]\nname = '\xe9'\n"))],
     "wl.toml: not UTF-8 text (byte 22)")
case(C, "report into a file's subfolder",
     lambda c: ["report", "--data", str(c.data), "--out", str(write(c.tmp / "f", "x") / "o")],
     "{tmp}/f: is a file, not a folder")
case(C, "report into a non-report folder",
     lambda c: ["report", "--data", str(c.data), "--out",
                str(write(c.tmp / "mine" / "notes.txt", "mine").parent)],
     "{tmp}/mine: folder is not empty and holds no previous report")
case(C, "report --out is a file",
     lambda c: ["report", "--data", str(c.data), "--out", str(write(c.tmp / "o.html", "x"))],
     "{tmp}/o.html: exists and is not a folder")
case(C, "scan --out bad suffix", argv("scan", "--data", "{data}", "--out", "{tmp}/x.xlsx"),
     "--out {tmp}/x.xlsx: use a .csv or .parquet file name")
case(C, "scan --out folder missing", argv("scan", "--data", "{data}", "--out", "{tmp}/no/x.csv"),
     "--out {tmp}/no/x.csv: {tmp}/no does not exist")
case(C, "scan --out is a folder", argv("scan", "--data", "{data}", "--out", "{tmp}"),
     "use a .csv or .parquet file name")
def _out_folder(c: Ctx) -> list[str]:
    (c.tmp / "o.csv").mkdir()
    return ["scan", "--data", str(c.data), "--out", str(c.tmp / "o.csv")]


case(C, "scan --out folder named o.csv", _out_folder,
     "--out {tmp}/o.csv: is a folder; give a file name")
case(C, "scan --out under a file",
     lambda c: ["scan", "--data", str(c.data), "--out", str(write(c.tmp / "f", "x") / "o.csv")],
     "{tmp}/f is a file, not a folder")
case(C, "scan --out in an unwritable folder", argv("scan", "--data", "{data}", "--out",
                                                   "/sys/o.csv"),
     "--out /sys/o.csv: cannot write in /sys")
for _v in ("NaT", "", "13/07/2013", "07/08/2013", "2013", "July", "2013-7-8", "today"):
    case(C, f"--asof {_v!r}", argv("bars", "SPY", "--asof", _v, "--data", "{data}"),
         f"--asof {_v!r} is not a date: use YYYY-MM-DD", code=2)
case(C, "--asof '2013-02-30'", argv("findings", "--asof", "2013-02-30", "--data", "{data}"),
     "--asof '2013-02-30' is not a date: no such day", code=2)
for _cmd in ("bars SPY", "findings", "scan"):
    case(C, f"{_cmd.split()[0]} --asof before the data",
         argv(*_cmd.split(), "--asof", "1980-01-02", "--data", "{data}"),
         "no bars on or before 1980-01-02 (--asof)")
    case(C, f"{_cmd.split()[0]} --asof after the data",
         argv(*_cmd.split(), "--asof", "2020-06-01", "--data", "{data}"),
         "--asof 2020-06-01 is after the last bar", "the data ends 2013-07-08")
    case(C, f"{_cmd.split()[0]} --asof in the future",
         argv(*_cmd.split(), "--asof", "2999-01-04", "--data", "{data}"),
         "--asof 2999-01-04 is in the future")
case(C, "report --asof in the future", argv("report", "--asof", "2999-01-04", "--data", "{data}",
                                            "--out", "{tmp}/o"),
     "--asof 2999-01-04 is in the future")
case(C, "fetch --asof in the future", argv("fetch", "SPY", "--asof", "2999-01-04", "--db",
                                           "{tmp}/s.duckdb"),
     "--asof 2999-01-04 is in the future")
case(C, "--help of a command", argv("bars", "--help"), "Usage", ok=True)
case(C, "--version", argv("--version"), "tapereader ", ok=True)
case(C, "lower-case symbol", argv("bars", "spy", "--asof", "2013-07-08", "--data", "{data}",
                                  "--format", "csv"), "2013-07-08,", ok=True)
case(C, "--asof on a weekend", argv("bars", "SPY", "--asof", "2013-07-07", "--data", "{data}",
                                    "--format", "csv"), "2013-07-05,", ok=True)
case(C, "unknown option (real process)", argv("--bogus"), "No such option: --bogus", code=2,
     subprocess=True)
case(C, "missing data folder (real process)", argv("findings", "--data", "{tmp}/no"),
     "data folder not found: {tmp}/no", subprocess=True)


# ================================================================== store classes
S = "store"


def store_of(kind: str) -> Callable[[Ctx], Path]:
    """A store file of one kind (see tests/data/test_store.py for each at the API)."""
    def make(c: Ctx) -> Path:
        import duckdb

        db = c.tmp / f"{kind}.duckdb"
        if kind == "text":
            write(db, "date,close\n2013-07-08,1\n")
        elif kind == "zero":
            write(db, "")
        elif kind == "foreign":
            duckdb.connect(str(db)).execute("CREATE TABLE customers (id INTEGER)").close()
        elif kind == "shape":
            duckdb.connect(str(db)).execute("CREATE TABLE bars (symbol VARCHAR, x DOUBLE)"
                                            ).close()
        elif kind == "empty":
            duckdb.connect(str(db)).close()
        elif kind == "folder":
            db.mkdir()
        else:
            from tapereader.data.readers import read_folder
            from tapereader.data.store import Store

            with Store(db) as store:
                for sym, b in read_folder(c.data).bars.items():
                    store.put(sym, b, "test")
            if kind == "truncated":
                db.write_bytes(db.read_bytes()[:40_000])
            elif kind in ("saturday", "high"):
                row = (["2013-07-06", 160.0, 161.0, 159.0, 160.5] if kind == "saturday"
                       else ["2013-07-09", 160.0, 159.5, 158.0, 159.0])
                con = duckdb.connect(str(db))
                con.execute("INSERT INTO bars VALUES ('SPY', ?, ?, ?, ?, ?, NULL, 1, 'x', "
                            "now()::TIMESTAMP)", row)
                con.close()
        return db
    return make


def findings_db(kind: str, *extra: str) -> Callable[[Ctx], list[str]]:
    return lambda c: ["findings", "--symbols", "SPY", *extra, "--db", str(store_of(kind)(c))]


def fetch_db(kind: str) -> Callable[[Ctx], list[str]]:
    return lambda c: ["fetch", "SPY", "--asof", "2013-07-08", "--provider", "stooq", "--db",
                      str(store_of(kind)(c))]


case(S, "no such store", argv("findings", "--db", "{tmp}/none.duckdb"),
     "{tmp}/none.duckdb: no such store (fill it with: tapereader fetch SYMBOL... --db)")
case(S, "a text file named .duckdb", findings_db("text"),
     "{tmp}/text.duckdb: not a DuckDB database file")
case(S, "a 0-byte .duckdb", findings_db("zero"), "{tmp}/zero.duckdb: not a DuckDB database file")
case(S, "truncated store", findings_db("truncated"),
     "{tmp}/truncated.duckdb: truncated or damaged DuckDB file")
case(S, "a foreign DuckDB file", findings_db("foreign"),
     "foreign.duckdb: not a tapereader store: no table bars (it holds customers)")
case(S, "a bars table of another shape", findings_db("shape"),
     "shape.duckdb: not a tapereader store: its table bars lacks date DATE")
case(S, "empty store", lambda c: ["findings", "--db", str(store_of("empty")(c))],
     "empty.duckdb: the store holds no symbols yet")
case(S, "symbol not stored", lambda c: ["findings", "--symbols", "NOPE", "--db",
                                        str(store_of("good")(c))],
     "no bars stored for NOPE (tapereader fetch NOPE)")
case(S, "store is a folder", findings_db("folder"), "folder.duckdb: is a folder, not a store file")
case(S, "a Saturday bar in the store", findings_db("saturday"),
     "saturday.duckdb, symbol SPY, row ", ", date 2013-07-06: not an XNYS session: Saturday")
case(S, "high below open in the store", findings_db("high"),
     "high.duckdb, symbol SPY, row ", ", date 2013-07-09: high below open/close")
case(S, "report from a truncated store", lambda c: ["report", "--out", str(c.tmp / "o"), "--db",
                                                    str(store_of("truncated")(c))],
     "truncated.duckdb: truncated or damaged DuckDB file")
case(S, "fetch into a foreign DuckDB file", fetch_db("foreign"),
     "foreign.duckdb: not a tapereader store")
case(S, "fetch into a text file", fetch_db("text"), "text.duckdb: not a DuckDB database file")
case(S, "fetch into a truncated store", fetch_db("truncated"), "truncated or damaged")
case(S, "fetch --db under a file", lambda c: ["fetch", "SPY", "--db",
                                              str(write(c.tmp / "f", "x") / "s.duckdb")],
     "{tmp}/f/s.duckdb: cannot open the store: {tmp}/f is a file, not a folder")


def held_by_writer(c: Ctx) -> Callable[[], Any]:
    from tapereader.data.store import Store

    db = store_of("good")(c)

    def call() -> Any:
        code = ("import sys\nfrom tapereader.data.store import Store\ns = Store(sys.argv[1])\n"
                "s.symbols()\nprint('holding', flush=True)\nsys.stdin.readline()")
        p = subprocess.Popen([sys.executable, "-c", code, str(db)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env=_env())
        try:
            assert p.stdout is not None and p.stdout.readline() == "holding\n"
            Store(db, read_only=True, wait=0.2)
        finally:
            p.communicate("\n", timeout=60)
    return call


def two_readers(c: Ctx) -> Callable[[], Any]:
    from tapereader.data.store import Store

    db = store_of("good")(c)

    def call() -> str:
        code = ("import sys\nfrom tapereader.data.store import Store\n"
                "s = Store(sys.argv[1], read_only=True)\nprint(s.symbols(), flush=True)\n"
                "sys.stdin.readline()")
        p = subprocess.Popen([sys.executable, "-c", code, str(db)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env=_env())
        try:
            assert p.stdout is not None
            first = p.stdout.readline().strip()
            with Store(db, read_only=True, wait=0) as s:
                return f"{first} and {s.symbols()}"
        finally:
            p.communicate("\n", timeout=60)
    return call


case(S, "store held by a writer", held_by_writer, "good.duckdb: in use by another process (PID")
case(S, "two readers at once", two_readers, "['IWM', 'SPY'] and ['IWM', 'SPY']", ok=True)


# ================================================================== API classes
A = "api"


def api(fn: Callable[[Ctx], Any]) -> Callable[[Ctx], Callable[[], Any]]:
    return lambda c: (lambda: fn(c))


def analyze_with(change: Callable[[Any], Any], **kw: Any) -> Callable[[Ctx], Callable[[], Any]]:
    def run(c: Ctx) -> Any:
        import tapereader

        fr = frames(c)
        fr["SPY"] = change(fr["SPY"])
        return tapereader.analyze(fr, **kw)
    return api(run)


def _newest_first(f: Any) -> Any:
    return f.iloc[::-1]


def _dup(f: Any) -> Any:
    import pandas as pd

    return pd.concat([f, f.iloc[-1:]])


def _high_below(f: Any) -> Any:
    f = f.copy()
    f.iloc[-1, f.columns.get_loc("high")] = f["close"].iloc[-1] * 0.9
    return f


def _yf_multi(f: Any) -> Any:
    import pandas as pd

    g = f.rename(columns=str.title).rename_axis("Date")
    g.columns = pd.MultiIndex.from_product([g.columns, ["SPY"]], names=["Price", "Ticker"])
    return g


def _nan_close(f: Any) -> Any:
    f = f.copy()
    f.iloc[10, f.columns.get_loc("close")] = float("nan")
    return f


def found(fn: Callable[[Ctx], Any]) -> Callable[[Ctx], Callable[[], Any]]:
    return api(lambda c: f"{len(fn(c))} findings")


case(A, "analyze: index newest first", analyze_with(_newest_first),
     "bars['SPY'], row 2", "dates not in ascending order")
case(A, "analyze: duplicate dates", analyze_with(_dup), "bars['SPY'], row ",
     ", date 2013-07-08: duplicate date: also at row ")
case(A, "analyze: high below close", analyze_with(_high_below), "bars['SPY'], row ",
     ", date 2013-07-08: high below open/close: high ")
case(A, "analyze: a missing close", analyze_with(_nan_close), "bars['SPY'], row 11",
     "missing close")
case(A, "analyze: without a close column", analyze_with(lambda f: f.drop(columns="close")),
     "bars['SPY'], header: missing columns: close")
case(A, "analyze: a Saturday in the index", analyze_with(
    lambda f: f.rename(index={f.index[-1]: f.index[-1] - __import__("pandas").Timedelta(days=2)})),
     "bars['SPY']", "not an XNYS session: Saturday")
case(A, "analyze: yfinance columns", found(lambda c: __import__("tapereader").analyze(
    {**frames(c), "SPY": _yf_multi(frames(c)["SPY"])})), "findings", ok=True)
case(A, "analyze: two tickers' columns", analyze_with(
    lambda f: _yf_multi(f).join(_yf_multi(f).rename(columns={"SPY": "QQQ"}, level=1))),
     "columns have several levels")
case(A, "analyze: empty mapping", api(lambda c: __import__("tapereader").analyze({})),
     "frames is empty")
case(A, "analyze: a DataFrame, not a mapping",
     api(lambda c: __import__("tapereader").analyze(frames(c)["SPY"])),
     "mapping of symbol -> DataFrame")
case(A, "analyze: a list, not a DataFrame",
     api(lambda c: __import__("tapereader").analyze({"SPY": [1, 2, 3]})),
     "bars['SPY']: a DataFrame is needed, not list")
case(A, "analyze: a symbol that is not text",
     api(lambda c: __import__("tapereader").analyze({1: frames(c)["SPY"]})),
     "symbol 1 is not a non-empty string")
case(A, "analyze: asof not ISO", analyze_with(lambda f: f, asof="07/08/2013"),
     "asof '07/08/2013' is not a date")
case(A, "analyze: asof before the data", analyze_with(lambda f: f, asof="1990-01-02"),
     "no bars on or before 1990-01-02 (asof)")
case(A, "analyze: asof in the future", analyze_with(lambda f: f, asof="2999-01-04"),
     "asof 2999-01-04 is in the future")
case(A, "analyze: watchlist file missing",
     analyze_with(lambda f: f, watchlist="/nonexistent/wl.toml"),
     "/nonexistent/wl.toml: watchlist file not found")
case(A, "analyze: time-zone aware index", found(lambda c: __import__("tapereader").analyze(
    {s: f.tz_localize("America/New_York") for s, f in frames(c).items()})), "findings", ok=True)
case(A, "read_folder: missing folder",
     api(lambda c: __import__("tapereader").read_folder(c.tmp / "no")), "{tmp}/no")
case(A, "read_folder: bad errors=", api(lambda c: __import__("tapereader").read_folder(
    c.data, errors="ignore")), "errors must be 'raise' or 'warn', not 'ignore'")
def then(make: Callable[[Ctx], Any], call: Callable[[Ctx, Any], Any]
         ) -> Callable[[Ctx], Callable[[], Any]]:
    """An API call on an input made first (so that the folder is checked after the call)."""
    def setup(c: Ctx) -> Callable[[], Any]:
        made = make(c)
        return lambda: call(c, made)
    return setup


def _new_store(c: Ctx) -> Path:
    from tapereader.data.store import Store

    Store(c.tmp / "s.duckdb").close()
    return c.tmp / "s.duckdb"


case(A, "read_folder: empty folder",
     then(_links, lambda c, d: __import__("tapereader").read_folder(d)),
     "{tmp}/d: no SYMBOL.csv or SYMBOL.parquet files in this folder")
case(A, "read_folder: a bad file",
     then(lambda c: write(c.tmp / "d" / "X.csv", rows(r2="2013-07-02,1,1,1,x,1")).parent,
          lambda c, d: __import__("tapereader").read_folder(d)),
     "X.csv, row 2 (line 3), date 2013-07-02: unparsable number in close: 'x'")
case(A, "read_bars: unsupported suffix",
     then(lambda c: write(c.tmp / "X.txt", GOOD),
          lambda c, f: __import__("tapereader.data.readers").data.readers.read_bars(f)),
     "X.txt: unsupported file type '.txt' (use .csv or .parquet)")
case(A, "report: into a non-report folder",
     then(lambda c: write(c.tmp / "mine" / "a.txt", "mine").parent,
          lambda c, d: __import__("tapereader").report(frames(c), d, asof="2013-07-08")),
     "{tmp}/mine: folder is not empty and holds no previous report")
case(A, "Store.put: bars without low",
     then(_new_store, lambda c, db: __import__("tapereader.data.store").data.store.Store(
         db).put("SPY", frames(c)["SPY"].drop(columns="low"), "x")),
     "store put SPY: bars lack columns low")
case(A, "findings_table of nothing",
     api(lambda c: f"{len(__import__('tapereader').findings_table([]))} rows"), "0 rows", ok=True)


# ================================================================== environment classes
E = "env"


def _env(**over: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TAPEREADER_DATA", "TAPEREADER_DB")}
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(ROOT / "src"), env.get("PYTHONPATH"))
                                        if x)
    env.update(over)
    return env


def broken_pipe(c: Ctx) -> Callable[[], tuple[int, str, str]]:
    def call() -> tuple[int, str, str]:
        p = subprocess.Popen([sys.executable, "-m", "tapereader.cli", "bars", "SPY", "--data",
                              str(c.data), "--format", "csv"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=_env(), cwd=c.tmp)
        assert p.stdout is not None and p.stderr is not None
        p.stdout.read(10)
        p.stdout.close()  # as `| head -c 10` does (exit 1 if it writes after, 0 if done)
        err = p.stderr.read().decode()
        return p.wait(timeout=300), "", err
    return call


def zipped_package(c: Ctx) -> Callable[[], tuple[int, str, str]]:
    """tapereader run from a zip (no __pycache__ beside it) with $HOME unusable."""
    def call() -> tuple[int, str, str]:
        import zipfile

        import tapereader

        pkg = Path(tapereader.__file__).parent
        zpath = c.tmp / "tapereader.zip"
        with zipfile.ZipFile(zpath, "w") as z:
            for f in pkg.rglob("*"):
                if f.is_file() and "__pycache__" not in f.parts:
                    z.write(f, f.relative_to(pkg.parent))
        env = _env(HOME="/proc/no-home", TMPDIR=str(c.tmp), PYTHONPATH=str(zpath))
        for k in ("XDG_CACHE_HOME", "NUMBA_CACHE_DIR"):
            env.pop(k, None)
        r = subprocess.run([sys.executable, "-m", "tapereader.cli", "--help"],
                           capture_output=True, text=True, env=env, cwd=c.tmp, timeout=300)
        return r.returncode, r.stdout, r.stderr
    return call


case(E, "TAPEREADER_DATA folder missing", argv("findings"),
     "data folder not found: /nonexistent/market (use --data or $TAPEREADER_DATA)",
     env={"TAPEREADER_DATA": "/nonexistent/market"})
def with_notes(*args: str) -> Callable[[Ctx], list[str]]:
    """``args``, with a text file ``{tmp}/notes.txt`` made first (for the variables)."""
    def setup(c: Ctx) -> list[str]:
        write(c.tmp / "notes.txt", "my notes\n")
        return list(args)
    return setup


case(E, "TAPEREADER_DATA is a file", with_notes("bars", "SPY"),
     "data folder is a file, not a folder: {tmp}/notes.txt",
     env={"TAPEREADER_DATA": "{tmp}/notes.txt"})
case(E, "TAPEREADER_DB a text file", with_notes("fetch", "SPY"),
     "{tmp}/notes.txt: not a DuckDB database file", env={"TAPEREADER_DB": "{tmp}/notes.txt"})
case(E, "user data folder under a file", with_notes("findings"),
     "data folder not found: {tmp}/notes.txt/tapereader/market",
     env={"XDG_DATA_HOME": "{tmp}/notes.txt", "HOME": "{tmp}/notes.txt"})
case(E, "non-UTF-8 locale, non-ASCII path", argv("findings", "--data", "{tmp}/march\u00e9"),
     "data folder not found: {tmp}/march\\xe9", env={"LC_ALL": "C", "LANG": "C",
                                                  "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"})
case(E, "ASCII stderr, non-ASCII path", argv("findings", "--data", "{tmp}/march\u00e9"),
     "data folder not found: {tmp}/march\\xe9", env={"PYTHONIOENCODING": "ascii"})
case(E, "a narrow terminal", argv("bars", "SPY", "--asof", "2013/07/08"),
     "--asof '2013/07/08' is not a date: use YYYY-MM-DD", code=2,
     env={"COLUMNS": "20", "TERM": "xterm-256color"})
case(E, "output into a closed pipe", broken_pipe, "", ok=True, ok_code=(0, 1), raw=True)
case(E, "HOME and package folder unwritable", zipped_package, "Usage", ok=True, raw=True)


# ================================================================== interrupted runs
INTERRUPTED = "interrupted"


def fetch_stopped(sig: int) -> Callable[[Ctx], Callable[[], tuple[int, str, str]]]:
    """``fetch SPY GSPC`` in a real process, stopped by ``sig`` while the local Stooq server
    holds GSPC's answer; the output notes what the store holds afterwards."""
    def setup(c: Ctx) -> Callable[[], tuple[int, str, str]]:
        def call() -> tuple[int, str, str]:
            import threading

            from tapereader.data.store import Store
            from tests.data.httpserver import serve, stooq_route

            asked, go = threading.Event(), threading.Event()

            def slow(path: str, query: dict[str, str]) -> Any:
                if "spx" in query.get("s", ""):
                    asked.set()
                    go.wait(120)
                return stooq_route(path, query)

            db = c.tmp / "s.duckdb"
            with serve(slow) as srv:
                p = subprocess.Popen(
                    [sys.executable, "-m", "tapereader.cli", "fetch", "SPY", "GSPC",
                     "--provider", "stooq", "--asof", "2013-07-12", "--db", str(db)],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=c.tmp,
                    env=_env(TAPEREADER_STOOQ_URL=srv.url))
                try:
                    if not asked.wait(300):
                        p.kill()
                    p.send_signal(sig)
                    out, err = p.communicate(timeout=300)
                finally:
                    go.set()
            with Store(db, read_only=True) as store:
                out += f"stored {store.symbols()} to {store.last_date('SPY')}"
            return p.returncode, out, err
        return call
    return setup


def interrupted_in_process(args: Callable[[Ctx], list[str]], module: str, name: str,
                           ) -> Callable[[Ctx], Callable[[], tuple[int | None, str, str]]]:
    """The CLI in this process with ``module.name`` (a writer) replaced by one that writes
    part of a file and is then interrupted (Ctrl-C)."""
    def setup(c: Ctx) -> Callable[[], tuple[int | None, str, str]]:
        import importlib

        argv = args(c)
        mod = importlib.import_module(module)
        real = getattr(mod, name)

        def half(*a: Any, **kw: Any) -> Any:
            path = Path(next(x for x in a if isinstance(x, (str, Path))))
            write(path / "index.html" if path.is_dir() else path, "half of it")
            raise KeyboardInterrupt

        def call() -> tuple[int | None, str, str]:
            setattr(mod, name, half)
            try:
                return _in_process(argv)
            finally:
                setattr(mod, name, real)
        return call
    return setup


def _previous_scan(c: Ctx) -> list[str]:
    write(c.tmp / "scan.csv", "the previous scan\n")
    return ["scan", "--data", str(c.data), "--asof", "2013-07-08", "--out",
            str(c.tmp / "scan.csv")]


case(INTERRUPTED, "report interrupted while writing",
     interrupted_in_process(argv("report", "--data", "{data}", "--asof", "2013-07-08", "--out",
                                 "{tmp}/o"), "tapereader.report", "render_into"),
     code=130, raw=True, quiet=True)
case(INTERRUPTED, "scan --out interrupted while writing",
     interrupted_in_process(_previous_scan, "tapereader.scan.output", "to_csv"),
     code=130, raw=True, quiet=True)
case(INTERRUPTED, "fetch killed (SIGKILL) while downloading", fetch_stopped(9),
     "stored ['SPY'] to 2013-07-12", ok=True, ok_code=-9, raw=True)
case(INTERRUPTED, "fetch interrupted (Ctrl-C) while downloading", fetch_stopped(2),
     "stored ['SPY'] to 2013-07-12", ok=True, ok_code=130, raw=True)


# ================================================================== running and judging

def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder below ``folder`` with a digest of its content."""
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink() or p.is_dir():
            out[str(p)] = "link" if p.is_symlink() else "dir"
        else:
            out[str(p)] = hashlib.sha1(p.read_bytes()).hexdigest()
    return out


def _in_process(args: list[str]) -> tuple[int | None, str, str]:
    from tapereader import cli

    out, err = io.StringIO(), io.StringIO()
    code: int | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli._run(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException:  # a bug: what the user would see
            err.write(traceback.format_exc())
            code = None
    return code, out.getvalue(), err.getvalue()


def _real(args: list[str], env: dict[str, str] | None, cwd: Path) -> tuple[int, str, str]:
    r = subprocess.run([sys.executable, "-m", "tapereader.cli", *args], capture_output=True,
                       text=True, env=_env(**(env or {})), cwd=cwd, timeout=300,
                       errors="replace")
    return r.returncode, r.stdout, r.stderr


def _api(call: Callable[[], Any]) -> tuple[int | None, str, str]:
    from tapereader.data.errors import TapereaderError

    try:
        got = call()
    except (TapereaderError, ValueError, TypeError) as e:  # the documented errors
        return 1, "", f"error: {e}\n"
    except BaseException:
        return None, "", traceback.format_exc()
    return 0, str(got), ""


def run_case(c: Case, ctx: Ctx) -> Outcome:
    """Make the input in ``ctx.tmp``, run it, and judge what happened."""
    made = c.setup(ctx)
    before = snapshot(ctx.tmp)
    if callable(made) and c.raw:
        code, out, err = made()
    elif callable(made):
        code, out, err = _api(made)
    elif c.env is not None or c.subprocess:
        env = {k: v.format(tmp=ctx.tmp) for k, v in (c.env or {}).items()}
        code, out, err = _real(made, env, ctx.tmp)
    else:
        code, out, err = _in_process(made)
    expect = [e.format(tmp=ctx.tmp, data=ctx.data) for e in c.expect]
    lines = [x for x in err.splitlines() if x.strip()]
    problems: list[str] = []
    if code is None or "Traceback" in err or "Traceback" in out:
        problems.append("traceback")
    if c.ok or c.help:
        text = out + err
        codes = (2,) if c.help else c.ok_code if isinstance(c.ok_code, tuple) else (c.ok_code,)
        if code not in codes:
            problems.append(f"exit {code}")
        problems += [f"output lacks {e!r}" for e in expect if e not in text]
        line = (lines[0] if lines else (out.strip().splitlines() or [""])[-1])
    else:
        line = lines[0] if lines else ""
        if code != c.code:
            problems.append(f"exit {code} (expected {c.code})")
        if len(lines) != (0 if c.quiet else 1):
            problems.append(f"{len(lines)} lines on stderr")
        if not c.quiet and not line.startswith("error: "):
            problems.append("not an error line")
        problems += [f"message lacks {e!r}" for e in expect if e not in line]
        after = snapshot(ctx.tmp)
        if after != before:
            changed = sorted(set(after.items()) ^ set(before.items()))
            problems.append(f"files changed: {', '.join(sorted({k for k, _ in changed}))}")
    return Outcome(code, line, problems)


@contextlib.contextmanager
def workspace(root: Path) -> Iterator[Path]:
    """``root`` with the shared market folder made (once)."""
    data = root / "market"
    if not data.exists():
        make_market(data)
    yield data


def case_id(c: Case) -> str:
    return f"{c.group}: {c.name}"


def run_all(root: Path) -> list[tuple[Case, Outcome]]:
    out = []
    with workspace(root) as data:
        for i, c in enumerate(CASES):
            tmp = root / f"c{i}"
            tmp.mkdir()
            out.append((c, run_case(c, Ctx(tmp, data))))
    return out


def cell(text: str, root: Path | None = None) -> str:
    """``text`` for a markdown table cell ($TMP for ``root``, at most 120 characters)."""
    if root is not None:
        text = text.replace(str(root), "$TMP")
    text = text.replace("|", "\\|").replace("`", "'")
    return text if len(text) <= 120 else text[:117] + "..."


def table(results: list[tuple[Case, Outcome]], root: Path) -> str:
    """The markdown table of docs/status.md."""
    head = ["| # | group | class | exit | outcome | stderr (first line) |",
            "|---|---|---|---|---|---|"]
    body = [f"| {i} | {c.group} | {cell(c.name)} | {o.code} | "
            f"{'ok' if o.behaves else cell('; '.join(o.problems), root)} | "
            f"`{cell(o.line, root)}` |"
            for i, (c, o) in enumerate(results, 1)]
    good = sum(o.behaves for _, o in results)
    return "\n".join([f"{len(results)} classes, {good} behave as they should.", "", *head, *body])


BEGIN = "<!-- bad-inputs table: made by `python -m tests.hardening.bad_inputs --write` -->"
END = "<!-- end of the bad-inputs table -->"
STATUS = ROOT / "docs" / "status.md"


def write_status(text: str, path: Path = STATUS) -> None:
    """Put ``text`` between BEGIN and END in ``path`` (atomically)."""
    doc = path.read_text(encoding="utf-8")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bad-inputs-") as tmpdir:
        got = run_all(Path(tmpdir))
        text = table(got, Path(tmpdir))
    if "--write" in sys.argv[1:]:
        write_status(text)
    print(text)
