"""The headline story, chosen by significance: how rare each candidate is in the
instrument's own history, in years since the last comparable event (``bigpicture``'s
``move_rarity`` and ``record_rarity``), not by fixed thresholds.

Every candidate is a dict for ``templates/headline.j2`` with its ``story`` and a
``rarity``; the rarest wins. Everyday stories (leadership, a line re-test) have small
fixed rarities, so they lead only on days when nothing rarer happened. A crash day's
headline is therefore the crash, and a record in gold can lead when stocks are quiet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..config import Watchlist
from ..findings import Finding
from . import bigpicture as bpm
from . import ranking

RECENT_DAYS = 10          # calendar days for a line break to be today's news
LEADER_RARITY = 0.2       # an everyday story: who leads
DEFENSIVE_RARITY = 0.15
RETEST_RARITY = 0.25
LINE_YEARS_WEIGHT = 0.3   # a broken line counts for 0.3 year per year of its age ...
LINE_MAX_RARITY = 3.0     # ... up to this
INDEX_BONUS = 1.5         # the benchmark's own day counts for more than another index's
CROSS_WEIGHT = 0.7        # a record of another asset class counts for a bit less
DROUGHT_YEARS = 0.25      # a record "first since <month>" when the last one is this old


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def day_candidates(findings: list[Finding], wl: Watchlist, asof: str) -> list[dict[str, Any]]:
    """Notable one-day moves of the stock indices and the VIX."""
    out = []
    bench = bpm.benchmark(findings, wl)
    for s in bpm.equity_indices(wl):
        f = bpm.day_move(findings, s)
        if f is None or not bpm.is_notable(f, asof):
            continue
        r = bpm.move_rarity(f, asof) * (INDEX_BONUS if s == bench else 1.0)
        out.append({"story": "big_day", "f": f, "rarity": r,
                    "intensity": bpm.move_intensity(f, asof)})
    vix = bpm.vix_alarm(findings, wl)
    if vix is not None and vix.figures["direction"] == "up" and bpm.is_notable(vix, asof):
        out.append({"story": "fear", "f": vix, "rarity": bpm.move_rarity(vix, asof)})
    return out


def record_candidates(findings: list[Finding], wl: Watchlist, asof: str) -> list[dict[str, Any]]:
    """Record closes of the stock indices (highs and lows) and of other asset classes."""
    out: list[dict[str, Any]] = []
    for f in bpm.record_closes(findings, wl, asof):
        drought = int(f.figures.get("run_sessions") or 1) == 1 and bpm.years_between(
            str(f.figures["previous_date"]), asof) >= DROUGHT_YEARS
        out.append({"story": "benchmark_record" if wl.role(f.symbol) == "benchmark"
                    else "index_record", "f": f, "rarity": bpm.record_rarity(f, asof),
                    "drought": drought})
    bench = bpm.benchmark(findings, wl)
    for f in bpm.record_closes(findings, wl, asof, ("all_time_low", "new_low_52w")):
        r = bpm.record_rarity(f, asof) * (INDEX_BONUS if f.symbol == bench else 1.0)
        out.append({"story": "index_low", "f": f, "rarity": r,
                    "state": bpm.market_state(findings, f.symbol)})
    for f in ranking.by_kind(findings, "all_time_high", "all_time_low"):
        if f.date != asof or f.figures.get("basis") != "close" or f.symbol not in wl \
                or wl.role(f.symbol) not in ("gold", "bonds", "commodities", "rates", "credit"):
            continue
        out.append({"story": "asset_record", "f": f,
                    "rarity": CROSS_WEIGHT * bpm.drought_rarity(f, asof)})
    return out


def state_candidates(findings: list[Finding], wl: Watchlist, asof: str) -> list[dict[str, Any]]:
    """The benchmark entering a correction or a bear market today."""
    b = bpm.benchmark(findings, wl)
    st = bpm.market_state(findings, b) if b else None
    if st is None or st.figures["state"] == "bull" or st.figures["state_since"] != asof:
        return []
    prev = st.figures.get("previous_bear_start")
    first = str(st.figures.get("first_date") or asof)
    r = bpm.years_between(prev or first, asof) + (0.0 if prev else 1.0)
    if st.figures["state"] == "correction":
        r = min(r, 1.0)
    return [{"story": "state_change", "f": st, "rarity": r}]


def line_candidates(findings: list[Finding], lines: list[Finding], asof: str,
                    wl: Watchlist) -> list[dict[str, Any]]:
    out = []
    for line in lines[:1]:
        if not ranking.is_index(line.symbol, wl) and ranking.twin(
                line.symbol, wl, {f.symbol for f in findings}) is not None:
            continue  # an ETF's line: the headline names the index, so not the headline
        brk = [b for b in ranking.of(findings, line.symbol, "trendline_break")
               if b.figures.get("anchors") == line.figures.get("anchors")
               and _days(b.known_at, asof) <= RECENT_DAYS]
        anchors = line.figures.get("anchors") or [asof]
        age = bpm.years_between(str(anchors[0]), asof)
        if brk:
            out.append({"story": "line_break", "f": line, "event": brk[-1],
                        "rarity": min(LINE_MAX_RARITY, LINE_YEARS_WEIGHT * age)})
        elif line.figures.get("state") == "retesting" and ranking.at_the_line(
                line.figures.get("distance_pct")):
            out.append({"story": "retest", "f": line, "rarity": RETEST_RARITY})
    return out


def leader_candidates(findings: list[Finding], wl: Watchlist, asof: str,
                      lead: ranking.Leadership | None) -> list[dict[str, Any]]:
    if lead is None:
        return []
    syms = [lead.leader]
    t = ranking.twin(lead.leader, wl, wl.instruments)
    if t:
        syms.append(t)
    present = {f.symbol for f in findings}
    # a closing record only: the headline says "closes at" (an intraday high is no close)
    rec = next((r for s in syms if (r := ranking.record(findings, s, asof)) is not None
                and r.figures.get("basis") == "close"
                and (ranking.is_index(s, wl) or ranking.twin(s, wl, present) is None)), None)
    up = float(lead.finding.figures["ranking"][0]["pct"]) > 0
    if rec is not None and up:
        return [{"story": "leader_record", "lead": lead, "f": rec,
                 "rarity": LEADER_RARITY + bpm.record_rarity(rec, asof)}]
    if up:
        return [{"story": "leader", "lead": lead, "f": lead.shortest, "rarity": LEADER_RARITY}]
    return [{"story": "defensive", "lead": lead, "f": lead.shortest,
             "rarity": DEFENSIVE_RARITY}]


def headline_story(findings: list[Finding], wl: Watchlist, asof: str,
                   lead: ranking.Leadership | None, lines: list[Finding]) -> dict[str, Any]:
    """The rarest candidate story (``{"story": "quiet"}`` when there is none)."""
    cands = (day_candidates(findings, wl, asof) + state_candidates(findings, wl, asof)
             + record_candidates(findings, wl, asof) + line_candidates(findings, lines, asof, wl)
             + leader_candidates(findings, wl, asof, lead))
    if not cands:
        return {"story": "quiet", "rarity": 0.0}
    # the VIX jumps because stocks fall: on a notable down day the crash is the story, and
    # the fear gauge's jump is told with it
    fear = next((c for c in cands if c["story"] == "fear"), None)
    drops = [c for c in cands if c["story"] == "big_day" and c["f"].figures["direction"] == "down"]
    if fear is not None and drops:
        best = max(drops, key=lambda c: c["rarity"])
        cands.remove(fear)
        best["vix"] = fear["f"]
        best["rarity"] = max(best["rarity"], fear["rarity"])
    # a leader's record and the same index's record are one story: keep the leader's wording
    return max(cands, key=lambda c: (c["rarity"], c["story"] == "leader_record"))
