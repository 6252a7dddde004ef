"""Compose the daily note from findings: pick the story, fill the templates, render the text.

``compose_note`` chooses (``story.ranking``) which findings each section talks about and
hands them to the section templates (``templates/*.j2``), which hold every sentence. The
templates branch on the findings (a broken line reads differently from an intact one) and
vary their wording deterministically (``pick`` hashes a key with the date), so the same
inputs always give the same note. Numbers reach the text only through ``story.numbers``.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2

from ..config import Watchlist
from ..findings import Finding
from . import bigpicture, chartplan, numbers, order, plaintext, ranking, significance
from .names import Names
from .ranking import EQUITY_ROLES

SECTIONS = (
    ("big_picture", "The day and the big picture"),
    ("leaders", "Leaders and laggards"),
    ("trendlines", "Trend lines"),
    ("levels", "Resistance and support"),
    ("records", "Records and moves"),
    ("cross_asset", "Stocks against other assets"),
    ("slope", "The slope of the trend and its past analogs"),
    ("watch", "What to watch next"),
)
DISCLAIMER = ("This note is generated from price data by a program reading charts; it is not "
              "investment advice.")
JUDGEMENTS = (ranking.well_off_high, ranking.inches_away, ranking.lasting_lead,
              ranking.vix_fearful, ranking.at_channel_bottom, ranking.decline_class,
              ranking.warns_of_slope, ranking.line_near, ranking.steeper, ranking.several,
              ranking.short_channel, ranking.at_the_line)
RECENT_DAYS = 10  # calendar days for an event to count as today's news in the headline
REVERSAL_DAYS = 7  # a reversal day is a short-term signal: mentioned for about a week


@dataclass
class Section:
    """One section of the note.

    ``key`` (= ``kind``) names the section's story ("big_picture", "leaders", "trendlines",
    "levels", "records", "cross_asset", "slope", "watch"); ``findings`` are the findings
    its text draws on; ``score`` its rank score (the rarity of its story, see
    ``story.order``). ``Note.sections`` lists the sections in rank order: the big picture
    first, "watch" last, the others by score.
    """

    key: str
    title: str
    paragraphs: list[str]
    findings: list[Finding] = field(default_factory=list)
    score: float = 0.0

    @property
    def kind(self) -> str:
        return self.key


@dataclass
class Note:
    """The daily note: a headline, sections of paragraphs (``sections``, in rank order, each
    with its ``kind`` and ``findings``) and a disclaimer."""

    asof: str
    headline: str
    sections: list[Section]
    disclaimer: str = DISCLAIMER
    story: str = ""                       # which headline branch was chosen
    used: list[Finding] = field(default_factory=list)  # findings the text draws on
    picks: dict[str, Any] = field(default_factory=dict)  # what the charts should show

    def markdown(self, charts: dict[str, list[tuple[str, str, str]]] | None = None) -> str:
        """Markdown, headline first; ``charts`` maps a section key to (file, title, alt)
        shown at the end of that section."""
        charts = charts or {}
        out = [f"# {self.headline}", "", f"*{numbers.date(self.asof)}*", ""]
        for s in self.sections:
            out += [f"## {s.title}", ""]
            for p in s.paragraphs:
                out += [p, ""]
            for file, title, alt in charts.get(s.key, []):
                out += [f"![{alt}]({file})", "", f"*{title}*", ""]
        out += ["---", "", f"*{self.disclaimer}*", ""]
        return "\n".join(out)

    def text(self) -> str:
        """Plain text for email and SMS, rendered from ``markdown()`` (one source of
        wording): no markup, wrapped by the reader's client."""
        return plaintext.to_text(self.markdown())


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tapereader.story", "templates"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        autoescape=jinja2.select_autoescape(["html", "html.j2"]), keep_trailing_newline=True)
    env.filters.update(numbers.FILTERS)
    env.filters["cap"] = lambda s: s[:1].upper() + s[1:]
    env.filters["sep"] = list_separator
    return env


def list_separator(loop: Any) -> str:
    """What follows an item of a list being written out: ", " before the last two, " and "
    between them, nothing after the last (``{{ loop|sep }}`` in a template's for loop)."""
    if loop.last:
        return ""
    return " and " if loop.revindex == 2 else ", "


def _clean_paragraphs(text: str) -> list[str]:
    paras = []
    for block in re.split(r"\n\s*\n", text):
        p = re.sub(r"\s+", " ", block).strip()
        p = re.sub(r"\s+([,.;:)])", r"\1", p)
        p = re.sub(r"\(\s+", "(", p)
        if p:
            paras.append(p[:1].upper() + p[1:])
    return paras


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


