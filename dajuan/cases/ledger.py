"""The ledger (台账): `record` applies a change to the case row and appends the matching event, both
or neither; `verify_chains` recomputes every hash.

The case's `version` is the optimistic lock and the next event's `seq`; the conditional UPDATE decides
a race on SQLite and PostgreSQL alike, and the unique (case, seq) constraint is the backstop.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, router
from django.db.models import F, Max
from django.db.models.functions import Coalesce

from dajuan.cases.errors import StaleCase
from dajuan.cases.models import GENESIS_HASH, Case, Event
from dajuan.cases.signals import event_recorded
from dajuan.core import fastwrite
from dajuan.core.canonical import canonical_json, chain_hash


def record(case: Case, verb: str, *, by, at: datetime, changes: dict | None = None,
           payload: dict | None = None) -> Event:
    """Apply `changes` to the case row and append one event, or raise StaleCase (nothing written)."""
    changes = changes or {}
    seq = case.version + 1
    if not Case.objects.filter(pk=case.pk, version=case.version).update(version=seq, **changes):
        raise StaleCase(case.number)
    prev = _head_hash(case)
    for field, value in changes.items():
        setattr(case, field, value)
    case.version = seq
    return _append(case, seq, verb, by=by, at=at, payload=payload, prev=prev)


def open_chain(case: Case, verb: str, *, by, at: datetime, payload: dict | None = None) -> Event:
    """The first event of a case whose row this transaction has just inserted with version 1: no other
    transaction can hold it yet, so there is no version to check and no previous hash to read."""
    if case.version != 1:
        raise ValueError("open_chain is for a case row inserted with version=1")
    return _append(case, 1, verb, by=by, at=at, payload=payload, prev=GENESIS_HASH)


def _append(case: Case, seq: int, verb: str, *, by, at: datetime, payload: dict | None, prev: str) -> Event:
    # Hash exactly what the database will give back: JSON-native payload, UTC time.
    payload = json.loads(canonical_json(payload or {}))
    event = Event(case_id=case.pk, seq=seq, verb=verb, actor=by, actor_name=str(by)[:150],
                  at=at.astimezone(UTC), payload=payload, prev_hash=prev)
    event.hash = chain_hash(prev, event.body(case.number))
    fastwrite.insert(event)
    event_recorded.send(sender=Event, event=event, case=case)
    return event


def _head_hash(case: Case) -> str:
    """The hash of the case's last event, read inside the transaction that holds the row. (Not cached on
    the Python object: a rolled-back transition leaves the object ahead of the database.)"""
    if not case.version:
        return GENESIS_HASH
    return Event.objects.filter(case_id=case.pk, seq=case.version).values_list("hash", flat=True).get()


def hold(case: Case) -> None:
    """Take the case row for this transaction or raise StaleCase. Transitions call it before their first
    write, so the loser of a race writes nothing: on PostgreSQL it waits for the winner's commit and then
    finds the version moved; on SQLite writers queue at BEGIN IMMEDIATE and the version has moved."""
    if not Case.objects.filter(pk=case.pk, version=case.version).update(version=F("version")):
        raise StaleCase(case.number)


@dataclass(frozen=True)
class Break:
    case_number: str
    seq: int
    problem: str


def verify_chains(*, batch_size: int = 20000) -> Iterator[tuple[int, Break | None]]:
    """Walk every case's chain in (case, seq) order; yield (events checked so far, first break of a case).

    Streams the events with a keyset on (case_id, seq), so memory stays flat at any size. For speed it reads
    raw rows (joined to the case number) and writes the canonical body itself: the bytes are exactly those
    `chain_hash(prev, event.body(number))` hashes, which the tests hold it to.
    """
    connection = connections[router.db_for_read(Event)]
    qn = connection.ops.quote_name
    event, case = qn(Event._meta.db_table), qn(Case._meta.db_table)
    # SQLite keeps datetimes as naive UTC text: read the text rather than pay for Django's converter.
    at = "CAST(e.at AS TEXT)" if connection.vendor == "sqlite" else "e.at"
    sql = (
        f"SELECT e.case_id, e.seq, e.verb, e.actor_id, {at}, e.payload, e.prev_hash, e.hash, c.number"
        f" FROM {event} e JOIN {case} c ON c.id = e.case_id"
        f" WHERE (e.case_id, e.seq) > (%s, %s)"
        f" ORDER BY e.case_id, e.seq LIMIT %s"
    )
    verbs: dict[str, str] = {}
    payloads: dict[str, str] = {}  # stored JSON text -> canonical text (payloads repeat a lot)
    last_case, expected_seq, prev_hash, case_json = None, 0, GENESIS_HASH, ""
    broken_case = None
    checked = 0
    after = (0, 0)
    sha256 = hashlib.sha256
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [after[0], after[1], batch_size])
            rows = cursor.fetchall()
        if not rows:
            break
        for case_id, seq, verb, actor_id, at, payload, stored_prev, stored_hash, number in rows:
            checked += 1
            if case_id != last_case:
                last_case, expected_seq, prev_hash, broken_case = case_id, 1, GENESIS_HASH, None
                case_json = json.dumps(number, ensure_ascii=False)
            if broken_case == case_id:
                continue
            problem = None
            if seq != expected_seq:
                problem = f"expected seq {expected_seq}, found {seq} (an event is missing)"
            elif stored_prev != prev_hash:
                problem = "prev_hash does not match the previous event's hash"
            else:
                body = _canonical_body(case_json, seq, verb, actor_id, at, payload, verbs, payloads)
                if sha256((prev_hash + body).encode("utf-8")).hexdigest() != stored_hash:
                    problem = "hash does not match the event's content (the event was altered)"
            if problem:
                broken_case = case_id
                yield checked, Break(number, seq, problem)
                continue
            prev_hash, expected_seq = stored_hash, expected_seq + 1
        after = (rows[-1][0], rows[-1][1])
        yield checked, None


def _canonical_body(case_json: str, seq: int, verb: str, actor_id, at, payload, verbs: dict, payloads: dict) -> str:
    """canonical_json({"case", "seq", "verb", "actor", "at", "payload"}) as text, from one raw row.

    Keys in sorted order, compact separators, UTF-8 — the same text `core.canonical.canonical_json` gives.
    """
    verb_json = verbs.get(verb)
    if verb_json is None:
        verb_json = verbs[verb] = json.dumps(verb, ensure_ascii=False)
    if isinstance(payload, str):  # SQLite text, or jsonb as text (Django's PostgreSQL loader)
        canonical = payloads.get(payload)
        if canonical is None:
            if len(payloads) > 50000:
                payloads.clear()
            canonical = payloads[payload] = canonical_json(json.loads(payload)).decode("utf-8")
    else:
        canonical = canonical_json(payload).decode("utf-8")
    actor = "null" if actor_id is None else str(int(actor_id))
    return (f'{{"actor":{actor},"at":"{_utc_isoformat(at)}","case":{case_json},"payload":{canonical},'
            f'"seq":{int(seq)},"verb":{verb_json}}}')


def _utc_isoformat(at) -> str:
    """`at.astimezone(UTC).isoformat()`, where SQLite gives Django's naive UTC text ("2026-01-05 09:30:00[.ffffff]")."""
    if isinstance(at, str):
        # Django writes str(datetime): the fraction only when non-zero, as isoformat() does; else parse.
        if at[10:11] == " " and (len(at) == 19 or (len(at) == 26 and at[19] == "." and at[20:] != "000000")):
            return f"{at[:10]}T{at[11:]}+00:00"
        at = datetime.fromisoformat(at)
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)).isoformat()


def versions_out_of_step() -> list[str]:
    """Numbers of cases whose version differs from their last event's seq (a write outside the ledger)."""
    return list(
        Case.objects.annotate(last_seq=Coalesce(Max("events__seq"), 0))
        .exclude(version=F("last_seq"))
        .values_list("number", flat=True)
    )
