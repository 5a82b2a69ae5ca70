"""While a unit works: extension (延期), suspension (挂起), progress notes, the reply (答复)."""

from collections.abc import Sequence
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
    Verb,
)
from dajuan.cases.errors import CaseInvalid, InvalidTransition
from dajuan.cases.models import Assignment, Case, ExtensionRequest
from dajuan.cases.transitions.base import LIVE, attach, end_live, iso, keep_case, live_lead, now_or, record_note, start
from dajuan.core.errors import Conflict
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import add_working_days, shift_for_pause


@transaction.atomic(durable=True)
def request_extension(case: Case, *, working_days: int, reason: str, by,
                      at: datetime | None = None) -> ExtensionRequest:
    """延期申请: the lead unit asks for more working days, with a reason."""
    require(by, Action.REQUEST_EXTENSION, case)
    start(case, Verb.EXTENSION_REQUESTED)
    reason = validation.required_text(reason, "reason")
    if not isinstance(working_days, int) or not 1 <= working_days <= 60:
        raise CaseInvalid(_("Ask for between 1 and 60 working days."), field="working_days")
    if case.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for a decision."), field="working_days")
    at = now_or(at)
    request = ExtensionRequest.objects.create(case=case, assignment=live_lead(case), requested_by=by, requested_at=at,
                                              working_days=working_days, reason=reason)
    ledger.record(case, Verb.EXTENSION_REQUESTED, by=by, at=at, payload={
        "request": request.pk, "working_days": working_days, "reason": reason})
    return request


@transaction.atomic(durable=True)
def decide_extension(request: ExtensionRequest, *, approve: bool, note: str = "", by,
                     at: datetime | None = None) -> ExtensionRequest:
    """延期审批: approving moves the reply deadline by the working days asked for."""
    case = request.case
    require(by, Action.DECIDE_EXTENSION, case)
    verb = Verb.EXTENSION_APPROVED if approve else Verb.EXTENSION_DENIED
    start(case, verb)
    if not approve:
        note = validation.required_text(note, "note")
    at = now_or(at)
    state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.DENIED
    if not ExtensionRequest.objects.filter(pk=request.pk, state=ExtensionRequest.State.PENDING).update(
            state=state, decided_by=by, decided_at=at, decision_note=note.strip()):
        raise Conflict(_("This extension request has already been decided."))
    payload = {"request": request.pk, "note": note.strip()}
    changes = {}
    if approve:
        lead = live_lead(case)
        new_due = add_working_days(lead.reply_due, request.working_days, WorkCalendar.current()).at
        Assignment.objects.filter(pk=lead.pk).update(reply_due=new_due)
        payload |= {"old_reply_due": iso(lead.reply_due), "new_reply_due": iso(new_due),
                    "working_days": request.working_days}
        changes = {"reply_due": new_due}
    ledger.record(case, verb, by=by, at=at, payload=payload, changes=changes)
    keep_case(request, case)
    return request


@transaction.atomic(durable=True)
def suspend(case: Case, *, reason: str, by, at: datetime | None = None) -> Case:
    """挂起: pause the clock (e.g. waiting for a court ruling or the season)."""
    require(by, Action.SUSPEND_CASE, case)
    start(case, Verb.SUSPENDED)
    reason = validation.required_text(reason, "reason")
    at = now_or(at)
    ledger.record(case, Verb.SUSPENDED, by=by, at=at, payload={"reason": reason},
                  changes={"status": CaseStatus.SUSPENDED, "suspended_at": at})
    return case


