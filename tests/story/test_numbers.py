"""Formatting figures and tracing numbers in text back to findings."""

import pytest

from tapereader.story import numbers as fmt
from tests.story.synthetic import F


def test_formatters():
    assert fmt.pct(5.66) == "5.7%"
    assert fmt.pct(5.66, signed=True) == "+5.7%"
    assert fmt.pct(-1.72, absolute=True) == "1.7%"
    assert fmt.pct(-0.04, signed=True) == "0.0%"
    assert fmt.price(1640.4) == "1,640.40"
    assert fmt.level(1649.69) == "1,650" and fmt.level(99.5) == "99.50"
    assert fmt.count(9) == "nine" and fmt.count(21) == "21"
    assert fmt.date("2013-07-08") == "July 8, 2013"
    assert fmt.month("2012-11-16") == "November 2012"
    assert fmt.weekday("2013-07-08") == "Monday"
    assert fmt.points(3.21) == "3.2 points"
    with pytest.raises(ValueError):
        fmt.pct(None)


FS = [F("change", "IWM", {"sessions": 9, "pct": 5.66, "start_date": "2013-06-24"}),
      F("zone", "GSPC", {"role": "resistance", "low": 1649.69, "high": 1654.19, "touches": 2,
                         "last_touch": "2013-06-19", "distance_pct": -0.5})]
NAMES = ["S&P 500", "Russell 2000"]


@pytest.mark.parametrize("text", [
    "IWM is up 5.7% in nine sessions.",
    "IWM is up 5.66% in 9 sessions since June 24, 2013.",
    "Resistance for the S&P 500 at 1,650-1,654, the last touch on June 19, 2013, in June 2013.",
    "The Russell 2000 closed -0.5% below resistance (as of July 8, 2013, Monday).",
])
def test_untraced_accepts_figures_at_the_precision_shown(text):
    assert fmt.untraced(text, FS, NAMES, asof="2013-07-08") == []


@pytest.mark.parametrize("text, bad", [
    ("IWM is up 5.8% in nine sessions.", "5.8"),         # wrong rounding
    ("IWM is up 5.7% in ten sessions.", "ten"),          # a count that is no figure
    ("Resistance at 1,655.", "1,655"),
    ("The low of June 25, 2013.", "June 25, 2013"),      # a date that is no figure
    ("Since March 2009.", "March 2009"),
    ("S&P 600 up 5.7%", "600"),                          # only known names are stripped
])
def test_untraced_catches_numbers_not_in_findings(text, bad):
    assert bad in fmt.untraced(text, FS, NAMES, asof="2013-07-08")
