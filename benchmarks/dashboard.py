"""Benchmark of the dashboard and the quarterly assessment (issue 7). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/dashboard.py                    # SQLite file in a temporary folder
    DAJUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dajuan_bench .venv/bin/python benchmarks/dashboard.py
    .venv/bin/python benchmarks/dashboard.py --sizes 100000 1000000 --runs 20

For each history size (cases over three years) it fills the rollups as that history would (rows per day ×
lead unit × category × channel, at the density that many cases give) and times, in-process (server time,
no HTTP): the default dashboard (district, last 90 days, by week) and a quarter's assessment of every unit.
What it loads is synthetic rollup rows, not ledgers (the cube per day × unit × category × channel at the
density that many cases give, and the UnitDay and DayBreakdown layers summed from it): both reads touch
only the rollups (plus the open cases, none here), so their time depends on the rollup rows they read.
The cost of keeping rollups on writes shows in benchmarks/loop.py (the receiver runs on every event).
The target database is emptied first (it must be a scratch database).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dajuan.settings")
os.environ.setdefault("DAJUAN_SECRET_KEY", "benchmark-only-" + "x" * 40)
if "DAJUAN_DATABASE_URL" not in os.environ:
    os.environ["DAJUAN_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='dajuan-bench-')}/bench.sqlite3"

DAYS = 3 * 365


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="cases over 3 years")
    parser.add_argument("--runs", type=int, default=20, help="timed dashboard runs per size")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one dashboard call per size")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if "cases_case" in connection.introspection.table_names():
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from dajuan.assessment.models import AssessedKind, Indicator, IndicatorWeight, Metric
    from dajuan.assessment.selectors import compute, quarter_of
    from dajuan.cases.choices import CaseStatus, Source
    from dajuan.cases.models import Category
    from dajuan.dashboard.selectors import dashboard_data, default_period
    from dajuan.org.choices import Role, UnitKind
    from dajuan.org.services import membership_add, unit_add
    from dajuan.rollups.models import DailyRollup, DayBreakdown, UnitDay

    rng = random.Random(7)
    root = unit_add(code="QC", name="谯城区", kind=UnitKind.DISTRICT, parent=None)
    leaves = []
    for d in range(24):
        leaves.append(unit_add(code=f"QC-D{d:02d}", name=f"部门{d}", kind=UnitKind.DEPARTMENT, parent=root).code)
    for t in range(25):
        town = unit_add(code=f"QC-T{t:02d}", name=f"镇{t}", kind=UnitKind.TOWN, parent=root)
        leaves.append(town.code)
        for v in range(6):
            village = unit_add(code=f"{town.code}-{v:02d}", name=f"村{t}-{v}", kind=UnitKind.VILLAGE, parent=town)
            leaves.append(village.code)
            for g in range(3):
                unit_add(code=f"{village.code}-{g:02d}", name=f"网格{t}-{v}-{g}", kind=UnitKind.GRID, parent=village)
    categories = [Category.objects.create(code=f"C{i:02d}", name=f"类别{i}").pk for i in range(30)]
    channels = [s for s in Source.values if s != Source.DISCIPLINE]
    supervisor = get_user_model().objects.create_user(username="bench", password=None, full_name="基准")
    membership_add(user=supervisor, unit=root, role=Role.SUPERVISOR, title="督查员")
    for code, metric in [("A", Metric.CLAIM_RATE), ("B", Metric.ON_TIME_REPLY_RATE), ("C", Metric.SATISFACTION_RATE),
                         ("D", Metric.REOPEN_RATE), ("E", Metric.SPOT_CHECK_FAILURES), ("F", Metric.MANUAL)]:
        for kind in AssessedKind.values:
            indicator = Indicator.objects.create(code=f"{kind}-{code}", name=code, kind=kind, metric=metric)
            year, quarter = quarter_of(timezone.localdate() - timedelta(days=92))
            IndicatorWeight.objects.create(indicator=indicator, year=year, quarter=quarter, weight=10)

    today = timezone.localdate()
    print(f"database: {connection.vendor}; units: {len(leaves)} leaves; 3 years = {DAYS} days; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (cpu = this process only)", flush=True)
    print(f"{'cases':>10} {'rollup rows':>12} {'dashboard p50':>14} {'p90':>9} {'cpu p50':>11} {'assessment':>11}",
          flush=True)
    for size in args.sizes:
        DailyRollup.objects.all().delete()
        per_day = size / DAYS
        rows_per_day = max(1, min(int(per_day * 1.6), 6000))
        for model in (DailyRollup, UnitDay, DayBreakdown):
            model.objects.all().delete()
        counters = ["registered", "status_closed", f"status_{CaseStatus.IN_PROGRESS}", "handed", "claims",
                    "same_day_claims", "claim_den", "claim_num", "reply_den", "reply_num", "closed_num", "evaluated",
                    "satisfied", "closed_events", "reopened", "supervised"]
        cube_sql = _insert_sql(DailyRollup, ["day", "unit_code", "category_id", "channel", *counters])
        unit_sql = _insert_sql(UnitDay, ["day", "unit_code", *counters])
        breakdown_sql = _insert_sql(DayBreakdown, ["day", "dimension", "value", "registered"])
        cube_zeros = [0] * _other_count(DailyRollup, ["day", "unit_code", "category_id", "channel", *counters])
        unit_zeros = [0] * _other_count(UnitDay, ["day", "unit_code", *counters])
        cube, units, breakdowns = [], [], []
        total = 0
        spread = max(1, int(2 * per_day / rows_per_day))
        for offset in range(DAYS):
            day = today - timedelta(days=offset)
            keys = set()
            while len(keys) < rows_per_day:
                keys.add((rng.choice(leaves), rng.choice(categories), rng.choice(channels)))
            per_unit: dict[str, list[int]] = {}
            per_value: dict[tuple[str, str], int] = {}
            for unit_code, category_id, channel in keys:
                n = rng.randint(1, spread)
                replied = rng.randint(0, n)
                values = [n, replied, n - replied, n, n, rng.randint(0, n), n, rng.randint(0, n), n, replied, replied,
                          replied, rng.randint(0, replied), replied, rng.randint(0, 1), rng.randint(0, 1)]
                cube.append([day, unit_code, category_id, channel, *values, *cube_zeros])
                sums = per_unit.setdefault(unit_code, [0] * len(values))
                for i, v in enumerate(values):
                    sums[i] += v
                for key in (("channel", channel), ("category", str(category_id))):
                    per_value[key] = per_value.get(key, 0) + n
                total += 1
            units.extend([day, code, *sums, *unit_zeros] for code, sums in per_unit.items())
            breakdowns.extend([day, dimension, value, n] for (dimension, value), n in per_value.items())
            if len(cube) >= 20000:
                _flush(connection, [(cube_sql, cube), (unit_sql, units), (breakdown_sql, breakdowns)])
        _flush(connection, [(cube_sql, cube), (unit_sql, units), (breakdown_sql, breakdowns)])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        period = default_period(today)
        dashboard_data(supervisor, unit=root, period=period, today=today)  # warm caches
        times, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            dashboard_data(supervisor, unit=root, period=period, today=today)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(dashboard_data, supervisor, unit=root, period=period, today=today)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        year, quarter = quarter_of(today - timedelta(days=92))
        started = time.perf_counter()
        compute(year, quarter, today=today)
        assessment = time.perf_counter() - started
        times.sort()
        p90 = times[int(len(times) * 0.9) - 1]
        print(f"{size:>10,} {total:>12,} {statistics.median(times):>11.1f} ms {p90:>6.1f} ms "
              f"{statistics.median(cpu):>8.1f} ms {assessment:>9.2f} s", flush=True)


def _insert_sql(model, columns: list[str]) -> str:
    others = _others(model, columns)
    return (f"INSERT INTO {model._meta.db_table} ({', '.join(columns + others)}) "
            f"VALUES ({', '.join(['%s'] * (len(columns) + len(others)))})")


def _others(model, columns: list[str]) -> list[str]:
    """The model's remaining counter columns (inserted as 0)."""
    return [f.column for f in model._meta.concrete_fields if f.column not in columns and not f.primary_key]


def _other_count(model, columns: list[str]) -> int:
    return len(_others(model, columns))


def _flush(connection, batches) -> None:
    with connection.cursor() as cursor:
        for sql, rows in batches:
            if rows:
                cursor.executemany(sql, rows)
            rows.clear()


if __name__ == "__main__":
    main()
