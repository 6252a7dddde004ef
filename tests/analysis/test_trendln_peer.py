"""Peer comparison: trendln (a published trend-line finder) vs tapereader on the reference case.

trendln on GSPC weekly closes from October 2011 to 2013-07-08 returns no support line through
the November 2012 low; tapereader returns it (anchored there, broken in June 2013).
"""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.trendlines import find_trendlines

trendln = pytest.importorskip("trendln")


def _weekly(real_series):
    s = real_series("GSPC", "weekly", "2013-07-08")
    start = int(np.searchsorted(s.dates, np.datetime64("2011-10-01")))
    n = len(s) - start
    from tapereader.analysis.series import Series
    return s, Series(s.symbol, s.timeframe, *(a[start:] for a in (
        s.dates, s.open, s.high, s.low, s.close, s.volume, s.adj_close)), s.partial_last), n


def test_trendln_misses_the_november_2012_line(real_series):
    _, w, _ = _weekly(real_series)
    nov = int(np.flatnonzero(w.dates == np.datetime64("2012-11-16"))[0])
    (minima, _pmin, mintrend, _w), _maxima = trendln.calc_support_resistance(w.close)
    assert nov in minima  # it sees the low as a pivot ...
    assert mintrend       # ... and returns support lines ...
    through = [pts for pts, _ in mintrend if any(abs(p - nov) <= 1 for p in pts)]
    assert through == []  # ... but none through the November 2012 low


def test_tapereader_finds_it(real_series):
    s, _, _ = _weekly(real_series)
    ups = [f for f in find_trendlines(s) if f.kind == "trendline"
           and f.figures["direction"] == "up"]
    assert any(f.figures["anchors"][0] == "2012-11-16" and f.figures["break_date"] is not None
               for f in ups)
