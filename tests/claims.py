"""A tiny matcher for claim tables: ``key=value; key~value/tol; key>other.key``.

Keys are dotted paths into a finding's figures (``anchors.0``, ``returns.SPY``) or,
with ``@``, the finding's own fields (``@date``). Values that parse as ISO dates compare
as dates (``~`` tolerance in days), numbers as floats; a right-hand side that names a key
is looked up in the same finding.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_PRED = re.compile(r"^\s*(@?[\w.]+)\s*(<=|>=|=|~|<|>)\s*(.+?)\s*$")


def lookup(f: dict[str, Any], key: str) -> Any:
    if key.startswith("@"):
        return f[key[1:]]
    cur: Any = f["figures"]
    for part in key.split("."):
        if isinstance(cur, list):
            cur = cur[int(part)]
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            raise KeyError(key)
    return cur


def _value(f: dict[str, Any], raw: str) -> Any:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        return _coerce(lookup(f, raw))
    except (KeyError, IndexError, TypeError):
        return raw


def _coerce(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


def check(f: dict[str, Any], pred: str) -> bool:
    m = _PRED.match(pred)
    if not m:
        raise ValueError(f"bad predicate {pred!r}")
    key, op, raw = m.groups()
    try:
        left = _coerce(lookup(f, key))
    except (KeyError, IndexError, TypeError):
        return False
    if op == "~":
        target, tol = raw.rsplit("/", 1)
        right = _value(f, target)
        if isinstance(right, dt.date):
            return isinstance(left, dt.date) and abs((left - right).days) <= float(tol)
        return isinstance(left, int | float) and abs(left - right) <= float(tol) + 1e-9
    right = _value(f, raw)
    if op == "=":
        if isinstance(right, float) and isinstance(left, int | float):
            return abs(left - right) < 1e-9
        return left == right or str(left) == raw
    if left is None or right is None or isinstance(left, str) != isinstance(right, str):
        return False
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


def matches(f: dict[str, Any], match: str) -> bool:
    return all(check(f, p) for p in match.split(";") if p.strip())
