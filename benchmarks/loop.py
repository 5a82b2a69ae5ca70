"""Benchmark of the loop (issue: the closed loop). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/loop.py                      # SQLite file in a temporary folder
    DAJUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dajuan_bench .venv/bin/python benchmarks/loop.py
    .venv/bin/python benchmarks/loop.py --cases 2000 --lifecycles 500 --bulk-events 1000000

Measures: registrations per second through transitions.register; full lifecycles per second
(register → dispatch → claim → reply → evaluate(满意) → closed); verify_ledger events per second over
the ledger (optionally first bulk-loading valid chains, built with the same hashing as the ledger).
The target database is emptied first (it must be a scratch database).
"""

import argparse
import os
import time

import scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000, help="registrations to time")
    parser.add_argument("--lifecycles", type=int, default=500, help="full lifecycles to time")
    parser.add_argument("--bulk-events", type=int, default=0, help="bulk-load this many extra ledger events first")
    args = parser.parse_args()

    connection = scratch.fresh_database()
    from dajuan.cases import ledger, transitions
    from dajuan.cases.choices import RequesterKind, Satisfaction, Source

    Cast = scratch.cast()
    category = Cast.category
    engine = connection.vendor
    print(f"database: {engine}  ({os.environ['DAJUAN_DATABASE_URL'].split('@')[-1]})")

    def new_case(i):
        return transitions.register(
            title=f"小区路灯损坏 {i}", content="东关小区路灯损坏多日，夜间出行不便。", source=Source.HOTLINE,
            requester_kind=RequesterKind.CITIZEN, requester_name="王先生", requester_phone="13900001111",
            requester_user=Cast.handler, category=category, by=Cast.dispatcher)

    with Timer() as timer:
        for i in range(args.cases):
            new_case(i)
    print(f"register:   {args.cases} cases: {timer.rates(args.cases, 'registrations')}")

    with Timer() as timer:
        for i in range(args.lifecycles):
            case = new_case(i)
            transitions.dispatch(case, lead_unit=Cast.housing, by=Cast.dispatcher)
            transitions.claim(case.assignments.get(), by=Cast.handler)
            transitions.reply(case, text="已修复。", by=Cast.handler)
            transitions.evaluate(case, satisfaction=Satisfaction.SATISFIED, by=Cast.handler)
    print(f"lifecycle:  {args.lifecycles}: {timer.rates(args.lifecycles, 'full lifecycles')} "
          "(register, dispatch, claim, reply, evaluate → closed: 6 events each)")

    if args.bulk_events:
        _bulk_load(args.bulk_events, Cast.dispatcher)
    with Timer() as timer:
        progress = list(ledger.verify_chains())
    checked = progress[-1][0] if progress else 0
    breaks = sum(problem is not None for _, problem in progress)
    print(f"verify:     {checked:,} events: {timer.rates(checked, 'events')}; {breaks} broken chains")


class Timer:
    """Wall-clock time, and this process's CPU time: on a busy machine the second is the steadier figure
    (on SQLite it includes the database's own work; PostgreSQL's server time is not in it)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def rates(self, n: int, what: str) -> str:
        return (f"{self.wall:.2f} s wall = {n / self.wall:,.0f} {what}/s; "
                f"{self.cpu:.2f} s CPU = {n / self.cpu:,.0f} {what} per CPU-second")


def _bulk_load(count: int, actor) -> None:
    """Valid chains of six events per case, hashed exactly as ledger.record does, inserted in bulk."""
    from datetime import UTC, datetime, timedelta

    from dajuan.cases.models import GENESIS_HASH, Case, Event
    from dajuan.core.canonical import chain_hash

    started = time.perf_counter()
    base = datetime(2025, 1, 2, 1, 0, tzinfo=UTC)
    verbs = ["registered", "dispatched", "claimed", "replied", "evaluated", "closed"]
    cases_needed = count // len(verbs)
    batch = 2000
    for first in range(0, cases_needed, batch):
        n = min(batch, cases_needed - first)
        cases = Case.objects.bulk_create([
            Case(number=f"2025-{first + i + 1:06d}", title="批量导入", content="基准测试数据", source="hotline",
                 requester_kind="citizen", requester_name="张先生", registered_at=base, status="closed",
                 closure_kind="evaluated", version=len(verbs))
            for i in range(n)
        ])
        events = []
        for case in cases:
            prev = GENESIS_HASH
            for seq, verb in enumerate(verbs, start=1):
                at = base + timedelta(hours=seq)
                event = Event(case=case, seq=seq, verb=verb, actor=actor, actor_name=str(actor), at=at,
                              payload={"unit": "QC-ZJJ"}, prev_hash=prev)
                event.hash = chain_hash(prev, event.body(case.number))
                prev = event.hash
                events.append(event)
        Event.objects.bulk_create(events, batch_size=5000)
    print(f"bulk-load:  {cases_needed * len(verbs):,} events in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
