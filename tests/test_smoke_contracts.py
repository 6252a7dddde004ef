"""The shared contracts: Finding validation and Series construction."""

import pytest

from tapereader.findings import Finding


def test_finding_rejects_missing_figures():
    with pytest.raises(ValueError, match="lacks figures"):
        Finding("change", "SPY", "daily", "2013-07-08", "2013-07-08", {"pct": 1.0}, "x")


def test_finding_rejects_known_before_date():
    with pytest.raises(ValueError, match="known_at"):
        Finding("stale", "SPY", "daily", "2013-07-08", "2013-07-05", {"last_date": "x"}, "x")


def test_real_series_weekly_partial(real_series):
    s = real_series("GSPC", "weekly", "2013-07-08")
    assert s.iso(-1) == "2013-07-08" and s.partial_last
    assert s.iso(-2) == "2013-07-05"
