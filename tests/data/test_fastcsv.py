"""The fast CSV path gives exactly what the general (pandas) path gives, or steps aside."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tapereader.data import DataError, read_bars
from tapereader.data.fastcsv import parse_plain_csv
from tapereader.data.readers import _read_any_csv, _read_plain_csv

from .fastpath import assert_same, outcome

HEADER = "date,open,high,low,close,adj_close,volume"
CANON = HEADER.split(",")
BODY = [
    "2013-07-01,10,11,9,10.5,10.5,100",
    "2013-07-02,10.5,11,10,10.8,10.8,100",
    "2013-07-03,10.8,11.2,10.6,11,11,100",
    "2013-07-05,11,11.5,10.9,11.4,11.4,100",
]


def general(path):
    """What the general path gives: ("ok", bars, warnings) or ("error", message)."""
    return outcome(lambda p: _read_any_csv(p, str(p)), path)


def assert_same_as_general(path):
    assert_same(outcome(read_bars, path), general(path))


@pytest.mark.parametrize("symbol", ["GSPC", "SPY", "VIX", "TNX", "RUT"])
def test_real_files_take_the_fast_path_and_match_the_general_path(market_dir, symbol):
    path = market_dir / f"{symbol}.csv"
    fast = _read_plain_csv(path, str(path))
    assert fast is not None
    want = general(path)
    pd.testing.assert_frame_equal(fast[0].frame(), want[1], check_exact=True)
    assert [str(w) for w in fast[1]] == want[2]


def test_universe_sample_matches_the_general_path(market_dir):
    paths = sorted((market_dir / "universe").glob("*.csv"))[::50]
    assert paths
    for path in paths:
        assert _read_plain_csv(path, str(path)) is not None
        assert_same_as_general(path)


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "\n" + "\n".join(BODY) + "\n",
        HEADER + "\r\n" + "\r\n".join(BODY) + "\r\n",
        "\ufeff" + HEADER + "\n" + "\n".join(BODY),  # BOM, no final newline
        HEADER + "\n" + BODY[0] + "\n\n" + "\n".join(BODY[1:]) + "\n\n",  # blank lines
        "Date,Open,High,Low,Close,Adj Close,Volume,Note\n" + "\n".join(b + ",x y" for b in BODY),
        "close,date,low,high,open\n" + "\n".join(  # reordered, no adj_close/volume
            ",".join(np.array(b.split(","))[[4, 0, 3, 2, 1]]) for b in BODY),
        HEADER + "\n" + "\n".join(b.rsplit(",", 2)[0] + ",," for b in BODY),  # empty cells
    ],
    ids=["lf", "crlf", "bom", "blank lines", "yahoo + extra", "reordered", "empty optional"],
)
def test_plain_layouts_are_fast_and_identical(tmp_path, text):
    path = tmp_path / "X.csv"
    path.write_text(text)
    assert _read_plain_csv(path, str(path)) is not None
    assert_same_as_general(path)


@pytest.mark.parametrize(
    "line",
    ['"2013-07-03",10.8,11.2,10.6,11,11,100', "2013-07-03,1.08e1,11.2,10.6,11,11,100",
     "2013-07-03, 10.8,11.2,10.6,11,11,100", "2013-07-03,10.8,11.2,10.6,11,11",
     "2013-07-03,10.8,11.2,10.6,11,11,100,1", "2013-07-03,10.8,11.2,10.6,11,11,null",
     "20130703,10.8,11.2,10.6,11,11,100", "2013-07-03,+10.8,11.2,10.6,11,11,100",
     "2013-07-03,.8,11.2,0.6,1,1,100", "2013-07-03,10.,11.2,10.6,11,11,100",
     "2013-07-03,10.8,11.2,10.6,11,11\r,100", "2013-07-03,10.8,11.2,10.6,11,11,1e3",
     "2013-02-30,10.8,11.2,10.6,11,11,100", "2013-07-03,12345678901234567890,1,1,1,1,1"],
)
def test_unusual_lines_fall_back_to_the_general_path(tmp_path, line):
    """Anything but plain decimals and ISO dates is left to pandas (which may accept it)."""
    text = HEADER + "\n" + "\n".join([BODY[0], BODY[1], line, BODY[3]]) + "\n"
    assert parse_plain_csv(text.encode(), CANON) is None
    path = tmp_path / "X.csv"
    path.write_text(text)
    assert_same_as_general(path)


@pytest.mark.parametrize(
    "line",
    ["2013-07-03,10.8,10.7,10.6,11,11,100", "2013-07-04,10.8,11.2,10.6,11,11,100",
     "2013-07-02,10.8,11.2,10.6,11,11,100", "2013-07-03,10.8,11.2,,11,11,100",
     "2013-07-03,10.8,11.2,-10.6,11,11,100", "2013-07-03,10.8,11.2,10.6,11,0,100",
     "2013-07-03,10.8,11.2,10.6,11,11,-1", "1800-07-03,10.8,11.2,10.6,11,11,100"],
)
def test_plain_but_invalid_files_give_the_general_error(tmp_path, line):
    """The fast path parses these but its checks refuse them: the error text is unchanged."""
    text = HEADER + "\n" + "\n".join([BODY[0], BODY[1], line, BODY[3]]) + "\n"
    assert parse_plain_csv(text.encode(), CANON) is not None
    path = tmp_path / "X.csv"
    path.write_text(text)
    assert _read_plain_csv(path, str(path)) is None
    with pytest.raises(DataError):
        read_bars(path)
    assert_same_as_general(path)


decimals = st.builds(
    lambda neg, whole, frac: f"{'-' if neg else ''}{whole}{'.' + frac if frac else ''}",
    st.booleans(), st.integers(0, 10**12).map(str) | st.text("0123456789", min_size=1,
                                                            max_size=20),
    st.text("0123456789", max_size=18))


@settings(max_examples=500, deadline=None)
@given(st.lists(decimals, min_size=1, max_size=4))
def test_numbers_are_bit_identical_to_pandas(cells):
    """Every number the fast path accepts parses to pandas' float, bit for bit."""
    text = "date,close\n" + "\n".join(f"2013-07-01,{c}" for c in cells) + "\n"
    parsed = parse_plain_csv(text.encode(), ["date", "close"])
    want = pd.read_csv(io.StringIO(text), dtype={"close": "float64"})["close"].to_numpy()
    if parsed is None:  # some cell is beyond the exact fast path (too many digits)
        return
    got = parsed[1]["close"]
    np.testing.assert_array_equal(got.view("int64"), want.view("int64"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dates(min_value=pd.Timestamp("1700-01-01").date(),
                         max_value=pd.Timestamp("2200-12-31").date()), min_size=1, max_size=30))
