"""Run the single-symbol engine over every file in a folder: on local processes or on Dask.

Work is split into chunks of symbol *paths* (each task reads its own files, so nothing
big crosses process or network boundaries); each chunk runs ``engine.analyze_series``
per symbol, exactly what ``findings`` runs, and sends back flat rows plus the few numbers
the relative strength rating needs. Both engines feed the same post-processing, so their
output is identical byte for byte. One bad file (or one symbol the engine chokes on) is
reported in ``ScanResult.errors`` and skipped; it never aborts the scan.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.series import Series, cut_series, series_from_arrays
from ..data.dates import DateError, check_asof, parse_asof
from ..data.errors import DataError, TapereaderError
from ..findings import KINDS, Finding
from . import flatten, rating

Analyze = Callable[[Series, str | None], list[Finding]]
Progress = Callable[[int, int], Any]

ENGINES = ("local", "dask")
FRESH_SESSIONS = 5  # "fresh" in the summary: known within the last 5 bars of the symbol
CHUNKS_PER_WORKER = 16
MAX_CHUNK = 32
TAPER = 4  # the last chunks hold about remaining / (workers * TAPER) items
CONNECT_TIMEOUT = "30s"  # to reach an existing Dask scheduler


class ScanError(TapereaderError):
    """The scan as a whole cannot run (no folder, no files, unknown kind or engine)."""


@dataclass(frozen=True, slots=True)
class SymbolResult:
    """What a worker sends back for one symbol."""

    symbol: str
    rows: flatten.Block | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    last_date: str | None = None
    bars: int = 0
    fresh_from: str | None = None  # date of the FRESH_SESSIONS-th last bar
    close: float = math.nan
    rs_score: float = math.nan
    ret_63: float = math.nan
    ret_252: float = math.nan
    read_s: float = 0.0
    analyze_s: float = 0.0


@dataclass
class ScanResult:
    """A finished scan.

    ``rows``: one row per finding (see ``flatten``); ``errors``: {symbol: message} for
    skipped symbols; ``warnings``: {symbol: [message]} for suspicious but usable data;
    ``symbols``: one row per scanned symbol (bars, last_date, close, rs_score, rs_rating,
    ret_63, ret_252, findings); ``rating``: the 1-99 RS rating by symbol (<NA> for symbols
    too short or stale to rate); ``timings``: seconds by stage.
    """

    asof: str | None
    engine: str
    rows: pd.DataFrame
    errors: dict[str, str]
    warnings: dict[str, list[str]]
    symbols: pd.DataFrame
    rating: pd.Series
    timings: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- worker side


def _read(path: Path) -> tuple[Series, list[str]]:
    from ..data.readers import read_arrays

    bars, warns = read_arrays(path)
    return series_from_arrays(bars, path.stem), [str(w) for w in warns]


def scan_symbol(path: str | Path, asof: str | None, kinds: tuple[str, ...] | None = None,
                analyze: Analyze | None = None) -> SymbolResult:
    """Read one symbol file and run the engine on it; errors become ``SymbolResult.error``."""
    path = Path(path)
    symbol = path.stem
    t0 = time.perf_counter()
    try:
        daily, warns = _read(path)
    except DataError as e:
        return SymbolResult(symbol, None, error=str(e), read_s=time.perf_counter() - t0)
    except Exception as e:  # unreadable in a way the reader did not foresee
        return SymbolResult(symbol, None, error=f"{path}: cannot read: {type(e).__name__}: {e}",
                            read_s=time.perf_counter() - t0)
    t1 = time.perf_counter()
    if analyze is None:
        from ..engine import analyze_series

        analyze = analyze_series
    try:
        found = analyze(daily, asof)
    except Exception as e:
        return SymbolResult(symbol, None, error=f"{symbol}: engine failed: {type(e).__name__}: {e}",
                            warnings=tuple(warns), read_s=t1 - t0,
                            analyze_s=time.perf_counter() - t1)
    if kinds is not None:
        found = [f for f in found if f.kind in kinds]
    rows = flatten.to_block(found)
    d = cut_series(daily, asof)
    n = len(d)
    c = d.close
    tr = d.adj_close if n and np.isfinite(d.adj_close).all() else c
    return SymbolResult(
        symbol, rows, warnings=tuple(warns),
        last_date=d.iso(-1) if n else None, bars=n,
        fresh_from=d.iso(max(0, n - FRESH_SESSIONS)) if n else None,
        close=float(c[-1]) if n else math.nan,
        rs_score=rating.rs_score(tr), ret_63=rating.window_return(tr, 63),
        ret_252=rating.window_return(tr, 252),
        read_s=t1 - t0, analyze_s=time.perf_counter() - t1,
    )


def scan_chunk(paths: Sequence[str], asof: str | None, kinds: tuple[str, ...] | None = None,
               analyze: Analyze | None = None) -> list[SymbolResult]:
    """One task: scan a few symbol files in this process (sent to pool/Dask workers)."""
    return [scan_symbol(p, asof, kinds, analyze) for p in paths]


# --------------------------------------------------------------------------- driver side


def symbol_files(data_dir: Path) -> tuple[list[Path], dict[str, str]]:
    """The symbol files in a folder (SYMBOL.csv / SYMBOL.parquet) sorted by symbol, and an
    error for each symbol that has both files (which one is meant is unclear)."""
    from ..data.readers import list_symbols

    wanted = set(list_symbols(data_dir))
    by_symbol: dict[str, list[Path]] = {}
    for p in sorted(data_dir.iterdir()):
        if p.stem in wanted and p.suffix.lower() in (".csv", ".parquet") and (
                p.is_file() or p.is_dir() or p.is_symlink()) and not p.name.startswith("."):
            by_symbol.setdefault(p.stem, []).append(p)
    paths: list[Path] = []
    errors: dict[str, str] = {}
    for sym, found in sorted(by_symbol.items()):
        if len(found) > 1:
            names = " and ".join(p.name for p in found)
            errors[sym] = f"{data_dir}: symbol {sym} has two files ({names}): keep one"
        else:
            paths.append(found[0])
    return paths, errors


def chunked(items: Sequence[Any], workers: int) -> list[list[Any]]:
    """Split into about ``CHUNKS_PER_WORKER`` chunks per worker, at most ``MAX_CHUNK`` each,
    smaller towards the end (down to one item) so that the workers finish together instead
    of one idling while another does a last full chunk."""
    if not items:
        return []
    size = max(1, min(MAX_CHUNK, math.ceil(len(items) / (workers * CHUNKS_PER_WORKER))))
    out, i, n = [], 0, len(items)
    while i < n:
        step = max(1, min(size, math.ceil((n - i) / (max(1, workers) * TAPER))))
        out.append(list(items[i:i + step]))
        i += step
    return out


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _check_kinds(kinds: Sequence[str] | None) -> tuple[str, ...] | None:
    if kinds is None:
        return None
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ScanError(f"unknown finding kind(s) {', '.join(unknown)}; "
                        f"known kinds: {', '.join(KINDS)}")
    return tuple(sorted(set(kinds)))


class _Collector:
    """Accumulates worker results and reports progress per symbol."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.progress = total, progress
        self.results: dict[str, SymbolResult] = {}

    def add(self, batch: Iterable[SymbolResult]) -> None:
        for r in batch:
            self.results[r.symbol] = r
            if self.progress is not None:
                self.progress(len(self.results), self.total)

    def fail(self, chunk: Sequence[str], exc: BaseException) -> None:
        self.add(SymbolResult(Path(p).stem, None, error=f"{Path(p).stem}: scan task failed: "
                              f"{type(exc).__name__}: {exc}") for p in chunk)


