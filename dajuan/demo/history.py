"""A year of the district's loop, replayed through cases.transitions with each step at its own past
time: most cases run their course (closed satisfied, 未评价, reopened, returned, transferred, with
assisting units, extended, rejected, merged), and the last three weeks leave cases in every open status,
some overdue and under supervision. Everything is invented; the same seed gives the same district."""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from dajuan.cases import transitions as t
from dajuan.cases.choices import EvaluationSource, Priority, RequesterKind, Satisfaction, Source, SupervisionLevel
from dajuan.cases.models import Case, Category
from dajuan.demo.catalog import COMPANIES, REQUESTS
from dajuan.demo.people import PersonFactory
from dajuan.org.choices import Role, UnitKind
from dajuan.org.models import Membership, Unit
from dajuan.worktime.calendar import WorkCalendar

# The course a closed-history case takes, with its weight.
HISTORIC = [
    ("satisfied", 46), ("basically", 10), ("unevaluated", 7), ("reopened", 6), ("rejected", 4), ("merged", 3),
    ("returned", 5), ("transferred", 4), ("assisted", 8), ("extended", 4), ("late", 6), ("paused", 2),
]
# Where a recent case stops (today's open work).
RECENT = [
    ("received", 3), ("returned_open", 2), ("dispatched", 4), ("in_progress", 8), ("assisting", 2),
    ("extension_pending", 2), ("suspended", 2), ("replied", 4), ("overdue", 5),
]
CITIZEN_SOURCES = [(Source.HOTLINE, 50), (Source.WEB, 18), (Source.GRID, 14), (Source.DOOR_KNOCK, 6),
                   (Source.PETITION, 6), (Source.WALK_IN, 6)]
ENTERPRISE_SOURCES = [(Source.ENTERPRISE_VISIT, 35), (Source.BREAKFAST_MEETING, 20), (Source.WECHAT_GROUP, 25),
                      (Source.HOTLINE, 20)]


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


@dataclass
class Cast:
    dispatcher: object
    supervisor: object
    leader: object  # the district leader 挂牌督办 goes to
    inspector: object
    grid_worker: object
    handlers: dict  # unit pk -> handler user
    leaders: dict  # unit pk -> unit leader user
    enterprises: list  # (company name, contact user)
    grids: list
    town_of: dict  # grid pk -> town Unit
    departments: list


def _cast(people: PersonFactory) -> Cast:
    User = get_user_model()
    by_role: dict[tuple[int, str], object] = {}
    # Personas first, so the demo log-ins get the work (e.g. `handler` at 住建局).
    for m in Membership.objects.select_related("user").order_by("pk"):
        key = (m.unit_id, m.role)
        if key not in by_role or m.user.has_usable_password():
            by_role[key] = m.user
    users = {u.username: u for u in User.objects.filter(
        username__in=["dispatcher", "supervisor", "quzhang", "inspector", "grid"])}
    enterprises = []
    for i, company in enumerate(COMPANIES):
        user, _created = User.objects.get_or_create(
            username=f"qy{i + 1:02d}", defaults={"full_name": f"{people.name()}（{company[:6]}）",
                                                  "phone": people.phone()})
        if _created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        enterprises.append((company, user))
    grids = list(Unit.objects.filter(kind=UnitKind.GRID, is_active=True).order_by("path"))
    towns = {u.path: u for u in Unit.objects.filter(kind=UnitKind.TOWN)}
    town_of = {g.pk: towns[g.path[: len(g.path) - 2 * Unit.steplen]] for g in grids}
    return Cast(
        dispatcher=users["dispatcher"], supervisor=users["supervisor"], leader=users["quzhang"],
        inspector=users["inspector"], grid_worker=users["grid"],
        handlers={unit: user for (unit, role), user in by_role.items() if role == Role.HANDLER},
        leaders={unit: user for (unit, role), user in by_role.items() if role == Role.UNIT_LEADER},
        enterprises=enterprises, grids=grids, town_of=town_of,
        departments=list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True)),
    )


