"""Rules for the actions of the loop, and the case scope (DESIGN §2). Part of the access module:
policy.RULES includes CASE_RULES, and policy.visible_cases is built from `case_scope_q`.

Each rule returns (allowed, reason); policy wraps it in a Decision. Objects: case-level actions
receive the Case; CLAIM, RETURN and REPORT_ASSIST receive the Assignment
the actor works on. Rules look at the case's prefetched assignments only (no query per rule when the
caller used `prefetch_related("assignments")`).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.enterprise_rules import care_case_ids, cares_for
from dajuan.org.choices import Role


def handles(user, unit) -> bool:
    """The user works cases of `unit`: its handler, leader or grid worker, or leader of a unit above it."""
    for m in scope.memberships_of(user):
        if m.unit_id == unit.pk and m.role in (Role.HANDLER, Role.UNIT_LEADER, Role.GRID_WORKER):
            return True
    return scope.in_led_subtree(user, unit)


def leads(user, unit) -> bool:
    return scope.in_led_subtree(user, unit)


def _live(case):
    return [a for a in case.assignments.all() if a.status in ("pending", "claimed")]


def case_enterprise_id(case) -> int | None:
    """The enterprise a case was raised for (recorded by intake), or None."""
    try:
        return case.intake.enterprise_id
    except ObjectDoesNotExist:
        return None


def is_requester(user, case) -> bool:
    """The person who raised the case, or any account of the enterprise it was raised for."""
    if case.requester_user_id is not None and case.requester_user_id == user.pk:
        return True
    enterprise_id = scope.enterprise_id_of(user)
    return enterprise_id is not None and case_enterprise_id(case) == enterprise_id


def can_see(user, case) -> bool:
    if case.confidential:
        return scope.has_role(user, Role.INSPECTOR)
    if scope.has_jurisdiction(user) or is_requester(user, case):
        return True
    return any(handles(user, a.unit) for a in case.assignments.all()) or cares_for(user, case)


def case_scope_q(user, prefix: str = "") -> Q:
    """The Q over cases matching `can_see`: the one definition the list scope and the rule share."""
    p = prefix
    inspector = scope.has_role(user, Role.INSPECTOR)
    not_confidential = Q(**{f"{p}confidential": False})
    if scope.has_jurisdiction(user):
        return Q() if inspector else not_confidential
    # Own requests and the units' cases as ONE id subquery (a UNION), not `own OR id IN (…)`: with the OR,
    # PostgreSQL scans every case and probes a hashed subplan; with one IN it joins the few ids.
    units = scope.unit_scope(user).values("pk")
    visible = not_confidential & Q(**{f"{p}pk__in": _own_or_worked_cases(user, units)})
    return visible | Q(**{f"{p}confidential": True}) if inspector else visible


def _own_or_worked_cases(user, units):
    from dajuan.cases.models import Assignment, Case

    worked = Assignment.objects.filter(unit__in=units).values("case_id")
    own = Q(requester_user=user.pk)
    if (enterprise_id := scope.enterprise_id_of(user)) is not None:  # an enterprise's account: all its cases
        own |= Q(intake__enterprise=enterprise_id)
    ids = Case.objects.filter(own).values("pk").union(worked)
    if scope.is_staff_member(user):  # 包保: the cases of the enterprises in their care, and of meetings they host
        ids = ids.union(*care_case_ids(user))
    return ids


def _view(user, case):
    return can_see(user, case), _("You may not see this case.")


def _register(user, obj):
    """Staff register cases from any channel; an enterprise user or a public requester raises their own."""
    ok = scope.is_staff_member(user) or scope.enterprise_id_of(user) is not None or scope.is_public_requester(user)
    return ok, _("Only staff of a unit, an enterprise's account or a citizen submitting a request may register "
                 "cases.")


def _dispatcher(user, case):
    ok = scope.has_role(user, Role.DISPATCHER, Role.ADMIN) and can_see(user, case)
    return ok, _("Only a dispatcher may do this.")


def _handles_assignment(user, assignment):
    ok = handles(user, assignment.unit) and can_see(user, assignment.case)
    return ok, _("Only the handlers and leaders of %(unit)s may do this.") % {"unit": assignment.unit}


def _handles_lead_assignment(user, assignment):
    if assignment.role != "lead":
        return False, _("Only the lead unit may return a case; an assisting unit reports its input instead.")
    return _handles_assignment(user, assignment)


def _handles_assist_assignment(user, assignment):
    if assignment.role != "assist":
        return False, _("Only an assisting unit reports input; the lead unit replies.")
    return _handles_assignment(user, assignment)


def _is_lead_unit(user, case) -> bool:
    """The user handles the case's lead unit (kept after the reply, so a closed case answers 409, not 403)."""
    return case.lead_unit_id is not None and handles(user, case.lead_unit)


def _lead_unit_handler(user, case):
    ok = _is_lead_unit(user, case) and can_see(user, case)
    return ok, _("Only the handlers and leaders of the lead unit may do this.")


