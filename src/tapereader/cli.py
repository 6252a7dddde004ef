"""Command line: fetch, bars, findings, report, scan.

Every command reports bad input as one line on stderr and a non-zero exit,
never a traceback (``main`` turns TapereaderError into that).
"""

from __future__ import annotations

import gc
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .data.errors import TapereaderError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="tapereader reads market charts like a chartist and writes the daily note.")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="Folder of SYMBOL.csv/.parquet files "
    "(default $TAPEREADER_DATA or ../shared/data/market).")]
AsofOpt = Annotated[str | None, typer.Option("--asof", help="Read the charts as of this date "
                                              "(YYYY-MM-DD); later bars are ignored.")]
WatchOpt = Annotated[Path | None, typer.Option("--watchlist", help="Watchlist TOML file.")]
StoreOpt = Annotated[Path | None, typer.Option(
    "--db", help="Read bars from this DuckDB store (filled by `fetch`) instead of --data.")]


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
        raise TapereaderError(f"data folder not found: {d} (use --data or $TAPEREADER_DATA)")
    return d


def _asof(asof: str | None) -> str | None:
    if asof is None:
        return None
    import pandas as pd

    try:
        return pd.Timestamp(asof).date().isoformat()
    except ValueError:
        raise TapereaderError(f"--asof {asof!r} is not a date (use YYYY-MM-DD)") from None


def _watchlist(path: Path | None):
    from .config import default_watchlist, load_watchlist

    return load_watchlist(path) if path else default_watchlist()


def _warn_errors(errors: dict) -> None:
    for sym, e in sorted(errors.items()):
        err.print(f"[yellow]skipped {sym}[/]: {e}")


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
    from .data.readers import read_folder
    from .data.resample import cut, resample

    if weekly and monthly:
        raise TapereaderError("choose one of --weekly and --monthly")
    folder = _data_dir(data)
    res = read_folder(folder, [symbol.upper()])
    if res.errors:
        raise next(iter(res.errors.values()))
    b = res.bars[symbol.upper()]
    a = _asof(asof)
    tf = "weekly" if weekly else "monthly" if monthly else "daily"
    b = resample(b, tf, a) if tf != "daily" else cut(b, a)
    if fmt == Fmt.csv:
        sys.stdout.write("date,open,high,low,close,volume\n")
        for d, r in zip(b.index, b.itertuples(index=False), strict=True):
            vol = "" if "volume" not in b or r.volume != r.volume else f"{r.volume:.0f}"
            sys.stdout.write(f"{d.date().isoformat()},{r.open:.6g},{r.high:.6g},{r.low:.6g},"
                             f"{r.close:.6g},{vol}\n")
        return
    if fmt != Fmt.table:
        raise TapereaderError("bars --format takes table or csv")
    from rich.table import Table

    t = Table(title=f"{symbol.upper()} {tf} bars" + (f" as of {a}" if a else ""))
    for c in ("date", "open", "high", "low", "close", "volume"):
        t.add_column(c, justify="right")
    if "partial" in b:
        t.add_column("partial")
    for d, r in zip(b.index, b.to_dict("records"), strict=True):
        vol = r.get("volume")
        row = [d.date().isoformat(), *(f"{r[c]:.2f}" for c in ("open", "high", "low", "close")),
               "" if vol is None or vol != vol else f"{vol:,.0f}"]
        if "partial" in b:
            row.append("partial" if r["partial"] else "")
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
    run = load_and_analyze(None if db else _data_dir(data), _asof(asof), wl, syms, db)
    _warn_errors(run.errors)
    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(run.document, indent=2) + "\n")
        return
    if fmt != Fmt.table:
        raise TapereaderError("findings --format takes json or table")
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
    run = load_and_analyze(None if db else _data_dir(data), _asof(asof), wl, None, db)
    _warn_errors(run.errors)
    res = write_report(run.bars, run.findings, run.document, wl, run.document["asof"], out_dir)
    out.print(f"[bold]{res.headline}[/]")
    out.print(f"wrote {len(res.files)} files to {out_dir}/ (open {out_dir / 'index.html'})")
    for name, why in sorted(res.skipped.items()):
        err.print(f"[yellow]chart {name} not drawn[/]: {why}", soft_wrap=True)
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

    from .data.fetch import update
    from .data.providers import get_provider
    from .data.store import Store
    from .paths import default_db_path

    prov = get_provider(provider)
    syms = [s.upper() for s in symbols]
    with Store(db or default_db_path()) as store, Progress(console=err) as bar:
        task = bar.add_task(f"fetching from {provider}", total=len(syms))
        rep = update(store, prov, syms, asof=_asof(asof),
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

    from .scan import print_summary, run_scan, write_scan

    if engine not in ("local", "dask"):
        raise TapereaderError(f"--engine {engine!r}: use local or dask")
    ks = [k.strip() for x in (kinds or []) for k in x.split(",") if k.strip()] or None
    with Progress(console=err) as bar:
        task = bar.add_task("scanning", total=None)
        res = run_scan(_data_dir(data), _asof(asof), engine=engine, scheduler=scheduler, kinds=ks,
                       progress=lambda done, total: bar.update(task, completed=done, total=total))
    _warn_errors(res.errors)
    if out_file:
        write_scan(res, out_file)
    print_summary(res, out)


def _register_site() -> None:
    from .web.commands import register

    register(app)


_register_site()  # publish, serve, manage, send, worker, daily (tapereader.web.commands)


def main() -> None:
    """Entry point: run the app, turning expected errors into one line and exit code 1."""
    try:
        _run()
    finally:
        # The process ends here and its memory goes with it: freezing every object keeps
        # the interpreter's final collections from walking the whole heap (numba's and
        # pandas' objects included), ~0.4 s of every command's exit.
        gc.freeze()


def _run() -> None:
    try:
        rc = app(standalone_mode=False)
    except TapereaderError as e:
        err.print(f"[red]error:[/] {e}", soft_wrap=True)
        sys.exit(1)
    except OSError as e:  # a folder that cannot be written, a file that vanished...
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        err.print(f"[red]error:[/] {e.strerror or e}{where}", soft_wrap=True)
        sys.exit(1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except Exception as e:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(e, click.ClickException):
            e.show()
            sys.exit(e.exit_code)
        raise
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
