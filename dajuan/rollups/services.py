"""Writes of the rollups: the receiver that keeps them in step with every ledger event (same transaction),
and the rebuild from the ledger. Invariant: DailyRollup, UnitDay, DayBreakdown and GridDay are the sum of
every non-confidential case's `rollup_counts(contribution)`, and CaseContribution holds each case's current
one (checked by `recount_differences`).
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter

from django.db import connections, models, router, transaction

from dajuan.cases.choices import Verb
from dajuan.cases.facts import DISTRICT_TZ, FACT_VERBS, walk_case
from dajuan.cases.models import Case, Event
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


def _apply(delta: dict[str, dict[str, int]]) -> None:
    """Add the delta to the rollup rows, creating missing ones: one multi-row INSERT … ON CONFLICT DO UPDATE
    per table (SQLite ≥ 3.24 and PostgreSQL alike), so concurrent writers never race on creating a row and
    an event costs a statement per layer, not one per row. Rows go in key order, so concurrent writers
    lock them in the same order."""
    by_model: dict[type, list[tuple[dict, dict[str, int]]]] = defaultdict(list)
    for key in sorted(delta):
        model, lookup = _lookup(key)
        by_model[model].append((lookup, delta[key]))
    for model, rows in by_model.items():
        connection = connections[router.db_for_write(model)]
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        names = list(rows[0][0])
        fields = [model._meta.get_field(name).column for name in names]
        columns = sorted({column for _lookup_, changes in rows for column in changes})
        zeros = _zero_columns(model, [*fields, *columns])
        placeholders = "(" + ", ".join(["%s"] * (len(fields) + len(columns)) + ["0"] * len(zeros)) + ")"
        sql = (
            f"INSERT INTO {table} ({', '.join(qn(c) for c in [*fields, *columns, *zeros])}) "
            f"VALUES {', '.join([placeholders] * len(rows))} "
            f"ON CONFLICT ({', '.join(qn(c) for c in fields)}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = {table}.{qn(c)} + EXCLUDED.{qn(c)}" for c in columns)
        )
        params = []
        for lookup, changes in rows:
            params += [connection.ops.adapt_datefield_value(lookup[n]) if n == "day" else lookup[n] for n in names]
            params += [changes.get(c, 0) for c in columns]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


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
            CaseContribution.objects.create(case_id=case.pk, counts=new)
    elif delta:
        CaseContribution.objects.filter(case_id=case.pk).update(counts=new)


def ledger_contributions(*, chunk_size: int = 5000) -> Iterator[tuple[int, Contribution]]:
    """Every case's contribution recomputed from the ledger: two streamed queries, cases and their events,
    merged by case id (memory stays flat at any size)."""
    cases = Case.objects.order_by("pk").values_list(*_CASE_FIELDS).iterator(chunk_size=chunk_size)
    events = (Event.objects.filter(verb__in=FACT_VERBS).order_by("case_id", "seq")
              .values_list("case_id", "verb", "at", "payload").iterator(chunk_size=chunk_size))
    grouped = groupby(events, key=itemgetter(0))
    pending = next(grouped, None)
    for row in cases:
        case = _CaseRow(*row)
        rows: list = []
        while pending is not None and pending[0] <= case.pk:
            if pending[0] == case.pk:
                rows = [r[1:] for r in pending[1]]
            else:
                for _ in pending[1]:
                    pass
            pending = next(grouped, None)
        yield case.pk, contribution(case, rows)


class _CaseRow:
    __slots__ = _CASE_FIELDS

    def __init__(self, *values) -> None:
        for name, value in zip(_CASE_FIELDS, values, strict=True):
            setattr(self, name, value)


def recount(progress: Callable[[int], None] | None = None) -> dict[str, Counter]:
    """The rollups as a full recount of the ledger would have them (nothing written)."""
    totals: dict[str, Counter] = defaultdict(Counter)
    for n, (_pk, counts) in enumerate(ledger_contributions(), start=1):
        for key, columns in rollup_counts(counts).items():
            totals[key].update(columns)
        if progress and n % 10000 == 0:
            progress(n)
    return totals


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


def recount_differences(progress: Callable[[int], None] | None = None) -> list[tuple[str, str, int, int]]:
    """(key, column, stored, recounted) for every count where the rollups disagree with the ledger."""
    stored, counted = stored_totals(), recount(progress)
    problems = []
    for key in sorted(stored.keys() | counted.keys()):
        a, b = stored.get(key, Counter()), counted.get(key, Counter())
        for column in sorted(a.keys() | b.keys()):
            if a[column] != b[column]:
                problems.append((key, column, a[column], b[column]))
    return problems


@transaction.atomic
def rollups_rebuild(*, progress: Callable[[int], None] | None = None, batch_size: int = 2000) -> int:
    """Replace every rollup and contribution with a recount of the ledger, all or nothing. Returns the
    number of cases read. Run it with the loop quiet (e.g. after a restore): events written meanwhile by
    other transactions are not seen."""
    for model in (CaseContribution, DailyRollup, UnitDay, DayBreakdown, GridDay):
        model.objects.all().delete()
    totals: dict[str, Counter] = defaultdict(Counter)
    batch: list[CaseContribution] = []
    n = 0
    for n, (pk, counts) in enumerate(ledger_contributions(), start=1):
        for key, columns in rollup_counts(counts).items():
            totals[key].update(columns)
        if counts:
            batch.append(CaseContribution(case_id=pk, counts=counts))
        if len(batch) >= batch_size:
            CaseContribution.objects.bulk_create(batch)
            batch.clear()
        if progress and n % 10000 == 0:
            progress(n)
    CaseContribution.objects.bulk_create(batch)
    rows: dict[type, list] = defaultdict(list)
    for key, columns in totals.items():
        model, lookup = _lookup(key)
        rows[model].append(model(**lookup, **columns))
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=batch_size)
    return n
