"""Benchmark of the staff workbench (issue 4). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/workbench.py                    # SQLite file in a temporary folder
    DAJUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dajuan_bench .venv/bin/python benchmarks/workbench.py
    .venv/bin/python benchmarks/workbench.py --cases 20000 --runs 20

Bulk-loads --cases cases (default 200,000) that are indistinguishable from what the transitions write:
valid ledger chains (hashed as ledger.record does), assignments with deadlines, statuses across the loop
(2% received, 6% dispatched, 8% in progress, 4% replied, 80% closed), 30 lead units, a year of dates.
Then times whole requests through Django's test client (middleware, access, selectors, templates: the
server's time, without the network) and prints median and p95 for: a unit's 待认领 inbox, the
dispatcher's list with two filters, a full-text search (a common word and a rare phrase), and the case
page. The target database is emptied first (it must be a scratch database).

Load-independent evidence: every line shows the page's query count; `--profile inbox` (a substring of
the page labels, repeatable) also prints, for those pages, the cProfile top functions by own time
and by cumulative time over --runs requests and each query's share of the database time.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dajuan.settings")
os.environ.setdefault("DAJUAN_SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("DAJUAN_SSL_REDIRECT", "0")
os.environ.setdefault("DAJUAN_STATIC_MANIFEST", "0")
os.environ.setdefault("DAJUAN_ALLOWED_HOSTS", "testserver")
if "DAJUAN_DATABASE_URL" not in os.environ:
    os.environ["DAJUAN_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='dajuan-bench-')}/bench.sqlite3"

STATUS_MIX = [("received", 2), ("dispatched", 6), ("in_progress", 8), ("replied", 4), ("closed", 80)]
VERBS = {
    "received": ["registered"],
    "dispatched": ["registered", "dispatched"],
    "in_progress": ["registered", "dispatched", "claimed"],
    "replied": ["registered", "dispatched", "claimed", "replied"],
    "closed": ["registered", "dispatched", "claimed", "replied", "evaluated", "closed"],
}
ASSIGNMENT = {"dispatched": "pending", "in_progress": "claimed", "replied": "replied", "closed": "replied"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200_000, help="cases to bulk-load")
    parser.add_argument("--runs", type=int, default=30, help="requests timed per page")
    parser.add_argument("--reuse", action="store_true", help="time against the cases already loaded in the "
                        "database named by DAJUAN_DATABASE_URL (a previous run's), without loading again")
    parser.add_argument("--profile", action="append", default=[], metavar="LABEL",
                        help="also profile the pages whose label contains LABEL (e.g. inbox, 'case page')")
    parser.add_argument("--only", action="append", default=[], metavar="LABEL",
                        help="time only the pages whose label contains LABEL")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dajuan.cases.models import Case, Category
    from dajuan.org.choices import UnitKind
    from dajuan.org.services import unit_add
    from dajuan.testing import build_cast

    class Cast:
        pass

    print(f"database: {connection.vendor}  ({os.environ['DAJUAN_DATABASE_URL'].split('@')[-1]})")
    if args.reuse:
        users = get_user_model().objects
        Cast.dispatcher, Cast.handler = users.get(username="zhang"), users.get(username="li")
        numbers = {"closed:QC-ZJJ": Case.objects.filter(status="closed", lead_unit__code="QC-ZJJ")
                   .values_list("number", flat=True).first()}
        call_command("migrate", verbosity=0)  # e.g. an index added since the load
        print(f"reusing {Case.objects.count():,} cases")
    else:
        if "cases_case" in connection.introspection.table_names():
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        build_cast(Cast)
        units = [Cast.housing, Cast.labour, Cast.town] + [
            unit_add(code=f"QC-B{i:02d}", name=f"区第{i}局", kind=UnitKind.DEPARTMENT, parent=Cast.district)
            for i in range(27)]
        category = Category.objects.create(code="JS", name="城乡建设", default_lead_unit=Cast.housing)
        started = time.perf_counter()
        numbers = _bulk_load(args.cases, Cast.dispatcher, units, category)
        print(f"bulk-load:  {args.cases:,} cases in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does after a load in production: statistics, and the visibility map that lets
            # index-only scans skip the heap (without it the planner walks a partial index instead).
            cursor.execute("VACUUM ANALYZE")

    pages = [
        ("handler 待认领 inbox", Cast.handler, "/inbox/to_claim/"),
        ("dispatcher 待派发 inbox", Cast.dispatcher, "/inbox/received/"),
        ("dispatcher list, 2 filters", Cast.dispatcher, "/cases/?status=in_progress&unit=QC-ZJJ"),
        ("search, common word 电梯", Cast.dispatcher, "/cases/?q=%E7%94%B5%E6%A2%AF"),
        ("search, rare phrase 烧烤店油烟直排", Cast.dispatcher,
         "/cases/?q=%E7%83%A7%E7%83%A4%E5%BA%97%E6%B2%B9%E7%83%9F%E7%9B%B4%E6%8E%92"),
        ("search, no match 火星基地 (full scan)", Cast.dispatcher, "/cases/?q=%E7%81%AB%E6%98%9F%E5%9F%BA%E5%9C%B0"),
        ("list page 200 (keyset)", Cast.dispatcher, None),
        ("case page", Cast.handler, f"/cases/{numbers['closed:QC-ZJJ']}/"),
    ]
    for label, user, url in pages:
        if args.only and not any(o in label for o in args.only):
            continue
        client = Client()
        client.force_login(user)
        if url is None:
            url = _deep_url(user, 200)
        client.get(url)
        times, cpu = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                begin, begin_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - begin) * 1000)
                cpu.append((time.process_time() - begin_cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        # CPU time of this process (Django, and SQLite, which runs in it; not the PostgreSQL server): less
        # sensitive than wall time to other processes competing for the cores.
        print(f"{label:<34} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
              f"cpu p50 {statistics.median(cpu):6.1f} ms   {len(ctx.captured_queries)} queries")
        if any(p in label for p in args.profile):
            _profile(client, url, args.runs)


def _profile(client, url: str, runs: int) -> None:
    """cProfile of `runs` requests (top functions by own and cumulative time) and the queries of one."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(url)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(18)
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    total = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    print(f"  {len(ctx.captured_queries)} queries, {total:.1f} ms in the database:")
    for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:8]:
        print(f"  {float(q['time']) * 1000:7.2f} ms  {q['sql'][:230]}")


