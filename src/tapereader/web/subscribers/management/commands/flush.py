"""Django's ``flush`` (empty the whole database on purpose), allowed to empty the ledger too.

The ledger's SQLite triggers refuse every DELETE; flush is the one operation that may remove
its rows (the test runner flushes between transactional tests).  PostgreSQL's flush uses
TRUNCATE, which the row triggers do not see.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from ...ledger import maintenance


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with maintenance():
            super().handle(**options)
