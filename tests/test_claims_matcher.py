"""The claim matcher must reject as readily as it accepts (else the claims prove nothing)."""

import pytest

from .claims import matches

F = {"date": "2013-07-08", "figures": {"pct": 5.66, "anchors": ["2012-11-16", "2013-04-18"],
                                       "state": "retesting", "returns": {"SPY": 14.2, "TLT": -7.1}}}


@pytest.mark.parametrize("match,ok", [
    ("pct~5.66/0.01", True), ("pct~5.5/0.1", False), ("pct>5", True), ("pct<5", False),
    ("anchors.0=2012-11-16", True), ("anchors.0=2012-11-23", False),
    ("anchors.1~2013-04-20/3", True), ("anchors.1~2013-04-30/3", False),
    ("state=retesting", True), ("state=broken", False), ("missing=1", False),
    ("returns.SPY>returns.TLT", True), ("returns.TLT>returns.SPY", False),
    ("@date=2013-07-08", True), ("@date~2013-07-01/3", False),
    ("pct>5; state=broken", False), ("pct>5; state=retesting", True),
])
def test_matcher(match, ok):
    assert matches(F, match) is ok
