"""Automated checkers of a note's text against the raw closes (independent of the engine).

Each checker takes the note's Markdown (or headline), the run's findings where a line's
geometry is needed, and the raw daily closes (pandas, from the data files), and returns a
list of problems (empty when the note is right). They parse the sentence forms the story
writes; a form they do not recognise is not checked, so every checker also reports how
many claims it checked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from tapereader.config import Watchlist

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_M = "|".join(MONTHS)
DATE = rf"(?:{_M}) \d{{1,2}}, \d{{4}}"
MONTH = rf"(?:{_M}) \d{{4}}"


def once(x: float, d: int) -> str:
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
    return f"{q:,.{d}f}"


def parse_date(s: str) -> pd.Timestamp:
    m, d, y = re.match(r"(\w+) (\d+), (\d+)", s).groups()
    return pd.Timestamp(int(y), MONTHS.index(m) + 1, int(d))


def parse_month(s: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    m, y = s.split()
    start = pd.Timestamp(int(y), MONTHS.index(m) + 1, 1)
    return start, start + pd.offsets.MonthEnd(0)


def name_map(wl: Watchlist) -> dict[str, str]:
    """Display name (as the note writes it, article dropped) -> symbol; longest first."""
    out = {}
    for s, inst in wl.instruments.items():
        out[inst.name] = s
        out[s] = s
    return dict(sorted(out.items(), key=lambda kv: -len(kv[0])))


def _subject(before: str, names: dict[str, str]) -> str | None:
    """The instrument named last in ``before`` (the sentence up to the claim)."""
    best, pos = None, -1
    for n, s in names.items():
        i = before.rfind(n)
        if i > pos:
            best, pos = s, i
    return best


def _sentences(text: str) -> list[str]:
    # split on a period followed by a space and a capital, not inside numbers
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*#])", text.replace("\n", " ")) if s]


Closes = Callable[[str], pd.Series]


def check_since(text: str, closes: Closes, asof: str, names: dict[str, str]
                ) -> tuple[int, list[str]]:
    """"lowest/highest close since DATE": no close between DATE and the day before ``asof``
    as low (high), and DATE's close at least as low (high) as the last close."""
    n, bad = 0, []
    pat = re.compile(rf"(lowest|highest)( close)? since ({DATE})")
    for sent in _sentences(text):
        for m in pat.finditer(sent):
            sym = _subject(sent[:m.start()], names)
            if sym is None:
                continue
            c = closes(sym)
            if c is None:
                continue
            c = c[:asof]
            last = c.iloc[-1]
            d = parse_date(m.group(3))
            n += 1
            between = c[(c.index > d) & (c.index < c.index[-1])]
            if d not in c.index:
                bad.append(f"{sym}: {m.group(0)}: no close on that date")
                continue
            if m.group(1) == "lowest":
                ok = c[d] <= last and (between > last).all()
            else:
                ok = c[d] >= last and (between < last).all()
            if not ok:
                bad.append(f"{sym}: '{m.group(0)}' contradicted by the closes")
    return n, bad


