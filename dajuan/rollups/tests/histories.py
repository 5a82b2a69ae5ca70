"""Random and fixed case histories for the figure tests, played through cases.transitions with past
`at=` times (shared by the rollups, dashboard and assessment tests). Steps a state does not allow are
skipped, so any list of operations is a valid history."""

from datetime import datetime, timedelta

from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import ReopenCause, RequesterKind, Satisfaction, Source
from dajuan.cases.models import Case
from dajuan.core.errors import DomainError

OPERATIONS = ("dispatch", "claim", "return", "transfer", "reply", "evaluate_ok", "evaluate_bad", "close",
              "spot_check", "suspend", "resume", "supervise", "comment")


def register(tc, *, at: datetime, source: str = Source.HOTLINE, category=None, grid=None,
             confidential: bool = False) -> Case:
    return transitions.register(
        title="小区路灯不亮", content="小区东门路灯坏了一个月。", source=source, requester_kind=RequesterKind.CITIZEN,
        requester_name="群众", requester_phone="13812345678", requester_user=tc.requester,
        category=category or tc.property_mgmt, grid=grid, confidential=confidential,
        by=tc.inspector if confidential else tc.dispatcher, at=at)


def _handler(tc, case):
    return tc.other_handler if case.lead_unit_id == tc.labour.pk else tc.handler


def _lead(case):
    return case.assignments.filter(role="lead", status__in=["pending", "claimed"]).first()


def step(tc, case: Case, operation: str, at: datetime) -> bool:
    """Try one operation on a fresh copy of the case; False when the state or the actor does not allow it."""
    case = Case.objects.get(pk=case.pk)
    try:
        if operation == "dispatch":
            transitions.dispatch(case, lead_unit=tc.housing, by=tc.dispatcher, at=at)
        elif operation == "claim":
            lead = _lead(case)
            if lead is None:
                return False
            transitions.claim(lead, by=_handler(tc, case), at=at)
        elif operation == "return":
            lead = _lead(case)
            if lead is None:
                return False
            transitions.return_to_dispatcher(lead, reason="不属本单位职责。", by=_handler(tc, case), at=at)
        elif operation == "transfer":
            other = tc.labour if case.lead_unit_id == tc.housing.pk else tc.housing
            transitions.transfer(case, to_unit=other, reason="职责调整。", by=tc.dispatcher, at=at)
        elif operation == "reply":
            transitions.reply(case, text="已处理完毕。", by=_handler(tc, case), at=at)
        elif operation in ("evaluate_ok", "evaluate_bad"):
            satisfaction = Satisfaction.SATISFIED if operation == "evaluate_ok" else Satisfaction.UNSATISFIED
            transitions.evaluate(case, satisfaction=satisfaction, by=tc.requester, at=at)
        elif operation == "close":
            transitions.close(case, by=tc.dispatcher, at=at)
        elif operation == "spot_check":
            transitions.reopen(case, reason="抽查回访群众反映未解决。", cause=ReopenCause.SPOT_CHECK,
                               by=tc.supervisor, at=at)
        elif operation == "suspend":
            transitions.suspend(case, reason="等待第三方鉴定。", by=_handler(tc, case), at=at)
        elif operation == "resume":
            transitions.resume(case, by=_handler(tc, case), at=at)
        elif operation == "supervise":
            transitions.supervise(case, level=max(1, case.supervision_level), note="请加快办理。", by=tc.supervisor,
                                  at=at)
        elif operation == "comment":
            transitions.comment(case, text="补充说明。", by=tc.dispatcher, at=at)
    except DomainError:
        return False
    return True


def play(tc, plan: list[tuple[int, str, int]], *, start: datetime | None = None, cases: int = 3) -> list[Case]:
    """Register `cases` cases at `start`, then apply (case index, operation, hours later) in order."""
    now = start or timezone.make_aware(datetime(2026, 3, 2, 8, 30))
    made = [register(tc, at=now + timedelta(minutes=i)) for i in range(cases)]
    now += timedelta(minutes=cases)
    for index, operation, hours in plan:
        now += timedelta(hours=hours, minutes=1)
        step(tc, made[index % cases], operation, now)
    return made
