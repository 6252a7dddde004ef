"""A stand-in for ``engine.analyze_series`` with exactly known output (module level: picklable).

It emits findings whose figures exercise every flattening rule (ints, floats, strings,
None, lists, nested dicts) and fails on purpose for a symbol named BOOM.
"""

from __future__ import annotations

from tapereader.analysis.series import Series, cut_series
from tapereader.findings import Finding


def analyze(daily: Series, asof: str | None = None) -> list[Finding]:
    symbol = daily.symbol
    if symbol == "BOOM":
        raise RuntimeError("planted failure")
    b = cut_series(daily, asof)
    last = b.iso(-1)
    if asof and last < asof:
        return [Finding("stale", symbol, "daily", last, last, {"last_date": last}, "stale")]
    c = b.close
    start = b.iso(-6)
    out = [
        Finding("change", symbol, "daily", last, last,
                {"sessions": 5, "pct": round((c[-1] / c[-6] - 1) * 100, 2), "start_date": start},
                f"{symbol} 5 sessions"),
        Finding("trendline", symbol, "weekly", last, last,
                {"direction": "up", "scale": "log", "anchors": [start, last], "touches": 2,
                 "slope_pct_per_week": 0.5, "value_at_asof": round(float(c[-1]), 2),
                 "state": "intact", "break_date": None}, f"{symbol} line"),
        Finding("cross_asset", symbol, "daily", last, last,
                {"period": "ytd", "returns": {"SPY": 1.5, "X": -2.0}, "roles": {"SPY": "stock"}},
                f"{symbol} cross"),
    ]
    if c[-1] >= c.max():
        i = int(c[:-1].argmax())
        out.append(Finding("all_time_high", symbol, "daily", last, last,
                           {"basis": "close", "value": float(c[-1]),
                            "previous_value": float(c[i]),
                            "previous_date": b.iso(i)},
                           f"{symbol} record"))
    return out


def gc_state(daily: Series, asof: str | None = None) -> list[Finding]:
    """One finding saying whether the process running it collects garbage and whether it
    inherited frozen objects (what a pool worker should: yes and yes)."""
    import gc

    last = daily.iso(-1)
    return [Finding("change", daily.symbol, "daily", last, last,
                    {"sessions": 1, "pct": 0.0, "start_date": last,
                     "gc_enabled": gc.isenabled(), "inherited_frozen": gc.get_freeze_count() > 0},
                    f"{daily.symbol} gc")]
