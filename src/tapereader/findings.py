"""The Finding type: the engine's only output and the story's only input.

A finding is one fact a chartist would write about, with its numbers. It is
plain data (strings, numbers, ISO dates, lists and dicts of those) so that it
serialises to the JSON contract documented in ``docs/findings.md`` unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

TIMEFRAMES = ("daily", "weekly")

# kind -> figures every finding of that kind must carry (the schema test enforces it).
KINDS: dict[str, tuple[str, ...]] = {
    "all_time_high": ("basis", "value", "previous_value", "previous_date"),
    "new_high_52w": ("basis", "value", "previous_value", "previous_date"),
    "all_time_low": ("basis", "value", "previous_value", "previous_date"),
    "new_low_52w": ("basis", "value", "previous_value", "previous_date"),
    "distance_from_high": ("basis", "high", "high_date", "pct"),
    "structure": ("pattern", "swing_dates"),
    "change": ("sessions", "pct", "start_date"),
    "streak": ("direction", "sessions", "pct"),
    "trendline": (
        "direction", "scale", "anchors", "touches", "slope_pct_per_week",
        "value_at_asof", "state", "break_date",
    ),
    "trendline_break": ("direction", "anchors", "line_value", "close"),
    "trendline_retest": ("direction", "anchors", "line_value", "close", "distance_pct"),
    "zone": ("role", "low", "high", "touches", "last_touch", "distance_pct"),
    "breakout": ("level", "date", "prior_high_date", "prior_high"),
    "breakdown": ("level", "date", "prior_low_date", "prior_low"),
    "oversold_bounce": ("low_date", "low", "bounce_pct", "oversold_by"),
    "overbought": ("rsi", "pct_above_sma50"),
    "relative_strength": ("sessions", "pct_diff", "ratio_new_high"),
    "leadership": ("sessions", "ranking"),
    "cross_asset": ("period", "returns", "roles"),
    "channel": (
        "start_date", "end_date", "slope_pct_per_year", "slope_points_per_week", "width_pct",
    ),
    "analog": (
        "current_start", "current_end", "past_start", "past_end", "similarity",
        "after_max_drawdown_pct", "after_trough_date",
    ),
    "reversal_day": ("direction", "type", "range_atr", "volume_ratio"),
    "target": ("direction", "level", "pct", "basis"),
    "stale": ("last_date",),
    "day_move": ("pct", "direction", "since_date", "rank", "sessions"),
    "market_state": ("state", "high", "high_date", "pct_from_high", "state_since"),
    # h11-engine: the memory of levels, gaps, fresh lines, old events that still hold
    "major_level": ("role", "level", "level_date", "name", "swing_pct", "touches", "age_years",
                    "distance_pct"),
    "gap": ("role", "direction", "gap_date", "low", "high", "partly_filled", "distance_pct"),
    "fresh_line": ("direction", "scale", "anchors", "value_at_asof", "distance_pct", "pressing"),
    "standing_breakout": ("direction", "level", "level_date", "name", "breakout_date",
                          "sessions", "pct_beyond"),
    "move_from_pivot": ("direction", "pivot", "pivot_date", "name", "pct", "sessions"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One fact about one symbol (or a pair) as of a date.

    ``date`` is the bar the event happened on; ``known_at`` the first bar at
    which it could have been known (a swing low is only known once later bars
    confirm it). Both are ISO dates. ``figures`` holds the numbers, rounded to
    the precision they are reported at, so that text copied from them matches.
    """

    kind: str
    symbol: str
    timeframe: str
    date: str
    known_at: str
    figures: dict[str, Any]
    summary: str
    other_symbol: str | None = None
    score: float = field(default=0.0, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if self.timeframe not in TIMEFRAMES:
            raise ValueError(f"unknown timeframe {self.timeframe!r} for {self.kind}")
        missing = [k for k in KINDS[self.kind] if k not in self.figures]
        if missing:
            raise ValueError(f"{self.kind} finding for {self.symbol} lacks figures {missing}")
        if self.known_at < self.date:
            raise ValueError(f"{self.kind} for {self.symbol}: known_at {self.known_at} "
                             f"before date {self.date}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``score`` is internal ranking state and is left out)."""
        return {
            "kind": self.kind,
            "symbol": self.symbol,
            "other_symbol": self.other_symbol,
            "timeframe": self.timeframe,
            "date": self.date,
            "known_at": self.known_at,
            "figures": _clean(self.figures),
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(kind=d["kind"], symbol=d["symbol"], timeframe=d["timeframe"], date=d["date"],
                   known_at=d["known_at"], figures=d["figures"], summary=d["summary"],
                   other_symbol=d.get("other_symbol"))


def _clean(v: Any) -> Any:
    """Turn numpy scalars into Python ones and NaN into None, recursively."""
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_clean(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def sort_key(f: Finding) -> tuple:
    """Deterministic order: symbol, pair, kind, timeframe, date, then the summary.

    The summary carries the finding's numbers, so two findings that tie on everything
    before it are told apart by what they say (and cost far less than comparing figures).
    """
    return (f.symbol, f.other_symbol or "", f.kind, f.timeframe, f.date, f.known_at, f.summary)


_DOC_KEYS = ("asof", "data_through", "symbols", "findings")
_FINDING_KEYS = ("kind", "symbol", "other_symbol", "timeframe", "date", "known_at", "figures",
                 "summary")


def _is_iso(x: Any) -> bool:
    import datetime as dt

    try:
        return isinstance(x, str) and dt.date.fromisoformat(x).isoformat() == x
    except ValueError:
        return False


def validate_document(doc: Any) -> list[str]:
    """Problems with a findings JSON document (empty when it follows docs/findings.md)."""
    if not isinstance(doc, dict):
        return ["document is not an object"]
    probs = [f"missing key {k!r}" for k in _DOC_KEYS if k not in doc]
    probs += [f"unexpected key {k!r}" for k in doc if k not in _DOC_KEYS]
    if probs:
        return probs
    if not _is_iso(doc["asof"]):
        probs.append("asof is not an ISO date")
    if doc["data_through"] is not None and not _is_iso(doc["data_through"]):
        probs.append("data_through is not an ISO date")
    if not (isinstance(doc["symbols"], list) and all(isinstance(s, str) for s in doc["symbols"])):
        probs.append("symbols is not a list of strings")
    for i, f in enumerate(doc["findings"]):
        where = f"findings[{i}]"
        if not isinstance(f, dict) or list(f) != list(_FINDING_KEYS):
            probs.append(f"{where}: keys must be {list(_FINDING_KEYS)} in that order")
            continue
        if f["kind"] not in KINDS:
            probs.append(f"{where}: unknown kind {f['kind']!r}")
            continue
        if f["timeframe"] not in TIMEFRAMES:
            probs.append(f"{where}: timeframe {f['timeframe']!r}")
        for k in ("date", "known_at"):
            if not _is_iso(f[k]):
                probs.append(f"{where}: {k} {f[k]!r} is not an ISO date")
        if _is_iso(f["known_at"]) and _is_iso(doc["asof"]) and f["known_at"] > doc["asof"]:
            probs.append(f"{where}: known_at {f['known_at']} after asof")
        if not isinstance(f["figures"], dict):
            probs.append(f"{where}: figures is not an object")
            continue
        missing = [k for k in KINDS[f["kind"]] if k not in f["figures"]]
        if missing:
            probs.append(f"{where}: {f['kind']} lacks figures {missing}")
        if not isinstance(f["summary"], str) or not f["summary"].strip():
            probs.append(f"{where}: empty summary")
        if f["other_symbol"] is not None and not isinstance(f["other_symbol"], str):
            probs.append(f"{where}: other_symbol must be a string or null")
        probs += [f"{where}: {p}" for p in _plain(f["figures"], "figures")]
    return probs


def _plain(v: Any, path: str) -> list[str]:
    """Figures hold only JSON scalars, lists and objects; numbers are finite."""
    if isinstance(v, dict):
        return [p for k, x in v.items() for p in _plain(x, f"{path}.{k}")]
    if isinstance(v, list):
        return [p for i, x in enumerate(v) for p in _plain(x, f"{path}[{i}]")]
    if v is None or isinstance(v, str | bool | int):
        return []
    if isinstance(v, float):
        return [] if math.isfinite(v) else [f"{path} is not finite"]
    return [f"{path} has type {type(v).__name__}"]
