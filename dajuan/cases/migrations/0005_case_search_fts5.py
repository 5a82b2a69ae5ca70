"""SQLite: an FTS5 trigram index over the cases' title and content for the case list's text search
(cases.search), kept in step by triggers. PostgreSQL already has its trigram GIN indexes (0003): nothing
is done there."""

from django.db import migrations


def forward(apps, schema_editor):
    from dajuan.cases.search import ensure_sqlite_index

    ensure_sqlite_index(schema_editor.connection)


def backward(apps, schema_editor):
    from dajuan.cases.search import drop_sqlite_index

    drop_sqlite_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_reply_review")]

    operations = [migrations.RunPython(forward, backward)]
