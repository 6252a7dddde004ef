"""The site's commands: publish, serve, manage (h13-site); send, worker, daily (h16-delivery).

``cli.py`` calls ``register(app)``; each command imports Django only when it runs, so the
other commands stay as fast as before. Errors are TapereaderError, which cli.main prints as
one line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..data.errors import TapereaderError

SETTINGS = "tapereader.web.settings"
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def setup_django() -> None:
    """Configure Django with the site's settings (once per process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def migrate_embedded() -> None:
    """Bring the embedded SQLite database up to date (the first serve or publish creates it).
    A PostgreSQL database is migrated by its operator: ``tapereader manage migrate``."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0)
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise TapereaderError(f"the site's database {connection.settings_dict['NAME']} needs "
                              f"migrating: run `tapereader manage migrate`")


def _date(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise TapereaderError(f"{flag} {value!r} is not a date (use YYYY-MM-DD)") from None


def sessions_between(start: str, end: str) -> list[str]:
    """The XNYS sessions from ``start`` to ``end`` inclusive, as ISO dates."""
    from ..data.calendar import xnys

    if start > end:
        raise TapereaderError(f"--from {start} is after --to {end}")
    return [d.date().isoformat() for d in xnys().sessions_in_range(start, end)]


def publish(
    asof: Annotated[str | None, typer.Option("--asof", help="The session to publish "
                                             "(YYYY-MM-DD).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Backfill: first session.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Backfill: last session.")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Store as a draft (not public).")
                     ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace a post the author edited.")
                     ] = False,
    data: Annotated[Path | None, typer.Option("--data", help="Folder of SYMBOL.csv/.parquet "
                                              "files (default $TAPEREADER_DATA).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Read bars from this DuckDB store "
                                            "instead of --data.")] = None,
    watchlist: Annotated[Path | None, typer.Option("--watchlist", help="Watchlist TOML file.")
                         ] = None,
) -> None:
    """Publish the note for a session as a post on the site (or backfill --from/--to)."""
    a, s, e = _date(asof, "--asof"), _date(start, "--from"), _date(end, "--to")
    if a and (s or e):
        raise TapereaderError("give --asof DATE, or --from D1 --to D2, not both")
    if bool(s) != bool(e):
        raise TapereaderError("a backfill needs both --from and --to")
    if not (a or s):
        raise TapereaderError("publish needs --asof DATE (or --from D1 --to D2)")
    if data is not None and db is not None:
        raise TapereaderError("choose one of --data and --db")
    from ..config import load_watchlist

    wl = load_watchlist(watchlist) if watchlist else None
    setup_django()
    migrate_embedded()
    from .posts.publishing import EditedPostError, publish_note

    if a:
        try:
            post = publish_note(a, data=data, db=db, watchlist=wl, draft=draft, force=force)
        except EditedPostError as x:
            err.print(f"[yellow]not published[/]: {x}", soft_wrap=True)
            raise typer.Exit(1) from None
        _say(post)
        return
    assert s and e
    dates = sessions_between(s, e)
    if not dates:
        raise TapereaderError(f"no sessions from {s} to {e}")
    from rich.progress import Progress

    done, kept, failed = 0, [], {}
    with Progress(console=err) as bar:
        task = bar.add_task("publishing", total=len(dates))
        for d in dates:
            bar.update(task, description=f"publishing {d}")
            try:
                publish_note(d, data=data, db=db, watchlist=wl, draft=draft, force=force)
                done += 1
            except EditedPostError:
                kept.append(d)
            except TapereaderError as x:
                failed[d] = str(x)
            bar.advance(task)
    out.print(f"published {done} of {len(dates)} sessions from {s} to {e}"
              + (" as drafts" if draft else ""))
    if kept:
        err.print(f"[yellow]left as edited by the author[/] (use --force to replace): "
                  f"{', '.join(kept)}", soft_wrap=True)
    for d, why in failed.items():
        err.print(f"[red]{d}[/]: {why}", soft_wrap=True)
    if failed:
        raise typer.Exit(1)


def _say(post) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings

    state = "draft" if post.status == "draft" else "published"
    out.print(f"[bold]{post.headline}[/]")
    out.print(f"{state}: {settings.SITE_URL}{post.get_absolute_url()}")
    for w in post.warnings:
        err.print(f"[yellow]not traceable[/]: {w}")


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="gunicorn worker processes "
                                         "(default: 2 per core, at least 2).")] = 0,
) -> None:
    """Serve the site under gunicorn (static files by whitenoise)."""
    if not 0 < port < 65536:
        raise TapereaderError(f"--port {port}: use 1-65535")
    setup_django()
    migrate_embedded()
    from django.conf import settings

    n = workers or max(2, 2 * (os.cpu_count() or 1))
    url = f"http://{host}:{port}/"
    out.print(f"serving {settings.SITE_URL if host == '127.0.0.1' and port == 8000 else url} "
              f"({n} workers, Ctrl-C to stop)")
    run_gunicorn(host, port, n)


def run_gunicorn(host: str, port: int, workers: int) -> None:
    """Run the site's WSGI app in gunicorn in this process (blocks until stopped)."""
    from gunicorn.app.base import BaseApplication

    class App(BaseApplication):
        def load_config(self) -> None:
            opts = {"bind": f"{host}:{port}", "workers": workers, "worker_class": "sync",
                    "accesslog": None, "errorlog": "-", "loglevel": "warning",
                    "timeout": 30, "graceful_timeout": 5, "keepalive": 5,
                    "proc_name": "tapereader-site"}
            for k, v in opts.items():
                self.cfg.set(k, v)

        def load(self):  # type: ignore[no-untyped-def]
            from .wsgi import application

            return application

    App().run()


