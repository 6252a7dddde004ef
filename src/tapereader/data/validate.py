"""Turn a raw price frame into validated Bars, or say exactly what is wrong and where.

Every source (files, Yahoo, Stooq) goes through :func:`validate_frame`. Errors raise
:class:`DataError` naming the source, the row (and file line when known), the date and
the rule broken; only the first offending row of the first broken rule is named, with a
count of how many rows break it. Suspicious but legal data (a 40% day, a long gap of
sessions, zero volume) comes back as :class:`DataWarning`, aggregated so that a file never
produces more than a handful. All checks are vectorised. Readers with a fast parser hand
their arrays to :func:`arrays_if_valid` instead: every rule in one numba pass; only when it
refuses does :func:`validate_frame` run, so the messages come from one place.
"""

from __future__ import annotations

import re
from typing import Any

import numba
import numpy as np
import pandas as pd
import pyarrow as pa

from . import calendar as xcal
from .bars import COLUMNS, PRICE_COLUMNS, BarArrays, Bars
from .errors import DataError, DataWarning

REQUIRED = ("date", *PRICE_COLUMNS)
BIG_MOVE = 0.40
"""A one-session close move above this fraction is reported (a missing split adjustment?)."""
MAX_GAP = 5
"""More than this many missing sessions between two rows is reported as a gap."""
SHOWN = 5
"""At most this many individual warnings per rule and file; the rest are summarised."""
_REL_TOL = 1e-9  # float noise allowed in the high/low checks

_ALIASES = {
    "date": "date", "data": "date", "datetime": "date", "day": "date", "timestamp": "date",
    "open": "open", "otwarcie": "open",
    "high": "high", "najwyzszy": "high", "najwyższy": "high",
    "low": "low", "najnizszy": "low", "najniższy": "low",
    "close": "close", "zamkniecie": "close", "zamknięcie": "close", "last": "close",
    "adj close": "adj_close", "adj_close": "adj_close", "adjclose": "adj_close",
    "adjusted close": "adj_close", "adjusted_close": "adj_close", "adj. close": "adj_close",
    "volume": "volume", "vol": "volume", "wolumen": "volume",
}
_NA_TEXT = {"", "null", "none", "nan", "na", "n/a", "#n/a", "-"}


def canonical_name(name: object) -> str | None:
    """Canonical Bars column for a header cell (Yahoo, Stooq, Polish, ``<DATE>``), else None."""
    key = re.sub(r"\s+", " ", str(name).strip().strip("<>").strip().lower()).replace("*", "")
    return _ALIASES.get(key)


def normalize_columns(df: pd.DataFrame, source: str = "frame") -> pd.DataFrame:
    """Rename known headers to ``date, open, high, low, close, adj_close, volume``; drop others.

    A frame whose dates are its index (named Date/date, as yfinance returns) gets them
    as a ``date`` column. Two headers meaning the same column are an error.
    """
    if isinstance(df.columns, pd.MultiIndex):
        df = _one_ticker_level(df, source)
    cols = list(df.columns)
    canon = [canonical_name(c) for c in cols]
    if "date" not in canon and (canonical_name(df.index.name) == "date"
                                or isinstance(df.index, pd.DatetimeIndex)):
        df = df.rename_axis("date").reset_index()
        cols, canon = ["date", *cols], ["date", *canon]
    if canon == cols:
        return df
    seen: dict[str, object] = {}
    for col, name in zip(cols, canon, strict=True):
        if name is None:
            continue
        if name in seen:
            raise DataError(source, f"columns {seen[name]!r} and {col!r} both mean {name}",
                            "header")
        seen[name] = col
    out = df.loc[:, list(seen.values())]
    out.columns = list(seen)
    return out


