"""The case list's text search over title and content: a plain, case-insensitive substring match (what
`icontains` means on each database), served by an index on both databases.

- PostgreSQL: GIN trigram indexes over UPPER(title) and UPPER(content) (migration 0003) serve the
  `icontains` LIKE directly.
- SQLite: an FTS5 table with the trigram tokenizer (`cases_case_fts`, external content: it stores only
  the index), kept in step with cases_case by triggers. A search of three characters or more first asks
  the index how many rows contain the text (counting stops after CANDIDATE_LIMIT): when few do, the list
  reads just those rows (`pk IN (fts match)`) and applies the very same `icontains` to them — the index
  only narrows (its case folding is a superset of LIKE's ASCII-only folding), so results equal the plain
  substring match. When many do, the plain LIKE in list order finds a page of them within a few
  thousand rows, which is cheaper than fetching and sorting every match (a search that matches nothing
  was the slow one: a full scan, 0.6 s at 200,000 cases). Shorter searches have no trigram and keep the
  plain LIKE.

`ensure_sqlite_index` is idempotent: migration 0005 calls it, and so does a post_migrate receiver,
because SQLite's table remake (a later AlterField on cases_case) drops the table's triggers.
"""

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "cases_case_fts"
TRIGGERS = ("cases_case_fts_ai", "cases_case_fts_ad", "cases_case_fts_au")
MIN_INDEXED = 3  # the trigram tokenizer indexes nothing shorter
# Above this many matching rows the ordered scan finds a page sooner than fetching every match (at
# 200,000 cases: ~16,000 matches took 0.3-0.5 s through the index, ~0.1 s by the scan).
CANDIDATE_LIMIT = 1000

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


def text_matches(text: str, *, using: str = "default", candidate_limit: int = CANDIDATE_LIMIT) -> Q:
    """Cases whose title or content contains `text` (case-insensitive as `icontains` is)."""
    substring = Q(title__icontains=text) | Q(content__icontains=text)
    if connections[using].vendor != "sqlite" or len(text) < MIN_INDEXED:
        return substring
    match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({match} LIMIT %s)", [_phrase(text), candidate_limit + 1])
        if cursor.fetchone()[0] > candidate_limit:
            return substring
    return Q(pk__in=RawSQL(match, [_phrase(text)])) & substring