class _Picker:
    """Deterministic choice among phrasings: a hash of a key and the date, not randomness."""

    def __init__(self, asof: str):
        self.asof = asof

    def __call__(self, key: Any, *options: str) -> str:
        return options[zlib.crc32(f"{key}|{self.asof}".encode()) % len(options)]


def _context(findings: list[Finding], wl: Watchlist, asof: str) -> dict[str, Any]:
    """What the templates may talk about, chosen by ranking (no numbers computed here)."""
    names = Names(wl)
    present = {f.symbol for f in findings}
    lead = ranking.leadership(findings, wl)
    lines = ranking.top_trendlines(findings, wl)
    # trend lines worth a paragraph: the top one and the next of another instrument family
    shown_lines: list[Finding] = lines[:1]
    if lines:
        top = lines[0]
        # a second line of the same index that still holds (the longer-term support) ...
        same = [f for f in ranking.of(findings, top.symbol, "trendline")
                if f is not top and f.figures.get("state") == "intact"
                and f.figures.get("direction") == top.figures.get("direction")]
        # the nearest one that still matters (within 15% of the close), weekly first
        same = [f for f in same if f.figures.get("distance_pct") is None
                or abs(float(f.figures["distance_pct"])) <= 15]
        same.sort(key=lambda f: (f.timeframe != "weekly",
                                 abs(float(f.figures.get("distance_pct") or 0)),
                                 -ranking.trendline_weight(f, wl)))
        shown_lines += same[:1]
        # ... and lines of other indices when they are news (re-tested or freshly broken)
        for ln in lines[1:]:
            fam = {ln.symbol, ranking.twin(ln.symbol, wl, present)}
            if any(s.symbol in fam for s in shown_lines) or wl.role(ln.symbol) not in EQUITY_ROLES:
                continue
            brk = ln.figures.get("break_date")
            if ln.figures.get("state") == "retesting" or (
                    brk and _days(brk, asof) <= 3 * RECENT_DAYS):
                shown_lines.append(ln)
            if len(shown_lines) >= 3:
                break
    line_info = []
    for ln in shown_lines:
        anchors = ln.figures.get("anchors")
        events = [e for e in ranking.of(findings, ln.symbol, "trendline_break", "trendline_retest")
                  if e.figures.get("anchors") == anchors]
        retest = ranking.latest(e for e in events if e.kind == "trendline_retest")
        bounce = ranking.latest(ranking.of(findings, ln.symbol, "oversold_bounce"))
        line_info.append({"f": ln, "retest": retest, "bounce": bounce,
                          "longer": is_longer(ln, shown_lines[0]),
                          "same_start": same_start(ln, shown_lines[0])})

    rel = ranking.pick_relative(findings, wl, lead.leader if lead else None)
    pair = (rel[0].symbol, rel[0].other_symbol or "") if rel else None

    main = shown_lines[0].symbol if shown_lines else (
        next(iter(wl.with_role("benchmark")), None) if not lead else lead.leader)
    charted = pair_charted(findings, wl, lead, asof)
    # the pair's ETFs are the point only where their own chart is drawn; else their indices
    members = pair if charted else tuple(index_of(s, wl, present) for s in pair or ())
    focus: list[str] = []
    for s in [main, *(members or ()), lead.leader if lead else None]:
        if s and s in present and s not in focus:
            focus.append(s)

    def levels(sym: str) -> dict[str, Any]:
        return {"sym": sym, "resistance": ranking.nearest_zone(findings, sym, "resistance"),
                "support": ranking.nearest_zone(findings, sym, "support"),
                "breakout": ranking.standing_break(findings, sym, asof, RECENT_DAYS)}

    level_info = [lv for lv in (levels(s) for s in focus)
                  if lv["resistance"] or lv["support"] or lv["breakout"]][:3]

    # records set on the last bar by equities (an ETF only when its index is absent)
    records = []
    for f in ranking.by_kind(findings, "all_time_high", "new_high_52w", "all_time_low",
                             "new_low_52w"):
        if f.date != asof or f.figures.get("basis") != "close" or f.symbol not in wl:
            continue
        t = ranking.twin(f.symbol, wl, present)
        if not ranking.is_index(f.symbol, wl) and t is not None:
            continue
        if f.kind.endswith("52w") and any(r.symbol == f.symbol for r in
                                         ranking.of(findings, f.symbol, "all_time_high",
                                                    "all_time_low") if r.date == asof):
            continue
        records.append(f)
    records.sort(key=lambda f: (not f.kind.startswith("all_time"), ranking.role_rank(f.symbol, wl)))
    bp = bigpicture.big_picture(findings, wl, asof)
    told = {id(f) for f in bp.findings()}
    record_syms = {f.symbol for f in records}
    records = [f for f in records if id(f) not in told
               and not (bp.vix is not None and f.symbol == bp.vix.symbol)]
    distances = [f for s in focus for f in ranking.of(findings, s, "distance_from_high")
                 if f.figures.get("basis") == "close" and s not in record_syms
                 and s != bp.bench
                 and float(f.figures["pct"]) < 0 and ranking.is_index(s, wl)][:2]
    moves: list[Any] = []
    for s in ([lead.leader] if lead else []) + [r.symbol for r in records[:2]] + focus[:1]:
        s = index_of(s, wl, present)
        m = ranking.signature_move(findings, s)
        if m is not None and all(x.symbol != s for x in moves):
            moves.append(m)

    cross = [f for f in ranking.by_kind(findings, "cross_asset") if f.figures.get("returns")]
    cross.sort(key=lambda f: (f.figures.get("period") != "ytd",
                              -float(f.figures.get("sessions") or 0)
                              if isinstance(f.figures.get("sessions"), int | float) else 0))
    cross_f = cross[0] if cross else None
    cross_rows: list[tuple[str, float]] = []
    if cross_f is not None:
        rets = cross_f.figures["returns"]
        keep = [s for s in rets if rets[s] is not None
                and not (ranking.twin(s, wl, rets) and not ranking.is_index(s, wl)
                         and ranking.twin(s, wl, rets) in rets)]
        cross_rows = sorted(((s, float(rets[s])) for s in keep), key=lambda kv: -kv[1])

    slope_sym = None
    # a rally's slope and its analogs matter while the market rises, not in a fall
    slope_cands = [] if bigpicture.falling(bp.state, bp.day, bp.notable) else [
        members[0] if members else None, lead.leader if lead else None,
        ranking.twin(lead.leader, wl, present) if lead else None]
    for s in slope_cands:
        if s and ranking.of(findings, s, "channel", "analog") and not in_a_fall(findings, s):
            slope_sym = s
            break
    channels = sorted(ranking.of(findings, slope_sym, "channel") if slope_sym else [],
                      key=lambda f: f.figures["start_date"])
    analogs = sorted(ranking.of(findings, slope_sym, "analog") if slope_sym else [],
                     key=lambda f: -float(f.figures.get("similarity") or 0))

    reversals = [f for f in ranking.by_kind(findings, "reversal_day")
                 if f.symbol in focus and _days(f.date, asof) <= REVERSAL_DAYS
                 and _still_valid(f, ranking.last_close(findings, f.symbol))
                 and not (not ranking.is_index(f.symbol, wl) and any(
                     r.symbol == ranking.twin(f.symbol, wl, present) and r.date == f.date
                     for r in ranking.of(findings, r_sym(f, wl, present), "reversal_day")))]
    reversals.sort(key=lambda f: (f.date, f.symbol), reverse=True)
    target_syms = sorted(focus, key=lambda s: (not members or s != members[1],
                                               focus.index(s)))
    targets: list[tuple[Finding, Finding | None]] = []
    for s in target_syms:       # one per index and its ETF (no duplicate sentence)
        main_t, first_t = ranking.best_target(findings, s)
        kin = (s, ranking.twin(s, wl, present))
        if main_t is not None and not any(x.symbol in kin for x, _ in targets):
            targets.append((main_t, first_t))
    at_record = any(f.kind in ("all_time_high", "new_high_52w") and wl.role(f.symbol)
                    in EQUITY_ROLES for f in records) or bool(bp.records)
    rising = ctx_rising(lead, at_record, bp.state) and not bigpicture.falling(
        bp.state, bp.day, bp.notable)

    ctx: dict[str, Any] = {
        "asof": asof, "lead": lead, "lines": line_info, "pair": pair,
        "rel": rel if charted else [],     # the ETF pair's sentence goes with its chart
        "pair_charted": charted,
        "levels": level_info, "records": records, "distances": distances, "moves": moves,
        "bp": bp, "sw": bigpicture.state_words(bp.state),
        "record_ok": bool(bp.state and bp.bench and bigpicture.history_covered(
            bp.bench, True, bp.state.figures.get("first_date"), wl)),
        "all_time": lambda f: bigpicture.covers_history(f, wl),
        "vix_notable": bool(bp.vix and bigpicture.is_notable(bp.vix, asof)),
        "vix_jump": bigpicture.VIX_JUMP_PCT,
        "ago": sessions_ago,
        "is_zero": lambda x, d: numbers.rounded(abs(float(x)), d) == 0,
        "cross": cross_f, "cross_rows": cross_rows, "slope_sym": slope_sym,
        "channels": channels, "analogs": analogs[:1], "reversals": reversals[:2],
        "targets": targets[:2], "at_record": at_record, "rising": rising,
        "name": names.label, "the": names.the, "group": names.group,
        "role": wl.role, "equity": lambda s: wl.role(s) in EQUITY_ROLES,
        "pick": _Picker(asof),
        "rows": lambda rk: _rows(rk, wl), "row": _row,
        "twin_change": lambda m: _twin_change(findings, wl, m),
        "twin_record": lambda r: _twin_record(findings, wl, r, pair if charted else None),
        "equity_syms": [s for s, _ in cross_rows if wl.role(s) in EQUITY_ROLES],
        "zone_at": _zone_at,
        "record_above": lambda t: ranking.record_above(findings, t),
        "verb": lambda sym, one, many: many if names.plural(sym) else one,
        **{fn.__name__: fn for fn in JUDGEMENTS},
        "rest_groups": _and_list(_groups([s for s, _ in cross_rows
                                          if wl.role(s) not in EQUITY_ROLES], names)),
    }
    ctx["headline"] = significance.headline_story(findings, wl, asof, lead, shown_lines)
    return ctx


