"""Benchmark of the supervision sweep (issue 6). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/sweep.py                      # SQLite file in a temporary folder
    DAJUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dajuan_bench .venv/bin/python benchmarks/sweep.py
    .venv/bin/python benchmarks/sweep.py --cases 100000 --overdue 1000 --near 1000

Bulk-loads `--cases` open cases in progress at the housing bureau, each with its lead assignment and a
valid three-event chain (registered, dispatched, claimed) hashed as ledger.record does; their reply
deadlines are mixed: `--overdue` are 1–10 working days overdue, `--near` are due within the reminder
window, the rest are due weeks ahead. Then times: the first sweep (all reminders, overdue marks and
escalations 催办→督办→挂牌督办 through transitions.supervise) with escalations per second, and a second
sweep at the same moment (nothing left to do: the steady-state cost of scanning every open case).
The target database is emptied first (it must be a scratch database).
"""

import argparse
import os
import time

import scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="open cases to load")
    parser.add_argument("--overdue", type=int, default=1000, help="of which overdue (escalated by the first sweep)")
    parser.add_argument("--near", type=int, default=1000, help="of which due within the reminder window")
    args = parser.parse_args()

    connection = scratch.fresh_database()
    from django.utils import timezone

    from dajuan.supervision.sweep import sweep

    Cast = scratch.cast()
    category = Cast.category
    print(f"database: {connection.vendor}  ({os.environ['DAJUAN_DATABASE_URL'].split('@')[-1]})")
    now = timezone.now()
    _bulk_load(args, Cast, category, now)

    started = time.perf_counter()
    first = sweep(now=now, worker="bench-1")
    first_s = time.perf_counter() - started
    escalations = sum(v for k, v in first.counts.items() if k.startswith("level_"))
    print(f"first sweep:   {first_s:.2f} s  {dict(sorted(first.counts.items()))}")
    print(f"escalations:   {escalations:,} in {first_s:.2f} s = {escalations / first_s:,.0f} per second "
          f"(each a transitions.supervise: ledger event + outbox)")
    started = time.perf_counter()
    second = sweep(now=now, worker="bench-2")
    second_s = time.perf_counter() - started
    print(f"second sweep:  {second_s:.2f} s over {args.cases:,} open cases (nothing left to do: "
          f"{dict(second.counts) or 'no action'})")


def _bulk_load(args, cast, category, now) -> None:
    from datetime import UTC, timedelta

    from dajuan.cases.models import GENESIS_HASH, Assignment, Case, Event
    from dajuan.core.canonical import chain_hash
    from dajuan.worktime.calendar import WorkCalendar
    from dajuan.worktime.deadlines import add_working_days

    started = time.perf_counter()
    calendar = WorkCalendar.current()
    registered = (now - timedelta(days=40)).astimezone(UTC).replace(microsecond=0)
    # Overdue deadlines: the close of 1–10 working days before today; near: within a few hours; far: weeks.
    overdue = [add_working_days(now - timedelta(days=16), d, calendar).at for d in range(1, 11)]
    overdue = [d for d in overdue if d < now] or [now - timedelta(days=1)]
    actor = cast.dispatcher
    batch = 2000
    for first in range(0, args.cases, batch):
        n = min(batch, args.cases - first)
        rows, dues = [], []
        for i in range(first, first + n):
            if i < args.overdue:
                due = overdue[i % len(overdue)]
            elif i < args.overdue + args.near:
                due = now + timedelta(hours=1 + i % 3)
            else:
                due = now + timedelta(days=20 + i % 30)
            dues.append(due)
            rows.append(Case(number=f"2026-{i + 1:06d}", title="批量导入", content="基准测试数据", source="hotline",
                             requester_kind="citizen", requester_name="张先生", registered_at=registered,
                             category=category, status="in_progress", lead_unit=cast.housing,
                             dispatched_at=registered, claim_due=registered + timedelta(hours=6), reply_due=due,
                             version=3))
        cases = Case.objects.bulk_create(rows)
        Assignment.objects.bulk_create([
            Assignment(case=case, unit=cast.housing, role="lead", status="claimed", created_at=registered,
                       claim_due=registered + timedelta(hours=6), reply_due=due, claimed_at=registered,
                       claimed_by=cast.handler) for case, due in zip(cases, dues, strict=True)])
        events = []
        for case, due in zip(cases, dues, strict=True):
            prev = GENESIS_HASH
            # As transitions.dispatch and claim write them (the rollups' ledger walk reads these keys).
            lead = {"unit": "QC-ZJJ", "role": "lead", "claim_due": (registered + timedelta(hours=6)).isoformat(),
                    "reply_due": due.isoformat()}
            payloads = [{"source": "hotline"},
                        {"lead": lead, "assist": [], "category": "JS", "priority": "normal"},
                        {"unit": "QC-ZJJ", "role": "lead", "on_time": True}]
            for seq, (verb, payload) in enumerate(zip(["registered", "dispatched", "claimed"], payloads,
                                                      strict=True), start=1):
                event = Event(case=case, seq=seq, verb=verb, actor=actor, actor_name=str(actor),
                              at=registered + timedelta(minutes=seq), payload=payload, prev_hash=prev)
                event.hash = chain_hash(prev, event.body(case.number))
                prev = event.hash
                events.append(event)
        Event.objects.bulk_create(events, batch_size=5000)
    print(f"bulk-load:     {args.cases:,} open cases in {time.perf_counter() - started:.1f} s "
          f"({args.overdue:,} overdue, {args.near:,} near their deadline)")


if __name__ == "__main__":
    main()