def manage(ctx: typer.Context,
           args: Annotated[list[str] | None, typer.Argument(
               help="A Django management command and its arguments "
                    "(migrate, createsuperuser, ...).")] = None) -> None:
    """Run a Django management command against the site's database."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tapereader manage", *(args or []), *ctx.args])


def register(app: typer.Typer) -> None:
    """Add the site's commands to the tapereader CLI."""
    app.command()(publish)
    app.command()(serve)
    app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True,
                                  "help_option_names": []})(manage)
    register_delivery(app)  # send, worker, daily (below)


# --- delivery (h16-delivery): send, worker, daily, bounces ----------------------------------------

def send(post: Annotated[str, typer.Option("--post", help="latest, or the session date "
                                                            "YYYY-MM-DD of the post.")] = "latest",
         channels: Annotated[str, typer.Option("--channels", help="email, sms or both "
                                               "(comma-separated).")] = "email,sms",
         dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count who would get "
                                               "it; nothing is written or sent.")] = False,
         concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64,
                                                  help="Worker threads.")] = 1) -> None:
    """Send a post: put it in the outbox (once per subscriber and channel), then work the
    queue to the end."""
    setup_django()
    from rich.progress import Progress

    from .delivery.runner import dry_run as count_dry
    from .delivery.runner import find_post, parse_channels, send_posts

    p, chans = find_post(post), parse_channels(channels)
    if dry_run:
        for ch, n in count_dry(p, chans).items():
            typer.echo(f"{p.date} {ch}: {n} new recipient(s) would be queued")
        return
    with Progress(transient=True) as bar:
        task = bar.add_task(f"sending {p.date}", total=None)
        res = send_posts([p], chans, concurrency=concurrency,
                         progress=lambda done, total: bar.update(task, completed=done,
                                                                 total=total))
    states = ", ".join(f"{k} {v}" for k, v in sorted(res.states.items()))
    typer.echo(f"{p.date}: queued {sum(res.enqueued.values())} new; outbox: {states}")


def worker(concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64,
                                                    help="Worker threads.")] = 1,
           channels: Annotated[str, typer.Option("--channels")] = "email,sms") -> None:
    """Work the outbox until stopped (SIGTERM or Ctrl-C finish the current message)."""
    setup_django()
    import signal
    import threading

    from .delivery.runner import parse_channels
    from .delivery.worker import WorkerConfig, run_workers

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stats = run_workers(concurrency, WorkerConfig(channels=parse_channels(channels)),
                        until_empty=False, stop=stop)
    typer.echo("worker stopped: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))


def daily(asof: Annotated[str | None, typer.Option("--asof", help="Treat this date "
                                                   "(YYYY-MM-DD) as today.")] = None,
          data: Annotated[Path | None, typer.Option("--data", help="Folder of symbol "
                                                    "files (default: the configured one).")]
          = None,
          provider: Annotated[str, typer.Option("--provider", help="Fetch the bars from "
                                                "yahoo or stooq first (not with --data); "
                                                "none to use the store as it is.")] = "yahoo",
          channels: Annotated[str, typer.Option("--channels")] = "email,sms") -> None:
    """After the close: fetch, publish the session's note, send it, publish and send the
    alerts. Nothing on a day that is not a session; safe to run twice."""
    setup_django()
    from .delivery.runner import daily as run_daily
    from .delivery.runner import parse_channels

    fetch = None if provider == "none" else provider
    typer.echo(run_daily(asof=asof, data=data, fetch=fetch,
                         channels=parse_channels(channels)).message)


def bounces(mailbox: Annotated[Path | None, typer.Option(
        "--mailbox", help="Maildir folder or mbox file of delivery reports (default: "
        "TAPEREADER_BOUNCE_MAILBOX).")] = None) -> None:
    """Read the bounce mailbox: every new hard bounce marks its delivery and suppresses the
    address (the mailbox itself is only read)."""
    setup_django()
    from django.conf import settings

    from .delivery.bounces import BounceMailboxError, read_bounces

    path = mailbox or Path(str(getattr(settings, "TAPEREADER_BOUNCE_MAILBOX", "") or ""))
    if not str(path) or str(path) == ".":
        raise BounceMailboxError("no bounce mailbox: give --mailbox PATH or set "
                                 "TAPEREADER_BOUNCE_MAILBOX")
    migrate_embedded()
    typer.echo(read_bounces(path).line(path))


def register_delivery(app: typer.Typer) -> None:
    for fn in (send, worker, daily, bounces):
        app.command()(fn)