def _run_local(chunks: list[list[str]], asof: str | None, kinds: tuple[str, ...] | None,
               analyze: Analyze | None, workers: int, col: _Collector) -> None:
    if workers <= 1 or len(chunks) <= 1:
        for ch in chunks:
            col.add(scan_chunk(ch, asof, kinds, analyze))
        return
    ctx = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    gc_on = gc.isenabled()  # for the workers, forked while the driver's collector pauses
    with _gc_paused():
        if ctx is not None and analyze is None:
            # Warm up once here, then fork: every worker inherits the imported modules, the
            # loaded numba code and the calendar instead of paying ~1.5-2.5 s each for them.
            # The warm-up is the first symbol of the scan, so no work is wasted.
            first, *rest = chunks[0]
            col.add(scan_chunk([first], asof, kinds, analyze))
            chunks = [rest, *chunks[1:]] if rest else chunks[1:]
        with _frozen(ctx is not None), ProcessPoolExecutor(
                max_workers=min(workers, len(chunks)), mp_context=ctx,
                initializer=_worker_init, initargs=(gc_on,)) as pool:
            futs = {pool.submit(scan_chunk, ch, asof, kinds, analyze): ch for ch in chunks}
            for fut in as_completed(futs):
                try:
                    col.add(fut.result())
                except Exception as e:
                    col.fail(futs[fut], e)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No garbage collection inside (restored after). The warm-up creates hundreds of
    thousands of long-lived objects (numba's registries and code) that the collector
    would walk two or three times; the driver's results are many small objects without
    cycles, and walking the growing heap again and again would take the cores from the
    workers (timings: docs/status.md)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextmanager
def _frozen(forking: bool) -> Iterator[None]:
    """Before forking workers, move every object to the collector's permanent generation
    (``gc.freeze``, the recipe the gc docs give for fork): the workers' collections then
    never walk the heap they inherit, nor write to its pages. Undone after, unless the
    caller had frozen objects of their own (then we leave the freeze to them)."""
    freeze = forking and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        yield
    finally:
        if freeze:
            gc.unfreeze()


def _worker_init(gc_on: bool) -> None:
    """A pool worker collects garbage as the parent did before it paused for the pool."""
    if gc_on:
        gc.enable()


@contextmanager
def _dask_client(workers: int, scheduler: str | None,
                 timings: dict[str, float]) -> Iterator[Any]:
    """A Dask client on ``scheduler``, or on a LocalCluster of ``workers`` processes."""
    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as e:
        if cluster is not None:
            cluster.close()
        raise ScanError(f"cannot reach Dask scheduler {scheduler or '(local cluster)'}: "
                        f"{e}") from e
    timings["cluster_s"] = time.perf_counter() - t0
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run_dask(chunks: list[list[str]], asof: str | None, kinds: tuple[str, ...] | None,
              analyze: Analyze | None, client: Any, col: _Collector) -> None:
    from dask.distributed import as_completed as dask_completed

    futs = [client.submit(scan_chunk, ch, asof, kinds, analyze, pure=False) for ch in chunks]
    where = {f.key: ch for f, ch in zip(futs, chunks, strict=True)}
    for fut in dask_completed(futs):
        try:
            col.add(fut.result())
        except Exception as e:
            col.fail(where[fut.key], e)


def _run(paths: list[Path], asof: str | None, kinds: tuple[str, ...] | None,
         analyze: Analyze | None, workers: int, client: Any, col: _Collector) -> None:
    """Scan ``paths`` on the local pool (``client`` None) or on the Dask ``client``."""
    # absolute paths: a Dask worker may run in another directory (or on another machine
    # that mounts the same folder at the same place)
    files = [str(p.resolve()) for p in paths]
    if client is None:
        _run_local(chunked(files, workers), asof, kinds, analyze, workers, col)
    else:
        slots = sum(client.nthreads().values()) or workers
        _run_dask(chunked(files, slots), asof, kinds, analyze, client, col)


def run_scan(data_dir: Path, asof: str | None, engine: str = "local",
             scheduler: str | None = None, kinds: Sequence[str] | None = None,
             workers: int | None = None, progress: Progress | None = None, *,
             analyze: Analyze | None = None, paths: Sequence[Path] | None = None,
             asof_param: str = "asof") -> ScanResult:
    """Scan every symbol file in ``data_dir`` as of ``asof`` with the single-symbol engine.

    ``engine``: "local" (a process pool on all cores) or "dask" (``scheduler`` address, or
    a LocalCluster). ``kinds`` keeps only those finding kinds. ``workers``: processes of the
    local pool or of the LocalCluster, default the cores available (an existing cluster
    keeps its own workers). ``progress(done, total)`` is called once
    per symbol. ``asof=None`` means the latest date in the folder: symbols whose data ends
    earlier are scanned again as of that date (so they report ``stale``). ``analyze``
    replaces ``engine.analyze_series`` (a module-level function, for tests); ``paths``
    scans these files instead of listing ``data_dir``. An ``asof`` that is not a date, in
    the future, before every symbol's data or after every symbol's last bar is a DateError
    naming ``asof_param``, as in every command.
    """
    t_start = time.perf_counter()
    if engine not in ENGINES:
        raise ScanError(f"unknown scan engine {engine!r}: use local or dask")
    ks = _check_kinds(kinds)
    asof = parse_asof(asof, asof_param)
    given = asof is not None
    check_asof(asof, [], [], asof_param)  # not in the future, before any work
    data_dir = Path(data_dir)
    listing_errors: dict[str, str] = {}
    if paths is None:
        if not data_dir.is_dir():
            raise ScanError(f"data folder not found: {data_dir}")
        paths, listing_errors = symbol_files(data_dir)
    paths = [Path(p) for p in paths]
    if not paths and not listing_errors:
        raise ScanError(f"no symbol files (*.csv, *.parquet) in {data_dir}")
    nw = workers or default_workers()
    timings: dict[str, float] = {}
    col = _Collector(len(paths) + len(listing_errors), progress)
    col.add(SymbolResult(sym, None, error=msg) for sym, msg in listing_errors.items())
    results = col.results
    dask = _dask_client(nw, scheduler, timings) if engine == "dask" else nullcontext()
    with dask as client:
        _run(paths, asof, ks, analyze, nw, client, col)
        timings["scan_s"] = time.perf_counter() - t_start
        if asof is None:
            lasts = [r.last_date for r in results.values() if r.last_date]
            if lasts:
                asof = max(lasts)
                behind = [p for p in paths if (r := results.get(p.stem)) is not None
                          and r.last_date and r.last_date < asof]
                if behind:  # scan them again as of the folder's date: they are stale
                    again = _Collector(len(behind), None)
                    _run(behind, asof, ks, analyze, nw, client, again)
                    results.update(again.results)
    if asof is not None and given:
        _check_range(results, asof, asof_param)
    t_post = time.perf_counter()
    with _gc_paused():
        res = _assemble(results, asof, engine)
    timings["post_s"] = time.perf_counter() - t_post
    timings["read_cpu_s"] = sum(r.read_s for r in results.values())
    timings["analyze_cpu_s"] = sum(r.analyze_s for r in results.values())
    timings["wall_s"] = time.perf_counter() - t_start
    res.timings = timings
    return res


def _check_range(results: dict[str, SymbolResult], asof: str, param: str) -> None:
    """The asof range errors every command gives: before every symbol's data (no symbol
    has a bar on or before it) or after every symbol's last bar."""
    ok = [r for r in results.values() if r.error is None]
    if not ok:
        return
    lasts = [r.last_date for r in ok if r.last_date]
    if not lasts:
        raise DateError(f"no bars on or before {asof} ({param}) in any symbol file")
    check_asof(asof, [], lasts, param)


def _assemble(results: dict[str, SymbolResult], asof: str | None, engine: str) -> ScanResult:
    ok = [results[s] for s in sorted(results) if results[s].error is None]
    errors = {s: r.error for s, r in sorted(results.items()) if r.error is not None}
    warnings = {s: list(r.warnings) for s, r in sorted(results.items()) if r.warnings}
    rows = flatten.rows_frame(r.rows for r in ok if r.rows is not None)
    idx = pd.Index([r.symbol for r in ok], name="symbol", dtype="str")

    def col(values: list[Any], dtype: str) -> pd.Series:
        return pd.Series(values, index=idx, dtype=dtype)

    sym = pd.DataFrame({
        "bars": col([r.bars for r in ok], "int64"),
        "last_date": col([r.last_date for r in ok], "str"),
        "fresh_from": col([r.fresh_from for r in ok], "str"),
        "close": col([r.close for r in ok], "float64"),
        "rs_score": col([r.rs_score for r in ok], "float64"),
        "ret_63": col([r.ret_63 for r in ok], "float64"),
        "ret_252": col([r.ret_252 for r in ok], "float64"),
        "findings": col([len(r.rows) if r.rows else 0 for r in ok], "int64"),
    }, index=idx)
    # rate only symbols that have the latest bar: others' windows end on other dates
    latest = sym["last_date"].dropna().max() if len(sym) else None
    stale = sym["last_date"] != latest
    sym["stale"] = stale
    sym["rs_rating"] = rating.rs_rating(sym["rs_score"].where(~stale))
    return ScanResult(asof=asof, engine=engine, rows=rows, errors=errors, warnings=warnings,
                      symbols=sym, rating=sym["rs_rating"].copy())