def test_dates_match_numpy(days):
    text = "date,close\n" + "\n".join(f"{d.isoformat()},1" for d in days) + "\n"
    parsed = parse_plain_csv(text.encode(), ["date", "close"])
    assert parsed is not None
    want = np.array([d.isoformat() for d in days], dtype="datetime64[ns]")
    np.testing.assert_array_equal(parsed[0], want)


@pytest.mark.parametrize("note", [b"\xff", b"caf\xc3\xa9", b"a\x00b", b"a\tb"])
def test_odd_bytes_in_a_skipped_column_fall_back(tmp_path, note):
    """Not UTF-8 is an error on the general path; other odd bytes are left to pandas."""
    body = b"\n".join(b.encode() + b"," + note for b in BODY)
    data = (HEADER + ",note\n").encode() + body + b"\n"
    assert parse_plain_csv(data, [*CANON, None]) is None
    path = tmp_path / "X.csv"
    path.write_bytes(data)
    assert_same_as_general(path)


CELLS = ["", "0", "-1", "1e3", "abc", "null", " 5", "12.5", "10.", "007", "2013-07-04",
         "2013-07-06", "2013-07-02", "20130703", "1,5", '"7"', "11.0000000001", "\t"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(BODY) - 1), st.integers(0, 6),
                          st.sampled_from(CELLS)), max_size=3),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_mutated_files_read_as_on_the_general_path(tmp_path_factory, edits, end, blank):
    """Whatever the fast path accepts or refuses, read_bars gives the general path's answer."""
    lines = [b.split(",") for b in BODY]
    for row, col, cell in edits:
        lines[row][col] = cell
    body = [",".join(f) for f in lines]
    if blank:
        body.insert(2, "")
    path = tmp_path_factory.mktemp("mut") / "X.csv"
    path.write_bytes((end.join([HEADER, *body]) + end).encode())
    assert_same_as_general(path)
