"""The consent ledger is append-only in the database too: triggers abort UPDATE and DELETE.

SQLite: DELETE is refused unless ``tapereader_ledger_guard()`` (registered on every
connection by the app) returns 0, which only ``flush`` arranges. PostgreSQL: a row trigger
refuses UPDATE and DELETE (flush's TRUNCATE is a statement the row trigger does not see).
A later migration that rebuilds these tables on SQLite drops the triggers: recreate them
(tests/web/subscribers checks they exist).
"""

from django.db import migrations

EVENTS = "subscribers_consentevent"
DETAILS = "subscribers_consenteventdetail"

SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON {EVENTS} "
    "BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only: no update'); END",
    f"CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON {EVENTS} "
    "WHEN tapereader_ledger_guard() "
    "BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only: no delete'); END",
    f"CREATE TRIGGER IF NOT EXISTS ledger_detail_no_update BEFORE UPDATE ON {DETAILS} "
    "BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only: no update'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS ledger_no_update", "DROP TRIGGER IF EXISTS ledger_no_delete",
               "DROP TRIGGER IF EXISTS ledger_detail_no_update"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION subscribers_ledger_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'consent ledger is append-only: no % on %', TG_OP, TG_TABLE_NAME;
       END $$""",
    f"CREATE TRIGGER ledger_no_update_delete BEFORE UPDATE OR DELETE ON {EVENTS} "
    "FOR EACH ROW EXECUTE FUNCTION subscribers_ledger_append_only()",
    f"CREATE TRIGGER ledger_detail_no_update BEFORE UPDATE ON {DETAILS} "
    "FOR EACH ROW EXECUTE FUNCTION subscribers_ledger_append_only()",
]
POSTGRES_DROP = [f"DROP TRIGGER IF EXISTS ledger_no_update_delete ON {EVENTS}",
                 f"DROP TRIGGER IF EXISTS ledger_detail_no_update ON {DETAILS}",
                 "DROP FUNCTION IF EXISTS subscribers_ledger_append_only()"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, None)  # no placeholders: the % are plpgsql
    return run


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0001_initial")]
    operations = [migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                                       _run({"sqlite": SQLITE_DROP,
                                             "postgresql": POSTGRES_DROP}))]
