"""Command line: fetch, bars, findings, report, scan.

Every command reports bad input as one line on stderr and a non-zero exit, never a
traceback: ``main`` turns usage errors into one line and exit 2 (as click does), and
TapereaderError/OSError into one line and exit 1. Commands registered from other modules
get the same handling through the app; :func:`one_line_errors` gives it to a command that
runs outside it. Error text is printed as it is (no Rich markup: brackets stay).
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.text import Text

from .data.errors import TapereaderError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="tapereader reads market charts like a chartist and writes the daily note.")
err = Console(stderr=True, highlight=False, markup=False)
out = Console(highlight=False, markup=False)

DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="Folder of SYMBOL.csv/.parquet files "
    "(default $TAPEREADER_DATA or ../shared/data/market).")]
AsofOpt = Annotated[str | None, typer.Option("--asof", help="Read the charts as of this date "
                                              "(YYYY-MM-DD); later bars are ignored.")]
WatchOpt = Annotated[Path | None, typer.Option("--watchlist", help="Watchlist TOML file.")]
StoreOpt = Annotated[Path | None, typer.Option(
    "--db", help="Read bars from this DuckDB store (filled by `fetch`) instead of --data.")]


class UsageFailure(TapereaderError):
    """A combination of options that cannot be used together (exit code 2, as click's)."""

    exit_code = 2


def _print_version(value: bool) -> None:
    if value:
        import tapereader

        out.print(f"tapereader {tapereader.__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False) -> None:
    """tapereader reads market charts like a chartist and writes the daily note."""


class Fmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _data_dir(data: Path | None) -> Path:
    from .paths import default_data_dir

    d = data or default_data_dir()
    if not d.is_dir():
        what = "is a file, not a folder" if d.exists() else "not found"
        raise TapereaderError(f"data folder {what}: {d} (use --data or $TAPEREADER_DATA)")
    return d


def _asof(asof: str | None) -> str | None:
    from .data.dates import parse_asof

    return parse_asof(asof, "--asof")


def _watchlist(path: Path | None):
    from .config import default_watchlist, load_watchlist

    return load_watchlist(path) if path else default_watchlist()


def _warn_errors(errors: dict) -> None:
    for sym, e in sorted(errors.items()):
        err.print(Text.assemble((f"skipped {sym}", "yellow"), f": {e}"), soft_wrap=True)


@app.command()
def bars(
    symbol: Annotated[str, typer.Argument(help="Symbol, e.g. GSPC (reads SYMBOL.csv).")],
    data: DataOpt = None,
    asof: AsofOpt = None,
    weekly: Annotated[bool, typer.Option("--weekly", help="Weekly bars.")] = False,
    monthly: Annotated[bool, typer.Option("--monthly", help="Monthly bars.")] = False,
    fmt: Annotated[Fmt, typer.Option("--format", help="table or csv.")] = Fmt.table,
) -> None:
    """Print one symbol's validated bars (daily, weekly or monthly)."""
    from .data.dates import check_asof
    from .data.readers import read_folder
    from .data.resample import cut, resample

    if weekly and monthly:
        raise UsageFailure("choose one of --weekly and --monthly")
    if not symbol.strip():
        raise UsageFailure("SYMBOL is empty: give a symbol, e.g. GSPC")
    a = _asof(asof)
    check_asof(a, [], [], "--asof")
    folder = _data_dir(data)
    res = read_folder(folder, [symbol.upper()])
    if res.errors:
        raise next(iter(res.errors.values()))
    b = res.bars[symbol.upper()]
    check_asof(a, [b.index[0]], [b.index[-1]], "--asof")
    tf = "weekly" if weekly else "monthly" if monthly else "daily"
    b = resample(b, tf, a) if tf != "daily" else cut(b, a)
    days = [d.date().isoformat() for d in b.index]
    o, h, lo, c = (b[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close"))
    vol = b["volume"].to_numpy(dtype=float) if "volume" in b else None
    if fmt == Fmt.csv:
        sys.stdout.write("date,open,high,low,close,volume\n")
        for i, d in enumerate(days):
            v = "" if vol is None or vol[i] != vol[i] else f"{vol[i]:.0f}"
            sys.stdout.write(f"{d},{o[i]:.6g},{h[i]:.6g},{lo[i]:.6g},{c[i]:.6g},{v}\n")
        return
    if fmt != Fmt.table:
        raise UsageFailure("bars --format takes table or csv")
    from rich.table import Table

    t = Table(title=f"{symbol.upper()} {tf} bars" + (f" as of {a}" if a else ""))
    for col in ("date", "open", "high", "low", "close", "volume"):
        t.add_column(col, justify="right")
    partial = b["partial"].to_numpy(dtype=bool) if "partial" in b else None
    if partial is not None:
        t.add_column("partial")
    for i, d in enumerate(days):
        row = [d, f"{o[i]:.2f}", f"{h[i]:.2f}", f"{lo[i]:.2f}", f"{c[i]:.2f}",
               "" if vol is None or vol[i] != vol[i] else f"{vol[i]:,.0f}"]
        if partial is not None:
            row.append("partial" if partial[i] else "")
        t.add_row(*row)
    out.print(t)


@app.command()
def findings(
    data: DataOpt = None,
    asof: AsofOpt = None,
    symbols: Annotated[list[str] | None, typer.Option("--symbols", help="Only these symbols "
                                                      "(repeat or comma-separate).")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="json or table.")] = Fmt.table,
    watchlist: WatchOpt = None,
    db: StoreOpt = None,
) -> None:
    """What a chartist would write about: trend lines, zones, records, moves, leaders, analogs."""
    from .pipeline import load_and_analyze

    wl = _watchlist(watchlist)
    syms = [s.strip().upper() for x in (symbols or []) for s in x.split(",") if s.strip()] or None
    run = load_and_analyze(None if db else _data_dir(data), _asof(asof), wl, syms, db, "--asof")
    _warn_errors(run.errors)
    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(run.document, indent=2) + "\n")
        return
    if fmt != Fmt.table:
        raise UsageFailure("findings --format takes json or table")
    from rich.table import Table

    t = Table(title=f"findings as of {run.document['asof']} "
                    f"(data through {run.document['data_through']})")
    for c in ("symbol", "kind", "tf", "date", "summary"):
        t.add_column(c, overflow="fold")
    for f in run.document["findings"]:
        sym = f["symbol"] + (f"/{f['other_symbol']}" if f.get("other_symbol") else "")
        t.add_row(sym, f["kind"], f["timeframe"][0], f["date"], f["summary"])
    out.print(t)


@app.command()
def report(
    data: DataOpt = None,
    asof: AsofOpt = None,
    watchlist: WatchOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("out"),
    open_: Annotated[bool, typer.Option("--open", help="Open index.html when done.")] = False,
    db: StoreOpt = None,
) -> None:
    """Write the daily note: index.html, note.md, note.txt, findings.json and the charts."""
    from .pipeline import load_and_analyze
    from .report import write_report

    wl = _watchlist(watchlist)
    run = load_and_analyze(None if db else _data_dir(data), _asof(asof), wl, None, db, "--asof")
    _warn_errors(run.errors)
    res = write_report(run.bars, run.findings, run.document, wl, run.document["asof"], out_dir)
    out.print(Text(res.headline, style="bold"))
    out.print(f"wrote {len(res.files)} files to {out_dir}/ (open {out_dir / 'index.html'})")
    for name, why in sorted(res.skipped.items()):
        err.print(Text.assemble((f"chart {name} not drawn", "yellow"), f": {why}"),
                  soft_wrap=True)
    if open_:
        import webbrowser

        webbrowser.open((out_dir / "index.html").resolve().as_uri())


@app.command()
def fetch(
    symbols: Annotated[list[str], typer.Argument(help="Symbols to fetch, e.g. SPY IWM GSPC.")],
    provider: Annotated[str, typer.Option("--provider", help="yahoo or stooq.")] = "yahoo",
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB store file.")] = None,
    asof: AsofOpt = None,
) -> None:
    """Fetch daily bars from a live provider into the local DuckDB store (only what is missing)."""
    from rich.progress import Progress

    from .data.dates import check_asof
    from .data.fetch import update
    from .data.providers import get_provider
    from .data.store import Store
    from .paths import default_db_path

    a = _asof(asof)
    check_asof(a, [], [], "--asof")
    prov = get_provider(provider)
    syms = [s.upper() for s in symbols]
    with Store(db or default_db_path()) as store, Progress(console=err) as bar:
        task = bar.add_task(f"fetching from {provider}", total=len(syms))
        rep = update(store, prov, syms, asof=a,
                     progress=lambda sym, done, total: bar.update(task, completed=done,
                                                                  description=sym))
    for line in rep.lines():
        out.print(line, soft_wrap=True)
    if rep.failed:
        raise typer.Exit(1)


@app.command()
def scan(
    data: Annotated[Path, typer.Option("--data", help="Folder of symbol files to scan.")],
    asof: AsofOpt = None,
    engine: Annotated[str, typer.Option("--engine", help="local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler "
                                                  "address (default: a LocalCluster).")] = None,
    kinds: Annotated[list[str] | None, typer.Option("--kinds", help="Only these finding "
                                                    "kinds (repeat or comma-separate).")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="FILE.csv or FILE.parquet")] = None,
) -> None:
    """Read every chart in a folder with the same detectors, on all cores or a Dask cluster."""
    from rich.progress import Progress

    from .data.dates import check_asof
    from .scan import check_out, print_summary, run_scan, write_scan

    if engine not in ("local", "dask"):
        raise UsageFailure(f"--engine {engine!r}: use local or dask")
    ks = [k.strip() for x in (kinds or []) for k in x.split(",") if k.strip()] or None
    a = _asof(asof)
    check_asof(a, [], [], "--asof")
    folder = _data_dir(data)
    if out_file:  # before the scan, not after it
        check_out(out_file)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("scanning", total=None)
        res = run_scan(folder, a, engine=engine, scheduler=scheduler, kinds=ks,
                       progress=lambda done, total: bar.update(task, completed=done, total=total),
                       asof_param="--asof")
    _warn_errors(res.errors)
    if out_file:
        write_scan(res, out_file)
    print_summary(res, out)


def error_line(message: object) -> None:
    """Print ``error: message`` on stderr as one line, the text as it is (no markup)."""
    text = " ".join(str(message).split()) or type(message).__name__
    if any("\udc80" <= ch <= "\udcff" for ch in text):  # bytes a non-UTF-8 locale could not
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # decode
    err.print(Text.assemble(("error:", "red"), " ", text), soft_wrap=True)


def _oserror_text(e: OSError) -> str:
    name = getattr(e, "filename", None)
    if name and isinstance(e, FileExistsError):  # makedirs met a file where a folder goes
        return f"{name}: is a file, not a folder"
    where = f" ({name})" if name else ""
    return f"{e.strerror or e}{where}"


def _usage_line(e: typer.TyperException) -> str:
    """A click usage error as one line, with where to find help."""
    ctx = getattr(e, "ctx", None)
    msg = e.format_message()
    if ctx is not None:
        return f"{msg} (try '{ctx.command_path} --help')"
    return msg


def exit_code_for(e: BaseException) -> int | None:
    """Print ``e`` the way the CLI does and return the exit code; None for errors that are
    not expected (bugs), which the caller re-raises."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    if isinstance(e, NoArgsIsHelpError):  # bare ``tapereader``: the help, as click does
        if e.format_message().strip():  # typer has printed its rich help already
            err.print(e.format_message(), soft_wrap=True)
        return 2
    if isinstance(e, UsageError):
        error_line(_usage_line(e))
        return 2
    if isinstance(e, typer.TyperException):  # click's other errors (a file it cannot open)
        error_line(e.format_message())
        return int(getattr(e, "exit_code", 1))
    if isinstance(e, TapereaderError):
        error_line(e)
        return e.exit_code
    if isinstance(e, OSError):  # a folder that cannot be written, a file that vanished...
        error_line(_oserror_text(e))
        return 1
    if isinstance(e, typer.Exit):
        return e.exit_code
    if isinstance(e, (typer.Abort, KeyboardInterrupt)):
        error_line("aborted")
        return 130
    return None


def one_line_errors(fn: F) -> F:
    """Decorate a command so that its expected errors are one line and an exit code, as the
    CLI's own commands get from :func:`main` (for commands that run outside ``app``, e.g.
    from a Django management command)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.TyperException):
            raise
        except (TapereaderError, OSError, typer.Abort, KeyboardInterrupt) as e:
            code = exit_code_for(e)
            raise typer.Exit(code if code is not None else 1) from None

    return cast(F, wrapper)


def _register_site() -> None:
    from .web.commands import register

    register(app)


_register_site()  # publish, serve, manage, send, worker, daily (tapereader.web.commands)


def main() -> None:
    """Entry point: run the app, turning expected errors into one line and an exit code."""
    try:
        _run()
    finally:
        _fast_exit_freeze()


def _fast_exit_freeze() -> None:
    """Freeze the heap so the interpreter's final collections do not walk numba's and
    pandas' objects (see docs/status.md for the time saved). Not when DuckDB is loaded:
    its nanobind objects, frozen, would be reported as "leaked instances" at exit."""
    if "duckdb" not in sys.modules:
        gc.freeze()


def _run(args: list[str] | None = None) -> None:
    try:
        rc = app(args=args, prog_name="tapereader", standalone_mode=False)
    except BaseException as e:
        if isinstance(e, SystemExit):
            raise
        code = exit_code_for(e)
        if code is None:
            raise
        sys.exit(code)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