class Clock:
    """Office-hours times on working days, never in the future."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng, self.now, self.calendar = rng, now, WorkCalendar.current()

    def workday_time(self, day) -> datetime:
        while not self.calendar.is_workday(day):
            day += timedelta(days=1)
        minutes = self.rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))

    def after(self, at: datetime, *, hours: float) -> datetime:
        later = at + timedelta(hours=hours * self.rng.uniform(0.6, 1.4))
        if later.hour >= 18 or later.hour < 8:
            later = self.workday_time((later + timedelta(hours=10)).date())
        return min(later, self.now - timedelta(minutes=1))


def build_history(*, cases: int = 420, seed: int = 2022, now: datetime | None = None) -> dict[str, int]:
    """Replay `cases` cases, about 85% over the past year and the rest in the last three weeks."""
    rng = random.Random(seed)
    now = now or timezone.now()
    clock = Clock(rng, now)
    cast = _cast(PersonFactory(seed=seed + 1))
    categories = {c.code: c for c in Category.objects.select_related("default_lead_unit", "parent")}
    today = timezone.localdate(now)
    plans = []
    for i in range(cases):
        recent = i >= cases * 0.85
        back = rng.randrange(0, 20) if recent else rng.randrange(21, 365)
        plans.append((clock.workday_time(today - timedelta(days=back)), recent))
    plans = [p for p in plans if p[0] < now - timedelta(hours=1)]
    plans.sort(key=lambda p: p[0])
    tally: dict[str, int] = {}
    previous: Case | None = None
    for at, recent in plans:
        # Each course at least once (so a small demo still shows every status), then by weight.
        fates = RECENT if recent else HISTORIC
        unseen = [name for name, _w in fates if name not in tally]
        fate = unseen[0] if unseen else _pick(rng, fates)
        case = _register(rng, cast, categories, at)
        _FATES[fate](Run(rng, clock, cast, case, at, previous, first=bool(unseen)))
        tally[fate] = tally.get(fate, 0) + 1
        previous = case
    _confidential(rng, cast, clock, today)
    return tally


def _register(rng, cast: Cast, categories, at) -> Case:
    code, title, kind, content = rng.choice(REQUESTS)
    grid = rng.choice(cast.grids)
    village, town = grid.name.split("第")[0], cast.town_of[grid.pk]
    place = f"{town.name}{village}"
    priority = _pick(rng, [(Priority.NORMAL, 88), (Priority.URGENT, 10), (Priority.CRITICAL, 2)])
    fields = {"title": title, "category": categories[code], "address": f"{place}{rng.randrange(1, 90)}号",
              "grid": grid, "priority": priority}
    if kind == "enterprise":
        company, contact = rng.choice(cast.enterprises)
        fields |= {"content": content.format(place=place, company=company),
                   "requester_kind": RequesterKind.ENTERPRISE, "requester_name": company,
                   "requester_phone": contact.phone, "requester_user": contact,
                   "source": _pick(rng, ENTERPRISE_SOURCES)}
    else:
        people = PersonFactory(seed=rng.randrange(1 << 30))
        fields |= {"content": content.format(place=place, company=""), "requester_kind": RequesterKind.CITIZEN,
                   "requester_name": people.name(), "requester_phone": people.phone(),
                   "source": _pick(rng, CITIZEN_SOURCES)}
    by = cast.grid_worker if fields["source"] == Source.GRID and grid.name.startswith("东关") else cast.dispatcher
    return t.register(by=by, at=at, **fields)


@dataclass
class Run:
    """One case's course: `at` moves forward with every step."""

    rng: random.Random
    clock: Clock
    cast: Cast
    case: Case
    at: datetime
    previous: Case | None
    first: bool = False  # the first case of its course shows every variant of it

    def sometimes(self, share: float) -> bool:
        return self.first or self.rng.random() < share

    def later(self, hours: float) -> datetime:
        self.at = self.clock.after(self.at, hours=hours)
        return self.at

    def lead_unit(self) -> Unit:
        category = self.case.category
        lead = category.default_lead_unit or (category.parent.default_lead_unit if category.parent else None)
        return lead or self.cast.town_of[self.case.grid_id]

    def handler(self, unit: Unit):
        return self.cast.handlers.get(unit.pk) or self.cast.leaders[unit.pk]

    def dispatch(self, unit: Unit | None = None, assist=()):
        t.dispatch(self.case, lead_unit=unit or self.lead_unit(), assist_units=assist, by=self.cast.dispatcher,
                   at=self.later(2))

    def lead(self):
        return self.case.assignments.filter(role="lead", status__in=["pending", "claimed"]).select_related(
            "unit").get()

    def claim(self):
        lead = self.lead()
        t.claim(lead, by=self.handler(lead.unit), at=self.later(3))

    def reply(self, *, late: bool = False):
        lead = self.lead()
        if self.rng.random() < 0.3:
            t.note_progress(self.case, text="已与诉求人电话沟通，正在现场核实。", by=self.handler(lead.unit),
                            at=self.later(4))
        if late:
            self.at = self.clock.after(lead.reply_due, hours=18)
        else:
            span = (lead.reply_due - self.at).total_seconds() / 3600
            self.later(max(1.0, span * self.rng.uniform(0.2, 0.8)))
        text = _reply_text(self.rng)
        if not lead.unit.reply_review:
            t.reply(self.case, text=text, by=self.handler(lead.unit), at=self.at)
            return
        # 答复审核: submitted at the reply's time, sent out by the leader an hour or so later; now and then
        # sent back first (a separate generator, so the rest of the replay draws what it always drew).
        review = random.Random(self.case.pk)
        t.submit_reply(self.case, text=text, by=self.handler(lead.unit), at=self.at)
        leader = self.cast.leaders[lead.unit.pk]
        if review.random() < 0.25:
            t.send_back_reply(self.case, reason="答复未写明整改时限和长效措施，请补充后重新提交。", by=leader,
                              at=self.step(1))
            t.submit_reply(self.case, text=f"{text}已明确整改时限，并建立长效巡查机制。", by=self.handler(lead.unit),
                           at=self.step(2))
        t.approve_reply(self.case, by=leader, at=self.step(1))

    def step(self, hours: float) -> datetime:
        """A fixed step forward (no draw from the replay's generator), never past the clock's now."""
        self.at = min(self.at + timedelta(hours=hours), self.clock.now - timedelta(minutes=1))
        return self.at

    def evaluate(self, satisfaction: str):
        if self.case.requester_user_id:
            t.evaluate(self.case, satisfaction=satisfaction, by=self.case.requester_user, at=self.later(20))
        else:  # citizens are called back by the supervision office (12345 回访)
            t.evaluate(self.case, satisfaction=satisfaction, source=EvaluationSource.CALLBACK,
                       comment="电话回访记录", by=self.cast.supervisor, at=self.later(20))

    def full(self, satisfaction=Satisfaction.SATISFIED, **reply):
        self.dispatch()
        self.claim()
        self.reply(**reply)
        self.evaluate(satisfaction)


