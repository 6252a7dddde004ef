"""XNYS sessions: holidays, closures, and dates long before exchange_calendars' default start."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tapereader.data import calendar as xcal
from tapereader.data.calendar import is_session, sessions


def test_sessions_skip_weekends_and_holidays():
    s = sessions("2013-07-01", "2013-07-08")
    assert [d.strftime("%m-%d") for d in s] == ["07-01", "07-02", "07-03", "07-05", "07-08"]
    assert s.name == "date"
    assert len(sessions("2013-07-06", "2013-07-07")) == 0


def test_is_session_table():
    cases = {
        "2013-07-04": False,  # Independence Day
        "2013-07-06": False,  # Saturday
        "2012-11-22": False,  # Thanksgiving
        "2012-11-23": True,   # the Friday after
        "2013-01-01": False,  # New Year
        "2001-09-11": False,  # closure
        "2012-10-29": False,  # hurricane Sandy
        "1993-02-12": True,   # SPY's first row: before the library's 20-year default start
        "1990-01-02": True,
        "2013-07-05": True,
    }
    got = is_session(pd.DatetimeIndex(list(cases)))
    np.testing.assert_array_equal(got, list(cases.values()))


def test_dates_outside_the_calendar_do_not_crash():
    d = pd.DatetimeIndex(["1700-01-03", "2013-07-05", "2200-01-02"])
    np.testing.assert_array_equal(is_session(d), [False, True, False])
    np.testing.assert_array_equal(xcal.in_range(d), [False, True, False])


def test_session_ordinals_count_sessions_between():
    o = xcal.session_ordinals(pd.DatetimeIndex(["2013-06-03", "2013-07-01"]))
    assert o[1] - o[0] - 1 == 19  # June 2013 has 20 sessions


def test_next_session_after():
    assert xcal.next_session_after("2013-07-03") == pd.Timestamp("2013-07-05")
    assert xcal.next_session_after("2013-07-05") == pd.Timestamp("2013-07-08")
    assert xcal.next_session_after("2200-01-01") is None


def test_session_on_or_before():
    assert xcal.session_on_or_before("2013-07-04") == pd.Timestamp("2013-07-03")  # holiday
    assert xcal.session_on_or_before("2013-07-07") == pd.Timestamp("2013-07-05")  # Sunday
    assert xcal.session_on_or_before("2013-07-08") == pd.Timestamp("2013-07-08")
    assert xcal.session_on_or_before(pd.Timestamp("2013-07-08 15:30")) == pd.Timestamp(
        "2013-07-08")
    assert xcal.session_on_or_before("1800-01-01") is None
