"""Validation rules: every malformed input gives one clear error naming file, row, date, rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tapereader.data import DataError, read_bars, validate_frame
from tapereader.data.validate import BIG_MOVE, MAX_GAP, SHOWN

HEADER = "date,open,high,low,close,adj_close,volume\n"
GOOD = {
    "2013-07-01": "10,11,9,10.5,10.5,100",
    "2013-07-02": "10.5,11,10,10.8,10.8,100",
    "2013-07-03": "10.8,11.2,10.6,11,11,100",
    "2013-07-05": "11,11.5,10.9,11.4,11.4,100",
    "2013-07-08": "11.4,11.6,11.1,11.2,11.2,100",
}


def rows(**changes: str) -> str:
    """The GOOD file with some lines replaced: ``rows(r3="2013-07-03,...")`` (r1 = first row)."""
    lines = [f"{d},{v}" for d, v in GOOD.items()]
    for key, line in changes.items():
        lines[int(key[1:]) - 1] = line
    return HEADER + "\n".join(lines) + "\n"


# (case id, file content, rule text, row named, date named)
# row None: the error is about the header/file, not a row.
ERRORS = [
    ("missing column", "date,open,high,low,volume\n2013-07-01,1,2,1,5\n",
     "missing columns: close", None, None),
    ("missing two columns", "Date,Open,Close\n2013-07-01,1,1\n",
     "missing columns: high, low", None, None),
    ("unparsable date", rows(r3="2013-07-0x,10.8,11.2,10.6,11,11,100"),
     "unparsable date", "row 3 (line 4)", "'2013-07-0x'"),
    ("impossible date", rows(r2="2013-02-30,10.5,11,10,10.8,10.8,100"),
     "unparsable date", "row 2 (line 3)", "'2013-02-30'"),
    ("missing date", rows(r4=",11,11.5,10.9,11.4,11.4,100"),
     "missing date", "row 4 (line 5)", "(missing)"),
    ("unparsable number", rows(r3="2013-07-03,10.8,abc,10.6,11,11,100"),
     "unparsable number in high: 'abc'", "row 3 (line 4)", "2013-07-03"),
    ("unparsable volume", rows(r5="2013-07-08,11.4,11.6,11.1,11.2,11.2,lots"),
     "unparsable number in volume", "row 5 (line 6)", "2013-07-08"),
    ("missing close", rows(r2="2013-07-02,10.5,11,10,,10.8,100"),
     "missing close", "row 2 (line 3)", "2013-07-02"),
    ("duplicate date", rows(r3="2013-07-02,10.8,11.2,10.6,11,11,100"),
     "duplicate date: also at row 2", "row 3 (line 4)", "2013-07-02"),
    ("unsorted dates", rows(r2="2013-07-03,10.5,11,10,10.8,10.8,100",
                            r3="2013-07-02,10.8,11.2,10.6,11,11,100"),
     "dates not in ascending order", "row 3 (line 4)", "2013-07-02"),
    ("high below open", rows(r2="2013-07-02,10.5,10.4,10,10.3,10.3,100"),
     "high below open/close: high 10.4 < open 10.5", "row 2 (line 3)", "2013-07-02"),
    ("high below close", rows(r4="2013-07-05,11,11.3,10.9,11.4,11.4,100"),
     "high below open/close: high 11.3 < close 11.4", "row 4 (line 5)", "2013-07-05"),
    ("low above open", rows(r5="2013-07-08,11.4,11.6,11.5,11.55,11.55,100"),
     "low above open/close: low 11.5 > open 11.4", "row 5 (line 6)", "2013-07-08"),
    ("low above close", rows(r1="2013-07-01,10.3,11,10.2,10.1,10.1,100"),
     "low above open/close: low 10.2 > close 10.1", "row 1 (line 2)", "2013-07-01"),
    ("zero price", rows(r3="2013-07-03,10.8,11.2,0,11,11,100"),
     "non-positive price in low: 0", "row 3 (line 4)", "2013-07-03"),
    ("negative price", rows(r2="2013-07-02,-10.5,11,-11,10.8,10.8,100"),
     "non-positive price in open: -10.5", "row 2 (line 3)", "2013-07-02"),
    ("negative adj close", rows(r2="2013-07-02,10.5,11,10,10.8,-1,100"),
     "non-positive price in adj_close", "row 2 (line 3)", "2013-07-02"),
    ("negative volume", rows(r2="2013-07-02,10.5,11,10,10.8,10.8,-5"),
     "negative volume", "row 2 (line 3)", "2013-07-02"),
    ("saturday", rows(r4="2013-07-06,11,11.5,10.9,11.4,11.4,100"),
     "not an XNYS session: Saturday", "row 4 (line 5)", "2013-07-06"),
    ("holiday", rows(r4="2013-07-04,11,11.5,10.9,11.4,11.4,100"),
     "not an XNYS session: exchange holiday", "row 4 (line 5)", "2013-07-04"),
    ("outside calendar", "date,open,high,low,close\n1850-01-02,1,1,1,1\n",
     "date outside the XNYS calendar", "row 1 (line 2)", "1850-01-02"),
    ("far future", rows(r5="2999-01-04,11.4,11.6,11.1,11.2,11.2,100"),
     "date outside the XNYS calendar", "row 5 (line 6)", "'2999-01-04'"),
    ("far past", rows(r1="1500-01-04,10,11,9,10.5,10.5,100"),
     "date outside the XNYS calendar", "row 1 (line 2)", "'1500-01-04'"),
    ("ragged line", rows(r3="2013-07-03,10.8,11.2,10.6,11,11,100,7"),
     "8 fields, more than the header's 7", "row 3 (line 4)", None),
    ("ragged first row", rows(r1="2013-07-01,10,11,9,10.5,10.5,100,7"),  # pandas: an index
     "8 fields, more than the header's 7", "row 1 (line 2)", None),
    ("ragged every row", "date,open,high,low,close\n2013-07-01,10,11,9,10.5,\n"
     "2013-07-02,10,11,9,10.5,\n", "6 fields, more than the header's 5", "row 1 (line 2)", None),
    ("a row short of fields", rows(r2="2013-07-02,10.5,11,10"),
     "missing close", "row 2 (line 3)", "2013-07-02"),
    ("empty file", "", "empty file", None, None),
    ("header only", HEADER, "no data rows", None, None),
    ("blank line keeps line numbers",
     HEADER + "2013-07-01,10,11,9,10.5,10.5,100\n\n2013-07-02,10.5,10.4,10,10.3,10.3,100\n",
     "high below open/close", "row 2 (line 4)", "2013-07-02"),
]


@pytest.mark.parametrize(("content", "rule", "row", "date"),
                         [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_malformed_file_names_file_row_date_and_rule(tmp_path, content, rule, row, date):
    path = tmp_path / "SYM.csv"
    path.write_text(content)
    with pytest.raises(DataError) as exc:
        read_bars(path)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(str(path)), msg
    assert rule in msg, msg
    assert rule in exc.value.rule
    if row is not None:
        assert row in msg, msg
    if date is not None:
        assert f"date {date}" in msg, msg


def test_good_table_base_is_valid(tmp_path):
    """The table's base file is valid, so each error above comes from its one changed line."""
    path = tmp_path / "SYM.csv"
    path.write_text(rows())
    bars, warnings = read_bars(path)
    assert list(bars.index.strftime("%Y-%m-%d")) == list(GOOD)
    assert warnings == []


