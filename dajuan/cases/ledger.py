"""The ledger (台账): `record` applies a change to the case row and appends the matching event, both
or neither; `verify_chains` recomputes every hash.

The case's `version` is the optimistic lock and the next event's `seq`; the conditional UPDATE decides
a race on SQLite and PostgreSQL alike, and the unique (case, seq) constraint is the backstop.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce

from dajuan.cases.errors import StaleCase
from dajuan.cases.models import GENESIS_HASH, Case, Event
from dajuan.core.canonical import canonical_json, chain_hash


def record(case: Case, verb: str, *, by, at: datetime, changes: dict | None = None,
           payload: dict | None = None) -> Event:
    """Apply `changes` to the case row and append one event, or raise StaleCase (nothing written)."""
    changes = changes or {}
    # Hash exactly what the database will give back: JSON-native payload, UTC time.
    payload = json.loads(canonical_json(payload or {}))
    at = at.astimezone(UTC)
    seq = case.version + 1
    if not Case.objects.filter(pk=case.pk, version=case.version).update(version=seq, **changes):
        raise StaleCase(case.number)
    prev = (
        Event.objects.filter(case_id=case.pk, seq=case.version).values_list("hash", flat=True).first()
        if case.version else GENESIS_HASH
    )
    event = Event(case_id=case.pk, seq=seq, verb=verb, actor=by, actor_name=str(by)[:150], at=at,
                  payload=payload, prev_hash=prev)
    event.hash = chain_hash(prev, event.body(case.number))
    event.save(force_insert=True)
    for field, value in changes.items():
        setattr(case, field, value)
    case.version = seq
    return event


@dataclass(frozen=True)
class Break:
    case_number: str
    seq: int
    problem: str


def verify_chains(*, batch_size: int = 2000) -> Iterator[tuple[int, Break | None]]:
    """Walk every case's chain in (case, seq) order; yield (events checked so far, first break of a case).

    Streams the events with a keyset on (case_id, seq), so memory stays flat at any size.
    """
    numbers: dict[int, str] = {}
    last_case, expected_seq, prev_hash = None, 0, GENESIS_HASH
    broken_case = None
    checked = 0
    after = (0, 0)
    fields = ("case_id", "seq", "verb", "actor_id", "at", "payload", "prev_hash", "hash")
    while True:
        rows = list(
            Event.objects.filter(Q(case_id__gt=after[0]) | Q(case_id=after[0], seq__gt=after[1]))
            .order_by("case_id", "seq")
            .values_list(*fields)[:batch_size]
        )
        if not rows:
            break
        missing = {row[0] for row in rows} - numbers.keys()
        if missing:
            numbers.update(Case.objects.filter(pk__in=missing).values_list("pk", "number"))
        for case_id, seq, verb, actor_id, at, payload, stored_prev, stored_hash in rows:
            checked += 1
            if case_id != last_case:
                last_case, expected_seq, prev_hash, broken_case = case_id, 1, GENESIS_HASH, None
            if broken_case == case_id:
                continue
            number = numbers[case_id]
            problem = None
            if seq != expected_seq:
                problem = f"expected seq {expected_seq}, found {seq} (an event is missing)"
            elif stored_prev != prev_hash:
                problem = "prev_hash does not match the previous event's hash"
            else:
                body = {"case": number, "seq": seq, "verb": verb, "actor": actor_id,
                        "at": at.astimezone(UTC).isoformat(), "payload": payload}
                if chain_hash(prev_hash, body) != stored_hash:
                    problem = "hash does not match the event's content (the event was altered)"
            if problem:
                broken_case = case_id
                yield checked, Break(number, seq, problem)
                continue
            prev_hash, expected_seq = stored_hash, expected_seq + 1
        after = (rows[-1][0], rows[-1][1])
        yield checked, None


def versions_out_of_step() -> list[str]:
    """Numbers of cases whose version differs from their last event's seq (a write outside the ledger)."""
    return list(
        Case.objects.annotate(last_seq=Coalesce(Max("events__seq"), 0))
        .exclude(version=F("last_seq"))
        .values_list("number", flat=True)
    )
