"""Formatting figures for the note, and tracing every number in a text back to a figure.

The note never computes a number: templates format figures with these functions only
(percent to one decimal, prices to two, levels of 1000 and more to whole points, dates
as "July 8, 2013" or "November 2012", small counts as words). Findings keep their figures
at full precision and every number is rounded here, once, half away from zero
(``rounded``). ``untraced`` parses every number and date out of a text and returns those
that no finding's figure, rounded once at the precision shown, explains; the tests run it
on every note.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..analysis.lib import MONTHS

__all__ = ["MONTHS"]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "ten", "eleven", "twelve")


def _num(x: Any) -> float:
    if x is None or isinstance(x, bool):
        raise ValueError(f"not a number: {x!r}")
    return float(x)


def rounded(x: Any, decimals: int) -> Decimal:
    """``x`` rounded once to ``decimals``, half away from zero (-3.25 -> -3.3, 2.5 -> 3)."""
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(_num(x))).quantize(q, rounding=ROUND_HALF_UP)


def fixed(x: Any, decimals: int) -> str:
    """``x`` rounded once (``rounded``) and written with thousands separators."""
    return f"{rounded(x, decimals):,.{decimals}f}"


def pct(x: Any, signed: bool = False, absolute: bool = False, decimals: int = 1) -> str:
    """``5.66`` -> ``5.7%`` (``+5.7%`` when signed, ``5.7%`` for -5.66 when absolute)."""
    v = _num(x)
    if absolute:
        v = abs(v)
    s = fixed(v, decimals)
    zero = s.lstrip("-").strip("0.,") == ""
    if zero:  # -0.0 -> 0.0, and no sign on nothing
        s = s.lstrip("-")
    elif signed and not s.startswith("-"):
        s = "+" + s
    return s + "%"


def points(x: Any, absolute: bool = False) -> str:
    """A difference in percentage points: ``3.21`` -> ``3.2 points``."""
    v = abs(_num(x)) if absolute else _num(x)
    return f"{fixed(v, 1)} points"


def price(x: Any) -> str:
    """A price to two decimals with thousands separators: ``1640.42`` -> ``1,640.42``."""
    return fixed(x, 2)


def level(x: Any) -> str:
    """A chart level as a trader names it: whole points from 1000 up, else two decimals."""
    v = _num(x)
    return fixed(v, 0) if abs(v) >= 1000 else fixed(v, 2)


def number(x: Any, decimals: int = 2) -> str:
    """A plain figure (a ratio, an RSI) at the given precision."""
    return fixed(x, decimals)


def count(n: Any) -> str:
    """Small counts as words (``9`` -> ``nine``), larger ones as digits."""
    k = int(_num(n))
    return WORDS[k] if 0 <= k < len(WORDS) else f"{k:,}"


def _date(iso: str) -> dt.date:
    return dt.date.fromisoformat(str(iso)[:10])


def date(iso: str) -> str:
    """``2013-07-08`` -> ``July 8, 2013``."""
    d = _date(iso)
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def short_date(iso: str) -> str:
    """``2013-07-08`` -> ``July 8`` (when the year is obvious from context)."""
    d = _date(iso)
    return f"{MONTHS[d.month - 1]} {d.day}"


def month(iso: str) -> str:
    """``2012-11-16`` -> ``November 2012`` (how a chartist names a swing point)."""
    d = _date(iso)
    return f"{MONTHS[d.month - 1]} {d.year}"


def weekday(iso: str) -> str:
    """``2013-07-08`` -> ``Monday``."""
    return WEEKDAYS[_date(iso).weekday()]


FILTERS = {"pct": pct, "points": points, "price": price, "level": level, "number": number,
           "count": count, "date": date, "short_date": short_date, "month": month,
           "weekday": weekday}

# ---------------------------------------------------------------------------- tracing

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = "|".join(MONTHS)
_FULL_DATE = re.compile(rf"\b({_MONTH_RE}) (\d{{1,2}}), (\d{{4}})\b")
_DAY_MONTH = re.compile(rf"\b({_MONTH_RE}) (\d{{1,2}})\b(?!,? \d{{4}})")
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE}) (\d{{4}})\b")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?:\.\d+)?")
_WORD = re.compile(r"\b(" + "|".join(WORDS[1:]) + r")\b", re.IGNORECASE)


def figure_values(items: Iterable[Any]) -> tuple[set[float], set[str]]:
    """Every number and ISO date inside findings (Finding objects or their dicts)."""
    nums: set[float] = set()
    dates: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)
        elif isinstance(v, bool) or v is None:
            return
        elif isinstance(v, int | float):
            nums.add(float(v))
        elif isinstance(v, str) and _ISO.match(v[:10]) and len(v) in (10, 19):
            dates.add(v[:10])

    for f in items:
        d = f.to_dict() if hasattr(f, "to_dict") else f
        walk(d.get("figures", {}))
        for k in ("date", "known_at"):
            if d.get(k):
                dates.add(d[k])
    return nums, dates


def _explained(shown: str, nums: set[float]) -> bool:
    """Some figure, rounded once at the precision shown, is the number shown."""
    v = Decimal(shown.replace(",", ""))
    dec = len(shown.split(".")[1]) if "." in shown else 0
    return any(rounded(abs(n), dec) == v for n in nums)


def untraced(text: str, findings: Iterable[Any], names: Iterable[str] = (),
             asof: str | None = None) -> list[str]:
    """Numbers and dates in ``text`` that no figure explains at the precision shown.

    ``names`` (display names such as "S&P 500" or "Russell 2000") are removed first: the
    digits in a name are not figures. Dates must be figure dates (or ``asof``); "November
    2012" must match some figure date's month; counts written as words must be figures.
    """
    nums, dates = figure_values(list(findings))
    if asof:
        dates.add(asof)
    months = {d[:7] for d in dates}
    bad: list[str] = []
    for n in sorted(set(names), key=len, reverse=True):
        text = text.replace(n, " ")

    def full(m: re.Match) -> str:
        iso = f"{int(m.group(3)):04d}-{MONTHS.index(m.group(1)) + 1:02d}-{int(m.group(2)):02d}"
        if iso not in dates:
            bad.append(m.group(0))
        return " "

    def month_year(m: re.Match) -> str:
        ym = f"{int(m.group(2)):04d}-{MONTHS.index(m.group(1)) + 1:02d}"
        if ym not in months:
            bad.append(m.group(0))
        return " "

    def day_month(m: re.Match) -> str:
        md = f"-{MONTHS.index(m.group(1)) + 1:02d}-{int(m.group(2)):02d}"
        if not any(d.endswith(md) for d in dates):
            bad.append(m.group(0))
        return " "

    text = _FULL_DATE.sub(full, text)
    text = _MONTH_YEAR.sub(month_year, text)
    text = _DAY_MONTH.sub(day_month, text)
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b",
                  lambda m: (" " if m.group(0) in dates
                             else bad.append(m.group(0)) or " "),  # type: ignore[func-returns-value]
                  text)
    years = {d[:4] for d in dates}
    for m in _NUMBER.finditer(text):
        if m.group(0) in years:
            continue
        if not _explained(m.group(0), nums):
            bad.append(m.group(0))
    for m in _WORD.finditer(text):
        if float(WORDS.index(m.group(1).lower())) not in nums:
            bad.append(m.group(0))
    return bad
