"""The demo's desk of today: fresh work in every persona's inbox, made through cases.transitions with
past `at=` times, so `make run` opens on full inboxes — 待派发 and 退回 for the dispatcher, 待认领 …
已超期, 协办 and 待审核 for the housing bureau, the street and its grid, 超期/督办/待回访 for the supervisor,
挂牌督办 for the district leader. It builds on the categories and cases already loaded (the "cases" step)
and only adds the current week's work."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import EvaluationSource, Priority, RequesterKind, Satisfaction, Source, SupervisionLevel
from dajuan.cases.models import Category
from dajuan.demo.people import PersonFactory
from dajuan.org.choices import Role
from dajuan.org.models import Membership, Unit
from dajuan.workbench.casepage import dispatch_preview

# (title, content, category code, source)
PROBLEMS = [
    ("小区电梯频繁停运", "东关小区3号楼电梯一周内停运四次，老人上下楼困难，物业称在等配件。", "WY", Source.HOTLINE),
    ("厂区门前道路积水", "药都路88号厂区门前雨后积水半米，货车无法进出，影响发货。", "SZ", Source.ENTERPRISE_PORTAL),
    ("工地夜间施工噪音扰民", "薛阁街道某工地晚上十一点后仍在打桩，附近居民无法休息。", "HJ", Source.HOTLINE),
    ("企业招工难请求对接", "我公司扩产需招熟练缝纫工60名，请人社部门帮助对接。", "LD", Source.BREAKFAST_MEETING),
    ("老旧小区屋面漏水", "光明小区7号楼顶层屋面防水层老化，雨天多户渗水。", "WY", Source.GRID),
    ("农民工工资拖欠", "某装修工程项目拖欠12名农民工工资共计18万元，已超过两个月。", "LD", Source.PETITION),
    ("路灯损坏夜间出行不便", "文化路南段连续6盏路灯不亮已半个月，夜间行人电动车易发生事故。", "SZ", Source.WEB),
    ("餐饮油烟直排", "人民路一家烧烤店油烟直排居民楼，多次沟通无果。", "HJ", Source.WECHAT_GROUP),
    ("施工许可办理进度咨询", "我公司新建厂房施工许可已提交材料20天，请告知办理进度。", "ZJ", Source.ENTERPRISE_VISIT),
    ("小区消防通道被占", "幸福家园小区消防通道长期停放私家车，物业管理不到位。", "WY", Source.DOOR_KNOCK),
    ("下水道堵塞污水外溢", "和平路与健康路交口下水道堵塞，污水漫到人行道。", "SZ", Source.GRID),
    ("稳岗补贴申领咨询", "企业符合稳岗补贴条件但线上申报一直显示审核中，请协助。", "LD", Source.WECHAT_GROUP),
]
CATEGORIES = [  # code, name, default lead unit code (created only when the district has none yet)
    ("WY", "物业管理", "QC-ZJJ"), ("SZ", "市政设施", "QC-CGJ"), ("HJ", "生态环境", "QC-STJ"),
    ("LD", "劳动保障", "QC-RSJ"), ("ZJ", "工程建设审批", "QC-ZJJ"),
]


class Desk:
    """Registers and moves demo cases; `clock` hands out increasing past instants per case."""

    def __init__(self, admin, now: datetime):
        users = {u.username: u for u in get_user_model().objects.filter(
            username__in=["dispatcher", "handler", "leader", "supervisor", "quzhang", "town", "grid"])}
        self.dispatcher, self.handler, self.leader = users["dispatcher"], users["handler"], users["leader"]
        self.supervisor, self.quzhang = users["supervisor"], users["quzhang"]
        self.admin, self.now, self.n = admin, now, 0
        self.people = PersonFactory(seed=44)
        self.categories = self._categories()

    def _categories(self) -> dict[str, Category]:
        found = {}
        for code, name, unit_code in CATEGORIES:
            category = Category.objects.filter(name=name).first() or Category.objects.filter(code=code).first()
            if category is None:
                category = Category.objects.create(code=code, name=name,
                                                   default_lead_unit=Unit.objects.filter(code=unit_code).first())
            found[code] = category
        return found

    def staff(self, unit_code: str):
        """Someone who handles `unit_code`: the persona for the bureau/street/grid, else its demo staff."""
        personas = {"QC-ZJJ": "handler", "QC-HXL": "town", "QC-HXL-DG-01": "grid"}
        if unit_code in personas:
            return get_user_model().objects.get(username=personas[unit_code])
        membership = Membership.objects.filter(unit__code=unit_code, role__in=[Role.HANDLER, Role.UNIT_LEADER,
                                                                                Role.GRID_WORKER]).first()
        return membership.user

    def register(self, at: datetime, priority: str = Priority.NORMAL):
        title, content, category_code, source = PROBLEMS[self.n % len(PROBLEMS)]
        self.n += 1
        enterprise = source in (Source.ENTERPRISE_PORTAL, Source.BREAKFAST_MEETING, Source.ENTERPRISE_VISIT,
                                Source.WECHAT_GROUP)
        return transitions.register(
            title=title, content=content, source=source, priority=priority,
            requester_kind=RequesterKind.ENTERPRISE if enterprise else RequesterKind.CITIZEN,
            requester_name=self.people.name(), requester_phone=self.people.phone(),
            category=self.categories[category_code], by=self.dispatcher, at=at)

    def dispatched(self, unit_code: str, at: datetime, *, assist=(), priority=Priority.NORMAL):
        case = self.register(at - timedelta(hours=1), priority)
        transitions.dispatch(case, lead_unit=Unit.objects.get(code=unit_code),
                             assist_units=[Unit.objects.get(code=c) for c in assist], by=self.dispatcher, at=at)
        return case

    def claimed(self, unit_code: str, at: datetime, **kwargs):
        case = self.dispatched(unit_code, at, **kwargs)
        lead = case.assignments.get(role="lead")
        transitions.claim(lead, by=self.staff(unit_code), at=at + timedelta(hours=1))
        return case

    def replied(self, unit_code: str, at: datetime):
        case = self.claimed(unit_code, at)
        text = "已现场核实并处理完毕，诉求人已知悉处理结果。"
        if case.lead_unit.reply_review:  # 答复审核: the bureau's leader sends it out
            transitions.submit_reply(case, text=text, by=self.staff(unit_code), at=at + timedelta(days=1))
            transitions.approve_reply(case, by=self.leader, at=at + timedelta(days=1, hours=2))
        else:
            transitions.reply(case, text=text, by=self.staff(unit_code), at=at + timedelta(days=1))
        return case

    def awaiting_review(self, at: datetime, *, sent_back: bool = False):
        """A housing-bureau reply waiting for the leader (待审核), once sent back and resubmitted."""
        case = self.claimed("QC-ZJJ", at)
        text = "经现场核实，物业已更换故障部件，恢复正常使用。"
        transitions.submit_reply(case, text=text, by=self.handler, at=at + timedelta(hours=20))
        if sent_back:
            transitions.send_back_reply(case, reason="请写明复查时间和长效管理措施。", by=self.leader,
                                        at=at + timedelta(hours=22))
            transitions.submit_reply(case, text=f"{text}已约定三日后复查，并督促物业建立每周巡检制度。",
                                     by=self.handler, at=at + timedelta(hours=24))
        return case

    def due_soon_start(self) -> datetime:
        """A past dispatch time whose normal reply deadline falls between now and the end of the next
        working day (found by walking back through the calendar, so it holds on any date)."""
        from dajuan.workbench.selectors import Moment

        moment = Moment.at(self.now)
        start = self.now - timedelta(hours=2)
        for _ in range(24 * 14):
            due = dispatch_preview(self.categories["WY"], Priority.NORMAL, at=start).reply_due
            if moment.now <= due <= moment.soon:
                return start
            start -= timedelta(hours=3)
        return self.now - timedelta(days=6)


def build_inboxes(admin) -> dict[str, int]:
    now = timezone.now()
    desk = Desk(admin, now)
    ago = lambda **kw: now - timedelta(**kw)  # noqa: E731
    made = {}
    # Dispatcher: 待派发, 退回待处理, 延期待审批.
    for hours in (1, 2, 3, 5, 20, 26):
        desk.register(ago(hours=hours))
    made["received"] = 6
    for days in (2, 3):
        case = desk.dispatched("QC-CGJ", ago(days=days))
        transitions.return_to_dispatcher(case.assignments.get(role="lead"), reason="不属于本单位职责，建议转住建局。",
                                         by=desk.staff("QC-CGJ"), at=ago(days=days, hours=-3))
    made["returned"] = 2
    for days in (4, 6):
        case = desk.claimed("QC-ZJJ", ago(days=days))
        transitions.request_extension(case, working_days=5, reason="需等待配件厂家到货，申请延期5个工作日。",
                                      by=desk.handler, at=ago(days=days - 1))
    # Housing bureau (handler, leader): 待认领, 办理中, 即将超期, 已超期, 协办; the street and its grid.
    for hours in (1, 3, 6):
        desk.dispatched("QC-ZJJ", ago(hours=hours))
    for days in (1, 2):
        desk.claimed("QC-ZJJ", ago(days=days))
    start = desk.due_soon_start()
    desk.claimed("QC-ZJJ", start)
    desk.claimed("QC-ZJJ", start - timedelta(hours=1))
    overdue = [desk.claimed("QC-ZJJ", ago(days=days)) for days in (12, 15, 20)]
    overdue.append(desk.dispatched("QC-CGJ", ago(days=16)))
    desk.dispatched("QC-RSJ", ago(hours=4), assist=["QC-ZJJ"])
    case = desk.claimed("QC-RSJ", ago(days=2), assist=["QC-ZJJ"])
    transitions.claim(case.assignments.get(unit__code="QC-ZJJ"), by=desk.handler, at=ago(days=1))
    for hours in (2, 7):
        desk.dispatched("QC-HXL", ago(hours=hours))
        desk.dispatched("QC-HXL-DG-01", ago(hours=hours + 1))
    desk.claimed("QC-HXL-DG-01", ago(days=9))
    # 待审核: replies waiting for the bureau leader's review.
    desk.awaiting_review(ago(days=3))
    desk.awaiting_review(ago(days=4), sent_back=True)
    # Supervisor: 超期 by level, 督办中, 待回访; district leader: 挂牌督办.
    transitions.supervise(overdue[0], level=SupervisionLevel.REMINDED, note="请抓紧办理，今日内反馈进展。",
                          by=desk.supervisor, at=ago(days=3))
    transitions.supervise(overdue[1], level=SupervisionLevel.SUPERVISED, note="已超期多日，列入督办。",
                          by=desk.supervisor, at=ago(days=2))
    for case in overdue[2:]:
        transitions.supervise(case, level=SupervisionLevel.LISTED, note="群众反映强烈，挂牌督办，限期办结。",
                              escalated_to=desk.quzhang, by=desk.supervisor, at=ago(days=1))
    for days in (6, 8, 10):
        desk.replied("QC-ZJJ", ago(days=days))
    for days in (12, 14):  # closed after a callback, so the list shows finished work too
        case = desk.replied("QC-CGJ", ago(days=days))
        transitions.evaluate(case, satisfaction=Satisfaction.SATISFIED, comment="回访：问题已解决。",
                             source=EvaluationSource.CALLBACK, by=desk.supervisor, at=ago(days=days - 3))
    inspector = get_user_model().objects.get(username="inspector")
    for hours, (title, content) in zip((5, 30), [
            ("反映某站所工作人员吃拿卡要", "企业反映办理证照时被暗示需要“意思意思”，附聊天截图说明。"),
            ("反映某村干部优亲厚友", "群众反映低保评定中村干部为亲属违规办理。")], strict=True):
        transitions.register(title=title, content=content, source=Source.DISCIPLINE, confidential=True,
                             requester_kind=RequesterKind.CITIZEN, requester_name="匿名", by=inspector,
                             at=ago(hours=hours))
        desk.n += 1
    made["cases"] = desk.n
    return made