def in_a_fall(findings: list[Finding], symbol: str) -> bool:
    """Is ``symbol`` itself in a correction or a bear market (its own ``market_state``)?
    Then its rally's channel and analogs are not the story ("the advance is being tested"
    would misread a fall)."""
    st = bigpicture.market_state(findings, symbol)
    return st is not None and st.figures.get("state") in ("correction", "bear")


def pair_charted(findings: list[Finding], wl: Watchlist,
                 lead: ranking.Leadership | None, asof: str) -> bool:
    """Is the leadership pair's own chart drawn (the leader up, no fear day: the rule of
    ``chartplan``)? Only then are the pair's ETFs the point of a sentence."""
    return lead is not None and float(lead.shortest.figures["ranking"][0]["pct"]) > 0 \
        and not chartplan.fear_day(findings, wl, asof)


def sessions_ago(n: int) -> str:
    """", today" / ", one session ago" / ", 20 sessions ago" (with its leading comma)."""
    if int(n) == 0:
        return ", today"
    return f", {numbers.count(n)} session{'s' if int(n) != 1 else ''} ago"


def index_of(sym: str, wl: Watchlist, present: set[str]) -> str:
    """The index an ETF tracks when its findings are present, else ``sym``: where the
    market is meant, the note names the index."""
    inst = wl.instruments.get(sym)
    return inst.tracks if inst and inst.tracks and inst.tracks in present else sym


