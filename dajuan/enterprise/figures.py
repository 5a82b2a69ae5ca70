"""Figures per enterprise-service mechanism, as the report gives them (政企早餐会: meetings held,
enterprises met, problems and their closure; 微信矩阵群: groups, members, problems and closure;
惠企政策: policies published and pushed; 包保: objects, visits, problems, coverage). Every problem
count is a count of cases linked to the mechanism; closure rate = cases closed (销号) / problems."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from dajuan.cases.choices import CaseStatus


@dataclass(frozen=True)
class ProblemFigures:
    problems: int
    closed: int

    @property
    def closure_rate(self) -> float | None:
        return self.closed / self.problems if self.problems else None


def _problems(cases) -> ProblemFigures:
    counts = cases.aggregate(total=Count("pk"), closed=Count("pk", filter=Q(status=CaseStatus.CLOSED)))
    return ProblemFigures(problems=counts["total"], closed=counts["closed"])


def meeting_figures(start: date, end: date) -> dict:
    from dajuan.cases.models import Case
    from dajuan.meetings.models import Booking, Meeting, MeetingStatus

    held = Meeting.objects.filter(status=MeetingStatus.HELD, starts_at__date__gte=start, starts_at__date__lte=end)
    attended = Booking.objects.filter(meeting__in=held, attended=True)
    return {"held": held.count(), "attendances": attended.count(),
            "enterprises": attended.values("enterprise").distinct().count(),
            "problems": _problems(Case.objects.filter(meeting_problem__meeting__in=held))}


def group_figures(start: date, end: date) -> dict:
    from dajuan.cases.models import Case
    from dajuan.intake.models import AnswerPush, GroupMember, MessageGroup

    cases = Case.objects.filter(intake__group__isnull=False, registered_at__date__gte=start,
                                registered_at__date__lte=end)
    return {"groups": MessageGroup.objects.filter(is_active=True).count(),
            "enterprises": GroupMember.objects.filter(group__is_active=True).values("enterprise").distinct().count(),
            "problems": _problems(cases),
            "answer_pushes": AnswerPush.objects.filter(at__date__gte=start, at__date__lte=end).count()}


def care_figures(start: date, end: date) -> dict:
    from dajuan.cases.models import Case
    from dajuan.enterprise.models import CareTeam, Visit, VisitCallback

    visits = Visit.objects.filter(visited_on__gte=start, visited_on__lte=end)
    return {"objects": CareTeam.objects.count(), "visits": visits.count(),
            "visited": visits.values("enterprise").distinct().count(),
            "callbacks": VisitCallback.objects.filter(visit__in=visits).count(),
            "problems": _problems(Case.objects.filter(visit_problem__visit__in=visits))}


def all_figures(start: date, end: date) -> dict:
    from dajuan.policies.selectors import policy_figures

    return {"meetings": meeting_figures(start, end), "groups": group_figures(start, end),
            "policies": policy_figures(start=start, end=end), "care": care_figures(start, end)}
