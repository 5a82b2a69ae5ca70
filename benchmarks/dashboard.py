"""Benchmark of the dashboard and the quarterly assessment (issue 7) on real ledgers. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/dashboard.py                    # SQLite file in a temporary folder (deleted after)
    DAJUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dajuan_bench .venv/bin/python benchmarks/dashboard.py
    .venv/bin/python benchmarks/dashboard.py --sizes 100000 1000000 --runs 20

For each size (ascending; the database is emptied before each) it bulk-loads that many cases registered over
the last three years, each with its lead assignment(s), evaluations and a valid hash chain written exactly as
cases.transitions would write them (the same payload keys, deadlines from the working-day calendar, the
projection on the case row, hashes by core.canonical.chain_hash). The histories are mixed so every figure has
data: closed after 满意/基本满意, reopened after 不满意 and closed again, closed 未评价, reopened by a failed
spot check, rejected, returned and re-dispatched, supervised 催办/督办/挂牌督办, suspended, overdue, and the
open ones of the last days (received, waiting to be claimed, in progress, replied and waiting for the grade).

Then, timed: `verify_ledger`'s walk (ledger.verify_chains) over every event (or --verify-sample cases);
`dajuan rebuild_rollups` (the real command); `dajuan check_rollups` (the real command, a full recount);
the default dashboard's server time for a district supervisor — dashboard_data in-process and GET /dashboard/
through the Django test client (view + template), p50/p95 over --runs, with its query count; and a quarter's
assessment for every unit (assessment.selectors.compute). Build steps print wall time, this process's CPU
time and, on PostgreSQL on this host, the server backend's CPU time. The target database is emptied first
(it must be a scratch database); a temporary SQLite folder is deleted at the end.
"""

import argparse
import bisect
import json
import os
import random
import shutil
import statistics
import time
from datetime import UTC, timedelta
from pathlib import Path

import scratch

os.environ.setdefault("DAJUAN_STATIC_MANIFEST", "false")  # the page renders without collectstatic

DAYS = 3 * 365
TEMPORARY = "dajuan-bench-" in os.environ["DAJUAN_DATABASE_URL"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="cases over 3 years")
    parser.add_argument("--runs", type=int, default=20, help="timed dashboard runs per size")
    parser.add_argument("--verify-sample", type=int, default=0, metavar="N",
                        help="verify the chains of N random cases instead of every chain (default: every chain)")
    parser.add_argument("--no-check", action="store_true", help="skip check_rollups (a full recount)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one dashboard call per size")
    parser.add_argument("--keep", action="store_true", help="leave the last size's data in the database")
    parser.add_argument("--reads-only", action="store_true",
                        help="time the dashboard and the assessment on a database this script filled (--keep)")
    args = parser.parse_args()
    if args.reads_only:
        import django
        from django.db import connection

        django.setup()
        from dajuan.cases.models import Case

        print(f"reads only: {Case.objects.count():,} cases · database: {connection.vendor} · load average {_load()}")
        _time_reads(connection, District.existing(), args)
        return

    connection = None
    try:
        for size in sorted(args.sizes):
            connection = scratch.fresh_database()
            run_size(connection, size, args)
    finally:
        if connection is not None and not args.keep:
            _clean_up(connection)


