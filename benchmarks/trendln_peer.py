"""Peer comparison: trendln (a published trend-line finder) vs tapereader on the reference case.

    python benchmarks/trendln_peer.py      # needs the bench extra (pip install -e ".[bench]")

On GSPC weekly closes from October 2011 to 2013-07-08, trendln returns no support line
through the November 2012 low (it sees the low as a pivot); tapereader returns it (anchored
there, broken in June 2013). Moved here from the test suite: it measures a third party.
"""

from __future__ import annotations

import sys

import numpy as np

from tapereader.analysis.series import Series, resample_series, series_from_bars
from tapereader.analysis.trendlines import find_trendlines
from tapereader.data.readers import read_bars
from tapereader.data.resample import cut
from tapereader.paths import default_data_dir

ASOF = "2013-07-08"
NOV = np.datetime64("2012-11-16")


def main() -> int:
    import trendln

    daily = series_from_bars(cut(read_bars(default_data_dir() / "GSPC.csv")[0], ASOF),
                             "GSPC", "daily")
    s = resample_series(daily, "weekly", ASOF)
    start = int(np.searchsorted(s.dates, np.datetime64("2011-10-01")))
    w = Series(s.symbol, s.timeframe, *(a[start:] for a in (
        s.dates, s.open, s.high, s.low, s.close, s.volume, s.adj_close)), s.partial_last)
    nov = int(np.flatnonzero(w.dates == NOV)[0])
    (minima, _pmin, mintrend, _w), _maxima = trendln.calc_support_resistance(w.close)
    through = [pts for pts, _ in mintrend if any(abs(p - nov) <= 1 for p in pts)]
    ups = [f for f in find_trendlines(s) if f.kind == "trendline"
           and f.figures["direction"] == "up"]
    ours = [f for f in ups if f.figures["anchors"][0] == "2012-11-16"
            and f.figures["break_date"] is not None]
    print(f"trendln: low 2012-11-16 a pivot: {nov in minima}; {len(mintrend)} support lines, "
          f"{len(through)} through the November 2012 low")
    print(f"tapereader: {len(ours)} up line(s) anchored 2012-11-16 and broken "
          f"({', '.join(str(f.figures['break_date']) for f in ours)})")
    return 0 if ours and not through else 1


if __name__ == "__main__":
    sys.exit(main())
