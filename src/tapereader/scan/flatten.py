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
import json.encoder
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..findings import Finding, _clean, sort_key

_INT = array("i").itemsize
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default "str" dtype
BASE = ("symbol", "kind", "timeframe", "date", "known_at")
PREFIX = "figures."

Row = dict[str, Any]


def _json(v: Any) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_TAGS = {bool: "bool", int: "int", float: "float", str: "str"}
_enc_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses
_isfinite = math.isfinite
_STR_ONLY, _INT_ONLY, _FLOAT_ONLY = {str}, {int}, {float}


def _list_json(v: list | tuple) -> str:
    """``_json(_clean(v))`` for a list, without the generic encoder for the common shapes
    (all strings, all ints, all finite floats: the same text, byte for byte)."""
    ts = set(map(type, v))
    if ts <= _STR_ONLY:
        return "[" + ",".join(map(_enc_str, v)) + "]"
    if ts == _INT_ONLY:
        return "[" + ",".join(map(int.__repr__, v)) + "]"
    if ts == _FLOAT_ONLY and all(map(_isfinite, v)):
        return "[" + ",".join(map(float.__repr__, v)) + "]"
    return _json(_clean(v))


def _flat(prefix: str, v: Any, out: Row) -> None:
    """Put figure ``v`` (cleaned: numpy scalars -> Python, NaN -> None) at ``prefix``."""
    t = type(v)
    if t is float:
        out[prefix] = v if _isfinite(v) else None
    elif t in _TAGS or v is None:
        out[prefix] = v
    elif isinstance(v, dict):
        if not v:
            out[prefix] = "{}"
        for k, x in v.items():
            _flat(f"{prefix}.{k}", x, out)
    elif isinstance(v, list | tuple):
        out[prefix] = _list_json(v)
    elif hasattr(v, "item"):  # numpy scalar
        _flat(prefix, v.item(), out)
    else:
        out[prefix] = v


_NAMES: dict[Any, str] = {}  # figure key -> column name (a few dozen keys in all)


def _name(k: Any) -> str:
    name = _NAMES.get(k)
    if name is None:
        name = _NAMES[k] = PREFIX + str(k)
    return name


def flatten(f: Finding) -> Row:
    """One finding as a flat dict: fixed columns, ``figures.*`` columns, ``summary``."""
    row: Row = {"symbol": f.symbol, "kind": f.kind, "timeframe": f.timeframe,
                "date": f.date, "known_at": f.known_at}
    if f.other_symbol:
        row["other_symbol"] = f.other_symbol
    row.update(_cells(f.figures))
    row["summary"] = f.summary
    return row