def _reply_text(rng) -> str:
    return rng.choice([
        "经现场核实，问题已协调相关方解决，并向诉求人作了说明。",
        "已约谈责任单位限期整改，整改完成后经复查符合要求。",
        "已按政策为企业办理，相关资金/手续已落实到位。",
        "经核查，诉求人反映情况属实，已责令整改并建立长效管理机制。",
    ])


def _other_department(run: Run) -> Unit:
    lead = run.lead_unit()
    return run.rng.choice([d for d in run.cast.departments if d.pk != lead.pk and d.code != "QC-YSB"])


def _returned(run: Run):
    wrong = _other_department(run)
    t.dispatch(run.case, lead_unit=wrong, by=run.cast.dispatcher, at=run.later(2))
    t.return_to_dispatcher(run.lead(), reason="该事项不属于本单位职责范围，建议派至主管部门。",
                           by=run.handler(wrong), at=run.later(5))


def _assisted(run: Run, *, finish: bool = True):
    helper = _other_department(run)
    run.dispatch(assist=[helper])
    run.claim()
    share = run.case.assignments.get(unit=helper, status="pending")
    t.claim(share, by=run.handler(helper), at=run.later(3))
    if run.sometimes(0.3):
        extra = _other_department(run)
        if extra.pk != helper.pk:
            [summoned] = t.add_assisting_units(run.case, units=[extra], by=run.cast.dispatcher, at=run.later(2))
            t.remove_assisting_unit(summoned, by=run.cast.dispatcher, at=run.later(3))
    if finish:
        t.report_assist(share, text="本单位已配合完成现场核查，意见如下：同意主办单位处理方案。",
                        by=run.handler(helper), at=run.later(10))
        run.reply()
        run.evaluate(Satisfaction.SATISFIED)


def satisfied(run):
    run.full(Satisfaction.SATISFIED)

def basically(run):
    run.full(Satisfaction.BASICALLY_SATISFIED)

def unevaluated(run):
    run.dispatch()
    run.claim()
    run.reply()
    t.close(run.case, note="诉求人多次联系未接听，按未评价销号。", by=run.cast.dispatcher, at=run.later(60))

def reopened(run):
    run.full(Satisfaction.UNSATISFIED)
    run.claim()
    run.reply()
    run.evaluate(Satisfaction.BASICALLY_SATISFIED)

def rejected(run):
    t.reject(run.case, reason="该事项属司法程序处理范围，已告知诉求人依法通过诉讼途径解决。",
             by=run.cast.dispatcher, at=run.later(2))

def merged(run):
    target = run.previous
    if target is None or target.status in ("merged", "rejected") or target.confidential:
        return rejected(run)
    t.merge(run.case, into=target, by=run.cast.dispatcher, at=run.later(1))

