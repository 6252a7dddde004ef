"""The chart plan: which charts the note calls for, in order of importance, and what each draws.

The story decides, the renderers draw. ``chart_plan`` reads the findings and the note (its
sections, its picks) and returns ``ChartSpec`` items: the kind of chart, its symbols, the
lines, zones and levels to draw with their labels, the section it illustrates and why it
was chosen. Renderers (``tapereader.charts``) take a spec and the bars, and import nothing
from the story's ranking.

Which charts, by regime (named functions below, each tested):

- a fear day (``fear_day``: the VIX alarming by the big picture's rule while the benchmark
  makes a drop ranked the largest for at least a month, or stands in a correction or bear
  market): the benchmark's daily chart with its
  50- and 200-day averages and a VIX panel comes first; leadership, ratio and channel charts
  are left out;
- the benchmark's daily chart (without the VIX unless it is alarmed) when the benchmark is
  the story: a record, a 52-week low, a big drop, a correction or bear market, the
  headline's subject;
- the trend chart of the note's top trend line;
- the leadership pair (overlay, and the ratio when it made a new high) when a leader is up;
- the leader's channels and analog only when the channels are the leader's (or its ETF's)
  and it rises with them (not on a fear day, not in a falling market);
- the cross-asset bars when the note compares asset classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import Watchlist
from ..findings import Finding
from . import bigpicture as bpm
from . import numbers as fmt
from . import ranking

CORRECTION_PCT = 10.0   # 10% below the high: a correction (20%: a bear market)
AVERAGES = (50, 200)    # the daily chart's moving averages (sessions)
# headline stories about the benchmark's own day or state (compose's and significance's names)
BENCHMARK_STORIES = ("big_day", "fear", "benchmark_record", "benchmark_low", "index_low",
                     "state_change")
# where each chart goes when the note has that section (first present wins; else the first)
SECTION_PREFERENCE: dict[str, tuple[str, ...]] = {
    "benchmark": ("picture", "big_picture", "day", "market", "overview"),  # else the first
    "trend": ("trendlines",),
    "channels": ("slope",),
    "overlay": ("leaders",),
    "ratio": ("leaders",),
    "cross_asset": ("cross_asset",),
}


@dataclass(frozen=True)
class Band:
    """A horizontal zone (``low < high``) or level (``low == high``) on one symbol's chart."""

    symbol: str
    low: float
    high: float
    role: str                 # support | resistance | level | high
    label: str
    since: str | None = None  # drawn from this date (None: the whole chart)

    @property
    def is_level(self) -> bool:
        """A zone of a single price is drawn as a line, not as a zero-height patch."""
        return self.high <= self.low


@dataclass(frozen=True)
class ChartSpec:
    """One chart the note calls for: what to draw and why."""

    kind: str                # benchmark | trend | channels | overlay | ratio | cross_asset
    section: str                       # the note section it illustrates ("": left out)
    symbols: tuple[str, ...]
    reason: str                        # why the story asked for it
    name: str = ""                     # file stem (defaults to kind)
    line: Finding | None = None        # trend: the trend line
    channels: tuple[Finding, ...] = ()
    analog: Finding | None = None
    zones: tuple[Band, ...] = ()
    levels: tuple[Band, ...] = ()
    averages: tuple[int, ...] = ()     # benchmark: SMA windows
    panel: str | None = None           # benchmark: a second panel (the VIX)
    panel_level: float | None = None   # ... and its alarm line
    marker: Finding | None = None      # overlay: the breakout to mark
    relative: tuple[Finding, ...] = ()  # ratio: the pair's relative_strength findings
    cross: tuple[Finding, ...] = ()    # cross_asset: one finding per period
    bold: tuple[str, ...] = ()         # cross_asset: symbols shown in bold (the equities)
    labels: dict[str, str] = field(default_factory=dict)  # extra legend labels by key

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.kind)


# ------------------------------------------------------------------ regime

