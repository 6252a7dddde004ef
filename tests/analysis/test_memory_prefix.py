"""Look-ahead for the memory detectors (levels, gaps, fresh lines, old events): run on a
prefix of the data, each gives exactly what it gives on that prefix with the full run's
swings (the detectors must read only swings confirmed by the prefix's last bar), every
finding known at the prefix's last bar, and the engine as of a date equals the engine on the
data cut at that date."""

from __future__ import annotations

import pytest

from tapereader.analysis.freshlines import find_fresh_lines
from tapereader.analysis.gaps import find_gaps
from tapereader.analysis.levels import find_levels
from tapereader.analysis.standing import find_moves_from_pivots, find_standing_breakouts
from tapereader.analysis.swings import find_swings

DETECTORS = {
    "levels": lambda s, sw: find_levels(s, sw),
    "fresh": lambda s, sw: find_fresh_lines(s, sw),
    "standing": lambda s, sw: find_standing_breakouts(s, sw),
    "pivots": lambda s, sw: find_moves_from_pivots(s, sw),
    "gaps": lambda s, sw: find_gaps(s),
}


def _key(fs):
    return sorted((f.kind, f.date, f.known_at, f.summary, repr(f.figures)) for f in fs)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_prefix_equals_prefix_run(real_series, name):
    s = real_series("GSPC", "daily", "2020-12-31")
    full = find_swings(s)
    det = DETECTORS[name]
    n = len(s)
    found = 0
    for k in range(n - 260, n + 1, 23):
        head = s.head(k)
        a = det(head, full)
        b = det(head, find_swings(head))
        assert _key(a) == _key(b), f"{name} differs at {head.iso(-1)}"
        assert all(f.known_at == head.iso(-1) for f in a)
        found += len(a)
    assert found > 0, f"{name} never fired over 2020"


def test_engine_asof_equals_engine_on_cut_data(real_bars):
    from tapereader.engine import analyze_symbol

    bars = real_bars("GSPC")
    kinds = {"major_level", "gap", "fresh_line", "standing_breakout", "move_from_pivot"}
    seen = set()
    for asof in ("2012-09-14", "2013-07-08", "2020-03-12"):
        full = [f for f in analyze_symbol(bars, "GSPC", asof) if f.kind in kinds]
        cut = [f for f in analyze_symbol(real_bars("GSPC", asof), "GSPC") if f.kind in kinds]
        assert _key(full) == _key(cut)
        seen |= {f.kind for f in full}
    assert seen == kinds