def run_size(connection, size: int, args) -> None:
    from django.core.management import call_command

    from dajuan.cases import ledger

    district = District.build()
    print(f"\n== {size:,} cases over {DAYS} days · database: {connection.vendor} "
          f"({os.environ['DAJUAN_DATABASE_URL'].split('@')[-1]}) · load average {_load()} on {os.cpu_count()} cores",
          flush=True)
    with Clock(connection) as clock:
        events = load_history(connection, district, size)
    print(f"bulk load:       {size:,} cases, {events:,} events: {clock} "
          f"= {size / clock.wall:,.0f} cases/s", flush=True)
    with Clock(connection) as clock, connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"analyze:         {clock}", flush=True)

    with Clock(connection) as clock:
        if args.verify_sample:
            checked, breaks = _verify_sample(connection, args.verify_sample)
            what = f"{args.verify_sample:,} random cases' chains ({checked:,} events)"
        else:
            progress = list(ledger.verify_chains())
            checked = progress[-1][0] if progress else 0
            breaks = sum(problem is not None for _, problem in progress)
            what = f"every chain ({checked:,} events)"
    print(f"verify_ledger:   {what}: {breaks} broken; {clock} = {checked / clock.wall:,.0f} events/s", flush=True)

    with Clock(connection) as clock:
        call_command("rebuild_rollups", stdout=_Null(), stderr=_Null())
    print(f"rebuild_rollups: {clock} = {size / clock.wall:,.0f} cases/s", flush=True)
    _rollup_sizes()
    if not args.no_check:
        with Clock(connection) as clock:
            try:
                call_command("check_rollups", stdout=_Null(), stderr=_Null())
                verdict = "agree with a full recount"
            except Exception as error:  # CommandError: the disagreements are the finding
                verdict = f"DISAGREE: {error}"
        print(f"check_rollups:   {verdict}; {clock}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _time_reads(connection, district, args)
    print(f"storage:         {_storage(connection)}; disk: {_df()}", flush=True)


# --- the district ------------------------------------------------------------------------------------------


class District:
    """Units (24 departments, 25 towns × 6 villages × 3 grids), 30 categories with the default deadline
    policy, the people who act in the ledger (a handler per unit) and assessment indicators."""

    @classmethod
    def build(cls) -> "District":
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from dajuan.assessment.models import AssessedKind, Indicator, IndicatorWeight, Metric
        from dajuan.assessment.selectors import quarter_of
        from dajuan.cases.catalog import category_add, deadline_policy_set
        from dajuan.cases.choices import LimitUnit, Priority
        from dajuan.org.choices import Role, UnitKind
        from dajuan.org.services import membership_add, unit_add

        self = cls()
        User = get_user_model()
        self.quarter = quarter_of(timezone.localdate() - timedelta(days=92))  # the last full quarter

        def person(username: str, name: str, unit, role: str):
            user = User.objects.create_user(username=username, password=None, full_name=name)
            membership_add(user=user, unit=unit, role=role, title="")
            return user

        self.root = unit_add(code="QC", name="谯城区", kind=UnitKind.DISTRICT, parent=None)
        self.leaves, self.grids = [], []  # (unit, handler); (grid, its village, village's handler)
        self.dispatcher = person("paidan", "区营商办派单员", self.root, Role.DISPATCHER)
        self.supervisor = person("ducha", "督查考核办", self.root, Role.SUPERVISOR)
        self.leader = person("quzhang", "区领导", self.root, Role.DISTRICT_LEADER)
        for d in range(24):
            unit = unit_add(code=f"QC-D{d:02d}", name=f"部门{d}", kind=UnitKind.DEPARTMENT, parent=self.root)
            self.leaves.append((unit, person(f"h-{unit.code}", f"承办人{unit.code}", unit, Role.HANDLER)))
        for t in range(25):
            town = unit_add(code=f"QC-T{t:02d}", name=f"镇{t}", kind=UnitKind.TOWN, parent=self.root)
            self.leaves.append((town, person(f"h-{town.code}", f"承办人{town.code}", town, Role.HANDLER)))
            for v in range(6):
                village = unit_add(code=f"{town.code}-{v:02d}", name=f"村{t}-{v}", kind=UnitKind.VILLAGE, parent=town)
                handler = person(f"h-{village.code}", f"承办人{village.code}", village, Role.HANDLER)
                self.leaves.append((village, handler))
                for g in range(3):
                    grid = unit_add(code=f"{village.code}-{g:02d}", name=f"网格{t}-{v}-{g}", kind=UnitKind.GRID,
                                    parent=village)
                    self.grids.append((grid, village, handler))
        for priority, amount, unit in [(Priority.NORMAL, 5, LimitUnit.WORKING_DAYS),
                                       (Priority.URGENT, 1, LimitUnit.WORKING_DAYS),
                                       (Priority.CRITICAL, 2, LimitUnit.WORKING_HOURS)]:
            deadline_policy_set(category=None, priority=priority, reply_limit=amount, limit_unit=unit)
        self.categories = [category_add(code=f"C{i:02d}", name=f"类别{i}") for i in range(30)]
        for code, metric in [("A", Metric.CLAIM_RATE), ("B", Metric.ON_TIME_REPLY_RATE),
                             ("C", Metric.SATISFACTION_RATE), ("D", Metric.REOPEN_RATE),
                             ("E", Metric.SPOT_CHECK_FAILURES), ("F", Metric.SAME_DAY_CLAIM_SHARE),
                             ("G", Metric.CLOSURE_RATE), ("H", Metric.RETURN_RATE), ("I", Metric.ESCALATIONS),
                             ("J", Metric.MANUAL)]:
            for kind in AssessedKind.values:
                indicator = Indicator.objects.create(code=f"{kind}-{code}", name=code, kind=kind, metric=metric,
                                                     key_work=code in "BC")
                IndicatorWeight.objects.create(indicator=indicator, year=self.quarter[0], quarter=self.quarter[1],
                                               weight=10)
        return self


    @classmethod
    def existing(cls) -> "District":
        """The district a previous run built (--keep), for --reads-only."""
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from dajuan.assessment.selectors import quarter_of
        from dajuan.org.models import Unit

        self = cls()
        self.root = Unit.objects.get(code="QC")
        self.supervisor = get_user_model().objects.get(username="ducha")
        self.quarter = quarter_of(timezone.localdate() - timedelta(days=92))
        return self


# --- the histories -----------------------------------------------------------------------------------------

SOURCES = ["hotline"] * 10 + ["web"] * 3 + ["enterprise_portal", "api", "open311", "import", "breakfast_meeting",
                                          "wechat_group", "enterprise_visit", "petition", "supervision",
                                          "walk_in"] + ["grid", "door_knock"] * 2
GRID_SOURCES = ("grid", "door_knock")


class Deadlines:
    """assignment_deadlines for normal priority, memoised: they depend only on the local day and whether the
    dispatch came before the claim cut-off (worktime's claim_due and add_working_days)."""

    def __init__(self) -> None:
        from django.conf import settings

        from dajuan.cases.deadlines import due_after, limit_for
        from dajuan.worktime.calendar import WorkCalendar
        from dajuan.worktime.deadlines import claim_due, setting_time

        self.calendar = WorkCalendar.current()
        self.limit = limit_for(None, "normal")
        self.cutoff = setting_time("DAJUAN_CLAIM_CUTOFF")
        self._due_after, self._claim_due = due_after, claim_due
        self.tz = __import__("zoneinfo").ZoneInfo(settings.TIME_ZONE)
        self.memo: dict = {}

    def at(self, moment):
        local = moment.astimezone(self.tz)
        key = (local.date(), local.time() < self.cutoff)
        found = self.memo.get(key)
        if found is None:
            claim = self._claim_due(moment, self.calendar).at
            reply = self._due_after(moment, self.limit.amount, self.limit.unit, self.calendar).at
            found = self.memo[key] = (claim, reply, claim.isoformat(), reply.isoformat())
        return found


class Writer:
    """Collects rows of cases, assignments, evaluations and events and writes them in batches."""

    def __init__(self, connection) -> None:
        from dajuan.cases.models import Assignment, Case, Evaluation, Event

        self.connection = connection
        self.models = {"case": Case, "assignment": Assignment, "evaluation": Evaluation, "event": Event}
        self.columns = {
            "case": [f.column for f in Case._meta.concrete_fields],
            "assignment": [f.column for f in Assignment._meta.concrete_fields],
            "evaluation": [f.column for f in Evaluation._meta.concrete_fields],
            "event": [f.column for f in Event._meta.concrete_fields],
        }
        self.defaults = {name: {f.column: f.get_default() for f in model._meta.concrete_fields}
                         for name, model in self.models.items()}
        self.rows: dict[str, list] = {name: [] for name in self.models}
        self.events = 0

    def add(self, kind: str, row: dict) -> None:
        columns, defaults = self.columns[kind], self.defaults[kind]
        self.rows[kind].append(tuple(row[c] if c in row else defaults[c] for c in columns))

    def add_event(self, row: tuple) -> None:
        self.rows["event"].append(row)
        self.events += 1

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic():  # one transaction per batch (autocommit would commit every row)
            for kind in ("case", "assignment", "evaluation", "event"):  # parents first (foreign keys)
                scratch.bulk_insert(self.connection, self.models[kind], self.columns[kind], self.rows[kind])
                self.rows[kind].clear()


class CaseHistory:
    """One case walked through the loop as cases.transitions would: each step applies the case-row changes
    and appends the event with its payload and chained hash; a step later than `now` ends the walk (the case
    stays where it is). Rows go to the Writer when the walk ends."""

    __slots__ = ("assignments", "evaluations", "lead", "now", "number", "pk", "prev", "row", "seq", "sim")

    def __init__(self, sim: "Simulation", pk: int, number: str, row: dict) -> None:
        self.sim, self.pk, self.number, self.row = sim, pk, number, row
        self.prev, self.seq, self.now = sim.genesis, 0, sim.now
        self.lead: dict | None = None
        self.assignments: list[dict] = []
        self.evaluations: list[dict] = []

    def event(self, verb: str, at, actor, payload: dict, **changes) -> bool:
        if at > self.now:
            return False
        at = at.astimezone(UTC)  # as ledger.record stores it (deadline-based moments are local)
        self.seq += 1
        actor_id, actor_name = actor
        stamp = at.isoformat()
        digest = self.sim.chain_hash(self.prev, {"case": self.number, "seq": self.seq, "verb": verb,
                                                 "actor": actor_id, "at": stamp, "payload": payload})
        self.sim.writer.add_event((self.sim.next_event_id(), self.pk, self.seq, verb, actor_id, actor_name, at,
                                   json.dumps(payload, ensure_ascii=False), self.prev, digest))
        self.prev = digest
        self.row.update(changes)
        self.row["version"] = self.seq
        return True

    def assign(self, unit, at) -> dict:
        claim_due, reply_due, claim_iso, reply_iso = self.sim.deadlines.at(at)
        self.lead = {"id": self.sim.next_assignment_id(), "case_id": self.pk, "unit_id": unit.pk, "role": "lead",
                     "status": "pending", "round": self.row["reopen_count"], "created_at": at,
                     "claim_due": claim_due, "reply_due": reply_due, "reply_text": ""}
        self.assignments.append(self.lead)
        return {"unit": unit.code, "role": "lead", "claim_due": claim_iso, "reply_due": reply_iso}

    def finish(self) -> None:
        writer = self.sim.writer
        writer.add("case", self.row)
        for a in self.assignments:
            writer.add("assignment", a)
        for e in self.evaluations:
            writer.add("evaluation", e)


class Simulation:
    def __init__(self, connection, district: District, size: int, seed: int = 7) -> None:
        from django.utils import timezone

        from dajuan.cases.models import GENESIS_HASH
        from dajuan.core.canonical import chain_hash

        self.district, self.size = district, size
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.genesis, self.chain_hash = GENESIS_HASH, chain_hash
        self.deadlines = Deadlines()
        self.writer = Writer(connection)
        self._event_id = self._assignment_id = self._evaluation_id = 0
        people = lambda u: (u.pk, str(u))  # noqa: E731 - (actor id, actor name) as ledger.record stores them
        self.dispatcher, self.supervisor = people(district.dispatcher), people(district.supervisor)
        self.leader = district.leader
        self.leaves = [(unit, people(handler)) for unit, handler in district.leaves]
        # Some units are much busier than others (departments most of all).
        self.leaf_weights = [5 if unit.kind == "department" else 2 if unit.kind == "town" else 1
                             for unit, _h in self.leaves]
        self.cumulative = []
        total = 0
        for weight in self.leaf_weights:
            total += weight
            self.cumulative.append(total)
        self.grids = [(grid, village, people(handler)) for grid, village, handler in district.grids]

    def next_event_id(self) -> int:
        self._event_id += 1
        return self._event_id

    def next_assignment_id(self) -> int:
        self._assignment_id += 1
        return self._assignment_id

    def next_evaluation_id(self) -> int:
        self._evaluation_id += 1
        return self._evaluation_id

    def leaf(self):
        return self.leaves[bisect.bisect_right(self.cumulative, self.rng.random() * self.cumulative[-1])]

    def registration_times(self) -> list:
        """`size` moments over the last three years, mostly in office hours, in order."""
        rng, now = self.rng, self.now
        start = now - timedelta(days=DAYS)
        moments = []
        for _ in range(self.size):
            day = rng.randrange(DAYS + 1)
            # local 08:00–18:00 (UTC 00:00–10:00) most of the time, else any hour
            seconds = rng.randrange(10 * 3600) if rng.random() < 0.85 else rng.randrange(86400)
            at = (start + timedelta(days=day)).replace(hour=0, minute=0, second=0) + timedelta(seconds=seconds)
            moments.append(min(at, now - timedelta(minutes=1)))
        moments.sort()
        return moments

    def run(self, batch: int = 5000) -> int:
        from django.conf import settings

        from dajuan.cases.models import CaseNumberSequence

        tz = __import__("zoneinfo").ZoneInfo(settings.TIME_ZONE)
        numbers: dict[int, int] = {}
        for pk, registered in enumerate(self.registration_times(), start=1):
            year = registered.astimezone(tz).year
            numbers[year] = numbers.get(year, 0) + 1
            self.walk(pk, f"{year}-{numbers[year]:06d}", registered).finish()
            if pk % batch == 0:
                self.writer.flush()
        self.writer.flush()
        CaseNumberSequence.objects.bulk_create([CaseNumberSequence(year=y, last=n) for y, n in numbers.items()])
        return self.writer.events

    def walk(self, pk: int, number: str, registered) -> CaseHistory:
        rng, d = self.rng, self.district
        source = rng.choice(SOURCES)
        grid = None
        if source in GRID_SOURCES:
            grid, unit, handler = rng.choice(self.grids)
        else:
            unit, handler = self.leaf()
        category = rng.choice(d.categories)
        row = {"id": pk, "number": number, "title": f"诉求{number}", "content": "基准测试：群众反映的问题。",
               "category_id": category.pk, "source": source, "priority": "normal", "status": "received",
               "requester_kind": "enterprise" if source.startswith("enterprise") else "citizen",
               "requester_name": "张先生", "requester_phone": "13800000000", "requester_user_id": None,
               "requester_unit_id": None, "address": "", "latitude": None, "longitude": None,
               "grid_id": grid.pk if grid else None, "lead_unit_id": None, "claim_due": None, "reply_due": None,
               "suspended_at": None, "registered_at": registered, "dispatched_at": None, "replied_at": None,
               "closed_at": None, "satisfaction": "", "evaluation_source": "", "closure_kind": "",
               "reopen_count": 0, "supervision_level": 0, "confidential": False, "duplicate_of_id": None,
               "idempotency_key": None, "version": 0}
        case = CaseHistory(self, pk, number, row)
        case.event("registered", registered, self.dispatcher, {
            "source": source, "priority": "normal", "category": category.pk, "confidential": False,
            "attachments": []})
        fate = rng.random()
        minutes = lambda a, b: timedelta(minutes=rng.uniform(a, b))  # noqa: E731
        hours = lambda a, b: timedelta(hours=rng.uniform(a, b))  # noqa: E731
        at = registered + minutes(5, 90)
        if fate < 0.02:  # 不予受理
            case.event("rejected", at, self.dispatcher, {"reason": "不属于受理范围。"},
                       status="rejected", closed_at=at, closure_kind="administrative")
            return case
        if fate < 0.035:  # dispatched to the wrong unit, returned (退回), dispatched again
            wrong, wrong_handler = self.leaf()
            if wrong.pk == unit.pk:
                wrong, wrong_handler = self.leaves[0] if unit.pk != self.leaves[0][0].pk else self.leaves[1]
            if not self.dispatch(case, wrong, category, at):
                return case
            at += hours(0.5, 6)
            if not case.event("returned", at, wrong_handler, {"unit": wrong.code, "reason": "不属于本单位职责。",
                                                              "withdrawn": []},
                              status="returned", lead_unit_id=None, claim_due=None, reply_due=None):
                return case
            case.lead.update(status="returned", ended_at=at)
            at += hours(0.5, 4)
        if not self.dispatch(case, unit, category, at):
            return case
        self.handle(case, unit, handler, at, fate)
        return case

    def dispatch(self, case: CaseHistory, unit, category, at) -> bool:
        lead = case.assign(unit, at)
        if not case.event("dispatched", at, self.dispatcher,
                          {"lead": lead, "assist": [], "category": category.code, "priority": "normal"},
                          status="dispatched", lead_unit_id=unit.pk, claim_due=case.lead["claim_due"],
                          reply_due=case.lead["reply_due"], dispatched_at=case.row["dispatched_at"] or at):
            case.assignments.pop()
            return False
        return True

    def handle(self, case: CaseHistory, unit, handler, at, fate: float, rounds: int = 0) -> None:
        """From a fresh lead assignment: claim, (supervision, suspension), reply, evaluation, closure."""
        rng = self.rng
        lead = case.lead
        late_claim = rng.random() < 0.08
        at += timedelta(hours=rng.uniform(4, 30)) if late_claim else timedelta(minutes=rng.uniform(5, 240))
        if not case.event("claimed", at, handler, {"unit": unit.code, "role": "lead",
                                                   "on_time": at <= lead["claim_due"]}, status="in_progress"):
            return
        lead.update(status="claimed", claimed_at=at, claimed_by_id=handler[0])
        if 0.04 <= fate < 0.043 and rounds == 0:  # 挂起: waiting on something outside the unit, clock paused
            moment = at + timedelta(hours=rng.uniform(1, 48))
            case.event("suspended", moment, handler, {"reason": "等待第三方鉴定结果。"},
                       status="suspended", suspended_at=moment.astimezone(UTC))
            return
        stalled = rounds == 0 and 0.035 <= fate < 0.04  # never answered: overdue, escalated level by level
        slow = rng.random() < 0.15
        reply_at = at + timedelta(hours=rng.uniform(2, 24 * (12 if slow else 5)))
        due = lead["reply_due"]
        if stalled or reply_at > due - timedelta(hours=3):
            # the supervision sweep's 催办 before the deadline, 督办 after it, 挂牌督办 a week on
            for level, moment in ((1, due - timedelta(hours=3)), (2, due + timedelta(days=2)),
                                  (3, due + timedelta(days=7))):
                if moment <= at or (not stalled and moment >= reply_at) or level <= case.row["supervision_level"]:
                    continue
                leader = self.leader if level == 3 else None
                if not case.event("supervised", moment, self.dispatcher, {
                        "level": level, "note": "请抓紧办理。", "escalated_to": leader.pk if leader else None,
                        "escalated_to_name": str(leader) if leader else "", "unit": unit.code},
                        supervision_level=level):
                    break
        if stalled:
            return
        at = max(reply_at, at + timedelta(minutes=1))
        if not case.event("replied", at, handler, {"unit": unit.code, "text": "已办理并答复。", "on_time": at <= due,
                                                   "overridden": [], "attachments": []},
                          status="replied", replied_at=at):
            return
        lead.update(status="replied", replied_at=at, replied_by_id=handler[0], reply_text="已办理并答复。")
        grade = rng.random()
        if grade < 0.12 and rounds == 0:  # no grade within a week: closed 未评价
            at += timedelta(days=7)
            case.event("closed", at, self.dispatcher, {"closure": "unevaluated", "note": "", "unit": unit.code},
                       status="closed", closed_at=at, closure_kind="unevaluated")
            return
        at += timedelta(hours=rng.uniform(1, 72))
        unsatisfied = grade < 0.17 and rounds == 0
        satisfaction = "unsatisfied" if unsatisfied else "satisfied" if rng.random() < 0.65 else "basically_satisfied"
        if not self.evaluate(case, unit, satisfaction, at):
            return
        if unsatisfied:
            self.reopen(case, unit, handler, at, "unsatisfied", "群众不满意。", fate, rounds)
            return
        case.event("closed", at, self.dispatcher, {"closure": "evaluated", "note": "", "unit": unit.code},
                   status="closed", closed_at=at, closure_kind="evaluated")
        if rounds == 0 and rng.random() < 0.01:  # 抽查回访 finds it unresolved
            self.reopen(case, unit, handler, at + timedelta(days=rng.uniform(3, 20)), "spot_check",
                        "抽查回访发现问题未解决。", fate, rounds, by=self.supervisor)

    def evaluate(self, case: CaseHistory, unit, satisfaction: str, at) -> bool:
        row = case.row
        if not case.event("evaluated", at, self.supervisor, {
                "satisfaction": satisfaction, "comment": "", "source": "callback", "round": row["reopen_count"],
                "unit": unit.code}, status="evaluated", satisfaction=satisfaction, evaluation_source="callback"):
            return False
        case.evaluations.append({"id": self.next_evaluation_id(), "case_id": case.pk, "round": row["reopen_count"],
                                 "satisfaction": satisfaction, "comment": "", "source": "callback",
                                 "by_id": self.supervisor[0], "at": at})
        return True

    def reopen(self, case: CaseHistory, unit, handler, at, cause: str, reason: str, fate: float, rounds: int,
               by=None) -> None:
        if at > self.now:
            return
        was = case.row["status"]
        case.row["reopen_count"] += 1
        lead = case.assign(unit, at)
        if not case.event("reopened", at, by or self.dispatcher, {
                "reason": reason, "cause": cause, "round": case.row["reopen_count"], "lead": lead, "was": was,
                "unit": unit.code}, status="dispatched", claim_due=case.lead["claim_due"],
                reply_due=case.lead["reply_due"], replied_at=None, closed_at=None, satisfaction="",
                evaluation_source="", closure_kind=""):
            return
        self.handle(case, unit, handler, at, fate, rounds + 1)


def load_history(connection, district: District, size: int) -> int:
    from dajuan.cases.models import Assignment, Case, Evaluation, Event

    if connection.vendor == "sqlite":  # the random-keyed hash index outgrows the default 2 MB page cache
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -524288")  # 512 MB, this connection only
    simulation = Simulation(connection, district, size)
    events = simulation.run()
    scratch.reset_sequences(connection, [Case, Assignment, Evaluation, Event])
    return events


# --- reads ---------------------------------------------------------------------------------------------------


def _time_reads(connection, district: District, args) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dajuan.assessment.selectors import compute
    from dajuan.dashboard.selectors import dashboard_data, default_period

    today = timezone.localdate()
    period = default_period(today)
    user = district.supervisor
    dashboard_data(user, unit=district.root, period=period, today=today)  # warm caches
    selector = _timed(args.runs, lambda: dashboard_data(user, unit=district.root, period=period, today=today),
                      connection)
    with CaptureQueriesContext(connection) as queries:
        dashboard_data(user, unit=district.root, period=period, today=today)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    response = client.get("/dashboard/", secure=True)
    assert response.status_code == 200, response.status_code
    page = _timed(args.runs, lambda: client.get("/dashboard/", secure=True), connection)
    with CaptureQueriesContext(connection) as page_queries:
        client.get("/dashboard/", secure=True)
    print(f"dashboard:       dashboard_data {selector} · {len(queries)} queries", flush=True)
    print(f"                 GET /dashboard/ (test client) {page} · {len(page_queries)} queries", flush=True)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(dashboard_data, user, unit=district.root, period=period, today=today)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
    year, quarter = district.quarter
    with CaptureQueriesContext(connection) as queries:
        result = compute(year, quarter, today=today)
    assessment = _timed(3, lambda: compute(year, quarter, today=today), connection)
    print(f"assessment:      {year} Q{quarter}, {len(result['units'])} units: {assessment} · "
          f"{len(queries)} queries", flush=True)


def _timed(runs: int, call, connection) -> str:
    """p50/p95 wall time and p50 CPU time of this process over `runs` calls; on PostgreSQL on this host also
    the server backend's mean CPU time per call (on SQLite the database's work is in this process's CPU)."""
    walls, cpus = [], []
    clock = Clock(connection)
    server_before = clock._server_cpu()
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - started_cpu) * 1000)
    server_after = clock._server_cpu()
    server = ("" if server_before is None or server_after is None
              else f", server CPU {(server_after - server_before) / runs * 1000:.0f} ms/run")
    walls.sort()
    p95 = walls[min(len(walls) - 1, round(len(walls) * 0.95) - 1)]
    return (f"p50 {statistics.median(walls):.1f} ms, p95 {p95:.1f} ms (CPU p50 {statistics.median(cpus):.1f} ms"
            f"{server}, {runs} runs)")