def benchmark(findings: Iterable[Finding], wl: Watchlist) -> str | None:
    """The benchmark index among the findings' symbols (the index, not its ETF)."""
    present = {f.symbol for f in findings}
    for s in wl.with_role("benchmark"):
        if s in present and ranking.is_index(s, wl):
            return s
    return next((s for s in wl.with_role("benchmark") if s in present), None)


def vix_alarm(findings: list[Finding], wl: Watchlist) -> Finding | None:
    """The volatility index's ``day_move`` when it is alarming (the big picture's rule)."""
    return bpm.vix_alarm(findings, wl)


def drawdown_pct(findings: list[Finding], symbol: str) -> float | None:
    """How far (percent, <= 0) the symbol's close is below its closing high (the
    ``market_state`` finding's figure when the engine made one)."""
    for f in ranking.of(findings, symbol, "market_state"):
        if f.figures.get("pct_from_high") is not None:
            return float(f.figures["pct_from_high"])
    for f in ranking.of(findings, symbol, "distance_from_high"):
        if f.figures.get("basis") == "close":
            return float(f.figures["pct"])
    return None


def falling_market(findings: list[Finding], symbol: str) -> bool:
    """In a correction or a bear market: the engine's ``market_state`` when it made one,
    else ``CORRECTION_PCT`` or more below the closing high."""
    st = bpm.market_state(findings, symbol)
    if st is not None and st.figures.get("state"):
        return st.figures["state"] != "bull"
    dd = drawdown_pct(findings, symbol)
    return dd is not None and dd <= -CORRECTION_PCT


def big_drop(findings: list[Finding], symbol: str, asof: str) -> Finding | None:
    """The symbol's ``day_move`` when it is a drop ranked the largest for at least a month
    (``bigpicture.is_notable``), not a fixed percentage: -2% is big in 2017, not in 2008."""
    d = bpm.day_move(findings, symbol)
    if d is None or d.figures.get("direction") != "down" or d.date != asof:
        return None
    return d if bpm.is_notable(d, asof) else None


def fear_day(findings: list[Finding], wl: Watchlist, asof: str) -> bool:
    """The VIX alarmed while the benchmark made a big drop or stood in a falling market."""
    if vix_alarm(findings, wl) is None:
        return False
    b = benchmark(findings, wl)
    if b is None:
        return False
    return big_drop(findings, b, asof) is not None or falling_market(findings, b)


def benchmark_is_story(findings: list[Finding], wl: Watchlist, asof: str,
                       story: str = "") -> bool:
    """The benchmark's own chart tells the day: a record or a 52-week low today, a big drop,
    a correction or bear market, or a headline about the benchmark's day."""
    b = benchmark(findings, wl)
    if b is None:
        return False
    if story in BENCHMARK_STORIES:
        return True
    if ranking.record(findings, b, asof, ("all_time_high", "all_time_low", "new_high_52w",
                                          "new_low_52w")) is not None:
        return True
    return big_drop(findings, b, asof) is not None or falling_market(findings, b)


def leader_rising(note_picks: dict[str, Any], findings: list[Finding], wl: Watchlist) -> bool:
    """The note's leader is up over its shortest leadership window."""
    lead = ranking.leadership(findings, wl)
    if lead is None or not note_picks.get("leader"):
        return False
    return float(lead.shortest.figures["ranking"][0]["pct"]) > 0


def channel_matters(channels: Sequence[Finding], analog: Finding | None, rising: bool,
                    fear: bool) -> bool:
    """Channels and the analog are worth a chart only when the leader is rising with them: the
    newest channel climbs, and it is neither a fear day nor a falling leader."""
    if fear or not rising or not (channels or analog):
        return False
    if channels:
        newest = max(channels, key=lambda c: c.figures["start_date"])
        return float(newest.figures["slope_pct_per_year"]) > 0
    return True


# ------------------------------------------------------------------ what each chart draws

def zone_band(z: Finding) -> Band:
    g = z.figures
    lo, hi = float(g["low"]), float(g["high"])
    if fmt.level(lo) == fmt.level(hi):
        label = f"{g['role']} {fmt.level(lo)}"
        hi = lo
    else:
        label = f"{g['role']} {fmt.level(lo)}-{fmt.level(hi)}"
    return Band(z.symbol, lo, hi, str(g["role"]), label, g.get("last_touch"))


