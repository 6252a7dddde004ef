"""Import a list of addresses as subscription *requests*: each gets the confirmation mail.

    tapereader manage import_subscribers list.csv [--dry-run]

The CSV has a header with ``email`` and optionally ``topics`` (separated by ``;``). Nothing is
confirmed by an import: the ledger records ``requested`` (source ``import``) under today's
email disclosure and the double opt-in applies as for the form.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from ... import disclosures, signup
from ...models import ALL_TOPICS, Channel, Source


class Command(BaseCommand):
    help = "Import addresses as subscription requests (each receives the confirmation mail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["csv_file"]
        try:
            with path.open(newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            raise CommandError(f"{path}: {e.strerror or e}") from e
        if rows and "email" not in rows[0]:
            raise CommandError(f"{path}: no 'email' column in the header")
        problems = []
        good: list[tuple[str, list[str]]] = []
        for line, row in enumerate(rows, start=2):
            email = (row.get("email") or "").strip()
            topics = [t.strip() for t in (row.get("topics") or "daily").split(";") if t.strip()]
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"{path}:{line}: not an email address: {email!r}")
                continue
            unknown = [t for t in topics if t not in ALL_TOPICS]
            if unknown:
                problems.append(f"{path}:{line}: unknown topic(s) {', '.join(unknown)}")
                continue
            good.append((email, topics))
        for p in problems:
            self.stderr.write(p)
        if options["dry_run"]:
            self.stdout.write(f"{len(good)} address(es) would be asked to confirm, "
                              f"{len(problems)} refused")
            return
        disclosure = disclosures.current(Channel.EMAIL)
        ctx = signup.Context(page_url=f"import:{path.name}")
        for email, topics in good:
            signup.subscribe(email, "", topics, disclosure, None, ctx, source=Source.IMPORT)
        self.stdout.write(f"{len(good)} address(es) asked to confirm, {len(problems)} refused")
