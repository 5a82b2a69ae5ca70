"""Demo step "enterprise_service": the business-environment mechanisms of the 2022 report replayed
through the services — the registry (imported from a generated spreadsheet through the import
service), 512 包保 objects with teams and visits, 139 breakfast meetings with 967 attendances and 737
problems, 8 政企直通车 groups with 1,323 member enterprises and 750 problems, 1,682 policies.

`scale` multiplies every count (1.0 = the report's figures; settings.DAJUAN_DEMO_ENTERPRISE_SCALE,
smaller by default so `make run` stays quick). Problems become cases through intake and run their
course through the loop's transitions (most closed satisfied, the latest still open), so the figures
on /enterprise/service/ are computed from the ledger."""

import csv
import io
import random
import secrets
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import uscc

from dajuan.cases.choices import Satisfaction
from dajuan.cases.models import Category
from dajuan.demo.catalog import COMPANIES
from dajuan.demo.history import Clock, Run, _cast
from dajuan.demo.people import PersonFactory
from dajuan.enterprise.care import Problem, care_team_set, visit_callback_record, visit_record
from dajuan.enterprise.choices import CallbackOutcome
from dajuan.enterprise.importing import registry_import_commit
from dajuan.enterprise.models import Enterprise, EnterpriseUser, Industry
from dajuan.enterprise.services import industry_add
from dajuan.intake.groups import answer_push, group_member_add, group_problem_raise
from dajuan.intake.models import MessageGroup
from dajuan.meetings import services as meetings
from dajuan.org.choices import Role, UnitKind
from dajuan.org.models import Membership, Unit
from dajuan.org.services import membership_add
from dajuan.policies import services as policies

REPORT = {"care_objects": 512, "meetings": 139, "attendances": 967, "meeting_problems": 737,
          "group_enterprises": 1323, "group_problems": 750, "policies": 1682}
INDUSTRIES = [("gaoxin", "高新"), ("zhanxin", "战新"), ("yaoye", "药业"), ("huacha", "花茶"), ("shangwu", "商务"),
              ("nongye", "农业产业化")]
GROUPS = [  # code, name, industry, department code
    ("gaoxin", "高新企业直通车群", "高新", "QC-JXJ"), ("zhanxin", "战新产业直通车群", "战新", "QC-FGW"),
    ("huacha", "花茶产业直通车群", "花茶", "QC-NYJ"), ("shangwu", "商贸服务直通车群", "商务", "QC-SJJ"),
    ("nongye", "农业产业化直通车群", "农业产业化", "QC-NYJ"), ("xiangmu", "重点项目直通车群", "", "QC-FGW"),
    ("yonggong", "企业用工直通车群", "", "QC-RSJ"),
]
KINDS = [("规上", 40), ("重点规下", 30), ("在建项目", 15), ("拟落地项目", 10), ("样本村", 5)]
STEMS = "华 康 芍 谯 药 都 汤 陵 古 井 曹 魏 涡 亳 花 茶 新 鑫 立 德 永 盛 恒 信 泰 丰 瑞 达 安 徽".split()
TRADES = {"高新": "科技", "战新": "新材料", "药业": "药业", "花茶": "花茶", "商务": "商贸", "农业产业化": "农业科技"}
PROBLEMS = [
    ("QY-YD", "扩建用地指标", "企业扩建二期需要新增用地约20亩，用地指标何时能安排？"),
    ("QY-RZ", "流动资金贷款", "原材料集中采购季资金紧张，希望协调银行续贷。"),
    ("QY-YG", "招工难", "新生产线投产缺操作工30人，希望人社部门组织专场招聘。"),
    ("QY-JB", "奖补资金未到账", "去年申报的技改奖补资金至今未拨付到位。"),
    ("QY-SP", "审批办证慢", "排污许可证变更已提交材料，一个月还没有办结。"),
    ("QY-YG", "稳岗补贴", "稳岗返还申请系统提示不符合条件，不清楚原因。"),
]
POLICY_STEMS = ["技术改造奖补", "稳岗返还", "研发费用加计扣除", "首贷贴息", "中药材产地加工补助", "花茶品牌培育奖励",
                "规上企业培育奖励", "招商引资项目用地支持", "高新技术企业认定奖励", "外贸出口信用保险补助"]