def test_error_counts_rows_breaking_the_rule(tmp_path):
    path = tmp_path / "SYM.csv"
    path.write_text(rows(r2="2013-07-02,10.5,10.4,10,10.3,10.3,100",
                         r4="2013-07-05,11,11.3,10.9,11.4,11.4,100"))
    pattern = r"row 2 .*high 10.4.* \(2 rows break this rule; first shown\)"
    with pytest.raises(DataError, match=pattern):
        read_bars(path)


# ---------------------------------------------------------------- warnings


def frame(dates, closes, volume=None) -> pd.DataFrame:
    closes = np.asarray(closes, dtype=float)
    df = pd.DataFrame({"date": pd.DatetimeIndex(dates).strftime("%Y-%m-%d"), "open": closes,
                       "high": closes * 1.01, "low": closes * 0.99, "close": closes})
    if volume is not None:
        df["volume"] = volume
    return df


def sessions_from(start: str, n: int) -> pd.DatetimeIndex:
    from tapereader.data import sessions

    return sessions(start, pd.Timestamp(start) + pd.Timedelta(days=3 * n))[:n]


def test_big_move_warns_with_date_and_size():
    d = sessions_from("2013-07-01", 5)
    _, warnings = validate_frame(frame(d, [10, 10, 15.5, 15, 15]), "X.csv")
    assert len(warnings) == 1
    w = warnings[0]
    assert w.source == "X.csv" and w.where == "date 2013-07-03"
    assert "+55.0%" in w.message and "2013-07-02" in w.message


