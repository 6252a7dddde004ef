"""Hand-made findings shaped like the engine's (valid per KINDS), for unit tests of the story.

The reference-case tests use the real engine instead; these only exercise branches.
"""

from __future__ import annotations

from tapereader.findings import Finding

ASOF = "2013-07-08"


def F(kind, symbol, figures, date=ASOF, known_at=None, other=None, tf="daily", score=0.0):
    return Finding(kind, symbol, tf, date, known_at or date, figures, f"{symbol} {kind}",
                   other_symbol=other, score=score)


def rally_findings(asof: str = ASOF) -> list[Finding]:
    """A leadership rally: small caps at a record, the benchmark re-testing a broken line."""
    rk = [{"symbol": "RUT", "pct": 6.12}, {"symbol": "IWM", "pct": 5.66},
          {"symbol": "GSPC", "pct": 3.91}, {"symbol": "SPY", "pct": 3.85},
          {"symbol": "NDX", "pct": 3.02}, {"symbol": "QQQ", "pct": 2.95}]
    return [
        F("leadership", "RUT", {"sessions": 9, "ranking": rk}),
        F("leadership", "RUT", {"sessions": 21, "ranking": rk[:1] + rk[2:]}),
        F("leadership", "IWM", {"sessions": 63, "ranking": [rk[1], rk[0], *rk[2:]]}),
        F("relative_strength", "IWM", {"sessions": 21, "pct_diff": 3.21, "ratio_new_high": True},
          other="QQQ"),
        F("relative_strength", "IWM", {"sessions": 63, "pct_diff": 5.4, "ratio_new_high": True},
          other="QQQ"),
        F("trendline", "GSPC", {"direction": "up", "scale": "log",
                                "anchors": ["2012-11-16", "2013-04-19"], "touches": 3,
                                "slope_pct_per_week": 0.62, "value_at_asof": 1664.2,
                                "state": "retesting", "break_date": "2013-06-21"},
          tf="weekly", score=5),
        F("trendline_retest", "GSPC", {"direction": "up", "anchors": ["2012-11-16", "2013-04-19"],
                                       "line_value": 1664.2, "close": 1640.46,
                                       "distance_pct": -1.43}, tf="weekly"),
        F("oversold_bounce", "GSPC", {"low_date": "2013-06-24", "low": 1560.33,
                                      "bounce_pct": 5.14, "oversold_by": {"pullback_pct": -5.76}},
          date="2013-06-24"),
        F("zone", "GSPC", {"role": "resistance", "low": 1639.5, "high": 1654.2, "touches": 3,
                           "last_touch": "2013-06-18", "distance_pct": -0.28}),
        F("zone", "GSPC", {"role": "support", "low": 1560.33, "high": 1573.1, "touches": 2,
                           "last_touch": "2013-06-24", "distance_pct": 4.3}),
        F("all_time_high", "RUT", {"basis": "close", "value": 1009.25, "previous_value": 999.99,
                                   "previous_date": "2013-06-18"}),
        F("all_time_high", "IWM", {"basis": "close", "value": 100.07, "previous_value": 99.3,
                                   "previous_date": "2013-06-18"}),
        F("distance_from_high", "GSPC", {"basis": "close", "high": 1669.16,
                                         "high_date": "2013-05-21", "pct": -1.72}),
        F("change", "RUT", {"sessions": 9, "pct": 6.12, "start_date": "2013-06-25",
                            "period": None}),
        F("change", "IWM", {"sessions": 9, "pct": 5.66, "start_date": "2013-06-25",
                            "period": None}),
        F("change", "GSPC", {"sessions": 1, "pct": 0.53, "start_date": "2013-07-05",
                             "period": None}),
        F("breakout", "IWM", {"level": 99.51, "date": "2013-07-03",
                              "prior_high_date": "2013-05-22", "prior_high": 99.76},
          date="2013-07-03"),
        F("cross_asset", "SPY", {"period": "ytd",
                                 "returns": {"SPY": 16.2, "IWM": 20.8, "RUT": 19.9, "TLT": -9.1,
                                             "DBC": -4.2, "HYG": -1.3},
                                 "roles": {"SPY": "benchmark", "IWM": "small_caps",
                                           "RUT": "small_caps", "TLT": "bonds",
                                           "DBC": "commodities", "HYG": "credit"}}),
        F("channel", "IWM", {"start_date": "2009-03-09", "end_date": ASOF,
                             "slope_pct_per_year": 24.1, "slope_points_per_week": 0.43,
                             "width_pct": 30.2}, tf="weekly"),
        F("channel", "IWM", {"start_date": "2012-11-16", "end_date": ASOF,
                             "slope_pct_per_year": 32.5, "slope_points_per_week": 0.76,
                             "width_pct": 6.1}, tf="weekly"),
        F("analog", "IWM", {"current_start": "2012-11-16", "current_end": ASOF,
                            "past_start": "2010-08-27", "past_end": "2011-04-29",
                            "similarity": 0.91, "after_max_drawdown_pct": -29.06,
                            "after_trough_date": "2011-10-03"}, tf="weekly"),
        F("target", "QQQ", {"direction": "up", "level": 75.25, "pct": 2.91,
                            "basis": "prior_high", "date": "2013-05-21"}),
    ]
