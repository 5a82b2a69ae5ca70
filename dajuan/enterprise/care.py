"""包保: care teams, visit logs and the joint inspection group's phone callbacks.

Invariants: an enterprise has at most one care team (leader + mid-level cadre + staff); every problem
found on a visit becomes a case through `intake.services.case_register` (source 包保走访), and its
VisitProblem link commits in the case's REGISTERED transaction; every write leaves an AuditEntry.
A visit's problems are all checked before the visit is written, so a bad problem writes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import validation
from dajuan.cases.choices import RequesterKind, Source
from dajuan.cases.errors import CaseInvalid
from dajuan.core.audit import audit_record
from dajuan.core.errors import ValidationFailed
from dajuan.enterprise.choices import CallbackOutcome
from dajuan.enterprise.models import CareTeam, Enterprise, Visit, VisitCallback, VisitProblem


@dataclass(frozen=True)
class Problem:
    """A problem to register as a case: found on a visit, raised at a meeting or in a group."""

    title: str
    content: str
    category: object = None


def problems_check(problems: list[Problem], *, enterprise: Enterprise) -> None:
    """Check every problem the way registration will, before anything is written. Raises CaseInvalid
    naming the problem (problems.<n>.<field>)."""
    for n, problem in enumerate(problems, start=1):
        try:
            validation.case_fields({"title": problem.title, "content": problem.content, "category": problem.category,
                                    "source": Source.ENTERPRISE_VISIT, "requester_kind": RequesterKind.ENTERPRISE,
                                    "requester_name": enterprise.name})
        except CaseInvalid as error:
            raise CaseInvalid(_("Problem %(n)s: %(message)s") % {"n": n, "message": error.message},
                              field=f"problems.{n}.{error.field or 'title'}") from None


def _staff_only(user, field: str) -> None:
    if user is None or not scope.is_staff_member(user):
        raise ValidationFailed(_("%(user)s does not work for a unit; a care team is made of staff.")
                               % {"user": user or "-"}, field=field)


@transaction.atomic
def care_team_set(enterprise: Enterprise, *, leader, cadre, staff=(), since: date | None = None, by) -> CareTeam:
    """Give an enterprise its 包保 team, or change it. Raises NotPermitted, ValidationFailed."""
    require(by, Action.MANAGE_CARE)
    _staff_only(leader, "leader")
    _staff_only(cadre, "cadre")
    for person in staff:
        _staff_only(person, "staff")
    team = CareTeam.objects.filter(enterprise=enterprise).first()
    before = {"leader": team.leader_id, "cadre": team.cadre_id} if team else {}
    if team is None:
        team = CareTeam.objects.create(enterprise=enterprise, leader=leader, cadre=cadre,
                                       since=since or timezone.localdate())
    else:
        CareTeam.objects.filter(pk=team.pk).update(leader=leader, cadre=cadre)
        team.refresh_from_db()
    team.staff.set(list(staff))
    audit_record(team, "care_team_set", by=by, before=before,
                 after={"leader": leader.pk, "cadre": cadre.pk, "staff": [p.pk for p in staff]})
    return team


def visit_record(enterprise: Enterprise, *, visited_on: date, visitors, delivered: str = "",
                 problems: list[Problem] = (), policies=(), by, at: datetime | None = None) -> Visit:
    """Record a 走访 and register each problem found as a case linked to the visit and the enterprise.
    `policies` handed over become PolicyPush rows of channel "visit". Raises NotPermitted,
    ValidationFailed, CaseInvalid — all before anything is written."""
    require(by, Action.RECORD_VISIT, enterprise)
    at = at or timezone.now()
    if visited_on > timezone.localtime(at).date():
        raise ValidationFailed(_("The visit date is in the future; record a visit after it happened."),
                               field="visited_on")
    visitors = list(visitors)
    if not visitors:
        raise ValidationFailed(_("Name at least one visitor."), field="visitors")
    for person in visitors:
        _staff_only(person, "visitors")
    problems = list(problems)
    problems_check(problems, enterprise=enterprise)
    with transaction.atomic():
        visit = Visit.objects.create(enterprise=enterprise, visited_on=visited_on, delivered=(delivered or "").strip(),
                                     recorded_by=by, recorded_at=at)
        visit.visitors.set(visitors)
        if policies:
            from dajuan.policies.models import PushChannel
            from dajuan.policies.services import pushes_add

            pushes_add(list(policies), [enterprise], channel=PushChannel.VISIT, by=by, at=at, visit=visit)
        audit_record(visit, "visit_recorded", by=by, after={"enterprise": enterprise.pk, "problems": len(problems)})
    for problem in problems:  # each registration is its own durable transaction (the loop's rule)
        problem_register(problem, enterprise=enterprise, channel=Source.ENTERPRISE_VISIT, by=by, at=at,
                         link=lambda case, v=visit: VisitProblem.objects.create(visit=v, case=case))
    return visit


def problem_register(problem: Problem, *, enterprise: Enterprise, channel: str, by, at=None, link, group=None,
                     external_id: str = ""):
    """Register one problem as a case for `enterprise` through intake, with `link(case)` written in the
    same transaction. The one place visits, meetings, groups and policies hand problems to the loop."""
    from dajuan.intake.services import case_register

    contact = enterprise.contact_name or enterprise.name
    return case_register(by=by, channel=channel, title=problem.title, content=problem.content,
                         category=problem.category, requester_kind=RequesterKind.ENTERPRISE,
                         requester_name=contact, enterprise=enterprise,
                         group=group, external_id=external_id, at=at, on_registered=link)


@transaction.atomic
def visit_callback_record(visit: Visit, *, outcome: str, note: str = "", by,
                          at: datetime | None = None) -> VisitCallback:
    """电话回访: the joint inspection group's call about a visit. Raises NotPermitted, ValidationFailed."""
    require(by, Action.RECORD_VISIT_CALLBACK)
    if outcome not in CallbackOutcome.values:
        raise ValidationFailed(_("Outcome must be one of: %(values)s.")
                               % {"values": ", ".join(CallbackOutcome.values)}, field="outcome")
    callback = VisitCallback.objects.create(visit=visit, outcome=outcome, note=(note or "").strip(), by=by,
                                            at=at or timezone.now())
    audit_record(visit, "visit_callback", by=by, after={"outcome": outcome})
    return callback