def _one_ticker_level(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """yfinance's ``(Price, Ticker)`` columns for one ticker: keep the price level."""
    for level in range(df.columns.nlevels):
        names = [canonical_name(x) for x in df.columns.get_level_values(level)]
        others = [df.columns.get_level_values(k) for k in range(df.columns.nlevels)
                  if k != level]
        if any(n is not None for n in names) and all(len(set(o)) == 1 for o in others):
            out = df.copy(deep=False)
            out.columns = list(df.columns.get_level_values(level))
            return out
    raise DataError(source, "columns have several levels (one frame per ticker is needed: "
                            "frame.xs(ticker, axis=1, level=1))", "header")


class _Rows:
    """Names rows for messages: ``row 12 (line 13), date 2013-07-05``."""

    def __init__(self, source: str, raw_dates: pd.Series, dates: np.ndarray | None,
                 lines: np.ndarray | None) -> None:
        self.source, self.raw, self.dates, self.lines = source, raw_dates, dates, lines

    def where(self, i: int) -> str:
        line = f" (line {int(self.lines[i])})" if self.lines is not None else ""
        if self.dates is not None and not np.isnat(self.dates[i]):
            date = str(self.dates[i].astype("datetime64[D]"))
        else:
            raw = self.raw.iloc[i]
            date = "(missing)" if _is_na_text(raw) else repr(str(raw).strip())
        return f"row {i + 1}{line}, date {date}"

    def fail(self, bad: np.ndarray, rule: str, detail=None) -> None:
        """Raise DataError for the first True in ``bad`` (no-op if none)."""
        idx = np.flatnonzero(bad)
        if not len(idx):
            return
        i = int(idx[0])
        text = rule if detail is None else f"{rule}: {detail(i)}"
        if len(idx) > 1:
            text += f" ({len(idx)} rows break this rule; first shown)"
        raise DataError(self.source, text, self.where(i))


def _is_na_text(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip().lower() in _NA_TEXT


def _parse_dates(col: pd.Series) -> np.ndarray:
    """datetime64[D] calendar dates; NaT where missing or unparsable."""
    if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
        try:  # fast path: clean ISO dates, parsed by Arrow
            days = pa.array(col.array, from_pandas=True).cast(pa.date32())
            return days.to_numpy(zero_copy_only=False).astype("datetime64[D]")
        except (pa.ArrowException, ValueError, TypeError):
            pass
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_localize(None)  # keep the exchange-local calendar date
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col.to_numpy().astype("datetime64[D]")
    if pd.api.types.is_integer_dtype(col.dtype):  # Stooq bulk files: 20130705
        parsed = pd.to_datetime(col.astype(str), format="%Y%m%d", errors="coerce")
        return parsed.to_numpy().astype("datetime64[D]")
    text = col.astype("str").str.strip()
    compact = text.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
    parsed = pd.to_datetime(text.str.slice(0, 10).where(~compact, ""), format="%Y-%m-%d",
                            errors="coerce")
    if compact.any():
        alt = pd.to_datetime(text.where(compact, ""), format="%Y%m%d", errors="coerce")
        parsed = parsed.fillna(alt)
    return parsed.to_numpy().astype("datetime64[D]")


_NS_MIN, _NS_MAX = np.datetime64("1678-01-01", "D"), np.datetime64("2261-12-31", "D")


def _parse_numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(float64 values, mask of cells that are present but not numbers)."""
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.to_numpy(dtype="float64"), np.ones(len(col), dtype=bool)
    if pd.api.types.is_numeric_dtype(col.dtype):
        vals = col.to_numpy(dtype="float64", na_value=np.nan)
        return vals, np.isinf(vals)
    vals = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    nan = np.isnan(vals)
    bad = nan.copy()
    if nan.any():
        text = col[nan].astype("str").str.strip().str.lower()
        bad[nan] = ~(col[nan].isna().to_numpy() | text.isin(_NA_TEXT).to_numpy())
    return vals, bad | np.isinf(vals)


def _fmt(x: Any) -> str:
    return f"{float(x):.10g}"


def validate_frame(
    df: pd.DataFrame, source: str, *, lines: np.ndarray | None = None
) -> tuple[Bars, list[DataWarning]]:
    """Validate a raw frame into Bars; raise DataError naming source, row, date and rule.

    Parameters
    ----------
    df : frame with a ``date`` column (or a date index) and ``open, high, low, close``,
        optionally ``adj_close`` and ``volume``; other spellings (Yahoo, Stooq) are
        normalised first, unknown columns dropped. Cells may be text or numbers.
    source : what to name in messages (a file path, ``"yahoo:SPY"``).
    lines : optional file line number of each row, added to messages.

    Returns
    -------
    (bars, warnings): Bars per :mod:`tapereader.data.bars` (float64 columns, ``date``
    DatetimeIndex at ns resolution) and the warnings about suspicious but legal data.
    """
    given = [str(c) for c in df.columns]
    df = normalize_columns(df, source)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        found = ", ".join(c if len(c) <= 40 else c[:37] + "..." for c in given[:8]) or "none"
        raise DataError(source, f"missing columns: {', '.join(missing)} "
                                f"(found: {found})", "header")
    if len(df) == 0:
        raise DataError(source, "no data rows", "header")
    if lines is not None:
        lines = np.asarray(lines)
    rows = _Rows(source, df["date"], None, lines)

    # dates: present and parsable
    days = _parse_dates(df["date"])
    nat = np.isnat(days)
    if nat.any():
        rows.fail(nat & _na_mask(df["date"]), "missing date")
        rows.fail(nat, "unparsable date (expected YYYY-MM-DD)")
    rows.fail((days < _NS_MIN) | (days > _NS_MAX), "date outside the XNYS calendar",
              lambda i: f"it covers {xcal.first_session().date()}..{xcal.last_session().date()}")
    dates = days.astype("datetime64[ns]")
    rows.dates = dates

    # numbers: parsable, prices present
    present = [c for c in COLUMNS if c in df.columns]
    values: dict[str, np.ndarray] = {}
    for name in present:
        vals, bad = _parse_numbers(df[name])
        rows.fail(np.isinf(vals), f"infinite number in {name} (or too large for a float)",
                  lambda i, name=name: repr(str(df[name].iloc[i])))
        rows.fail(bad, f"unparsable number in {name}",
                  lambda i, name=name: repr(str(df[name].iloc[i])))
        values[name] = vals
    for k in PRICE_COLUMNS:
        rows.fail(np.isnan(values[k]), f"missing {k}")

    # order
    step = np.diff(dates.view("int64"))
    if not (step > 0).all():  # strictly increasing data (the usual case) skips both checks
        dup = np.asarray(pd.Index(dates).duplicated())
        rows.fail(dup, "duplicate date",
                  lambda i: f"also at row {int(np.flatnonzero(dates[:i] == dates[i])[0]) + 1}")
        rows.fail(np.concatenate([[False], step < 0]), "dates not in ascending order",
                  lambda i: f"comes after {dates[i - 1].astype('datetime64[D]')!s} "
                            f"at row {i}")

    # prices
    o, h, lo, c = (values[k] for k in PRICE_COLUMNS)
    for k in PRICE_COLUMNS:
        rows.fail(values[k] <= 0, f"non-positive price in {k}",
                  lambda i, k=k: _fmt(values[k][i]))
    if "adj_close" in values:
        adj = values["adj_close"]
        rows.fail(~np.isnan(adj) & (adj <= 0), "non-positive price in adj_close",
                  lambda i: _fmt(adj[i]))
    if "volume" in values:
        vol = values["volume"]
        rows.fail(~np.isnan(vol) & (vol < 0), "negative volume", lambda i: _fmt(vol[i]))
    top = np.maximum(o, c)
    rows.fail(h < top * (1 - _REL_TOL), "high below open/close",
              lambda i: f"high {_fmt(h[i])} < {'open' if o[i] > c[i] else 'close'} "
                        f"{_fmt(top[i])}")
    bottom = np.minimum(o, c)
    rows.fail(lo > bottom * (1 + _REL_TOL), "low above open/close",
              lambda i: f"low {_fmt(lo[i])} > {'open' if o[i] < c[i] else 'close'} "
                        f"{_fmt(bottom[i])}")

    # calendar
    idx = pd.DatetimeIndex(dates, name="date")
    inside = xcal.in_range(dates)
    rows.fail(~inside, "date outside the XNYS calendar",
              lambda i: f"it covers {xcal.first_session().date()}..{xcal.last_session().date()}")
    session = xcal.is_session(dates)
    rows.fail(~session, "not an XNYS session",
              lambda i: idx[i].day_name() if idx[i].day_of_week >= 5 else "exchange holiday")

    return _bars(dates, values, source)


def _bars(dates: np.ndarray, values: dict[str, np.ndarray],
          source: str) -> tuple[Bars, list[DataWarning]]:
    """Bars (one float64 block) and their warnings from validated arrays."""
    return BarArrays(dates, values).frame(), _warnings(dates, values, source)


def arrays_if_valid(dates: np.ndarray, values: dict[str, np.ndarray],
                    source: str) -> tuple[BarArrays, list[DataWarning]] | None:
    """Arrays and warnings when parsed arrays pass every rule of :func:`validate_frame`,
    else None.

    The happy path for fast readers: a few whole-array checks instead of the per-rule
    error search. None means "something is wrong (or unusual)": the caller then runs
    :func:`validate_frame`, which finds and names the first broken rule.

    ``dates``: datetime64[ns] (all present); ``values``: float64 arrays by canonical
    column (``open, high, low, close`` required), NaN where a cell was empty.
    """
    if len(dates) == 0 or any(k not in values for k in PRICE_COLUMNS):
        return None
    if dates.dtype != "datetime64[ns]" or any(v.dtype != np.float64 for v in values.values()):
        return None
    none = np.empty(0)
    ordinals = _session_ordinals_if_valid(
        *(values[k] for k in PRICE_COLUMNS), values.get("adj_close", none),
        values.get("volume", none), dates.view("int64"), xcal._session_ns(), _REL_TOL)
    if ordinals is None:
        return None
    return BarArrays(dates, values), _warnings(dates, values, source, ordinals)


@numba.njit(cache=True)
def _session_ordinals_if_valid(o, h, lo, c, adj, vol, ns, sessions, tol):
    """Each date's position among ``sessions`` when every row passes every rule, else None.

    The rules of :func:`validate_frame` in one pass, with the same float expressions:
    prices present, finite and positive; adj_close (if any) not <= 0, volume (if any) not
    < 0, neither infinite; high >= max(open, close) * (1 - tol), low <= min(open, close) *
    (1 + tol); dates strictly increasing and each an XNYS session (so inside the calendar).
    """
    n = len(ns)
    m = len(sessions)
    out = np.empty(n, dtype=np.int64)
    has_adj, has_vol = len(adj) > 0, len(vol) > 0
    below, above = 1 - tol, 1 + tol
    pos = np.searchsorted(sessions, ns[0])
    for i in range(n):
        oi, hi, li, ci = o[i], h[i], lo[i], c[i]
        if not (0 < oi < np.inf and 0 < hi < np.inf and 0 < li < np.inf and 0 < ci < np.inf):
            return None
        if has_adj and (adj[i] <= 0 or adj[i] == np.inf):
            return None
        if has_vol and (vol[i] < 0 or vol[i] == np.inf):
            return None
        if hi < max(oi, ci) * below or li > min(oi, ci) * above:
            return None
        d = ns[i]
        if i > 0 and d <= ns[i - 1]:
            return None
        while pos < m and sessions[pos] < d:
            pos += 1
        if pos == m or sessions[pos] != d:
            return None
        out[i] = pos
    return out


def _na_mask(col: pd.Series) -> np.ndarray:
    """Cells that are empty/NA (as opposed to present but unparsable)."""
    na = col.isna().to_numpy()
    if col.dtype.kind in "OSU" or pd.api.types.is_string_dtype(col.dtype):
        na = na | col.astype("str").str.strip().str.lower().isin(_NA_TEXT).to_numpy()
    return na


def _day(dates: np.ndarray, i: int) -> str:
    """ISO date of ``dates[i]`` (datetime64)."""
    return str(dates[i].astype("datetime64[D]"))


def _dates_text(dates: np.ndarray, at: np.ndarray) -> str:
    return ", ".join(_day(dates, i) for i in at)


def _summarise(found: list[DataWarning], total: int, source: str, what: str,
               dates: np.ndarray, first: np.ndarray) -> list[DataWarning]:
    if total <= SHOWN:
        return found
    return [*found[:SHOWN], DataWarning(
        source, "file", f"{total} {what} in all ({total - SHOWN} more not listed; "
                        f"first: {_dates_text(dates, first[:SHOWN])})")]


def _warnings(dates: np.ndarray, values: dict[str, np.ndarray], source: str,
              ordinals: np.ndarray | None = None) -> list[DataWarning]:
    """Warnings for validated arrays (``dates`` datetime64[ns]); ``ordinals``: each date's
    position among the sessions, when the caller has them (saves lookups)."""
    out: list[DataWarning] = []
    close = values["close"]
    if len(close) > 1:
        move = close[1:] / close[:-1] - 1.0
        big = np.flatnonzero(np.abs(move) > BIG_MOVE)
        if len(big):
            found = [
                DataWarning(source, f"date {_day(dates, i + 1)}",
                            f"close moved {move[i]:+.1%} in one session (from {_fmt(close[i])} "
                            f"on {_day(dates, i)} to {_fmt(close[i + 1])}): "
                            f"missing split adjustment?")
                for i in big[:SHOWN]
            ]
            out += _summarise(found, len(big), source, "one-session moves over 40%", dates,
                              big + 1)

        if ordinals is not None:
            missing = np.diff(ordinals) - 1
        else:
            missing = np.diff(xcal.session_ordinals(dates)) - 1
            inside = xcal.in_range(dates)
            missing[~(inside[1:] & inside[:-1])] = 0
        gaps = np.flatnonzero(missing > MAX_GAP)
        if len(gaps):
            found = [
                DataWarning(source, f"dates {_day(dates, i)}..{_day(dates, i + 1)}",
                            f"gap of {int(missing[i])} missing sessions")
                for i in gaps[:SHOWN]
            ]
            out += _summarise(found, len(gaps), source, f"gaps over {MAX_GAP} sessions", dates,
                              gaps)
    if "volume" in values:
        zero = np.flatnonzero(values["volume"] == 0)
        if len(zero):
            more = "" if len(zero) <= SHOWN else ", ..."
            out.append(DataWarning(
                source, "file",
                f"{len(zero)} zero-volume day{'s' if len(zero) > 1 else ''} "
                f"(first: {_dates_text(dates, zero[:SHOWN])}{more})"))
    return out