def test_move_at_threshold_does_not_warn():
    d = sessions_from("2013-07-01", 3)
    _, warnings = validate_frame(frame(d, [10, 10 * (1 + BIG_MOVE), 10 * (1 + BIG_MOVE)]), "X")
    assert warnings == []
    _, warnings = validate_frame(frame(d, [10, 5.9, 5.9]), "X")  # -41%
    assert [w.where for w in warnings] == ["date 2013-07-02"]


def test_many_big_moves_are_summarised():
    d = sessions_from("2013-01-02", 20)
    closes = [10, 20] * 10  # 19 moves of +100% / -50%
    _, warnings = validate_frame(frame(d, closes), "X")
    assert len(warnings) == SHOWN + 1
    assert "19 one-session moves over 40% in all" in warnings[-1].message


def test_long_gap_warns_but_short_gap_does_not():
    # 2013-06-03 -> 2013-07-01: the 19 other June 2013 sessions are missing
    _, warnings = validate_frame(frame(["2013-06-03", "2013-07-01"], [10, 10]), "X")
    assert len(warnings) == 1
    assert warnings[0].where == "dates 2013-06-03..2013-07-01"
    assert "gap of 19 missing sessions" in warnings[0].message
    # exactly MAX_GAP missing (07-02, 03, 05, 08, 09) is legal and silent
    assert MAX_GAP == 5
    _, warnings = validate_frame(frame(["2013-07-01", "2013-07-10"], [10, 10]), "X")
    assert warnings == []
    _, warnings = validate_frame(frame(["2013-07-01", "2013-07-11"], [10, 10]), "X")
    assert "gap of 6 missing sessions" in warnings[0].message


def test_exchange_closures_are_not_gaps():
    """9/11 closure: 2001-09-10 -> 2001-09-17 has no missing session."""
    _, warnings = validate_frame(frame(["2001-09-10", "2001-09-17"], [10, 10]), "X")
    assert warnings == []


def test_zero_volume_days_give_one_warning_per_file():
    d = sessions_from("2013-01-02", 300)
    vol = np.full(300, 1000.0)
    vol[[3, 10, 50]] = 0
    vol[100:290] = 0
    _, warnings = validate_frame(frame(d, np.full(300, 10.0), vol), "X.csv")
    assert len(warnings) == 1
    msg = warnings[0].message
    assert msg.startswith("193 zero-volume days")
    first = ", ".join(str(x.date()) for x in d[[3, 10, 50, 100, 101]])
    assert f"(first: {first}, ...)" in msg


