"""Demo step "intake": the registered enterprises behind the year of cases (with log-ins for their
contacts), the 政企直通车 group with its members and a few problems raised in it, public H5
submissions and Open311 requests — all through the intake and enterprise services, building on the
cases the "cases" step left."""

import secrets

from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from dajuan.cases.choices import RequesterKind, Source
from dajuan.cases.models import Case, Category
from dajuan.demo.catalog import COMPANIES
from dajuan.demo.people import PersonFactory
from dajuan.enterprise.models import Enterprise
from dajuan.enterprise.services import enterprise_add, enterprise_user_add
from dajuan.intake.models import GroupMember, MessageGroup
from dajuan.intake.services import case_register, intake_enterprise_set
from dajuan.open311.models import ServiceAttribute

GROUP_PROBLEMS = [
    ("谯城区华康药业有限公司", "园区污水管网接入申请已提交一个月，至今没有答复，影响新车间投产。"),
    ("亳州市芍花堂饮片有限公司", "中药饮片出口备案需要的检验报告，市场监管所说要等两周，能否加快？"),
    ("亳州市药都物流有限公司", "物流园门前道路夜间没有路灯，货车进出有安全隐患。"),
]
PUBLIC_PROBLEMS = [
    ("东关社区3号楼下水道堵塞，污水外溢已经三天。", "花戏楼街道东关社区3号楼", "33.8512", "115.7786"),
    ("南京路与药都大道交口红绿灯不亮，早高峰很危险。", "南京路与药都大道交口", None, None),
    ("小区旁工地夜间施工噪音大，晚上十一点以后还在打桩。", "薛阁街道幸福小区东侧工地", "33.8391", "115.7912"),
]


def credit_code(index: int) -> str:
    """An invented unified social credit code for the demo (valid check character, Bozhou's area code)."""
    base = f"91341602MA2{index:06d}"[:17]
    return base + uscc.calc_check_digit(base)


def build_intake(admin, dispatcher) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    User = get_user_model()
    people = PersonFactory(seed=511)
    logins = []
    enterprises = {}
    for i, company in enumerate(COMPANIES):
        enterprise = enterprise_add(credit_code=credit_code(i + 1), name=company, address="亳州市谯城区",
                                    contact_name=people.name(), contact_phone=people.phone())
        enterprises[company] = enterprise
        contact = User.objects.filter(username=f"qy{i + 1:02d}").first()
        if contact is not None:
            enterprise_user_add(user=contact, enterprise=enterprise)
    # The first company's contact can log in to the enterprise portal.
    first = User.objects.filter(username="qy01").first()
    if first is not None:
        password = secrets.token_urlsafe(9)
        first.set_password(password)
        first.save(update_fields=["password"])
        logins.append(("qy01", password, f"企业用户 ({COMPANIES[0]})"))
    linked = 0
    for case in Case.objects.filter(requester_kind=RequesterKind.ENTERPRISE, requester_name__in=list(enterprises)):
        intake_enterprise_set(case, enterprise=enterprises[case.requester_name], by=admin)
        linked += 1

    group = MessageGroup.objects.create(code="yaoqi", name="药企政企直通车群", industry="医药",
                                        manager=dispatcher, secret=secrets.token_urlsafe(32))
    for i, company in enumerate(COMPANIES):
        GroupMember.objects.create(group=group, sender_id=f"wm{i + 1:04d}", name=people.name(),
                                   enterprise=enterprises[company])
    for n, (company, text) in enumerate(GROUP_PROBLEMS, start=1):
        member = group.members.get(enterprise=enterprises[company])
        case_register(by=dispatcher, channel=Source.WECHAT_GROUP, title=text[:30], content=text,
                      requester_kind=RequesterKind.ENTERPRISE, requester_name=member.name,
                      enterprise=enterprises[company], group=group, external_id=f"yaoqi:demo-{n}")

    tracked = []
    for text, address, lat, lng in PUBLIC_PROBLEMS:
        phone = people.phone()
        case = case_register(by=None, channel=Source.WEB, title=text[:30], content=text,
                             requester_name=people.name(), requester_phone=phone, address=address,
                             latitude=lat, longitude=lng)
        tracked.append((case.intake.tracking_code, phone[-4:]))
    logins.append((tracked[0][0], tracked[0][1], "公众查询 /report/track/ (tracking code, last four digits)"))

    # A partner system (the city's 城市管理 app) reports through Open311 with a link to its own photo.
    case_register(by=dispatcher, channel=Source.OPEN311, title="汤王大道人行道地砖松动",
                  content="汤王大道与芍花路交叉口东侧人行道地砖松动翘起，已有行人绊倒。",
                  requester_name=people.name(), requester_phone=people.phone(), address="汤王大道与芍花路交叉口",
                  latitude="33.856120", longitude="115.771930",
                  media_url="http://cg.bozhou.example/photos/2026/11/qc-000731.jpg")

    category = Category.objects.filter(is_active=True, children__isnull=True).order_by("code").first()
    if category is not None:
        ServiceAttribute.objects.create(category=category, code="urgent_safety", order=1,
                                        description="是否存在安全隐患", required=True,
                                        datatype=ServiceAttribute.Datatype.SINGLEVALUELIST,
                                        values=[{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}])
    counts = {"enterprises": Enterprise.objects.count(), "linked_cases": linked,
              "group_cases": len(GROUP_PROBLEMS), "public_cases": len(PUBLIC_PROBLEMS), "open311_cases": 1}
    return counts, logins
