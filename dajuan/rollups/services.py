"""Writes of the rollups: the receiver that keeps them in step with every ledger event (same transaction),
and the rebuild from the ledger. Invariant: DailyRollup, UnitDay, DayBreakdown and GridDay are the sum of
every non-confidential case's `rollup_counts(contribution)`, and CaseContribution holds each case's current
one (checked by `recount_differences`).
"""

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime

from django.db import connections, models, router, transaction

from dajuan.cases.choices import Verb
from dajuan.cases.facts import DISTRICT_TZ, FACT_VERBS, walk_case
from dajuan.cases.models import Case, Event
from dajuan.core import fastwrite
from dajuan.rollups.models import COLUMNS, CaseContribution, DailyRollup, DayBreakdown, GridDay, UnitDay

Contribution = dict[str, dict[str, int]]  # key → {column: count}; keys "u|day|unit|category|channel", "g|day|grid"
_CASE_FIELDS = ("pk", "registered_at", "status", "category_id", "source", "grid_id", "confidential")
_WATCHED = frozenset(FACT_VERBS) | {Verb.REGISTERED}


def local_day(at: datetime) -> date:
    return at.astimezone(DISTRICT_TZ).date()


def contribution(case, rows: Iterable[tuple[str, datetime, dict]]) -> Contribution:
    """What one case adds to the rollups: its ledger facts (cases.facts.walk_case) on their local days,
    plus its registration (under its lead unit now and its status now) and its grid. `case` needs
    registered_at, status, category_id, source, grid_id, confidential; `rows` its (verb, at, payload)."""
    if case.confidential:
        return {}
    walk = walk_case(rows)
    out: dict[str, Counter] = defaultdict(Counter)
    tail = f"{case.category_id or 0}|{case.source}"
    for fact in walk.facts:
        out[f"u|{local_day(fact.at)}|{fact.unit or ''}|{tail}"][fact.counter] += 1
    registered = out[f"u|{local_day(case.registered_at)}|{walk.lead_unit or ''}|{tail}"]
    registered["registered"] += 1
    registered[f"status_{case.status}"] += 1
    if case.grid_id:
        out[f"g|{local_day(case.registered_at)}|{case.grid_id}"]["registered"] += 1
    return {key: dict(counts) for key, counts in out.items()}


def rollup_counts(counts: Contribution) -> Contribution:
    """A contribution with its coarser layers added: each cube key ("u|day|unit|category|channel") also
    counts under "d|day|unit" (UnitDay), and its registrations under "b|day|channel|…" and
    "b|day|category|…" (DayBreakdown). The stored CaseContribution keeps only the cube and grid keys."""
    out: dict[str, Counter] = defaultdict(Counter)
    for key, columns in counts.items():
        out[key].update(columns)
        if key[0] != "u":
            continue
        _u, day, unit, category, channel = key.split("|")
        out[f"d|{day}|{unit}"].update(columns)
        if registered := columns.get("registered"):
            out[f"b|{day}|channel|{channel}"]["registered"] += registered
            out[f"b|{day}|category|{category}"]["registered"] += registered
    return {key: dict(columns) for key, columns in out.items()}


def _lookup(key: str) -> tuple[type, dict]:
    parts = key.split("|")
    if parts[0] == "g":
        return GridDay, {"day": date.fromisoformat(parts[1]), "grid_id": int(parts[2])}
    if parts[0] == "d":
        return UnitDay, {"day": date.fromisoformat(parts[1]), "unit_code": parts[2]}
    if parts[0] == "b":
        return DayBreakdown, {"day": date.fromisoformat(parts[1]), "dimension": parts[2], "value": parts[3]}
    return DailyRollup, {"day": date.fromisoformat(parts[1]), "unit_code": parts[2], "category_id": int(parts[3]),
                         "channel": parts[4]}


def _difference(old: Contribution, new: Contribution) -> dict[str, dict[str, int]]:
    delta: dict[str, dict[str, int]] = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key, {}), new.get(key, {})
        changed = {c: after.get(c, 0) - before.get(c, 0) for c in before.keys() | after.keys()}
        changed = {c: d for c, d in changed.items() if d}
        if changed:
            delta[key] = changed
    return delta


