"""The site's commands: publish, serve, manage (h13-site); send, worker, daily (h16-delivery).

``cli.py`` calls ``register(app)``; each command imports Django only when it runs, so the
other commands stay as fast as before.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

SETTINGS = "tapereader.web.settings"


def setup_django() -> None:
    """Configure Django with the site's settings (once per process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


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
    app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True,
                                  "help_option_names": []})(manage)
    register_delivery(app)  # send, worker, daily (below)


# --- delivery (h16-delivery): send, worker, daily ----------------------------------------

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


def register_delivery(app: typer.Typer) -> None:
    for fn in (send, worker, daily):
        app.command()(fn)
