"""What the benchmarks do first. Importing this module points Django at the settings (a temporary SQLite
file unless DAJUAN_DATABASE_URL names a scratch database); `fresh_database()` empties and migrates it;
`cast()` builds the test cast and a category led by the housing bureau."""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dajuan.settings")
os.environ.setdefault("DAJUAN_SECRET_KEY", "benchmark-only-" + "x" * 40)
if "DAJUAN_DATABASE_URL" not in os.environ:
    os.environ["DAJUAN_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='dajuan-bench-')}/bench.sqlite3"


def fresh_database():
    """Set Django up, empty the database (it must be a scratch one) and migrate it; return the connection."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if "cases_case" in connection.introspection.table_names():
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return connection


def cast():
    """The test cast (dajuan.testing.build_cast) on an object, with `category` (城乡建设, led by 住建局)."""
    from dajuan.cases.models import Category
    from dajuan.testing import build_cast

    class Cast:
        pass

    build_cast(Cast)
    Cast.category = Category.objects.create(code="JS", name="城乡建设", default_lead_unit=Cast.housing)
    return Cast


def bulk_insert(connection, model, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows (tuples in `columns` order, Python values) straight into the model's table, bypassing
    the ORM: COPY on PostgreSQL, executemany on SQLite. Datetimes must be aware; they are written as Django
    writes them (naive UTC text on SQLite). JSON columns take already-serialised text. For bulk-loading
    what the services would have written, many times faster than bulk_create at millions of rows."""
    if not rows:
        return
    from datetime import UTC, datetime

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        fields = {f.column: f for f in model._meta.concrete_fields}
        stamps = [i for i, c in enumerate(columns) if fields[c].get_internal_type() == "DateTimeField"]

        def sqlite_row(row: tuple) -> tuple:
            row = list(row)
            for i in stamps:
                value = row[i]
                if isinstance(value, datetime):
                    row[i] = str(value.astimezone(UTC).replace(tzinfo=None))
            return row

        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                           map(sqlite_row, rows) if stamps else rows)


def reset_sequences(connection, models) -> None:
    """After rows were inserted with explicit ids: move PostgreSQL's id sequences past them (SQLite's
    AUTOINCREMENT follows by itself)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