def same_start(line: Finding, first: Finding) -> bool:
    """Does ``line`` start at the same swing point as ``first`` (so its name needs more)?"""
    a, b = line.figures.get("anchors") or [], first.figures.get("anchors") or []
    return line is not first and line.symbol == first.symbol and bool(a) and bool(b) \
        and str(a[0]) == str(b[0])


def is_longer(line: Finding, first: Finding) -> bool:
    """Is ``line`` a longer line of the same instrument than ``first`` (its first anchor
    earlier)? Only then may the note call it "longer"."""
    a, b = line.figures.get("anchors") or [], first.figures.get("anchors") or []
    return line is not first and line.symbol == first.symbol and bool(a) and bool(b) \
        and str(a[0]) < str(b[0])


def _rows(rk: list[dict[str, Any]], wl: Watchlist) -> list[dict[str, Any]]:
    """Ranking rows without ETFs whose index is ranked too (the index speaks for both)."""
    return ranking.index_rows(rk, wl)


def _still_valid(rev: Finding, close: float | None) -> bool:
    """A reversal day still counts while the close has not gone past its extreme."""
    ext = rev.figures.get("extreme")
    if close is None or ext is None:
        return True
    return close >= float(ext) if rev.figures.get("direction") == "bullish" else close <= float(ext)


