"""Fast path for reading a plain price CSV: bytes -> date and float arrays in one numba pass.

Only the plain case is accepted: an unquoted ASCII header, ``\\n`` or ``\\r\\n`` line ends,
every data line with exactly the header's field count, ISO ``YYYY-MM-DD`` dates and plain
decimals (``-12.345``; an empty cell is NaN) whose value is exactly representable by the
Clinger fast path (integer mantissa < 2**53 divided by an exact power of ten), so each
float is the correctly rounded one, bit-identical to what pandas' parser gives. Anything
else (quotes, exponents, "null", spaces, ragged or lone-``\\r`` lines, non-ASCII) returns
None and the caller falls back to the general pandas reader, which also names errors.
"""

from __future__ import annotations

import numba
import numpy as np

_OK, _FALLBACK = 0, 1
_MAX_MANTISSA = 2**53
_NS_DAYS = 100_000  # |days from 1970| that datetime64[ns] holds with room to spare
_POW10 = np.array([10.0**k for k in range(23)])  # exact doubles


@numba.njit(cache=True)
def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 (proleptic Gregorian), H. Hinnant's algorithm."""
    if m <= 2:
        y -= 1
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@numba.njit(cache=True)
def _month_days(y: int, m: int) -> int:
    if m == 2:
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        return 29 if leap else 28
    if m == 4 or m == 6 or m == 9 or m == 11:
        return 30
    return 31


@numba.njit(cache=True)
def _digits(buf, p, n, width):
    """Value of ``width`` ASCII digits at ``buf[p:]``, or -1."""
    if p + width > n:
        return -1
    v = 0
    for k in range(p, p + width):
        c = np.int64(buf[k]) - 48
        if c < 0 or c > 9:
            return -1
        v = v * 10 + c
    return v


@numba.njit(cache=True)
def _parse(buf, start, roles, nvals, maxrows, pow10):
    """Parse data lines from ``buf[start:]`` (at most ``maxrows``).

    roles[j]: -1 skip field j, 0 the date, k >= 1 the value column k - 1. Returns
    (status, rows, days[rows], values[nvals, rows]); status != 0 means "not plain".
    Each field is read in one pass and must end at the expected separator: a comma,
    or for the last field a newline, ``\r\n`` or the end of the data.
    """
    n = len(buf)
    ncols = len(roles)
    days = np.empty(maxrows, dtype=np.int64)
    vals = np.empty((nvals, maxrows), dtype=np.float64)
    row = 0
    p = start
    while p < n:
        # blank line (pandas reads it as an all-NaN row that the reader drops)
        if buf[p] == 10:
            p += 1
            continue
        if buf[p] == 13 and p + 1 < n and buf[p + 1] == 10:
            p += 2
            continue
        if row == maxrows:
            return _FALLBACK, 0, days, vals
        for j in range(ncols):
            role = roles[j]
            q = p
            if role == 0:
                y = _digits(buf, p, n, 4)
                m = _digits(buf, p + 5, n, 2)
                d = _digits(buf, p + 8, n, 2)
                if (y < 0 or m < 1 or m > 12 or d < 1 or buf[p + 4] != 45
                        or buf[p + 7] != 45 or d > _month_days(y, m)):
                    return _FALLBACK, 0, days, vals
                days[row] = _days_from_civil(y, m, d)
                q = p + 10
            elif role > 0:
                neg = q < n and buf[q] == 45
                if neg:
                    q += 1
                mant = np.int64(0)
                ndig = 0
                frac = 0
                while q < n:
                    c = np.int64(buf[q]) - 48
                    if c < 0 or c > 9:
                        break
                    mant = mant * 10 + c
                    ndig += 1
                    q += 1
                if q < n and buf[q] == 46:
                    q += 1
                    while q < n:
                        c = np.int64(buf[q]) - 48
                        if c < 0 or c > 9:
                            break
                        mant = mant * 10 + c
                        frac += 1
                        q += 1
                    if frac == 0:
                        return _FALLBACK, 0, days, vals
                if ndig == 0:
                    if frac or neg:
                        return _FALLBACK, 0, days, vals
                    vals[role - 1, row] = np.nan  # empty cell
                else:
                    # exact only below 2**53 with an exact power of ten (19+ digits may wrap)
                    if ndig + frac > 18 or mant >= _MAX_MANTISSA or frac > 22:
                        return _FALLBACK, 0, days, vals
                    v = float(mant) / pow10[frac]
                    vals[role - 1, row] = -v if neg else v
            else:  # a skipped column: printable ASCII only (pandas decodes and may trip)
                while q < n and buf[q] != 44 and buf[q] != 10 and buf[q] != 13:
                    if buf[q] < 32 or buf[q] > 126:
                        return _FALLBACK, 0, days, vals
                    q += 1
            # the field must end at its separator
            if j < ncols - 1:
                if q >= n or buf[q] != 44:
                    return _FALLBACK, 0, days, vals
                p = q + 1
            elif q >= n:
                p = n
            elif buf[q] == 10:
                p = q + 1
            elif buf[q] == 13 and q + 1 < n and buf[q + 1] == 10:
                p = q + 2
            else:
                return _FALLBACK, 0, days, vals
        row += 1
    return _OK, row, days, vals


def parse_plain_csv(data: bytes, columns: list[str | None]) -> tuple[np.ndarray, dict] | None:
    """Dates (datetime64[ns]) and float64 columns of a plain CSV, or None if not plain.

    ``data``: the file's bytes (an optional UTF-8 BOM first); ``columns``: the canonical
    name of each header field (None for fields to skip), which must include ``date``.
    """
    if b'"' in data:
        return None
    buf = np.frombuffer(data, dtype=np.uint8)
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    nl = data.find(b"\n", start)
    if nl < 0:
        return None
    named = [c for c in columns if c is not None and c != "date"]
    roles = np.array([-1 if c is None else 0 if c == "date" else named.index(c) + 1
                      for c in columns], dtype=np.int64)
    maxrows = int(np.count_nonzero(buf[nl + 1:] == 10)) + 1
    status, rows, days, vals = _parse(buf, nl + 1, roles, len(named), maxrows, _POW10)
    if status != _OK or rows == 0:
        return None
    days = days[:rows]
    if days.min() < -_NS_DAYS or days.max() > _NS_DAYS:  # keep ns timestamps in range
        return None
    dates = (days * 86_400_000_000_000).view("datetime64[ns]")
    return dates, {c: vals[i, :rows] for i, c in enumerate(named)}