def trend_zone(findings: list[Finding], line: Finding) -> Band | None:
    """The zone of the line's symbol nearest the close (shaded on the trend chart)."""
    zones = ranking.of(findings, line.symbol, "zone")
    z = min(zones, key=lambda z: abs(float(z.figures["distance_pct"])), default=None)
    return zone_band(z) if z is not None else None


def overlay_level(findings: list[Finding], symbol: str, asof: str) -> Band | None:
    """The level that matters for ``symbol`` on the overlay: a breakout the close still holds,
    else the upside target at a prior high, else the nearest resistance zone's top."""
    b = ranking.standing_break(findings, symbol, asof)
    if b is not None and b.kind == "breakout":
        g = b.figures
        lv = float(g["level"])
        return Band(symbol, lv, lv, "level", f"{symbol} broke its "
                    f"{fmt.month(g['prior_high_date'])} high {fmt.level(lv)}",
                    g["prior_high_date"])
    t, _first = ranking.best_target(findings, symbol)
    if t is not None:
        g = t.figures
        since = g.get("basis_date")
        src = str(g.get("source", ""))
        what = f"its {fmt.month(since)} high" if since and "zone" not in src else "resistance"
        lv = float(g["level"])
        return Band(symbol, lv, lv, "resistance", f"{symbol} below {what} {fmt.level(lv)} "
                    f"({fmt.pct(g['pct'], signed=True)})", since)
    z = ranking.nearest_zone(findings, symbol, "resistance")
    if z is not None:
        g = z.figures
        hi = float(g["high"])
        return Band(symbol, hi, hi, "resistance", f"{symbol} resistance {fmt.level(g['low'])}-"
                    f"{fmt.level(hi)}", g.get("last_touch"))
    return None


def overlay_breakout(findings: list[Finding], pair: tuple[str, str], asof: str
                     ) -> Finding | None:
    """The pair's standing breakout to mark (the stronger one when both broke out)."""
    outs = [f for f in (ranking.standing_break(findings, s, asof) for s in pair)
            if f is not None and f.kind == "breakout"]
    return max(outs, key=lambda f: (ranking.score(f), f.date)) if outs else None


def cross_symbols(cross: Sequence[Finding], wl: Watchlist) -> tuple[tuple[str, ...],
                                                                    tuple[str, ...]]:
    """The cross-asset chart's rows (an ETF left out when its index is shown), best first,
    and the equities among them (shown in bold)."""
    main = sorted(cross, key=lambda f: f.figures.get("period") != "ytd")[0].figures
    rets = main["returns"]
    syms = sorted((s for s, v in rets.items() if v is not None
                   and (ranking.is_index(s, wl) or ranking.twin(s, wl, rets) is None)),
                  key=lambda s: -float(rets[s]))
    roles = main.get("roles", {})
    bold = tuple(s for s in syms if roles.get(s, wl.role(s)) in ranking.EQUITY_ROLES)
    return tuple(syms), bold


def benchmark_bands(findings: list[Finding], symbol: str) -> tuple[Band, ...]:
    """The benchmark daily chart's levels: its closing high (the renderer skips it when far
    off the chart), and the nearest support and resistance zones within 10%."""
    out: list[Band] = []
    for f in ranking.of(findings, symbol, "distance_from_high"):
        g = f.figures
        if g.get("basis") == "close" and float(g["pct"]) < 0:
            hi = float(g["high"])
            out.append(Band(symbol, hi, hi, "high", f"closing high {fmt.level(hi)} "
                            f"({fmt.date(g['high_date'])})", g["high_date"]))
            break
    for role in ("resistance", "support"):
        z = ranking.nearest_zone(findings, symbol, role)
        if z is not None and abs(float(z.figures["distance_pct"])) <= 10:
            out.append(zone_band(z))
    return tuple(out)