def _cells(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    """The ``figures.*`` cells of one finding: (column, value), None for an empty cell."""
    names = _NAMES
    out: list[tuple[str, Any]] = []
    add = out.append
    for k, v in figures.items():
        name = names.get(k) or _name(k)
        t = type(v)
        if t is str or t is int or t is bool or v is None:  # the common shapes, inline
            add((name, v))
        elif t is float:
            add((name, v if _isfinite(v) else None))
        elif t is list:
            add((name, _list_json(v)))
        else:
            row: Row = {}
            _flat(name, v, row)
            out += row.items()
    return out


@dataclass(slots=True)
class Block:
    """Some findings as columns (what a scan worker sends back): rows sorted by ``keys``.

    ``cols[name] = (row indexes as C ints, values)`` holds the non-empty cells; ``empty`` the
    columns seen with empty cells only. Kept to a few big objects: the driver unpickles
    one block per symbol while the workers need the cores.
    """

    keys: list[tuple]
    cols: dict[str, tuple[bytes, list[Any]]]  # row indexes packed as C ints: one object
    empty: set[str]

    def __len__(self) -> int:
        return len(self.keys)


def to_block(findings: Iterable[Finding]) -> Block:
    """Flatten findings into a columnar ``Block`` sorted by ``findings.sort_key``."""
    keyed = sorted(((sort_key(f), f) for f in findings), key=_first)
    fs = [f for _, f in keyed]
    cols: dict[str, tuple[list[int], list[Any]]] = {}
    nones: set[str] = set()
    # the fixed columns (as ``flatten`` makes them) a whole column at a time
    rows = list(range(len(fs)))
    for name, vals in (("symbol", [f.symbol for f in fs]), ("kind", [f.kind for f in fs]),
                       ("timeframe", [f.timeframe for f in fs]), ("date", [f.date for f in fs]),
                       ("known_at", [f.known_at for f in fs]),
                       ("summary", [f.summary for f in fs])):
        _put_column(cols, nones, name, rows, vals)
    pairs = [(i, f.other_symbol) for i, f in enumerate(fs) if f.other_symbol]
    if pairs:
        _put_column(cols, nones, "other_symbol", *map(list, zip(*pairs, strict=True)))
    get = cols.get
    for i, f in enumerate(fs):
        for name, v in _cells(f.figures):
            if v is None:
                nones.add(name)
                continue
            c = get(name)
            if c is None:
                c = cols[name] = ([], [])
            c[0].append(i)
            c[1].append(v)
    packed = {k: (array("i", idx).tobytes(), vals) for k, (idx, vals) in cols.items()}
    return Block([k for k, _ in keyed], packed, nones.difference(cols))


def _put_column(cols: dict[str, tuple[list[int], list[Any]]], nones: set[str], name: str,
                rows: list[int], vals: list[Any]) -> None:
    """A column known whole: its non-empty cells to ``cols``, its name to ``nones`` if
    any cell is empty."""
    if any(v is None for v in vals):
        nones.add(name)
        kept = [(i, v) for i, v in zip(rows, vals, strict=True) if v is not None]
        if not kept:
            return
        rows, vals = map(list, zip(*kept, strict=True))
    if vals:
        cols[name] = (rows, vals)


def _tags(vals: list[Any]) -> set[str]:
    """The value types in a column ("bool", "int", "float", "str": anything else)."""
    return {_TAGS.get(t, "str") for t in set(map(type, vals))}


def _first(kf: tuple) -> Any:
    return kf[0]


_JSON_SCALAR = {int: int.__repr__, float: float.__repr__,
                bool: lambda v: "true" if v else "false"}


def _scalar_json(v: Any) -> str:
    """``_json(v)`` for a cell (finite floats only reach here), the common types directly."""
    enc = _JSON_SCALAR.get(type(v))
    return enc(v) if enc is not None else _json(v)


def _column(n: int, idx: np.ndarray, vals: list[Any], tags: set[str]) -> pd.Series:
    """A typed column of length ``n`` with ``vals`` at ``idx`` and empty cells elsewhere."""
    if tags == {"bool"}:
        data = np.zeros(n, dtype=bool)
        mask = np.ones(n, dtype=bool)
        data[idx], mask[idx] = vals, False
        return pd.Series(pd.arrays.BooleanArray(data, mask))
    if tags == {"int"}:
        data = np.zeros(n, dtype=np.int64)
        mask = np.ones(n, dtype=bool)
        data[idx], mask[idx] = vals, False
        return pd.Series(pd.arrays.IntegerArray(data, mask))
    if tags and tags <= {"int", "float"}:
        data = np.full(n, np.nan)
        data[idx] = vals
        return pd.Series(data, dtype="float64")
    if tags - {"str"}:
        vals = [v if isinstance(v, str) else _scalar_json(v) for v in vals]
    data = np.full(n, None, dtype=object)
    data[idx] = vals
    text = pa.array(data, type=pa.large_string())  # 20x faster than pandas' own conversion
    return pd.Series(text.to_pandas(types_mapper={pa.large_string(): _STR}.get))


def rows_frame(blocks: Iterable[Block]) -> pd.DataFrame:
    """The scan table from blocks (any order in, deterministic order and columns out)."""
    blocks = [b for b in blocks if len(b)]
    keys: list[tuple] = []
    names: set[str] = set(BASE) | {"summary"}
    parts: dict[str, tuple[list[bytes], list[int], list[Any]]] = {}
    get = parts.get
    for b in blocks:
        off = len(keys)
        keys.extend(b.keys)
        names |= b.empty
        for c, (bi, bv) in b.cols.items():
            p = get(c)
            if p is None:
                p = parts[c] = ([], [], [])
            p[0].append(bi)
            p[1].append(off)
            p[2].extend(bv)
    names.update(parts)
    n = len(keys)
    order = sorted(range(n), key=keys.__getitem__)
    position: np.ndarray | None = None  # row i of the concatenation goes to position[i]
    if order != list(range(n)):  # usually in order already: blocks come sorted by symbol
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
    fixed = list(BASE) + (["other_symbol"] if "other_symbol" in names else [])
    figs = sorted(c for c in names if c not in (*fixed, "summary"))
    columns = [*fixed, *figs, "summary"]
    data = {}
    for c in columns:
        idx, offs, vals = parts.get(c, ([], [], []))
        flat = np.frombuffer(b"".join(idx), dtype=np.intc).astype(np.int64)
        flat += np.repeat(np.asarray(offs, dtype=np.int64), [len(i) // _INT for i in idx])
        data[c] = _column(n, flat if position is None else position[flat], vals, _tags(vals))
    return pd.DataFrame(data, columns=columns)


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """The scan table of some findings (one block)."""
    return rows_frame([to_block(findings)])