def _dispatcher_or_lead_handler(user, case):
    ok, _reason = _dispatcher(user, case)
    if ok:
        return True, ""
    ok, _reason = _lead_unit_handler(user, case)
    return ok, _("Only a dispatcher or the lead unit may do this.")


def _dispatcher_or_lead_leader(user, case):
    if _dispatcher(user, case)[0]:
        return True, ""
    ok = case.lead_unit_id is not None and leads(user, case.lead_unit)
    return ok, _("Only a dispatcher or the lead unit's leader may do this.")


def _reviews_replies(case) -> bool:
    """The lead unit's replies wait for its leader (org Unit.reply_review)."""
    return case.lead_unit_id is not None and case.lead_unit.reply_review


def _lead_unit_leader(user, case):
    ok = case.lead_unit_id is not None and leads(user, case.lead_unit) and can_see(user, case)
    return ok, _("Only the lead unit's leader may review its replies.")


def _reply(user, case):
    """Any handler of the lead unit replies; where the unit reviews replies, only its leader sends one out
    directly, the handlers submit theirs for review."""
    ok, reason = _lead_unit_handler(user, case)
    if ok and _reviews_replies(case) and not leads(user, case.lead_unit):
        return False, _("Replies of %(unit)s go out after its leader's review: submit the reply for review.") % {
            "unit": case.lead_unit}
    return ok, reason


def _submit_reply(user, case):
    ok, reason = _lead_unit_handler(user, case)
    if ok and not _reviews_replies(case):
        return False, _("Replies of %(unit)s need no review: reply directly.") % {"unit": case.lead_unit}
    return ok, reason


def _any_live_handler(user, case):
    ok = can_see(user, case) and (_is_lead_unit(user, case) or any(handles(user, a.unit) for a in _live(case)))
    return ok, _("Only units working on this case may note progress.")


def _requester(user, case):
    return is_requester(user, case), _("Only the person who raised this case may evaluate it.")


def _supervisor(user, case):
    ok = scope.has_role(user, Role.SUPERVISOR) and can_see(user, case)
    return ok, _("Only a supervisor may do this.")


def _dispatcher_or_supervisor(user, case):
    ok = scope.has_role(user, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN) and can_see(user, case)
    return ok, _("Only a dispatcher or a supervisor may do this.")


def _supervise(user, case):
    ok = scope.has_role(user, Role.SUPERVISOR, Role.DISTRICT_LEADER) and can_see(user, case)
    return ok, _("Only a supervisor or a district leader may supervise a case.")


def _comment(user, case):
    ok = scope.is_staff_member(user) and can_see(user, case)
    return ok, _("Only staff who can see this case may comment on it.")


def _internals(user, case):
    ok = scope.is_staff_member(user) and can_see(user, case)
    return ok, _("Internal notes and supervision are shown to staff only.")


def _requester_contact(user, case):
    """Also used row by row in lists: with `lead_unit` selected it costs no query."""
    if case.confidential:
        return scope.has_role(user, Role.INSPECTOR), _("Only inspectors see this requester.")
    if scope.has_role(user, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN) or is_requester(user, case):
        return True, ""
    return _is_lead_unit(user, case), _("Only dispatchers, supervisors and the lead unit see the requester's phone "
                                        "number.")


CASE_RULES = {
    Action.VIEW_CASE: _view,
    Action.REGISTER_CASE: _register,
    Action.REJECT_CASE: _dispatcher,
    Action.MERGE_CASE: _dispatcher,
    Action.DISPATCH_CASE: _dispatcher,
    Action.CLAIM_ASSIGNMENT: _handles_assignment,
    Action.RETURN_ASSIGNMENT: _handles_lead_assignment,
    Action.REPORT_ASSIST: _handles_assist_assignment,
    Action.TRANSFER_CASE: _dispatcher,
    Action.SUMMON_ASSIST: _dispatcher_or_lead_handler,
    Action.REQUEST_EXTENSION: _lead_unit_handler,
    Action.DECIDE_EXTENSION: _dispatcher,
    Action.SUSPEND_CASE: _dispatcher_or_lead_leader,
    Action.NOTE_PROGRESS: _any_live_handler,
    Action.REPLY_CASE: _reply,
    Action.SUBMIT_REPLY: _submit_reply,
    Action.REVIEW_REPLY: _lead_unit_leader,
    Action.OVERRIDE_ASSIST: _dispatcher_or_lead_leader,
    Action.EVALUATE_CASE: _requester,
    Action.RECORD_CALLBACK: _supervisor,
    Action.CLOSE_CASE: _dispatcher_or_supervisor,
    Action.REOPEN_CASE: _dispatcher_or_supervisor,
    Action.SUPERVISE_CASE: _supervise,
    Action.COMMENT_CASE: _comment,
    Action.VIEW_CASE_INTERNALS: _internals,
    Action.VIEW_REQUESTER_CONTACT: _requester_contact,
}
