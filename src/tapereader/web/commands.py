"""The site's commands: publish, serve, manage (h13-site); send, worker, daily (h16-delivery).

``cli.py`` calls ``register(app)``; each command imports Django only when it runs, so the
other commands stay as fast as before.
"""

from __future__ import annotations

import os
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