def test_empty_volume_is_not_zero_volume():
    d = sessions_from("2013-01-02", 3)
    bars, warnings = validate_frame(frame(d, [10, 10, 10], [np.nan, np.nan, np.nan]), "X")
    assert warnings == [] and bars["volume"].isna().all()


def test_real_gspc_warns_about_its_seven_zero_volume_days(market_dir):
    bars, warnings = read_bars(market_dir / "GSPC.csv")
    assert len(bars) == 5759
    assert [w.message.split(" (")[0] for w in warnings] == ["7 zero-volume days"]
    assert "first: 2022-07-12, 2022-09-06" in warnings[0].message


def test_real_tnx_bond_holidays_are_legal(market_dir):
    """TNX misses 6 stock-market sessions (bond holidays): neither error nor gap warning."""
    bars, warnings = read_bars(market_dir / "TNX.csv")
    assert pd.Timestamp("2010-10-11") not in bars.index
    assert not [w for w in warnings if "gap" in w.message]
    assert bars["volume"].isna().all()


# ---------------------------------------------------------------- frames from providers


def test_provider_frame_with_tz_date_index_and_extra_columns():
    """yfinance-like: ``Date`` index in exchange time, Title-case columns, extra columns."""
    idx = pd.DatetimeIndex(["2013-07-01", "2013-07-02"]).tz_localize("America/New_York")
    df = pd.DataFrame({"Open": [1.0, 2.0], "High": [2.0, 3.0], "Low": [0.5, 1.5],
                       "Close": [1.5, 1.6], "Volume": [10, 20], "Dividends": [0.0, 0.0]},
                      index=idx.rename("Date"))
    bars, warnings = validate_frame(df, "yahoo:IWM")
    assert list(bars.columns) == ["open", "high", "low", "close", "volume"]
    assert list(bars.index) == [pd.Timestamp("2013-07-01"), pd.Timestamp("2013-07-02")]
    assert bars.index.name == "date" and bars.index.tz is None
    assert (bars.dtypes == "float64").all()
    assert warnings == [] and bars.loc["2013-07-02", "close"] == 1.6


def test_provider_frame_with_text_cells():
    df = pd.DataFrame({"date": ["2013-07-01", "2013-07-02"], "open": ["1", "2"],
                       "high": ["2", "3"], "low": ["0.5", "1.5"], "close": ["1.5", "oops"]},
                      dtype=object)
    with pytest.raises(DataError, match=r"stooq:IWM, row 2, date 2013-07-02: "
                                        r"unparsable number in close: 'oops'"):
        validate_frame(df, "stooq:IWM")


def test_provider_frame_errors_name_rows_without_lines():
    df = frame(["2013-07-01", "2013-07-04"], [10, 10])
    with pytest.raises(DataError) as exc:
        validate_frame(df, "yahoo:SPY")
    assert str(exc.value) == ("yahoo:SPY, row 2, date 2013-07-04: "
                              "not an XNYS session: exchange holiday")


def test_two_headers_for_one_column_is_an_error():
    df = pd.DataFrame({"date": ["2013-07-01"], "close": [1.0], "Close": [1.0],
                       "open": [1.0], "high": [1.0], "low": [1.0]})
    with pytest.raises(DataError, match="both mean close"):
        validate_frame(df, "X")


def test_validated_bars_validate_to_themselves(market_dir):
    """Bars (date index) pass validate_frame unchanged: stores and providers may re-validate."""
    bars, _ = read_bars(market_dir / "IWM.csv")
    again, _ = validate_frame(bars, "store:IWM")
    pd.testing.assert_frame_equal(again, bars)


def test_iso_dates_with_time_or_offset_keep_their_calendar_date():
    df = frame(["2013-07-05", "2013-07-08"], [10, 10])
    df["date"] = ["2013-07-05 00:00:00", "2013-07-08T00:00:00-04:00"]
    bars, _ = validate_frame(df, "X")
    assert list(bars.index) == [pd.Timestamp("2013-07-05"), pd.Timestamp("2013-07-08")]
