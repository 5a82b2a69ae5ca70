"""The case list's text search over title and content: a plain, case-insensitive substring match (what
`icontains` means on each database), served by an index on both databases.

- PostgreSQL: GIN trigram indexes over UPPER(title) and UPPER(content) (migration 0003) serve the
  `icontains` LIKE directly.
- SQLite: an FTS5 table with the trigram tokenizer (`cases_case_fts`, external content: it stores only
  the index), kept in step with cases_case by triggers. A search of three characters or more first asks
  the index for the candidate rows, then applies the very same `icontains` to them — the index only
  narrows (its case folding is a superset of LIKE's ASCII-only folding), so results equal the plain
  substring match. Shorter searches have no trigram and keep the plain LIKE.

`ensure_sqlite_index` is idempotent: migration 0005 calls it, and so does a post_migrate receiver,
because SQLite's table remake (a later AlterField on cases_case) drops the table's triggers.
"""

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "cases_case_fts"
TRIGGERS = ("cases_case_fts_ai", "cases_case_fts_ad", "cases_case_fts_au")
MIN_INDEXED = 3  # the trigram tokenizer indexes nothing shorter

CREATE_TABLE = (f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, content, "
                "content='cases_case', content_rowid='id', tokenize='trigram')")
CREATE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS cases_case_fts_ai AFTER INSERT ON cases_case BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, content) VALUES (new.id, new.title, new.content);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS cases_case_fts_ad AFTER DELETE ON cases_case BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, content) VALUES ('delete', old.id, old.title, old.content);
    END""",
    # Only when title or content is in the UPDATE's SET list: the transitions' version/status updates
    # never touch the index.
    f"""CREATE TRIGGER IF NOT EXISTS cases_case_fts_au AFTER UPDATE OF title, content ON cases_case BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, content) VALUES ('delete', old.id, old.title, old.content);
        INSERT INTO {FTS_TABLE}(rowid, title, content) VALUES (new.id, new.title, new.content);
    END""",
]
REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
DROP = [*(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS), f"DROP TABLE IF EXISTS {FTS_TABLE}"]


def _existing(cursor, kind: str, names) -> set[str]:
    marks = ", ".join("%s" for _ in names)
    cursor.execute(f"SELECT name FROM sqlite_master WHERE type = %s AND name IN ({marks})", [kind, *names])
    return {row[0] for row in cursor.fetchall()}


def ensure_sqlite_index(connection) -> bool:
    """On SQLite, create the FTS5 table and its triggers where missing, and rebuild the index from
    cases_case when anything was missing (a remade table lost its triggers, or a first install).
    Returns whether it rebuilt. A no-op elsewhere."""
    if connection.vendor != "sqlite" or "cases_case" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        complete = (_existing(cursor, "table", [FTS_TABLE]) == {FTS_TABLE}
                    and _existing(cursor, "trigger", TRIGGERS) == set(TRIGGERS))
        if complete:
            return False
        cursor.execute(CREATE_TABLE)
        for sql in CREATE_TRIGGERS:
            cursor.execute(sql)
        cursor.execute(REBUILD)
    return True


def drop_sqlite_index(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for sql in DROP:
            cursor.execute(sql)


def _phrase(text: str) -> str:
    """The text as one FTS5 phrase: every character literal (double quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


def text_matches(text: str, *, using: str = "default") -> Q:
    """Cases whose title or content contains `text` (case-insensitive as `icontains` is)."""
    substring = Q(title__icontains=text) | Q(content__icontains=text)
    if connections[using].vendor != "sqlite" or len(text) < MIN_INDEXED:
        return substring
    candidates = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_phrase(text)])
    return Q(pk__in=candidates) & substring