def check_day_rank(text: str, closes: Closes, asof: str, bench: str,
                   names: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """"the worst day / largest gain since MONTH": the named index's move today (the
    benchmark's when the sentence names none) is the largest in its direction since that
    month, and that month had one as large."""
    n, bad = 0, []
    pat = re.compile(rf"(worst day|steepest one-day drop|largest gain|biggest one-day gain|"
                     rf"best day|largest one-day gain) since ({MONTH}|the data begins)")
    for sent in _sentences(text):
        for m in pat.finditer(sent):
            sym = (_subject(sent[:m.start()], names) if names else None) or bench
            if "VIX" in sent[:m.start()]:
                continue          # the VIX is no index move: not checked here
            c = closes(sym)
            if c is None:
                continue
            c = c[:asof]
            r = c.pct_change().dropna() * 100
            today, prior = r.iloc[-1], r.iloc[:-1]
            n += 1
            down = m.group(1) in ("worst day", "steepest one-day drop")
            if down != (today < 0):
                bad.append(f"{sym}: '{m.group(0)}' on a {'down' if today < 0 else 'up'} day")
                continue
            as_big = prior[prior <= today] if down else prior[prior >= today]
            if m.group(2) == "the data begins":
                if len(as_big):
                    bad.append(f"{sym}: '{m.group(0)}' but {as_big.index[-1].date()} was "
                               f"as large")
                continue
            start, end = parse_month(m.group(2))
            later = as_big[as_big.index > end]
            inside = as_big[(as_big.index >= start) & (as_big.index <= end)]
            if len(later) or not len(inside):
                bad.append(f"{sym}: '{m.group(0)}' contradicted by the closes")
    return n, bad


def _line_at(anchors: list[str], prices: list[float], scale: str, when: pd.Timestamp) -> float:
    t0, t1 = (pd.Timestamp(a) for a in (anchors[0], anchors[-1]))
    p0, p1 = prices[0], prices[-1]
    f = (when - t0) / (t1 - t0)
    if scale == "log":
        return math.exp(math.log(p0) + f * (math.log(p1) - math.log(p0)))
    return p0 + f * (p1 - p0)


def weekly_atr_pct(market_dir_closes: pd.DataFrame) -> pd.Series:
    """Weekly ATR(14) as a percent of the weekly close (true range on weekly bars)."""
    w = market_dir_closes
    prev = w["close"].shift()
    tr = pd.concat([w["high"] - w["low"], (w["high"] - prev).abs(), (w["low"] - prev).abs()],
                   axis=1).max(axis=1)
    return tr.ewm(alpha=1 / 14, adjust=False).mean() / w["close"] * 100


def check_intact(text: str, findings, closes: Closes, asof: str, names: dict[str, str],
                 bars: Callable[[str], pd.DataFrame] | None = None,
                 tol_pct: float = 1.0) -> tuple[int, list[str]]:
    """An "intact"/"holds" weekly line: no weekly close beyond it since its first anchor by
    more than the tolerance (``tol_pct``, or the weekly ATR at that week when ``bars`` gives
    OHLC), the line rebuilt from its first and last anchors (dates and prices)."""
    n, bad = 0, []
    pat = re.compile(rf"weekly (up|down)trend line from the ({MONTH}) (low|high) "
                     rf"(is intact|holds|still holds)")
    for sent in _sentences(text):
        for m in pat.finditer(sent):
            sym = _subject(sent[:m.start()], names)
            start, end = parse_month(m.group(2))
            line = next((f for f in findings if f.kind == "trendline" and f.symbol == sym
                         and f.timeframe == "weekly" and f.figures.get("state") == "intact"
                         and f.figures.get("direction") == m.group(1)
                         and start <= pd.Timestamp(f.figures["anchors"][0]) <= end), None)
            if line is None or not line.figures.get("anchor_prices"):
                continue
            c = closes(sym)[:asof]
            wk = c.resample("W-FRI").last().dropna()
            g = line.figures
            since = wk[wk.index >= pd.Timestamp(g["anchors"][0])]
            n += 1
            atr = None
            if bars is not None:
                b = bars(sym)[:asof]
                wb = b.resample("W-FRI").agg({"high": "max", "low": "min", "close": "last"})
                atr = weekly_atr_pct(wb.dropna())
            for d, v in since.items():
                lv = _line_at(g["anchors"], g["anchor_prices"], g.get("scale", "log"), d)
                beyond = (lv / v - 1) * 100 if m.group(1) == "up" else (v / lv - 1) * 100
                tol = float(atr.get(d, tol_pct)) if atr is not None else tol_pct
                if beyond > tol:
                    bad.append(f"{sym}: '{m.group(0)}' but the weekly close of {d.date()} is "
                               f"{beyond:.1f}% beyond it (tolerance {tol:.1f}%)")
                    break
    return n, bad


def check_slope_words(text: str, closes: Closes, asof: str, names: dict[str, str],
                      findings=()) -> tuple[int, list[str]]:
    """"has climbed in a channel since MONTH" needs a rising regression of weekly log
    closes since then ("fallen"/"falling" a falling one); the regression starts at the
    channel's start date when ``findings`` hold that channel, else at the month's start."""
    n, bad = 0, []
    pat = re.compile(rf"Since ({MONTH}), ([^,]+?) has (climbed|fallen) in a channel|"
                     rf"the (falling )?channel it has (climbed in|followed) since ({MONTH})|"
                     rf"has (climbed|fallen)( [\d.]+%)? in a channel since ({DATE}|{MONTH})")
    for sent in _sentences(text):
        for m in pat.finditer(sent):
            if m.group(1):
                when, sym = m.group(1), _subject(m.group(2), names)
                rising = m.group(3) == "climbed"
            elif m.group(7):
                when, sym = m.group(9), _subject(sent[:m.start()], names)
                rising = m.group(7) == "climbed"
                if m.group(8):   # "has climbed 33.4% ... since DATE": close to close
                    c = closes(sym)[:asof]
                    wk = c.resample("W-FRI").last().dropna()
                    seg = wk[wk.index >= parse_date(when)]
                    n += 1
                    if len(seg) and (seg.iloc[-1] >= seg.iloc[0]) != rising:
                        bad.append(f"{sym}: '{m.group(0)}' but the closes say otherwise")
                    continue
            else:
                when, sym = m.group(6), _subject(sent[:m.start()], names)
                rising = m.group(5) == "climbed in"
            if sym is None:
                continue
            c = closes(sym)[:asof]
            wk = c.resample("W-FRI").last().dropna()
            m0, m1 = (parse_date(when), parse_date(when)) if "," in when else parse_month(when)
            ch = next((f for f in findings if f.kind == "channel" and f.symbol == sym
                       and m0 <= pd.Timestamp(f.figures["start_date"]) <= m1), None)
            begin = pd.Timestamp(ch.figures["start_date"]) if ch is not None else m0
            seg = wk[wk.index >= begin]
            if len(seg) < 3:
                continue
            n += 1
            slope = np.polyfit(np.arange(len(seg)), np.log(seg.values), 1)[0]
            if (slope > 0) != rising:
                bad.append(f"{sym}: '{m.group(0)}' on a {'rising' if slope > 0 else 'falling'}"
                           f" regression")
    return n, bad


EQUITY_NAMES = ("S&P 500", "Dow", "Nasdaq 100", "Russell 2000", "SPY", "QQQ", "IWM", "DIA")


def check_no_equity_all_time_low(text: str) -> tuple[int, list[str]]:
    hits = re.findall(rf"(?:{'|'.join(map(re.escape, EQUITY_NAMES))})[^.;]{{0,40}}"
                      rf"all-time low", text)
    return 1, [f"equity all-time low: '{h}'" for h in hits]


def check_bare_etf_in_headline(headline: str, wl: Watchlist, present: set[str]
                               ) -> tuple[int, list[str]]:
    """No ETF ticker in the headline when the index it tracks is in the watchlist (and the
    data): the headline names the index."""
    bad = []
    for s, inst in wl.instruments.items():
        if inst.tracks and inst.tracks in present and re.search(rf"\b{s}\b", headline):
            bad.append(f"bare ETF {s} in the headline: {headline!r}")
    return 1, bad


def check_day_numbers(text: str, closes: Closes, asof: str, bench_name: str, bench: str
                      ) -> tuple[int, list[str]]:
    """The benchmark's move and close in the opening sentence equal the raw values rounded
    once (one decimal, two decimals)."""
    c = closes(bench)[:asof]
    want_pct = once(abs((c.iloc[-1] / c.iloc[-2] - 1) * 100), 1)
    want_close = once(c.iloc[-1], 2)
    m = re.search(rf"{re.escape(bench_name)} \w+ ([\d.]+)% to ([\d,.]+)", text)
    flat = re.search(rf"{re.escape(bench_name)} (?:was little changed|ended almost unchanged)"
                     rf" at ([\d,.]+)", text)
    if flat:
        ok = want_pct == "0.0" and flat.group(1).rstrip(".,") == want_close
        return 1, [] if ok else [f"'little changed at {flat.group(1)}': raw rounded once is "
                                 f"{want_pct}% to {want_close}"]
    if not m:
        return 0, []
    bad = []
    if m.group(1) != want_pct or m.group(2).rstrip(".,") != want_close:
        bad.append(f"day move {m.group(1)}% to {m.group(2)}: raw rounded once is "
                   f"{want_pct}% to {want_close}")
    return 1, bad


_MAJOR = re.compile(r"major support is the (?P<sname>.+?) at (?P<slevel>[\d,.]+), "
                    r"(?P<spct>[\d.]+)% under the close(?:; a rebound would meet resistance at "
                    r"the (?P<rname>.+?) \((?P<rlevel>[\d,.]+)\), (?P<rpct>[\d.]+)% above)?")


def _level_text(x: float) -> str:
    return once(x, 0) if abs(x) >= 1000 else once(x, 2)


def check_major_levels(text: str, findings, bars: Callable[[str], pd.DataFrame], asof: str,
                       bench: str) -> tuple[int, list[str]]:
    """The big picture's "next major support is the NAME at LEVEL, X% under the close" (and
    its resistance clause): LEVEL is the raw low (high) of the swing bar the engine names,
    and X the raw distance from the raw close, each rounded once (no figure pre-rounded)."""
    m = _MAJOR.search(text)
    if not m:
        return 0, []
    b = bars(bench)[:asof]
    close = float(b["close"].iloc[-1])
    n, bad = 0, []
    for side in ("s", "r"):
        name = m.group(f"{side}name")
        if name is None:
            continue
        f = next((f for f in findings if f.kind == "major_level" and f.symbol == bench
                  and f.figures.get("name") == name), None)
        if f is None:
            bad.append(f"no major level named {name!r}")
            continue
        day = pd.Timestamp(f.figures["level_date"])
        raw = float(b.loc[day, "low" if f.figures["swing"] == "low" else "high"])
        n += 1
        want_level, want_pct = _level_text(raw), once(abs((raw / close - 1) * 100), 1)
        got_level, got_pct = m.group(f"{side}level"), m.group(f"{side}pct")
        if (got_level, got_pct) != (want_level, want_pct):
            bad.append(f"{name}: printed {got_level}, {got_pct}%; raw rounded once is "
                       f"{want_level}, {want_pct}%")
    return n, bad


def check_glued_sentences(text: str) -> tuple[int, list[str]]:
    """No sentence glued to the next without a space ("ten sessions ago.This is ...")."""
    hits = re.findall(r"[\w,]*[0-9a-z%)]\.[A-Z][a-z]\w*", text)
    return 1, [f"glued sentences: {h!r}" for h in hits]


def check_etf_stand_ins(note, findings, wl: Watchlist, asof: str) -> tuple[int, list[str]]:
    """No ETF ticker in the note's text when its index is in the data, unless the ETF's own
    chart is drawn (the charts the story plans for the note): the index is named instead."""
    from tapereader.story.chartplan import chart_plan

    present = {f.symbol for f in findings}
    charted = {s for spec in chart_plan(list(findings), note, wl, asof) for s in spec.symbols}
    etfs = [s for s, i in wl.instruments.items() if i.tracks and i.tracks in present
            and s not in charted]
    bad = []
    for sec in note.sections:
        for p in sec.paragraphs:
            for s in etfs:
                if re.search(rf"\b{s}\b", p):
                    bad.append(f"{s} stands in for {wl.name(wl.instruments[s].tracks)} "
                               f"({sec.key}): {p[:90]!r}")
    return len(etfs), bad


_LEAD = re.compile(r"^(?P<who>The [^,]+?|[A-Z][\w&. ]+?) (?:leads the stock indices|"
                   r"is out in front of the other stock indices|heads the field|"
                   r"has held up best among the stock indices|"
                   r"has lost the least of the stock indices) over the last "
                   r"(?P<n>\w+) sessions, (?P<dir>up|down) (?P<pct>[\d.]+)%")
_ALSO = re.compile(r"^It (?:also leads over|is ahead as well over|has also held up best over) "
                   r"(?P<ws>[\w, ]+?) sessions")
WORD_COUNTS = {w: i for i, w in enumerate(("zero", "one", "two", "three", "four", "five", "six",
                                           "seven", "eight", "nine", "ten", "eleven",
                                           "twelve"))}


def check_leadership(text: str, closes: Closes, asof: str, names: dict[str, str],
                     indices: tuple[str, ...]) -> tuple[int, list[str]]:
    """"X leads the stock indices over the last N sessions, up P%" and "It also leads over
    A and B sessions": X's change over each window (pandas on the raw closes) is the
    largest of the stock ``indices``, and P is X's own change rounded once."""
    n, bad = 0, []
    sents = [s for para in text.split("\n\n") for s in _sentences(para)]
    for k, sent in enumerate(sents):
        m = _LEAD.match(sent)
        if not m:
            continue
        sym = _subject(m.group("who"), names)
        if sym is None:
            continue
        wins = [m.group("n")]
        nxt = _ALSO.match(sents[k + 1]) if k + 1 < len(sents) else None
        if nxt:
            wins += [w for w in re.split(r",\s*|\s+and\s+", nxt.group("ws")) if w]
        for i, w in enumerate(wins):
            sessions = int(w) if w.isdigit() else WORD_COUNTS.get(w)
            if sessions is None:
                continue
            ch = {}
            for s in indices:
                c = closes(s)
                if c is not None and len(c[:asof]) > sessions:
                    c = c[:asof]
                    ch[s] = (c.iloc[-1] / c.iloc[-1 - sessions] - 1) * 100
            if sym not in ch:
                continue
            n += 1
            best = max(ch, key=ch.get)
            if best != sym:
                bad.append(f"{sym} said to lead over {sessions} sessions "
                           f"({ch[sym]:+.2f}%), but {best} did ({ch[best]:+.2f}%)")
            if i == 0 and once(abs(ch[sym]), 1) != m.group("pct"):
                bad.append(f"{sym} over {sessions} sessions printed {m.group('pct')}%, "
                           f"raw rounded once {once(abs(ch[sym]), 1)}%")
    return n, bad


def check_no_runaway_annual_rate(text: str) -> tuple[int, list[str]]:
    """No "about 199.4% a year": a rate of 100% a year or more comes only from annualising
    a few months (the story tells a short channel over its own span)."""
    rates = re.findall(r"([\d,]+(?:\.\d+)?)% a year", text)
    return len(rates), [f"{r}% a year" for r in rates if float(r.replace(",", "")) >= 100]


def check_no_zero_distance(text: str) -> tuple[int, list[str]]:
    """No "0.0% below it": a distance that rounds to nothing is worded ("just below it",
    "right at the close"), not printed as a number that says there is no gap at all."""
    dists = re.findall(r"(?<![\d.])(\d+\.\d)% (?:below|above|under|over)\b", text)
    return len(dists), [f"{d}% distance" for d in dists if float(d) == 0]


def check_headline_record(headline: str, closes: Closes, asof: str, names: dict[str, str]
                          ) -> tuple[int, list[str]]:
    """A headline that says an index "closes at an all-time high / a record high" is true of
    the raw closes: the close of ``asof`` is above every earlier close."""
    m = re.search(r"(.+?) closes? at (?:an all-time high|a record high)", headline)
    if not m:
        return 0, []
    sym = _subject(m.group(1), names)
    c = closes(sym) if sym else None
    if c is None:
        return 0, []
    c = c[:asof]
    ok = c.index[-1] == pd.Timestamp(asof) and c.iloc[-1] > c.iloc[:-1].max()
    return 1, [] if ok else [f"{headline!r}: {sym} closed {c.iloc[-1]:.2f}, the record close "
                             f"is {c.iloc[:-1].max():.2f}"]
