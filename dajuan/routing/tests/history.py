"""A small synthetic history of confirmed dispatches, made through the real transitions."""

import random
from datetime import timedelta

from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.catalog import category_add
from dajuan.cases.choices import RequesterKind, Source

PROPERTY = ["小区电梯停运", "物业不作为", "物业费乱收", "楼道堆放杂物", "小区路灯不亮", "业委会选举", "车位被占用"]
JOBS = ["拖欠工资", "社保断缴", "劳动合同纠纷", "工伤认定", "养老保险转移", "失业金申领", "农民工讨薪"]
PLACES = ["东关小区", "花园小区", "薛阁街道", "汤陵社区", "建安路", "涡河新区"]
TAILS = ["请尽快处理", "多次反映无果", "希望相关部门重视", "影响正常生活", "恳请领导关注"]


def text_for(topics, rng):
    a, b = rng.sample(topics, 2)
    return f"{rng.choice(PLACES)}{a}", f"{rng.choice(PLACES)}{a}，还有{b}的问题，{rng.choice(TAILS)}。"


def build_history(test, *, per_class=15, seed=0, claim=True):
    """Register, dispatch and claim `per_class` cases for property management (住建局) and for jobs
    (人社局) on `test` (a LoopTestCase); returns the cases."""
    rng = random.Random(seed)
    start = timezone.now() - timedelta(days=60)
    made = []
    for i in range(per_class):
        for topics, category, unit, handler in [(PROPERTY, test.property_mgmt, test.housing, test.handler),
                                                (JOBS, test.jobs, test.labour, test.other_handler)]:
            title, content = text_for(topics, rng)
            at = start + timedelta(hours=3 * len(made))
            case = transitions.register(title=title, content=content, source=Source.HOTLINE,
                                        requester_kind=RequesterKind.CITIZEN, requester_name="市民",
                                        requester_phone=f"1390000{i:04d}", by=test.dispatcher, at=at)
            transitions.dispatch(case, lead_unit=unit, category=category, by=test.dispatcher,
                                 at=at + timedelta(minutes=5))
            if claim:
                transitions.claim(case.assignments.get(), by=handler, at=at + timedelta(minutes=30))
            made.append(case)
    return made


def build_confidential_history(test, *, count=12):
    """Confidential discipline cases (纪检) dispatched to and claimed by the discipline unit, by an
    inspector who is also that unit's dispatcher and handler."""
    from dajuan.org.choices import Role
    from dajuan.org.services import membership_add

    unit = test.units["QC-JW"]
    membership_add(user=test.inspector, unit=unit, role=Role.DISPATCHER, title="派单")
    membership_add(user=test.inspector, unit=unit, role=Role.HANDLER, title="承办")
    from django.contrib.auth import get_user_model

    inspector = get_user_model().objects.get(pk=test.inspector.pk)
    secret = category_add(code="JJ", name="纪检举报", default_lead_unit=unit)
    made = []
    for i in range(count):
        case = transitions.register(title=f"举报干部吃拿卡要第{i}起", content="企业反映办理许可时某科长索要好处费。",
                                    source=Source.DISCIPLINE, requester_kind=RequesterKind.CITIZEN,
                                    requester_name="匿名", confidential=True, by=inspector)
        transitions.dispatch(case, lead_unit=unit, category=secret, by=inspector)
        transitions.claim(case.assignments.get(), by=inspector)
        made.append(case)
    return made, secret, unit