def returned(run):
    _returned(run)
    run.full(Satisfaction.SATISFIED)

def transferred(run):
    wrong = _other_department(run)
    t.dispatch(run.case, lead_unit=wrong, by=run.cast.dispatcher, at=run.later(2))
    t.transfer(run.case, to_unit=run.lead_unit(), reason="经研判由主管部门主办更为合适。", by=run.cast.dispatcher,
               at=run.later(4))
    run.claim()
    run.reply()
    run.evaluate(Satisfaction.SATISFIED)

def extended(run):
    run.dispatch()
    run.claim()
    if run.sometimes(0.3):
        first = t.request_extension(run.case, working_days=10, reason="材料尚未齐全。", by=run.handler(run.lead().unit),
                                    at=run.later(3))
        t.decide_extension(first, approve=False, note="理由不充分，请按期办结或补充说明。", by=run.cast.dispatcher,
                           at=run.later(2))
    request = t.request_extension(run.case, working_days=5, reason="需协调第三方检测，时间较长。",
                                  by=run.handler(run.lead().unit), at=run.later(6))
    t.decide_extension(request, approve=True, by=run.cast.dispatcher, at=run.later(2))
    run.reply()
    run.evaluate(Satisfaction.SATISFIED)

def late(run):
    run.dispatch()
    run.claim()
    t.supervise(run.case, level=SupervisionLevel.REMINDED, note="临近办理时限，请抓紧办理。",
                by=run.cast.supervisor, at=run.later(20))
    run.reply(late=True)
    run.evaluate(run.rng.choice([Satisfaction.BASICALLY_SATISFIED, Satisfaction.SATISFIED]))

# Recent cases stop part-way.
def received(run):
    pass

def returned_open(run):
    _returned(run)

def dispatched(run):
    run.dispatch()

def in_progress(run):
    run.dispatch()
    run.claim()

def assisting(run):
    _assisted(run, finish=False)

def extension_pending(run):
    run.dispatch()
    run.claim()
    t.request_extension(run.case, working_days=3, reason="等待设备厂家到场检修。", by=run.handler(run.lead().unit),
                        at=run.later(4))

def suspended(run):
    run.dispatch()
    run.claim()
    t.suspend(run.case, reason="诉求人外出，约定返回后现场核实。", by=run.cast.dispatcher, at=run.later(4))

def replied(run):
    run.dispatch()
    run.claim()
    run.reply()

def overdue(run):
    run.dispatch()
    run.claim()
    if run.lead().reply_due < run.clock.now:
        level = run.rng.choice([SupervisionLevel.REMINDED, SupervisionLevel.SUPERVISED, SupervisionLevel.LISTED])
        t.supervise(run.case, level=level, note="已超出办理时限，请说明原因并限期办结。", by=run.cast.supervisor,
                    escalated_to=run.cast.leader if level == SupervisionLevel.LISTED else None,
                    at=run.clock.after(run.lead().reply_due, hours=2))
    t.comment(run.case, text="已电话提醒承办单位负责人。", by=run.cast.supervisor, at=run.later(1))


def assisted(run):
    _assisted(run)


def paused(run):
    run.dispatch()
    run.claim()
    t.suspend(run.case, reason="需待法院判决后处理。", by=run.cast.dispatcher, at=run.later(4))
    t.resume(run.case, by=run.cast.dispatcher, at=run.later(60))
    run.reply()
    run.evaluate(Satisfaction.SATISFIED)


_FATES = {
    "satisfied": satisfied,
    "basically": basically,
    "unevaluated": unevaluated,
    "reopened": reopened,
    "rejected": rejected,
    "merged": merged,
    "returned": returned,
    "transferred": transferred,
    "assisted": assisted,
    "extended": extended,
    "late": late,
    "received": received,
    "returned_open": returned_open,
    "dispatched": dispatched,
    "in_progress": in_progress,
    "assisting": assisting,
    "extension_pending": extension_pending,
    "suspended": suspended,
    "replied": replied,
    "overdue": overdue,
    "paused": paused,
}
assert set(_FATES) == {name for name, _w in HISTORIC + RECENT}


def _confidential(rng, cast: Cast, clock: Clock, today) -> None:
    """Two discipline reports only inspectors see."""
    for days, title in [(40, "反映某站所工作人员办事吃拿卡要"), (6, "反映村干部优亲厚友分配低保")]:
        t.register(title=title, content="实名举报，具体情况见附件材料。", source=Source.DISCIPLINE,
                   requester_kind=RequesterKind.CITIZEN, requester_name="实名举报人", confidential=True,
                   by=cast.inspector, at=clock.workday_time(today - timedelta(days=days)))
