"""The demo's supervision (督查): rules, a sweep over the replayed cases (reminders, flags, escalation,
未评价 closures), weekly spot-check callbacks with a few disputed ones reopened, field inspections and
暗访 whose findings open cases, and notices of typical cases — all through the supervision services,
on the cases the "cases" step left."""

import random
from datetime import timedelta

from django.utils import timezone

from dajuan.cases.choices import CaseStatus, Priority, Satisfaction
from dajuan.cases.models import Case
from dajuan.core.errors import DomainError
from dajuan.org.choices import Role, UnitKind
from dajuan.org.models import Membership, Unit
from dajuan.supervision import config, inspections, notices, spot_checks
from dajuan.supervision.choices import CallResolution, SpotCheckStatus
from dajuan.supervision.models import SpotCheck
from dajuan.supervision.sweep import default_leader, sweep

VISITS = [
    ("joint", "营商环境联合督查：工程建设项目审批", "区政务服务中心二楼",
     ["并联审批材料重复提交", "施工许可超时限3个工作日"]),
    ("undercover", "政务服务窗口暗访", "区政务服务中心一楼", ["午间窗口无人值守", "办事指南未公示最新收费标准"]),
    ("joint", "老旧小区改造现场督查", "东关社区", ["围挡破损存在安全隐患", "夜间施工噪音扰民"]),
    ("undercover", "12345热线转办件暗访回访", "花戏楼街道", ["部分工单未联系诉求人即答复"]),
]


def _person(role: str):
    membership = Membership.objects.filter(role=role, unit__is_active=True).select_related("user").order_by("pk")
    first = membership.first()
    return first.user if first else None


def build_supervision(*, seed: int = 2022) -> dict[str, int]:
    rng = random.Random(seed)
    supervisor = _person(Role.SUPERVISOR)
    tally = {"rules": 0, "visits": 0, "finding_cases": 0, "spot_checks": 0, "disputed": 0, "notices": 0}
    if supervisor is None:
        return tally
    leader = default_leader()
    base = {"category": None, "claim_remind_hours": 2, "reply_remind_hours": 9, "supervise_after_days": 1,
            "list_after_days": 3, "close_after_days": 7, "escalate_to": leader}
    for values in (base | {"priority": ""}, base | {"priority": Priority.URGENT, "list_after_days": 2}):
        config.rule_save(None, values=values, by=supervisor)
        tally["rules"] += 1
    run = sweep(worker="demo")
    tally |= {f"sweep_{k}": v for k, v in run.counts.items()}

    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for weeks_back in range(8, 0, -1):
        try:
            batch = spot_checks.spot_check_draw(week=monday - timedelta(weeks=weeks_back - 1), by=supervisor)
        except DomainError:
            continue
        for check in SpotCheck.objects.filter(batch=batch, status=SpotCheckStatus.QUEUED).select_related("case"):
            roll = rng.random()
            try:
                if roll < 0.1:
                    spot_checks.spot_check_record(check, reached=False, note="电话无人接听", by=supervisor)
                elif roll < 0.18 and check.case.status in (CaseStatus.CLOSED, CaseStatus.REPLIED):
                    spot_checks.spot_check_record(check, reached=True, resolution=CallResolution.DISPUTED,
                                                  note="诉求人反映问题并未解决，答复与实际不符。", by=supervisor)
                    tally["disputed"] += 1
                else:
                    satisfaction = rng.choice([Satisfaction.SATISFIED, Satisfaction.SATISFIED,
                                               Satisfaction.BASICALLY_SATISFIED])
                    spot_checks.spot_check_record(check, reached=True, resolution=CallResolution.CONFIRMED,
                                                  satisfaction=satisfaction, note="回访确认已解决", by=supervisor)
            except DomainError:
                continue
            tally["spot_checks"] += 1

    units = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).order_by("code"))
    for index, (kind, title, place, findings) in enumerate(VISITS):
        if not units:
            break
        visit = inspections.visit_record(kind=kind, title=title, visited_on=today - timedelta(days=7 * index + 3),
                                         place=place, unit=units[(index * 5 + 4) % len(units)], findings=findings,
                                         team="区督查考核办、区营商办联合督查组", by=supervisor)
        tally["visits"] += 1
        first = visit.findings.first()
        if index % 2 == 0 and first is not None:
            inspections.finding_open_case(first, by=supervisor)
            tally["finding_cases"] += 1

    typical = list(Case.objects.filter(confidential=False, supervision_level__gte=2).order_by("-supervision_level",
                                                                                                "reply_due")[:4])
    if typical:
        notice = notices.notice_create(
            title="关于部分单位诉求办理超时限问题的通报", kind="criticism",
            commentary="经督查，以下诉求超过办理时限仍未答复，已启动督办程序。相关单位要立即整改，"
                       "三个工作日内书面报告整改情况，杜绝推诿扯皮、敷衍塞责。",
            case_numbers=[c.number for c in typical], comments={c.number: "超期未办结" for c in typical},
            by=supervisor)
        notices.notice_publish(notice, by=supervisor)
        tally["notices"] += 1
    good = list(Case.objects.filter(confidential=False, status=CaseStatus.CLOSED, satisfaction=Satisfaction.SATISFIED)
                .order_by("-closed_at")[:3])
    if good:
        notices.notice_create(title="群众满意诉求办理典型案例（草稿）", kind="commendation",
                              commentary="以下诉求办理快、答复实、群众满意，拟予通报表扬。",
                              case_numbers=[c.number for c in good], by=supervisor)
        tally["notices"] += 1
    return tally
