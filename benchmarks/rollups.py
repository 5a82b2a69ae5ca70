"""Benchmark of keeping the rollups (issue 7): what the event_recorded receiver costs the loop's writes,
and how fast rebuild_rollups and check_rollups read the ledger. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/rollups.py                      # SQLite file in a temporary folder
    DAJUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dajuan_bench .venv/bin/python benchmarks/rollups.py
    .venv/bin/python benchmarks/rollups.py --lifecycles 300

Full lifecycles (register → dispatch → claim → reply → evaluate → closed, 6 events) are timed alternately in
rounds with the receiver disconnected and connected, so a busy machine slows both alike; then the rollups
are rebuilt from the ledger and checked against a recount. The target database is emptied first.
"""

import argparse
import os
import time

import scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lifecycles", type=int, default=300, help="lifecycles timed each way")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds the lifecycles are split into")
    args = parser.parse_args()

    connection = scratch.fresh_database()
    from dajuan.cases import transitions
    from dajuan.cases.choices import RequesterKind, Satisfaction, Source
    from dajuan.cases.signals import event_recorded
    from dajuan.rollups.services import on_event_recorded, recount_differences, rollups_rebuild

    Cast = scratch.cast()
    category = Cast.category
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    def lifecycles(n: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            case = transitions.register(
                title=f"小区路灯损坏 {i}", content="东关小区路灯损坏多日。", source=Source.HOTLINE,
                requester_kind=RequesterKind.CITIZEN, requester_name="王先生", requester_phone="13900001111",
                requester_user=Cast.handler, category=category, by=Cast.dispatcher)
            transitions.dispatch(case, lead_unit=Cast.housing, by=Cast.dispatcher)
            transitions.claim(case.assignments.get(), by=Cast.handler)
            transitions.reply(case, text="已修复。", by=Cast.handler)
            transitions.evaluate(case, satisfaction=Satisfaction.SATISFIED, by=Cast.handler)
        return time.perf_counter() - started

    per_round = max(1, args.lifecycles // args.rounds)
    without = with_ = 0.0
    for _ in range(args.rounds):
        event_recorded.disconnect(dispatch_uid="rollups.on_event_recorded")
        without += lifecycles(per_round)
        event_recorded.connect(on_event_recorded, dispatch_uid="rollups.on_event_recorded")
        with_ += lifecycles(per_round)
    n = per_round * args.rounds
    print(f"lifecycles without rollups: {n / without:,.1f}/s ({without / n / 6 * 1000:.2f} ms per event)")
    print(f"lifecycles with rollups:    {n / with_:,.1f}/s ({with_ / n / 6 * 1000:.2f} ms per event), "
          f"overhead {(with_ / without - 1) * 100:+.0f}%")
    started = time.perf_counter()
    cases = rollups_rebuild()
    print(f"rebuild_rollups: {cases:,} cases in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    problems = recount_differences()
    print(f"check_rollups:   {len(problems)} disagreements, {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
