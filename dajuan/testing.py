"""The fixed cast every test class shares (STYLE §6.12), built through the real services.

    district 谯城区 (QC)
    ├── 区营商办 (QC-YSB)   dispatcher 张派单
    ├── 区督查考核办 (QC-DCB) supervisor 钱督查
    ├── 区纪委监委 (QC-JW)   inspector 孙纪检
    ├── 区住建局 (QC-ZJJ)    handler 李承办, unit_leader 王局长
    ├── 区人社局 (QC-RSJ)    other_handler 赵另办
    └── 花戏楼街道 (QC-HXL)   town_leader 周主任
        └── 东关社区 (QC-HXL-DG)
            └── 东关社区第一网格 (QC-HXL-DG-01)  grid_worker 吴网格
    district_leader 郑区长 and admin 管理员 sit at the district.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import TestCase

from dajuan.org.choices import Role, UnitKind
from dajuan.org.services import membership_add, unit_add

PERSONAS = {
    # attribute: (username, full name, unit code, role, title)
    "admin": ("admin", "管理员", "QC", Role.ADMIN, "系统管理员"),
    "district_leader": ("zheng", "郑区长", "QC", Role.DISTRICT_LEADER, "副区长"),
    "dispatcher": ("zhang", "张派单", "QC-YSB", Role.DISPATCHER, "派单员"),
    "supervisor": ("qian", "钱督查", "QC-DCB", Role.SUPERVISOR, "督查员"),
    "inspector": ("sun", "孙纪检", "QC-JW", Role.INSPECTOR, "纪检监察员"),
    "handler": ("li", "李承办", "QC-ZJJ", Role.HANDLER, "科员"),
    "unit_leader": ("wang", "王局长", "QC-ZJJ", Role.UNIT_LEADER, "局长"),
    "other_handler": ("zhao", "赵另办", "QC-RSJ", Role.HANDLER, "科员"),
    "town_leader": ("zhou", "周主任", "QC-HXL", Role.UNIT_LEADER, "街道办主任"),
    "grid_worker": ("wu", "吴网格", "QC-HXL-DG-01", Role.GRID_WORKER, "专职网格员"),
}

UNITS = [
    # code, name, kind, parent code
    ("QC", "谯城区", UnitKind.DISTRICT, None),
    ("QC-YSB", "区营商办", UnitKind.DEPARTMENT, "QC"),
    ("QC-DCB", "区督查考核办", UnitKind.DEPARTMENT, "QC"),
    ("QC-JW", "区纪委监委", UnitKind.DEPARTMENT, "QC"),
    ("QC-ZJJ", "区住建局", UnitKind.DEPARTMENT, "QC"),
    ("QC-RSJ", "区人社局", UnitKind.DEPARTMENT, "QC"),
    ("QC-HXL", "花戏楼街道", UnitKind.TOWN, "QC"),
    ("QC-HXL-DG", "东关社区", UnitKind.VILLAGE, "QC-HXL"),
    ("QC-HXL-DG-01", "东关社区第一网格", UnitKind.GRID, "QC-HXL-DG"),
]

PASSWORD = "correct-horse-battery-staple-42"
_password_hash: list[str] = []


def password_hash() -> str:
    """PASSWORD hashed once per process with the real (argon2) hasher, shared by the cast: hashing it
    for every persona of every test class would cost seconds per class."""
    if not _password_hash:
        _password_hash.append(make_password(PASSWORD))
    return _password_hash[0]


def build_cast(target) -> None:
    """Create the units and personas and set them as attributes of `target` (a test class)."""
    User = get_user_model()
    target.units = {}
    for code, name, kind, parent_code in UNITS:
        parent = target.units[parent_code] if parent_code else None
        target.units[code] = unit_add(code=code, name=name, kind=kind, parent=parent)
    target.district = target.units["QC"]
    target.housing = target.units["QC-ZJJ"]
    target.labour = target.units["QC-RSJ"]
    target.town = target.units["QC-HXL"]
    target.community = target.units["QC-HXL-DG"]
    target.grid = target.units["QC-HXL-DG-01"]
    for attr, (username, full_name, unit_code, role, title) in PERSONAS.items():
        user = User.objects.create_user(username=username, password=None, full_name=full_name)
        user.password = password_hash()
        user.save(update_fields=["password"])
        membership_add(user=user, unit=target.units[unit_code], role=role, title=title)
        user.refresh_from_db()
        setattr(target, attr, user)
    # A logged-in person with no role anywhere (e.g. an account not yet granted one).
    target.nobody = User.objects.create_user(username="nobody", password=None, full_name="无角色")
    target.nobody.password = password_hash()
    target.nobody.save(update_fields=["password"])


class DistrictTestCase(TestCase):
    """A TestCase with the district cast built once per class (setUpTestData)."""

    @classmethod
    def setUpTestData(cls) -> None:
        build_cast(cls)

    def fresh(self, user):
        """The same user re-read, so per-object caches (memberships) start empty."""
        return get_user_model().objects.get(pk=user.pk)


def build_loop(target) -> None:
    """The loop's fixtures on `target`, after build_cast: see LoopTestCase."""
    from dajuan.cases import transitions
    from dajuan.cases.catalog import category_add, deadline_policy_set
    from dajuan.cases.choices import LimitUnit, Priority, RequesterKind, Source

    User = get_user_model()
    target.requester = User.objects.create_user(username="qiye", password=None, full_name="钱企业")
    target.requester.password = password_hash()
    target.requester.save(update_fields=["password"])
    target.building = category_add(code="JS", name="城乡建设")
    target.property_mgmt = category_add(code="JS-WY", name="物业管理", parent=target.building,
                                        default_lead_unit=target.housing)
    target.jobs = category_add(code="LD", name="劳动保障", default_lead_unit=target.labour)
    for priority, amount, unit in [(Priority.NORMAL, 5, LimitUnit.WORKING_DAYS),
                                   (Priority.URGENT, 1, LimitUnit.WORKING_DAYS),
                                   (Priority.CRITICAL, 2, LimitUnit.WORKING_HOURS)]:
        deadline_policy_set(category=None, priority=priority, reply_limit=amount, limit_unit=unit)
    target.case = transitions.register(
        title="小区电梯长期停运", content="东关小区3号楼电梯停运两周，物业不予维修。", source=Source.HOTLINE,
        requester_kind=RequesterKind.ENTERPRISE, requester_name="钱企业", requester_phone="13812345678",
        requester_user=target.requester, category=target.property_mgmt, by=target.dispatcher)
    transitions.dispatch(target.case, lead_unit=target.housing, by=target.dispatcher)
    target.assignment = target.case.assignments.get()
    target.confidential_case = transitions.register(
        title="反映某干部吃拿卡要", content="企业反映办理许可时被索要好处。", source=Source.DISCIPLINE,
        requester_kind=RequesterKind.CITIZEN, requester_name="匿名", confidential=True, by=target.inspector)


class LoopTestCase(DistrictTestCase):
    """The cast plus the loop's fixtures: categories with deadline policies, `self.case` dispatched to
    the housing bureau (住建局) and raised by `self.requester` (an enterprise contact's account), and a
    `self.confidential_case` only inspectors may see."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_loop(cls)

    def reload(self, case):
        from dajuan.cases.models import Case

        return Case.objects.get(pk=case.pk)

    def verbs(self, case) -> list[str]:
        return list(case.events.order_by("seq").values_list("verb", flat=True))


def choose_language(client, code: str) -> None:
    """What /i18n/setlang/ does for a person: the language cookie (the UI ignores Accept-Language)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