def _n(key: str, scale: float) -> int:
    return max(1, round(REPORT[key] * scale))


def credit_code(index: int) -> str:
    base = f"91341602MA8{index:06d}"[:17]
    return base + uscc.calc_check_digit(base)


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` whole numbers, each at least 1 when total allows."""
    counts = [total // parts] * parts
    for i in rng.sample(range(parts), total % parts):
        counts[i] += 1
    return counts


class Replay:
    def __init__(self, admin, scale: float, seed: int = 8):
        self.admin, self.scale, self.rng = admin, scale, random.Random(seed)
        self.now = timezone.now()
        self.clock = Clock(self.rng, self.now)
        self.people = PersonFactory(seed=seed)
        self.cast = _cast(self.people)
        self.dispatcher = self.cast.dispatcher
        categories = {c.code: c for c in Category.objects.filter(code__in={p[0] for p in PROBLEMS})}
        self.problems = [(categories.get(code), title, text) for code, title, text in PROBLEMS]
        self.tally: dict[str, int] = {}

    def count(self, name: str, n: int = 1) -> None:
        self.tally[name] = self.tally.get(name, 0) + n

    def problem(self) -> Problem:
        category, title, text = self.rng.choice(self.problems)
        return Problem(title, text, category)

    def run_course(self, case, at: datetime) -> None:
        """Most problems are solved and closed satisfied; the recent ones are still being handled."""
        if case.category is None:
            return
        run = Run(self.rng, self.clock, self.cast, case, at, None)
        if at > self.now - timedelta(days=12):
            run.dispatch()
            return
        run.full(Satisfaction.SATISFIED if self.rng.random() < 0.85 else Satisfaction.BASICALLY_SATISFIED)

    def past_day(self, days_back: int) -> date:
        return timezone.localdate(self.now) - timedelta(days=days_back)

    # --- the steps ---------------------------------------------------------------------------

    def leaders(self) -> list:
        district = Unit.objects.get(depth=1)
        User = get_user_model()
        leaders = [m.user for m in Membership.objects.filter(role=Role.DISTRICT_LEADER).select_related("user")]
        for i in range(6 - len(leaders)):
            user = User(username=f"qld{i + 1:02d}", full_name=self.people.name(), phone=self.people.phone())
            user.set_unusable_password()
            user.save()
            membership_add(user=user, unit=district, role=Role.DISTRICT_LEADER, title="副区长")
            leaders.append(user)
        return leaders

    def registry(self) -> list[Enterprise]:
        for code, name in INDUSTRIES:
            industry_add(code=code, name=name)
        towns = list(Unit.objects.filter(kind=UnitKind.TOWN).values_list("name", flat=True))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["统一社会信用代码", "名称", "行业", "类型", "四上", "规模", "乡镇", "联系人", "联系电话"])
        known = {e.name: e.credit_code for e in Enterprise.objects.all()}
        total = _n("group_enterprises", self.scale)
        for i in range(total):
            industry = INDUSTRIES[i % len(INDUSTRIES)][1]
            if i < len(COMPANIES):
                name = COMPANIES[i]
            else:
                name = f"亳州市{''.join(self.rng.sample(STEMS, 2))}{TRADES[industry]}有限公司（{i:04d}）"
            kind = self.rng.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
            four = "是" if kind == "规上" or self.rng.random() < 0.1 else "否"
            size = self.rng.choice(["大型", "中型", "小型", "小型", "微型"])
            writer.writerow([known.get(name) or credit_code(i + 1), name, industry, kind, four, size,
                             self.rng.choice(towns), self.people.name(), self.people.phone()])
        report = registry_import_commit("企业名录.csv", out.getvalue().encode("utf-8-sig"), by=self.admin)
        if not report.committed:
            raise RuntimeError(f"demo registry import failed: {report.problems[:3]}")
        self.count("enterprises", report.created + report.updated)
        return list(Enterprise.objects.filter(is_active=True).select_related("industry").order_by("pk"))

    def care(self, enterprises, leaders) -> None:
        cadres = list(self.cast.leaders.values())
        staff = list(self.cast.handlers.values())
        objects = enterprises[:_n("care_objects", self.scale)]
        for enterprise in objects:
            team_staff = self.rng.sample(staff, 2)
            care_team_set(enterprise, leader=self.rng.choice(leaders), cadre=self.rng.choice(cadres),
                          staff=team_staff, since=self.past_day(365), by=self.admin)
            for quarter_back in range(4):  # about one visit a quarter; some quarters missed
                if self.rng.random() < 0.15:
                    continue
                day = self.past_day(quarter_back * 91 + self.rng.randrange(1, 85))
                at = self.clock.workday_time(day)
                if at >= self.now:
                    continue
                found = [self.problem()] if self.rng.random() < 0.12 else []
                visit = visit_record(enterprise, visited_on=timezone.localdate(at), visitors=team_staff[:1],
                                     delivered="宣讲惠企政策，了解生产经营情况", problems=found, by=self.admin, at=at)
                self.count("visits")
                for link in visit.problems.select_related("case"):
                    self.run_course(link.case, at)
                    self.count("visit_problems")
                if self.rng.random() < 0.05:
                    visit_callback_record(visit, outcome=CallbackOutcome.CONFIRMED, note="企业确认走访属实",
                                          by=self.cast.supervisor, at=at + timedelta(days=3))
                    self.count("visit_callbacks")
        self.count("care_objects", len(objects))

    def breakfasts(self, enterprises, leaders) -> None:
        total = _n("meetings", self.scale)
        attendances = [*_spread(max(_n("attendances", self.scale), total), total, self.rng), 3]
        problems = [*_spread(_n("meeting_problems", self.scale), total, self.rng), 0]
        accounts = {link.enterprise_id: link.user for link in EnterpriseUser.objects.select_related("user")}
        four_above = [e for e in enterprises if e.is_four_above] or enterprises
        for i in range(total + 1):
            # Spread over the past year on weekdays; one more still to come, published in advance.
            day = self.past_day(360 * (total - 1 - i) // total + 2) if i < total else self.past_day(-6)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            starts = timezone.make_aware(datetime.combine(day, time(7, 30)))
            leader = leaders[i % len(leaders)]
            meetings.rota_set(day=day, leader=leader, by=self.dispatcher)
            meeting = meetings.meeting_plan(starts_at=starts, place="区政务服务中心三楼会议室",
                                            topic=f"政企早餐会第{i + 1}期", capacity=attendances[i] + 2,
                                            by=self.dispatcher)
            meetings.meeting_publish(meeting, by=self.dispatcher, at=min(starts - timedelta(days=5), self.now))
            guests = self.rng.sample(four_above, min(attendances[i], len(four_above)))
            for guest in guests:
                account = accounts.get(guest.pk)
                if account is not None:
                    meetings.booking_make(meeting, by=account, at=min(starts - timedelta(days=2), self.now))
                else:
                    meetings.invitation_send(meeting, enterprise=guest, by=self.dispatcher,
                                             at=min(starts - timedelta(days=3), self.now))
            if starts > self.now:
                self.count("meetings_published")
                continue
            meetings.attendance_record(meeting, enterprises=guests, by=self.dispatcher, at=starts + timedelta(hours=2),
                                       minutes="现场交办企业诉求，明确责任单位和办结时限。")
            self.count("meetings")
            self.count("attendances", len(guests))
            for _k in range(problems[i]):
                at = starts + timedelta(hours=1, minutes=self.rng.randrange(60))
                case = meetings.problem_raise(meeting, enterprise=self.rng.choice(guests), problem=self.problem(),
                                              by=self.dispatcher, at=at)
                self.run_course(case, at + timedelta(hours=2))
                self.count("meeting_problems")

    def groups(self, enterprises) -> list[MessageGroup]:
        units = {u.code: u for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
        groups = list(MessageGroup.objects.filter(is_active=True))
        for code, name, industry, department in GROUPS:
            group = MessageGroup.objects.create(code=code, name=name, industry=industry, manager=self.dispatcher,
                                                department=units.get(department), secret=secrets.token_urlsafe(32))
            if department in units:
                group.staff_units.set([units[department]])
            groups.append(group)
        by_industry = {g.industry: g for g in groups if g.industry}
        general = [g for g in groups if not g.industry]
        members = {(m.group_id, m.enterprise_id) for g in groups for m in g.members.all()}
        for n, enterprise in enumerate(enterprises):
            industry = enterprise.industry.name if enterprise.industry else ""
            group = by_industry.get(industry) or by_industry.get("医药" if industry == "药业" else "") or general[
                n % len(general)]
            if (group.pk, enterprise.pk) not in members:
                group_member_add(group, enterprise=enterprise, sender_id=f"wx{enterprise.pk:06d}",
                                 name=self.people.name(), by=self.admin)
        self.count("groups", len(groups))
        return groups

    def group_problems(self, groups) -> None:
        # The report's 750 include the problems the "intake" step already raised in the 药企 group.
        from dajuan.intake.models import Intake

        total = max(_n("group_problems", self.scale) - Intake.objects.filter(group__isnull=False).count(), 1)
        members = [(m.group, m.enterprise) for g in groups for m in g.members.select_related("enterprise")]
        pushed = 0
        for i in range(total):
            group, enterprise = self.rng.choice(members)
            at = self.clock.workday_time(self.past_day(self.rng.randrange(1, 365)))
            while at >= self.now:  # a weekend's next working day may lie ahead: take an earlier day
                at = self.clock.workday_time(self.past_day(self.rng.randrange(7, 365)))
            case = group_problem_raise(group, enterprise=enterprise, problem=self.problem(), by=self.dispatcher,
                                       external_id=f"{group.code}:demo-es-{i}", at=at)
            self.run_course(case, at)
            self.count("group_problems")
            if pushed < 10 and case.status == "closed" and case.intake.enterprise.industry_id:
                pushed += 1
                self.count("answer_pushes", len(answer_push(case, by=self.dispatcher)))

    def policy_registry(self, groups) -> None:
        units = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).exclude(code__in=["QC-JW", "QC-DCB"]))
        industries = list(Industry.objects.all())
        total = _n("policies", self.scale)
        latest = []
        for i in range(total):
            issued = self.past_day(self.rng.randrange(0, 365))
            stem = POLICY_STEMS[i % len(POLICY_STEMS)]
            policy = policies.policy_create(
                by=self.admin, title=f"谯城区{stem}实施细则（第{i + 1}号）", issuing_unit=self.rng.choice(units),
                issued_on=issued, effective_from=issued, effective_to=issued + timedelta(days=730),
                body=f"为支持企业发展，对符合条件的企业给予{stem}。申报条件、标准和流程详见附件。",
                industries=self.rng.sample(industries, 1) if self.rng.random() < 0.5 else [],
                kinds=["above_scale"] if self.rng.random() < 0.2 else [])
            latest.append(policy)
        latest.sort(key=lambda p: p.issued_on)
        accounts = list(EnterpriseUser.objects.select_related("user", "enterprise"))
        for policy in latest[-5:]:  # the latest are pushed to portals and published in the groups
            self.count("policy_pushes", policies.policy_push(policy, by=self.admin))
            for group in groups[:2]:
                self.count("policy_pushes", policies.policy_publish_to_group(policy, group, by=self.admin))
            for link in accounts[::2]:  # half the enterprise accounts opened it
                self.count("policy_reads", policies.policies_read(policy, by=link.user))
        subsidy = next((c for c, _t, _x in self.problems if c is not None and c.code == "QY-JB"), None)
        for policy in latest[: max(1, total // 100)]:  # 政策奖补: claims about a policy, raised on the portal
            link = self.rng.choice(accounts)
            at = self.clock.workday_time(policy.issued_on + timedelta(days=30))
            if at >= self.now:
                continue
            case = policies.policy_problem_raise(
                policy, enterprise=link.enterprise, by=link.user, at=at,
                problem=Problem("奖补资金未到账", f"按《{policy.title}》申报的奖补资金至今未拨付。", subsidy))
            self.run_course(case, at)
            self.count("policy_cases")
        self.count("policies", total)


def build_enterprise_service(admin, *, scale: float) -> dict[str, int]:
    replay = Replay(admin, scale)
    leaders = replay.leaders()
    enterprises = replay.registry()
    groups = replay.groups(enterprises)
    replay.policy_registry(groups)
    replay.care(enterprises, leaders)
    replay.breakfasts(enterprises, leaders)
    replay.group_problems(groups)
    return replay.tally