def _deep_url(user, pages: int) -> str:
    """The list's URL `pages` pages deep, following the keyset cursors."""
    from dajuan.cases.selectors import case_page

    cursor = None
    for _ in range(pages - 1):
        cursor = case_page(user, after=cursor, limit=50).next_cursor
    return f"/cases/?after={cursor}"


def _bulk_load(count: int, actor, units, category) -> dict[str, str]:
    """Cases with valid chains and assignments, inserted in bulk (the shape transitions write)."""
    from datetime import UTC, datetime, timedelta

    from dajuan.cases.models import GENESIS_HASH, Assignment, Case, Event
    from dajuan.core.canonical import chain_hash
    from dajuan.demo.inboxes import PROBLEMS

    rng = random.Random(4)
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    now = datetime.now(UTC)
    start = now - timedelta(days=365)
    numbers, batch = {}, 2000
    for first in range(0, count, batch):
        rows = []
        for i in range(first, min(count, first + batch)):
            status = rng.choice(statuses)
            registered = start + timedelta(seconds=int(365 * 86400 * (i + 1) / (count + 1)))
            if status in ("received", "dispatched", "in_progress"):
                registered = now - timedelta(hours=rng.randint(1, 24 * 30))
            title, content, _code, source = rng.choice(PROBLEMS)
            rows.append((status, registered, rng.choice(units), title, content, source))
        cases = Case.objects.bulk_create([
            Case(number=f"B-{first + i + 1:07d}", title=title, content=content, source=source,
                 requester_kind="citizen", requester_name="张先生", requester_phone="13900001111",
                 registered_at=registered, status=status, category=category,
                 lead_unit=unit if status != "received" else None,
                 dispatched_at=registered + timedelta(hours=1) if status != "received" else None,
                 claim_due=registered + timedelta(hours=8) if status != "received" else None,
                 reply_due=registered + timedelta(days=7) if status != "received" else None,
                 replied_at=registered + timedelta(days=3) if status in ("replied", "closed") else None,
                 closed_at=registered + timedelta(days=4) if status == "closed" else None,
                 satisfaction="satisfied" if status == "closed" else "",
                 closure_kind="evaluated" if status == "closed" else "",
                 version=len(VERBS[status]))
            for i, (status, registered, unit, title, content, source) in enumerate(rows)
        ])
        events, assignments = [], []
        for case, (status, registered, unit, *_rest) in zip(cases, rows, strict=True):
            numbers.setdefault(f"{status}:{unit.code}", case.number)
            prev = GENESIS_HASH
            for seq, verb in enumerate(VERBS[status], start=1):
                event = Event(case=case, seq=seq, verb=verb, actor=actor, actor_name=str(actor),
                              at=registered + timedelta(hours=seq - 1), payload={"unit": unit.code}, prev_hash=prev)
                event.hash = chain_hash(prev, event.body(case.number))
                prev = event.hash
                events.append(event)
            if status in ASSIGNMENT:
                assignments.append(Assignment(case=case, unit=unit, role="lead", status=ASSIGNMENT[status],
                                              created_at=case.dispatched_at, claim_due=case.claim_due,
                                              reply_due=case.reply_due))
        Event.objects.bulk_create(events, batch_size=5000)
        Assignment.objects.bulk_create(assignments, batch_size=5000)
    return numbers


if __name__ == "__main__":
    main()
