"""Routing a case to units: dispatch (派发), claim (认领), return (退回), transfer (转办) and assisting
units (吹哨 and their reports)."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import ledger, validation
from dajuan.cases.choices import (
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    Priority,
    Verb,
)
from dajuan.cases.errors import CaseInvalid, InvalidTransition
from dajuan.cases.models import Assignment, Case
from dajuan.cases.transitions.base import (
    LIVE,
    attach,
    check_units,
    deadline_payload,
    end_live,
    keep_case,
    new_assignment,
    now_or,
    start,
)
from dajuan.org.models import Unit
from dajuan.worktime.calendar import WorkCalendar


@transaction.atomic(durable=True)
def dispatch(case: Case, *, lead_unit: Unit, assist_units: Iterable[Unit] = (), category=None,
             priority: str | None = None, by, at: datetime | None = None, auto: dict | None = None) -> Case:
    """派发: hand the case to a lead unit (and assisting units) with deadlines from the category's policy.
    `auto` marks a dispatch made by the router on its own (model version, confidences) in the payload."""
    require(by, Action.DISPATCH_CASE, case)
    start(case, Verb.DISPATCHED)
    category = category or case.category
    if category is None:
        raise CaseInvalid(_("Choose a category before dispatching; it decides the deadline."), field="category")
    if priority is not None and priority not in Priority.values:
        raise CaseInvalid(_("Priority must be one of: %(values)s.") % {"values": ", ".join(Priority.values)},
                          field="priority")
    [lead_unit] = check_units([lead_unit], "lead_unit")
    assists = check_units(assist_units, "assist_units")
    if lead_unit.pk in {u.pk for u in assists}:
        raise CaseInvalid(_("The lead unit cannot also assist."), field="assist_units")
    at = now_or(at)
    case.category, case.priority = category, priority or case.priority
    calendar = WorkCalendar.current()
    lead = new_assignment(case, lead_unit, AssignmentRole.LEAD, at=at, calendar=calendar)
    helpers = [new_assignment(case, unit, AssignmentRole.ASSIST, at=at, calendar=calendar) for unit in assists]
    ledger.record(case, Verb.DISPATCHED, by=by, at=at, payload={
        "lead": deadline_payload(lead), "assist": [deadline_payload(a) for a in helpers],
        "category": category.code, "priority": case.priority, **({"auto": auto} if auto else {}),
    }, changes={"status": CaseStatus.DISPATCHED, "lead_unit": lead_unit, "category": category,
                "priority": case.priority, "claim_due": lead.claim_due, "reply_due": lead.reply_due,
                "dispatched_at": case.dispatched_at or at})
    return case


@transaction.atomic(durable=True)
def claim(assignment: Assignment, *, by, at: datetime | None = None) -> Assignment:
    """认领: the unit takes its share; the lead's claim starts the case (办理中)."""
    case = assignment.case
    require(by, Action.CLAIM_ASSIGNMENT, assignment)
    start(case, Verb.CLAIMED)
    at = now_or(at)
    won = Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.PENDING).update(
        status=AssignmentStatus.CLAIMED, claimed_at=at, claimed_by=by)
    if not won:
        raise InvalidTransition(case.number, verb=str(Verb.CLAIMED.label),
                                status=str(AssignmentStatus(assignment.status).label),
                                hint=_("This assignment was already claimed or has ended."))
    changes = {"status": CaseStatus.IN_PROGRESS} if assignment.is_lead else {}
    ledger.record(case, Verb.CLAIMED, by=by, at=at, changes=changes, payload={
        "unit": assignment.unit.code, "role": assignment.role, "on_time": at <= assignment.claim_due})
    keep_case(assignment, case)
    return assignment


@transaction.atomic(durable=True)
def return_to_dispatcher(assignment: Assignment, *, reason: str, by, at: datetime | None = None) -> Case:
    """退回: the lead unit says the case is not theirs; it goes back to the dispatcher."""
    case = assignment.case
    require(by, Action.RETURN_ASSIGNMENT, assignment)
    start(case, Verb.RETURNED)
    reason = validation.required_text(reason, "reason")
    if assignment.status not in LIVE:
        raise InvalidTransition(case.number, verb=str(Verb.RETURNED.label),
                                status=str(AssignmentStatus(assignment.status).label))
    at = now_or(at)
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.RETURNED, ended_at=at)
    withdrawn = end_live(case, AssignmentStatus.WITHDRAWN, at, role=AssignmentRole.ASSIST)
    ledger.record(case, Verb.RETURNED, by=by, at=at, payload={
        "unit": assignment.unit.code, "reason": reason, "withdrawn": withdrawn},
        changes={"status": CaseStatus.RETURNED, "lead_unit": None, "claim_due": None, "reply_due": None})
    return case


