"""Findings -> table rows: one row per finding, figures flattened to columns.

Column rules (the scan output format, documented in docs/scanning.md):

- fixed columns first: ``symbol, kind, timeframe, date, known_at`` (plus ``other_symbol``
  when any finding is a pair), then the figures, then ``summary`` last;
- each figure becomes a column named by its JSON path: ``figures.value``; a nested dict is
  flattened with dotted keys (``figures.returns.SPY``); a list (e.g. ``anchors``) is one
  column holding compact JSON (``["2012-11-16","2013-04-18"]``);
- figure columns are sorted by name; a figure a finding lacks is empty;
- a column whose values are all integers is ``Int64``, all numbers ``float64``, all
  booleans ``boolean``; any other mix is text (numbers written as JSON);
- rows are sorted by symbol, pair, kind, timeframe, date, known_at, then figures
  (``findings.sort_key``), so the table depends only on the findings, never on which
  process produced them or in what order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..findings import Finding, _clean, sort_key

BASE = ("symbol", "kind", "timeframe", "date", "known_at")
PREFIX = "figures."

Row = dict[str, Any]
Keyed = tuple[tuple, Row]


def _json(v: Any) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _flat(prefix: str, v: Any, out: Row) -> None:
    if isinstance(v, dict):
        if not v:
            out[prefix] = "{}"
        for k, x in v.items():
            _flat(f"{prefix}.{k}", x, out)
    elif isinstance(v, list):
        out[prefix] = _json(v)
    else:
        out[prefix] = v


def flatten(f: Finding) -> Row:
    """One finding as a flat dict: fixed columns, ``figures.*`` columns, ``summary``."""
    row: Row = {"symbol": f.symbol, "kind": f.kind, "timeframe": f.timeframe,
                "date": f.date, "known_at": f.known_at}
    if f.other_symbol:
        row["other_symbol"] = f.other_symbol
    for k, v in _clean(f.figures).items():
        _flat(PREFIX + k, v, row)
    row["summary"] = f.summary
    return row


def keyed_rows(findings: Iterable[Finding]) -> list[Keyed]:
    """(sort key, flat row) pairs: what a scan worker sends back per finding."""
    return [(sort_key(f), flatten(f)) for f in findings]


def _column(values: np.ndarray, present: list[Any]) -> pd.Series:
    """A typed column from an object array (None where empty) and its non-empty values."""
    if present and all(isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="boolean")
    nums = all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)
    if present and nums:
        if all(isinstance(v, int) for v in present):
            return pd.Series(values, dtype="Int64")
        values[pd.isna(values)] = math.nan
        return pd.Series(values.astype(np.float64), dtype="float64")
    if not all(isinstance(v, str) for v in present):
        values = np.array([v if v is None or isinstance(v, str) else _json(v) for v in values],
                          dtype=object)
    return pd.Series(values, dtype="str")


def rows_frame(keyed: Iterable[Keyed]) -> pd.DataFrame:
    """The scan table from keyed rows (any order in, deterministic order and columns out)."""
    ordered = [row for _, row in sorted(keyed, key=lambda kr: kr[0])]
    n = len(ordered)
    cells: dict[str, tuple[list[int], list[Any]]] = {}
    for i, row in enumerate(ordered):
        for k, v in row.items():
            idx, vals = cells.setdefault(k, ([], []))
            if v is not None:
                idx.append(i)
                vals.append(v)
    names = set(cells) | set(BASE) | {"summary"}
    fixed = list(BASE) + (["other_symbol"] if "other_symbol" in names else [])
    figs = sorted(c for c in names if c.startswith(PREFIX) or c not in (*fixed, "summary"))
    columns = [*fixed, *figs, "summary"]
    data = {}
    for c in columns:
        idx, vals = cells.get(c, ([], []))
        arr = np.full(n, None, dtype=object)
        arr[idx] = vals
        data[c] = _column(arr, vals)
    return pd.DataFrame(data, columns=columns)