@transaction.atomic(durable=True)
def resume(case: Case, *, by, at: datetime | None = None) -> Case:
    """恢复: restart the clock; live deadlines move later by the working time spent suspended."""
    require(by, Action.SUSPEND_CASE, case)
    start(case, Verb.RESUMED)
    at = now_or(at)
    calendar = WorkCalendar.current()
    moved, lead_due = [], case.reply_due
    for assignment in case.assignments.filter(status__in=LIVE).select_related("unit"):
        new_due = shift_for_pause(assignment.reply_due, paused_from=case.suspended_at, paused_until=at,
                                  calendar=calendar).at
        Assignment.objects.filter(pk=assignment.pk).update(reply_due=new_due)
        moved.append({"unit": assignment.unit.code, "old_reply_due": iso(assignment.reply_due),
                      "new_reply_due": iso(new_due)})
        if assignment.is_lead:
            lead_due = new_due
    ledger.record(case, Verb.RESUMED, by=by, at=at, payload={"suspended_at": iso(case.suspended_at),
                                                            "moved": moved},
                  changes={"status": CaseStatus.IN_PROGRESS, "suspended_at": None, "reply_due": lead_due})
    return case


@transaction.atomic(durable=True)
def note_progress(case: Case, *, text: str, by, at: datetime | None = None, files: Sequence = ()) -> Case:
    """进展: a handler records what has been done so far."""
    require(by, Action.NOTE_PROGRESS, case)
    start(case, Verb.PROGRESS_NOTED)
    return record_note(case, Verb.PROGRESS_NOTED, text=text, by=by, at=at, files=files)


def pending_assist_names(case: Case, field: str = "unit__name") -> list[str]:
    """The assisting units that have not reported yet (names, or `field` of their unit)."""
    live = case.assignments.filter(role=AssignmentRole.ASSIST, status__in=LIVE).order_by("pk")
    return list(live.values_list(field, flat=True))


def check_claimed(case: Case, lead: Assignment, verb: Verb) -> None:
    if lead.status != AssignmentStatus.CLAIMED:
        raise InvalidTransition(case.number, verb=str(verb.label), status=str(AssignmentStatus(lead.status).label),
                                hint=_("Claim it first."))


def send_reply(case: Case, lead: Assignment, *, text: str, author, by, at: datetime, attachments: list[dict],
               extra: dict | None = None) -> None:
    """The reply goes out (a direct reply, or an approved one): the lead assignment is answered, assisting
    units still pending are withdrawn (named in the ledger), the case waits for the evaluation."""
    Assignment.objects.filter(pk=lead.pk).update(status=AssignmentStatus.REPLIED, replied_at=at, replied_by=author,
                                                 reply_text=text)
    overridden = end_live(case, AssignmentStatus.WITHDRAWN, at, role=AssignmentRole.ASSIST)
    ledger.record(case, Verb.REPLIED, by=by, at=at, payload={
        "unit": lead.unit.code, "text": text, "on_time": at <= lead.reply_due, "overridden": overridden,
        "attachments": attachments, **(extra or {})},
        changes={"status": CaseStatus.REPLIED, "replied_at": at})


@transaction.atomic(durable=True)
def reply(case: Case, *, text: str, by, at: datetime | None = None, files: Sequence = (),
          override_assist: bool = False) -> Case:
    """答复: the lead unit answers. Assisting units must have reported, unless a leader or dispatcher
    overrides (the units still pending are named in the ledger). Where the lead unit reviews replies,
    only its leader replies directly (access); a reply awaiting review is approved, not replied to."""
    require(by, Action.REPLY_CASE, case)
    start(case, Verb.REPLIED)
    if case.status == CaseStatus.REVIEWING:
        raise InvalidTransition(case.number, verb=str(Verb.REPLIED.label), status=str(CaseStatus.REVIEWING.label),
                                hint=_("A reply is waiting for the leader's review: approve it or send it back."))
    text = validation.required_text(text, "text")
    checked = validation.attachments(files)
    lead = live_lead(case)
    check_claimed(case, lead, Verb.REPLIED)
    pending = pending_assist_names(case)
    if pending and not override_assist:
        raise Conflict(_("Waiting for the assisting units to report: %(units)s. Wait for them, or have the "
                         "lead unit's leader reply without them.") % {"units": "、".join(pending)},
                       field="override_assist")
    if pending:
        require(by, Action.OVERRIDE_ASSIST, case)
    at = now_or(at)
    send_reply(case, lead, text=text, author=by, by=by, at=at,
               attachments=attach(case, checked, by=by, at=at, seq=case.version + 1))
    return case