def _verify_sample(connection, n: int) -> tuple[int, int]:
    """Recompute the chains of n random cases with ledger.record's own hashing (chain_hash over Event.body)."""
    from dajuan.cases.models import GENESIS_HASH, Case, Event
    from dajuan.core.canonical import chain_hash

    ids = list(Case.objects.values_list("pk", flat=True))
    sample = random.Random(11).sample(ids, min(n, len(ids)))
    numbers = dict(Case.objects.filter(pk__in=sample).values_list("pk", "number"))
    checked = breaks = 0
    for pk in sample:
        prev = GENESIS_HASH
        for seq, event in enumerate(Event.objects.filter(case_id=pk).order_by("seq"), start=1):
            checked += 1
            if event.seq != seq or event.prev_hash != prev or chain_hash(prev, event.body(numbers[pk])) != event.hash:
                breaks += 1
                break
            prev = event.hash
    return checked, breaks


# --- plumbing --------------------------------------------------------------------------------------------------


class Clock:
    """Wall time, this process's CPU time and — on PostgreSQL on this host — the server backend's CPU time."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def _server_cpu(self) -> float | None:
        if self.connection.vendor != "postgresql":
            return None
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def __enter__(self):
        self.server = self._server_cpu()
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        after = self._server_cpu()
        self.server = None if after is None or self.server is None else after - self.server

    def __str__(self) -> str:
        server = f" + {self.server:.1f} s server CPU" if self.server is not None else ""
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU{server} (load {_load()})"


class _Null:
    def write(self, *args) -> None:
        pass

    def flush(self) -> None:
        pass


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _rollup_sizes() -> None:
    from dajuan.rollups.models import CaseContribution, DailyRollup, DayBreakdown, GridDay, UnitDay

    counts = {m.__name__: m.objects.count() for m in (DailyRollup, UnitDay, DayBreakdown, GridDay, CaseContribution)}
    print("rollup rows:     " + ", ".join(f"{name} {n:,}" for name, n in counts.items()), flush=True)


def _storage(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            return f"database {cursor.fetchone()[0]}"
    name = Path(connection.settings_dict["NAME"])
    size = sum(p.stat().st_size for p in name.parent.glob(name.name + "*"))
    return f"SQLite file {size / 2**20:,.0f} MB"


def _df() -> str:
    usage = shutil.disk_usage("/work")
    return f"/work {usage.free / 2**30:,.0f} GB free"


def _clean_up(connection) -> None:
    """Leave nothing behind: a temporary SQLite folder is deleted, any other scratch database emptied."""
    from django.core.management import call_command

    if connection.vendor == "sqlite" and TEMPORARY:
        folder = Path(connection.settings_dict["NAME"]).parent
        connection.close()
        shutil.rmtree(folder, ignore_errors=True)
        print(f"\nremoved {folder}")
    else:
        call_command("flush", interactive=False, verbosity=0)
        print("\nscratch database emptied")


if __name__ == "__main__":
    main()