def ctx_rising(lead: ranking.Leadership | None, at_record: bool,
               state: Finding | None = None) -> bool:
    """Is the market rising (an equity at a record, or the leader up over its windows
    while the benchmark is neither in a correction nor in a bear market)?"""
    if at_record:
        return True
    if state is not None and state.figures.get("state") in ("correction", "bear"):
        return False
    if lead is None:
        return False
    return float(lead.shortest.figures["ranking"][0]["pct"]) > 0


def r_sym(f: Finding, wl: Watchlist, present: set[str]) -> str:
    return ranking.twin(f.symbol, wl, present) or ""


def _groups(syms: list[str], names: Names) -> list[str]:
    out: list[str] = []
    for s in syms:
        g = names.group(s)
        if g not in out:
            out.append(g)
    return out


def _and_list(items: list[str]) -> list[str]:
    """["a", "b", "c"] -> ["a", "b", "and c"]-style pieces that join with ", " into prose."""
    if len(items) < 2:
        return items
    return [*items[:-2], f"{items[-2]} and {items[-1]}"]


def _zone_at(z: dict[str, Any]) -> str:
    """ "at 1,649-1,654", or "at 98.80" for a zone of a single price."""
    lo, hi = numbers.level(z["low"]), numbers.level(z["high"])
    return f"at {lo}" if lo == hi else f"at {lo}-{hi}"


def _row(rk: list[dict[str, Any]], sym: str) -> dict[str, Any]:
    return next((r for r in rk if r["symbol"] == sym), rk[0])


def _twin_record(findings: list[Finding], wl: Watchlist, r: Finding,
                 charted: tuple[str, str] | None) -> Finding | None:
    """The same record of the ETF tracking ``r``'s index, when that ETF is in the charted
    pair (its own chart is the point); else None (no duplicate of the index's record)."""
    t = ranking.twin(r.symbol, wl, {f.symbol for f in findings})
    if t is None or not charted or t not in charted:
        return None
    return next((f for f in ranking.of(findings, t, r.kind) if f.date == r.date
                 and f.figures.get("basis") == r.figures.get("basis")), None)


def _twin_change(findings: list[Finding], wl: Watchlist, m: Finding) -> Finding | None:
    """The same window's change of the ETF tracking ``m``'s index (or the index an ETF tracks)."""
    t = ranking.twin(m.symbol, wl, {f.symbol for f in findings})
    return ranking.change(findings, t, int(m.figures["sessions"])) if t else None


def _used(ctx: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []

    def walk(v: Any) -> None:
        if isinstance(v, Finding):
            if v not in out:
                out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)
        elif isinstance(v, ranking.Leadership):
            walk([v.finding, v.shortest])
        elif isinstance(v, bigpicture.BigPicture):
            walk(v.findings())

    walk({k: v for k, v in ctx.items() if not callable(v)})
    return out


def _section_findings(key: str, ctx: dict[str, Any]) -> list[Finding]:
    """The findings section ``key`` draws on (``order.SECTION_PARTS`` of the context)."""
    parts = {k: ctx[k] for k in order.SECTION_PARTS.get(key, ()) if k in ctx}
    if key == "watch" and ctx["lines"]:
        parts["line"] = ctx["lines"][0]["f"]
    return _used(parts)


def compose_note(findings: list[Finding], watchlist: Watchlist, asof: str) -> Note:
    """The note for ``asof``: headline and sections, every sentence from the findings."""
    ctx = _context(list(findings), watchlist, asof)
    env = environment()
    headline = " ".join(env.get_template("headline.j2").render(ctx).split())
    sections = []
    titles = dict(SECTIONS)
    for key in order.ordered([k for k, _ in SECTIONS], ctx):
        paras = _clean_paragraphs(env.get_template(f"{key}.j2").render(ctx))
        if paras:
            sections.append(Section(key, titles[key], paras, _section_findings(key, ctx),
                                    order.section_score(key, ctx)))
    picks = {"lines": [li["f"] for li in ctx["lines"]], "pair": ctx["pair"], "rel": ctx["rel"],
             "slope_sym": ctx["slope_sym"], "channels": ctx["channels"],
             "analogs": ctx["analogs"], "cross": [f for f in findings if f.kind == "cross_asset"],
             "leader": ctx["lead"].leader if ctx["lead"] else None}
    return Note(asof, headline, sections, story=ctx["headline"]["story"], used=_used(ctx),
                picks=picks)
