"""Rules for the enterprise-service actions (包保, 早餐会, 惠企政策, 微信矩阵群) and the extra case scope
they give: a care-team member sees the cases of the enterprises in their care, a meeting's host the
cases raised at their meetings. Part of the access module: policy.RULES includes ENTERPRISE_RULES,
case_rules folds `care_case_ids` into the case scope."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.org.choices import Role

COORDINATORS = (Role.DISPATCHER, Role.ADMIN)  # 区营商办 runs the enterprise service


def cared_enterprise_ids(user):
    """The enterprises whose care team has this user as leader, cadre or staff (a subquery)."""
    from dajuan.enterprise.models import CareTeam

    return CareTeam.objects.filter(Q(leader=user.pk) | Q(cadre=user.pk) | Q(staff=user.pk)).values("enterprise_id")


def care_case_ids(user) -> list:
    """Cases of the enterprises in the user's care, and cases raised at meetings the user hosts: two
    `case_id` subqueries, each starting from its own indexed side (intake by enterprise, problems by the
    meeting's host), to be UNIONed. (One query over cases with an OR across both joins scanned every case:
    0.2-0.4 s per page at 200,000 cases.)"""
    from dajuan.intake.models import Intake
    from dajuan.meetings.models import MeetingProblem

    return [Intake.objects.filter(enterprise__in=cared_enterprise_ids(user)).values("case_id"),
            MeetingProblem.objects.filter(meeting__host=user.pk).values("case_id")]


def cares_for(user, case) -> bool:
    from dajuan.cases.models import Case

    if not scope.is_staff_member(user):
        return False
    # One case by its key: the OR across both joins costs nothing here.
    return Case.objects.filter(pk=case.pk).filter(Q(intake__enterprise__in=cared_enterprise_ids(user))
                                                  | Q(meeting_problem__meeting__host=user.pk)).exists()


def _staff(user, obj):
    if scope.is_staff_member(user):
        return True, ""
    return False, _("Only staff of a unit may see the enterprise service.")


def _coordinator(user, obj):
    if scope.has_role(user, *COORDINATORS):
        return True, ""
    return False, _("Only the business-environment office (a dispatcher) or an administrator may do this.")


def _record_visit(user, enterprise):
    if scope.has_role(user, *COORDINATORS):
        return True, ""
    if enterprise is not None and scope.is_staff_member(user):
        from dajuan.enterprise.models import CareTeam

        if CareTeam.objects.filter(Q(leader=user.pk) | Q(cadre=user.pk) | Q(staff=user.pk),
                                   enterprise=enterprise).exists():
            return True, ""
    return False, _("Only a member of this enterprise's care team, or a dispatcher, may record its visits.")


def _visit_callback(user, obj):
    if scope.has_role(user, Role.SUPERVISOR):
        return True, ""
    return False, _("Only the joint inspection group (supervisors) records callbacks about visits.")


def _host_meeting(user, meeting):
    if scope.has_role(user, *COORDINATORS):
        return True, ""
    if meeting is not None and meeting.host_id == user.pk:
        return True, ""
    return False, _("Only the meeting's host or a dispatcher may run this meeting.")


def _book_meeting(user, obj):
    if scope.enterprise_id_of(user) is not None:
        return True, ""
    return False, _("Only an account linked to an enterprise may book a meeting.")


ENTERPRISE_RULES = {
    Action.VIEW_ENTERPRISE_SERVICE: _staff,
    Action.MANAGE_CARE: _coordinator,
    Action.RECORD_VISIT: _record_visit,
    Action.RECORD_VISIT_CALLBACK: _visit_callback,
    Action.MANAGE_MEETINGS: _coordinator,
    Action.HOST_MEETING: _host_meeting,
    Action.BOOK_MEETING: _book_meeting,
    Action.MANAGE_POLICIES: _coordinator,
}