# ------------------------------------------------------------------ the plan

def _section(kind: str, keys: Sequence[str]) -> str:
    """The note section a chart goes to: its preferred one present in the note; the benchmark
    chart, which opens the note, else goes to the first section. "": the note does not tell
    that story today, so the chart is left out."""
    for k in SECTION_PREFERENCE.get(kind, ()):
        if k in keys:
            return k
    if not keys:
        return SECTION_PREFERENCE.get(kind, ("",))[0]
    return keys[0] if kind == "benchmark" else ""


def chart_plan(findings: list[Finding], note: Any, wl: Watchlist, asof: str,
               present: Iterable[str] | None = None) -> list[ChartSpec]:
    """The charts for ``note`` (a ``compose.Note``), most important first, then in the order
    of the note's sections. ``present``: the symbols with bars (default: all)."""
    picks: dict[str, Any] = dict(getattr(note, "picks", {}) or {})
    keys = [s.key for s in getattr(note, "sections", [])]
    have = set(present) if present is not None else None

    def ok(*syms: str | None) -> bool:
        return all(s is not None and (have is None or s in have) for s in syms)

    fear = fear_day(findings, wl, asof)
    alarm = vix_alarm(findings, wl)
    bench = benchmark(findings, wl)
    specs: list[ChartSpec] = []
    if bench and ok(bench) and (fear or benchmark_is_story(findings, wl, asof,
                                                           getattr(note, "story", ""))):
        vix = alarm.symbol if alarm is not None and ok(alarm.symbol) else None
        why = "fear day" if fear else "the benchmark is the story"
        specs.append(ChartSpec("benchmark", _section("benchmark", keys), (bench,), why,
                               levels=benchmark_bands(findings, bench), averages=AVERAGES,
                               panel=vix, panel_level=bpm.VIX_LEVEL if vix else None))
    line = next((f for f in picks.get("lines", []) if ok(f.symbol)), None)
    if line is not None:
        zone = trend_zone(findings, line)
        specs.append(ChartSpec("trend", _section("trend", keys), (line.symbol,),
                               "the note's top trend line", line=line,
                               zones=(zone,) if zone else ()))
    rising = leader_rising(picks, findings, wl)
    sym = picks.get("slope_sym")
    chans = tuple(picks.get("channels") or ())
    analogs = picks.get("analogs") or []
    analog = analogs[0] if analogs else None
    leader = picks.get("leader")
    family = {leader, ranking.twin(leader, wl, wl.instruments)} if leader else set()
    if sym and ok(sym) and sym in family and channel_matters(chans, analog, rising, fear):
        specs.append(ChartSpec("channels", _section("channels", keys), (sym,),
                               "the leader climbs in its channel", channels=chans,
                               analog=analog))
    pair = picks.get("pair")
    if pair and ok(*pair) and not fear and rising:
        a, b = pair
        levels = tuple(lv for lv in (overlay_level(findings, s, asof) for s in (a, b)) if lv)
        specs.append(ChartSpec("overlay", _section("overlay", keys), (a, b),
                               "the leadership pair", levels=levels,
                               marker=overlay_breakout(findings, (a, b), asof)))
        specs.append(ChartSpec("ratio", _section("ratio", keys), (a, b),
                               "the leadership pair's ratio",
                               relative=tuple(picks.get("rel") or ())))
    cross = tuple(f for f in (picks.get("cross") or []) if f.figures.get("returns"))
    if cross:
        syms, bold = cross_symbols(cross, wl)
        specs.append(ChartSpec("cross_asset", _section("cross_asset", keys), syms,
                               "stocks against other assets", cross=cross, bold=bold))
    return _in_note_order([s for s in specs if s.section], keys)


def _in_note_order(specs: list[ChartSpec], keys: Sequence[str]) -> list[ChartSpec]:
    """Charts in the order of the note's sections (stable within a section)."""
    rank = {k: i for i, k in enumerate(keys)}
    return sorted(specs, key=lambda s: rank.get(s.section, len(rank)))