@transaction.atomic(durable=True)
def transfer(case: Case, *, to_unit: Unit, reason: str, by, at: datetime | None = None) -> Case:
    """转办: the dispatcher moves the case to another lead unit, which gets a fresh limit."""
    require(by, Action.TRANSFER_CASE, case)
    start(case, Verb.TRANSFERRED)
    reason = validation.required_text(reason, "reason")
    [to_unit] = check_units([to_unit], "to_unit")
    if to_unit.pk == case.lead_unit_id:
        raise CaseInvalid(_("The case is already with %(unit)s.") % {"unit": to_unit}, field="to_unit")
    at = now_or(at)
    previous = end_live(case, AssignmentStatus.TRANSFERRED, at, role=AssignmentRole.LEAD)
    case.assignments.filter(status__in=LIVE, unit=to_unit).update(status=AssignmentStatus.WITHDRAWN, ended_at=at)
    lead = new_assignment(case, to_unit, AssignmentRole.LEAD, at=at, calendar=WorkCalendar.current())
    ledger.record(case, Verb.TRANSFERRED, by=by, at=at, payload={
        "from": previous, "lead": deadline_payload(lead), "reason": reason},
        changes={"status": CaseStatus.DISPATCHED, "lead_unit": to_unit, "claim_due": lead.claim_due,
                 "reply_due": lead.reply_due})
    return case


@transaction.atomic(durable=True)
def add_assisting_units(case: Case, *, units: Iterable[Unit], report_due: datetime | None = None, by,
                        at: datetime | None = None) -> list[Assignment]:
    """吹哨: summon units to assist, each to report by a deadline (the policy's, or `report_due`)."""
    require(by, Action.SUMMON_ASSIST, case)
    start(case, Verb.ASSIST_ADDED)
    units = check_units(units, "units")
    if not units:
        raise CaseInvalid(_("Choose at least one unit to summon."), field="units")
    busy = set(case.assignments.filter(status__in=LIVE).values_list("unit_id", flat=True))
    if clash := [u for u in units if u.pk in busy]:
        raise CaseInvalid(_("%(unit)s is already working on this case.") % {"unit": clash[0]}, field="units")
    at = now_or(at)
    if report_due is not None and report_due <= at:
        raise CaseInvalid(_("The report deadline must be in the future."), field="report_due")
    calendar = WorkCalendar.current()
    added = [new_assignment(case, unit, AssignmentRole.ASSIST, at=at, calendar=calendar) for unit in units]
    if report_due is not None:
        Assignment.objects.filter(pk__in=[a.pk for a in added]).update(reply_due=report_due)
        for a in added:
            a.reply_due = report_due
    ledger.record(case, Verb.ASSIST_ADDED, by=by, at=at, payload={"assist": [deadline_payload(a) for a in added]})
    return added


@transaction.atomic(durable=True)
def remove_assisting_unit(assignment: Assignment, *, by, at: datetime | None = None) -> Assignment:
    """Release an assisting unit that is no longer needed."""
    case = assignment.case
    require(by, Action.SUMMON_ASSIST, case)
    start(case, Verb.ASSIST_REMOVED)
    if assignment.role != AssignmentRole.ASSIST:
        raise CaseInvalid(_("Only an assisting unit can be released; transfer the case to change the lead."),
                          field="assignment")
    at = now_or(at)
    if not Assignment.objects.filter(pk=assignment.pk, status__in=LIVE).update(
            status=AssignmentStatus.WITHDRAWN, ended_at=at):
        raise InvalidTransition(case.number, verb=str(Verb.ASSIST_REMOVED.label),
                                status=str(AssignmentStatus(assignment.status).label))
    ledger.record(case, Verb.ASSIST_REMOVED, by=by, at=at, payload={"unit": assignment.unit.code})
    keep_case(assignment, case)
    return assignment


@transaction.atomic(durable=True)
def report_assist(assignment: Assignment, *, text: str, by, at: datetime | None = None,
                  files: Sequence = ()) -> Assignment:
    """报到反馈: an assisting unit gives the lead its input."""
    case = assignment.case
    require(by, Action.REPORT_ASSIST, assignment)
    start(case, Verb.ASSIST_REPORTED)
    text = validation.required_text(text, "text")
    checked = validation.attachments(files)
    at = now_or(at)
    if not Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.CLAIMED).update(
            status=AssignmentStatus.REPLIED, replied_at=at, replied_by=by, reply_text=text):
        raise InvalidTransition(case.number, verb=str(Verb.ASSIST_REPORTED.label),
                                status=str(AssignmentStatus(assignment.status).label),
                                hint=_("Claim the assignment first."))
    ledger.record(case, Verb.ASSIST_REPORTED, by=by, at=at, payload={
        "unit": assignment.unit.code, "text": text, "on_time": at <= assignment.reply_due,
        "attachments": attach(case, checked, by=by, at=at, seq=case.version + 1)})
    keep_case(assignment, case)
    return assignment