def _apply(delta: dict[str, dict[str, int]], *, tables: dict[type, str] | None = None) -> None:
    """Add the delta to the rollup rows, creating missing ones: INSERT … ON CONFLICT DO UPDATE per table
    (SQLite ≥ 3.24 and PostgreSQL alike), so concurrent writers never race on creating a row and an event
    costs a statement per layer, not one per row. Rows go in key order, so concurrent writers lock them in
    the same order. The rows travel as one array per column on PostgreSQL (unnest), as multi-row VALUES
    within the parameter limit on SQLite, so a rebuild's chunk of thousands of rows is cheap too. `tables`
    writes a model's rows into another table of the same shape (the recount's temporary tables)."""
    by_model: dict[type, list[tuple[dict, dict[str, int]]]] = defaultdict(list)
    for key in sorted(delta):
        model, lookup = _lookup(key)
        by_model[model].append((lookup, delta[key]))
    for model, rows in by_model.items():
        connection = connections[router.db_for_write(model)]
        qn = connection.ops.quote_name
        table = qn((tables or {}).get(model, model._meta.db_table))
        names = list(rows[0][0])
        fields = [model._meta.get_field(name).column for name in names]
        columns = sorted({column for _lookup_, changes in rows for column in changes})
        zeros = _zero_columns(model, [*fields, *columns])
        tail = (f" ON CONFLICT ({', '.join(qn(c) for c in fields)}) DO UPDATE SET "
                + ", ".join(f"{qn(c)} = {table}.{qn(c)} + EXCLUDED.{qn(c)}" for c in columns))
        values = [[connection.ops.adapt_datefield_value(lookup[n]) if n == "day" else lookup[n] for n in names]
                  + [changes.get(c, 0) for c in columns] for lookup, changes in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One array per column (unnest): a statement of any length has len(columns) parameters, where
                # a VALUES list of thousands of placeholders costs the driver more than the database.
                types = [model._meta.get_field(n).db_type(connection) for n in names] + ["integer"] * len(columns)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(qn(c) for c in [*fields, *columns, *zeros])}) "
                    f"SELECT {', '.join(['u.' + qn(c) for c in [*fields, *columns]] + ['0'] * len(zeros))} "
                    f"FROM unnest({', '.join(f'%s::{t}[]' for t in types)}) AS u "
                    f"({', '.join(qn(c) for c in [*fields, *columns])}){tail}",
                    [_pg_array(column) for column in zip(*values, strict=True)])
                continue
            placeholders = "(" + ", ".join(["%s"] * (len(fields) + len(columns)) + ["0"] * len(zeros)) + ")"
            per_statement = max(1, connection.features.max_query_params // (len(fields) + len(columns)))
            head = f"INSERT INTO {table} ({', '.join(qn(c) for c in [*fields, *columns, *zeros])}) VALUES "
            for first in range(0, len(values), per_statement):
                chunk = values[first:first + per_statement]
                cursor.execute(head + ", ".join([placeholders] * len(chunk)) + tail,
                               [v for row in chunk for v in row])


def _pg_array(values: Iterable) -> str:
    """A PostgreSQL array literal ("{1,2}", '{"a","b"}') for a column of ints, strings or dates: the driver's
    own list adapter escapes element by element and costs more than the upsert at a rebuild's size."""
    parts = []
    for value in values:
        if isinstance(value, int):
            parts.append(str(value))
        else:
            parts.append('"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(parts) + "}"


def _zero_columns(model, present: list[str]) -> list[str]:
    """The counter columns a new row starts at 0 (no database defaults are declared by Django)."""
    return [f.column for f in model._meta.concrete_fields
            if isinstance(f, models.IntegerField) and not f.primary_key and f.column not in present
            and not f.is_relation]


def event_row(event: Event) -> tuple[str, datetime, dict]:
    return event.verb, event.at, event.payload


def on_event_recorded(sender, *, event: Event, case: Case, **kwargs) -> None:
    """Receiver of cases.signals.event_recorded: re-walk this one case and apply the difference its new
    event makes. Runs inside the event's transaction, so the counts commit with the event or not at all."""
    if event.verb not in _WATCHED:
        return  # comments, progress notes, extension requests … change no fact and no status
    if event.seq == 1:  # a new case: nothing walked or stored before this event
        rows, stored = [event_row(event)] if event.verb in FACT_VERBS else [], None
    else:
        rows = (Event.objects.filter(case_id=case.pk, verb__in=FACT_VERBS).order_by("seq")
                .values_list("verb", "at", "payload"))
        stored = CaseContribution.objects.filter(case_id=case.pk).values_list("counts", flat=True).first()
    new = contribution(case, rows)
    delta = _difference(rollup_counts(stored or {}), rollup_counts(new))
    _apply(delta)
    if stored is None:
        if new:
            fastwrite.insert(CaseContribution(case_id=case.pk, counts=new))
    elif delta:
        CaseContribution.objects.filter(case_id=case.pk).update(counts=new)


def ledger_contributions(*, chunk_size: int = 5000) -> Iterator[tuple[int, Contribution]]:
    """Every case's contribution recomputed from the ledger, in case id order. Reads chunks of cases by
    keyset (id > last) and their fact events by the same id range, as raw rows (the walk needs only
    verb, time and payload; Django's per-value converters would cost more than the walk): memory stays
    flat and each query is bounded at any size."""
    connection = connections[router.db_for_read(Event)]
    qn = connection.ops.quote_name
    case_table, event_table = qn(Case._meta.db_table), qn(Event._meta.db_table)
    columns = ", ".join(qn(Case._meta.pk.column if name == "pk" else Case._meta.get_field(name).column)
                        for name in _CASE_FIELDS)
    verbs = ", ".join(["%s"] * len(FACT_VERBS))
    pk = qn(Case._meta.pk.column)
    cases_sql = f"SELECT {columns} FROM {case_table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
    events_sql = (f"SELECT case_id, verb, at, payload FROM {event_table} WHERE case_id >= %s AND case_id <= %s "
                  f"AND verb IN ({verbs}) ORDER BY case_id, seq")
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(cases_sql, [last, chunk_size])
            cases = cursor.fetchall()
            if not cases:
                return
            cursor.execute(events_sql, [cases[0][0], cases[-1][0], *[str(v) for v in FACT_VERBS]])
            events = cursor.fetchall()
        by_case: dict[int, list] = defaultdict(list)
        for case_id, verb, at, payload in events:
            by_case[case_id].append((verb, _as_datetime(at), json.loads(payload) if isinstance(payload, str)
                                     else payload))
        for row in cases:
            case = _CaseRow(*row)
            case.registered_at = _as_datetime(case.registered_at)
            yield case.pk, contribution(case, by_case.get(case.pk, ()))
        last = cases[-1][0]


def _as_datetime(value) -> datetime:
    """A stored moment as an aware datetime: SQLite gives Django's naive UTC text, PostgreSQL a datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class _CaseRow:
    __slots__ = _CASE_FIELDS

    def __init__(self, *values) -> None:
        for name, value in zip(_CASE_FIELDS, values, strict=True):
            setattr(self, name, value)


def _chunked_totals(progress: Callable[[int], None] | None, chunk_size: int
                    ) -> Iterator[tuple[dict[str, Counter], list[tuple[int, Contribution]]]]:
    """The ledger's contributions summed into rollup keys (rollup_counts) per chunk of `chunk_size` cases,
    with the chunk's contributions: what a rebuild writes and a recount compares, a chunk at a time, so
    memory holds one chunk's keys however long the ledger."""
    totals: dict[str, Counter] = defaultdict(Counter)
    contributions: list[tuple[int, Contribution]] = []
    n = 0
    for n, (pk, counts) in enumerate(ledger_contributions(), start=1):
        for key, columns in rollup_counts(counts).items():
            totals[key].update(columns)
        if counts:
            contributions.append((pk, counts))
        if n % chunk_size == 0:
            yield totals, contributions
            totals, contributions = defaultdict(Counter), []
        if progress and n % 10000 == 0:
            progress(n)
    yield totals, contributions


def stored_totals() -> dict[str, Counter]:
    """The rollups as stored, in the same key form as `recount`."""
    totals: dict[str, Counter] = {}
    for row in DailyRollup.objects.values("day", "unit_code", "category_id", "channel", *COLUMNS).iterator():
        key = f"u|{row.pop('day')}|{row.pop('unit_code')}|{row.pop('category_id')}|{row.pop('channel')}"
        totals[key] = Counter({c: n for c, n in row.items() if n})
    for row in UnitDay.objects.values("day", "unit_code", *COLUMNS).iterator():
        key = f"d|{row.pop('day')}|{row.pop('unit_code')}"
        totals[key] = Counter({c: n for c, n in row.items() if n})
    for day, dimension, value, registered in DayBreakdown.objects.values_list(
            "day", "dimension", "value", "registered").iterator():
        totals[f"b|{day}|{dimension}|{value}"] = Counter({"registered": registered} if registered else {})
    for day, grid_id, registered in GridDay.objects.values_list("day", "grid_id", "registered").iterator():
        totals[f"g|{day}|{grid_id}"] = Counter({"registered": registered} if registered else {})
    return totals


def recount_differences(progress: Callable[[int], None] | None = None, *, chunk_size: int = 50000
                        ) -> list[tuple[str, str, int, int]]:
    """(key, column, stored, recounted) for every count where the rollups disagree with the ledger.

    The recount is summed chunk by chunk into temporary tables shaped like the rollups (the same upserts
    as the receiver), then compared with the stored rows in SQL, so memory stays flat at any size. Rows
    whose counts are all zero count as absent on both sides."""
    connection = connections[router.db_for_write(DailyRollup)]
    qn = connection.ops.quote_name
    tables = {model: f"recount_{model._meta.db_table}" for model in _LAYERS}
    try:
        for model, temp in tables.items():
            keys, counters = _layer_columns(model)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {qn(temp)}")
                cursor.execute(f"CREATE TEMPORARY TABLE {qn(temp)} AS SELECT "
                               f"{', '.join(qn(c) for c in [*keys, *counters])} "
                               f"FROM {qn(model._meta.db_table)} WHERE 1 = 0")
                cursor.execute(f"CREATE UNIQUE INDEX {qn(temp + '_key')} ON {qn(temp)} "
                               f"({', '.join(qn(c) for c in keys)})")
        for totals, _contributions in _chunked_totals(progress, chunk_size):
            _apply(totals, tables=tables)
        problems = []
        for model, temp in tables.items():
            problems += _compare(connection, model, qn(model._meta.db_table), qn(temp))
        return sorted(problems)
    finally:
        with connection.cursor() as cursor:
            for temp in tables.values():
                cursor.execute(f"DROP TABLE IF EXISTS {qn(temp)}")


_LAYERS = (DailyRollup, UnitDay, DayBreakdown, GridDay)


def _layer_columns(model) -> tuple[list[str], list[str]]:
    """A rollup table's key columns (as _lookup names them) and its counter columns."""
    keys = {DailyRollup: ["day", "unit_code", "category_id", "channel"], UnitDay: ["day", "unit_code"],
            DayBreakdown: ["day", "dimension", "value"], GridDay: ["day", "grid_id"]}[model]
    return keys, _zero_columns(model, keys)


def _compare(connection, model, stored: str, counted: str) -> list[tuple[str, str, int, int]]:
    """Rows of `stored` and `counted` that differ (EXCEPT both ways, all-zero rows left out), as
    (key, column, stored, counted) for each differing column."""
    qn = connection.ops.quote_name
    keys, counters = _layer_columns(model)
    listed = ", ".join(qn(c) for c in [*keys, *counters])
    nonzero = " OR ".join(f"{qn(c)} <> 0" for c in counters)
    differing = (f"SELECT {listed} FROM {stored} WHERE {nonzero} EXCEPT SELECT {listed} FROM {counted} "
                 f"WHERE {nonzero}")
    missing = (f"SELECT {listed} FROM {counted} WHERE {nonzero} EXCEPT SELECT {listed} FROM {stored} "
               f"WHERE {nonzero}")
    rows: dict[tuple, list] = {}
    with connection.cursor() as cursor:
        for side, sql in ((0, differing), (1, missing)):
            cursor.execute(sql)
            for row in cursor.fetchall():
                key = tuple(str(v) for v in row[:len(keys)])
                rows.setdefault(key, [None, None])[side] = row[len(keys):]
    tag = {DailyRollup: "u", UnitDay: "d", DayBreakdown: "b", GridDay: "g"}[model]
    problems = []
    for key, (mine, theirs) in rows.items():
        if mine is None or theirs is None:  # one side lacks the row: read it, it may be all zeros there
            other = _row(connection, counted if mine is not None else stored, keys, counters, key)
            mine, theirs = (mine, other) if mine is not None else (other, theirs)
        for column, a, b in zip(counters, mine or [0] * len(counters), theirs or [0] * len(counters), strict=True):
            if a != b:
                problems.append(("|".join([tag, *key]), column, a, b))
    return problems


def _row(connection, table: str, keys: list[str], counters: list[str], key: tuple) -> tuple | None:
    qn = connection.ops.quote_name
    where = " AND ".join(f"CAST({qn(c)} AS TEXT) = %s" for c in keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(qn(c) for c in counters)} FROM {table} WHERE {where}", list(key))
        return cursor.fetchone()


@transaction.atomic
def rollups_rebuild(*, progress: Callable[[int], None] | None = None, chunk_size: int = 50000) -> int:
    """Replace every rollup and contribution with a recount of the ledger, all or nothing. Returns the
    number of cases read. Run it with the loop quiet (e.g. after a restore): events written meanwhile by
    other transactions are not seen. Chunk by chunk: each chunk's sums are added to the rollup rows with
    the receiver's upserts, and its contributions inserted as plain rows (memory holds one chunk)."""
    connection = connections[router.db_for_write(CaseContribution)]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (CaseContribution, DailyRollup, UnitDay, DayBreakdown, GridDay):
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
    n = 0
    table = qn(CaseContribution._meta.db_table)
    for totals, contributions in _chunked_totals(progress, chunk_size):
        _apply(totals)
        n += len(contributions)
        rows = [(pk, json.dumps(counts)) for pk, counts in contributions]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {table} (case_id, counts) SELECT * FROM unnest(%s::bigint[], "
                               f"%s::text[]::jsonb[])", [_pg_array(pk for pk, _c in rows),
                                                         _pg_array(c for _pk, c in rows)])
                continue
            per_statement = connection.features.max_query_params // 2
            for first in range(0, len(rows), per_statement):
                chunk = rows[first:first + per_statement]
                cursor.execute(f"INSERT INTO {table} (case_id, counts) VALUES {', '.join(['(%s, %s)'] * len(chunk))}",
                               [v for row in chunk for v in row])
    return Case.objects.count()
