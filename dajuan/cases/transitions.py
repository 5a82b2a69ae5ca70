"""The loop's only writer (DESIGN §1): one function per verb.

Every transition: takes the actor as keyword-only `by=`; asks access (NotPermitted → 403); checks the
allowed-from table (InvalidTransition → 409); changes the case with a conditional update so the loser
of a race gets StaleCase (409); appends exactly one ledger event (evaluate may append the follow-on
REOPENED or CLOSED, each its own event); runs in one durable transaction. `at` defaults to now and
exists so replays and imports can record history at its real time.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import deadlines, ledger, validation
from dajuan.cases.choices import (
    SATISFIED_VALUES,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    ClosureKind,
    EvaluationSource,
    Priority,
    ReopenCause,
    Satisfaction,
    SupervisionLevel,
    Verb,
)
from dajuan.cases.errors import CaseInvalid, InvalidTransition
from dajuan.cases.models import Assignment, Attachment, Case, CaseNumberSequence, Evaluation, ExtensionRequest
from dajuan.cases.rules import ensure_allowed
from dajuan.core.errors import Conflict
from dajuan.org.models import Unit
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import add_working_days, claim_due, shift_for_pause

LIVE = (AssignmentStatus.PENDING, AssignmentStatus.CLAIMED)


def _reload(obj, case: Case) -> None:
    """Re-read an assignment or extension request after a write, keeping the caller's case object: its
    `version` is the lock the next transition checks (refresh_from_db would drop the cached relation)."""
    obj.refresh_from_db()
    obj.case = case


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- register, reject, merge ------------------------------------------------------------------


def _next_number(at: datetime) -> str:
    year = timezone.localtime(at).year
    CaseNumberSequence.objects.get_or_create(year=year)
    CaseNumberSequence.objects.filter(year=year).update(last=F("last") + 1)
    last = CaseNumberSequence.objects.filter(year=year).values_list("last", flat=True).get()
    return f"{year}-{last:06d}"


@transaction.atomic(durable=True)
def register(*, by, at: datetime | None = None, idempotency_key: str | None = None, files: Sequence = (),
             **fields) -> Case:
    """受理: record a new case from any channel. `fields` are Case columns (title, content, source,
    requester_kind, …); validation.case_fields checks them and names the field at fault. A retry with
    the same idempotency key returns the first case. Raises NotPermitted, CaseInvalid."""
    require(by, Action.REGISTER_CASE)
    if idempotency_key and (existing := Case.objects.filter(idempotency_key=idempotency_key).first()):
        return existing
    clean = validation.case_fields(fields)
    checked_files = validation.attachments(files)
    at = _now(at)
    try:
        with transaction.atomic():
            case = Case.objects.create(number=_next_number(at), registered_at=at, status=CaseStatus.RECEIVED,
                                       idempotency_key=idempotency_key or None, **clean)
    except IntegrityError:
        if idempotency_key and (existing := Case.objects.filter(idempotency_key=idempotency_key).first()):
            return existing
        raise
    event = ledger.record(case, Verb.REGISTERED, by=by, at=at, payload={
        "source": case.source, "priority": case.priority, "category": case.category_id,
        "confidential": case.confidential, "attachments": _attach(case, checked_files, by=by, at=at, seq=1),
    })
    assert event.seq == 1
    return case


@transaction.atomic(durable=True)
def reject(case: Case, *, reason: str, by, at: datetime | None = None) -> Case:
    """不予受理: the case is not the government's to answer (reason required)."""
    require(by, Action.REJECT_CASE, case)
    ensure_allowed(case, Verb.REJECTED)
    reason = validation.required_text(reason, "reason")
    at = _now(at)
    ledger.record(case, Verb.REJECTED, by=by, at=at, payload={"reason": reason},
                  changes={"status": CaseStatus.REJECTED, "closed_at": at,
                           "closure_kind": ClosureKind.ADMINISTRATIVE})
    return case


@transaction.atomic(durable=True)
def merge(case: Case, *, into: Case, by, at: datetime | None = None) -> Case:
    """合并: a duplicate joins the case it repeats; its live assignments are withdrawn."""
    require(by, Action.MERGE_CASE, case)
    ensure_allowed(case, Verb.MERGED)
    if into.pk == case.pk or into.status in (CaseStatus.MERGED, CaseStatus.REJECTED):
        raise CaseInvalid(_("Merge into another case that is neither merged nor rejected."), field="into")
    if into.confidential != case.confidential:
        raise CaseInvalid(_("A confidential case can only be merged with another confidential case."), field="into")
    at = _now(at)
    withdrawn = _end_live(case, AssignmentStatus.WITHDRAWN, at)
    ledger.record(case, Verb.MERGED, by=by, at=at, payload={"into": into.number, "withdrawn": withdrawn},
                  changes={"status": CaseStatus.MERGED, "duplicate_of": into, "closed_at": at,
                           "closure_kind": ClosureKind.ADMINISTRATIVE})
    return case


# --- dispatch, claim, return, transfer, assisting units --------------------------------------------


def _new_assignment(case: Case, unit: Unit, role: str, *, at: datetime, calendar: WorkCalendar) -> Assignment:
    limit = deadlines.limit_for(case.category, case.priority)
    amount = limit.amount if role == AssignmentRole.LEAD else limit.assist_amount
    reply = deadlines.due_after(at, amount, limit.unit, calendar)
    claim = claim_due(at, calendar)
    # 特急: claim no later than the reply itself is due.
    claim_at = min(claim.at, reply.at) if case.priority == Priority.CRITICAL else claim.at
    return Assignment.objects.create(case=case, unit=unit, role=role, round=case.reopen_count, created_at=at,
                                     claim_due=claim_at, reply_due=reply.at)


def _deadline_payload(assignment: Assignment) -> dict:
    return {"unit": assignment.unit.code, "role": assignment.role, "claim_due": _iso(assignment.claim_due),
            "reply_due": _iso(assignment.reply_due)}


def _check_units(units: Iterable[Unit], field: str) -> list[Unit]:
    units = list(units)
    for unit in units:
        if not unit.is_active or unit.kind == "district":
            raise CaseInvalid(_("%(unit)s cannot take cases; choose an active department, town, village, grid "
                                "or service centre.") % {"unit": unit}, field=field)
    if len({u.pk for u in units}) != len(units):
        raise CaseInvalid(_("A unit is listed twice."), field=field)
    return units


def _end_live(case: Case, status: str, at: datetime, *, role: str | None = None) -> list[str]:
    live = case.assignments.filter(status__in=LIVE)
    if role:
        live = live.filter(role=role)
    codes = list(live.values_list("unit__code", flat=True))
    live.update(status=status, ended_at=at)
    return codes


@transaction.atomic(durable=True)
def dispatch(case: Case, *, lead_unit: Unit, assist_units: Iterable[Unit] = (), category=None,
             priority: str | None = None, by, at: datetime | None = None) -> Case:
    """派发: hand the case to a lead unit (and assisting units) with deadlines from the category's policy."""
    require(by, Action.DISPATCH_CASE, case)
    ensure_allowed(case, Verb.DISPATCHED)
    category = category or case.category
    if category is None:
        raise CaseInvalid(_("Choose a category before dispatching; it decides the deadline."), field="category")
    if priority is not None and priority not in Priority.values:
        raise CaseInvalid(_("Priority must be one of: %(values)s.") % {"values": ", ".join(Priority.values)},
                          field="priority")
    [lead_unit] = _check_units([lead_unit], "lead_unit")
    assists = _check_units(assist_units, "assist_units")
    if lead_unit.pk in {u.pk for u in assists}:
        raise CaseInvalid(_("The lead unit cannot also assist."), field="assist_units")
    at = _now(at)
    case.category, case.priority = category, priority or case.priority
    calendar = WorkCalendar.current()
    lead = _new_assignment(case, lead_unit, AssignmentRole.LEAD, at=at, calendar=calendar)
    helpers = [_new_assignment(case, unit, AssignmentRole.ASSIST, at=at, calendar=calendar) for unit in assists]
    ledger.record(case, Verb.DISPATCHED, by=by, at=at, payload={
        "lead": _deadline_payload(lead), "assist": [_deadline_payload(a) for a in helpers],
        "category": category.code, "priority": case.priority,
    }, changes={"status": CaseStatus.DISPATCHED, "lead_unit": lead_unit, "category": category,
                "priority": case.priority, "claim_due": lead.claim_due, "reply_due": lead.reply_due,
                "dispatched_at": case.dispatched_at or at})
    return case


@transaction.atomic(durable=True)
def claim(assignment: Assignment, *, by, at: datetime | None = None) -> Assignment:
    """认领: the unit takes its share; the lead's claim starts the case (办理中)."""
    case = assignment.case
    require(by, Action.CLAIM_ASSIGNMENT, assignment)
    ensure_allowed(case, Verb.CLAIMED)
    at = _now(at)
    won = Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.PENDING).update(
        status=AssignmentStatus.CLAIMED, claimed_at=at, claimed_by=by)
    if not won:
        raise InvalidTransition(case.number, verb=str(Verb.CLAIMED.label),
                                status=str(AssignmentStatus(assignment.status).label),
                                hint=_("This assignment was already claimed or has ended."))
    changes = {"status": CaseStatus.IN_PROGRESS} if assignment.is_lead else {}
    ledger.record(case, Verb.CLAIMED, by=by, at=at, changes=changes, payload={
        "unit": assignment.unit.code, "role": assignment.role, "on_time": at <= assignment.claim_due})
    _reload(assignment, case)
    return assignment


@transaction.atomic(durable=True)
def return_to_dispatcher(assignment: Assignment, *, reason: str, by, at: datetime | None = None) -> Case:
    """退回: the lead unit says the case is not theirs; it goes back to the dispatcher."""
    case = assignment.case
    require(by, Action.RETURN_ASSIGNMENT, assignment)
    ensure_allowed(case, Verb.RETURNED)
    reason = validation.required_text(reason, "reason")
    if assignment.status not in LIVE:
        raise InvalidTransition(case.number, verb=str(Verb.RETURNED.label),
                                status=str(AssignmentStatus(assignment.status).label))
    at = _now(at)
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.RETURNED, ended_at=at)
    withdrawn = _end_live(case, AssignmentStatus.WITHDRAWN, at, role=AssignmentRole.ASSIST)
    ledger.record(case, Verb.RETURNED, by=by, at=at, payload={
        "unit": assignment.unit.code, "reason": reason, "withdrawn": withdrawn},
        changes={"status": CaseStatus.RETURNED, "lead_unit": None, "claim_due": None, "reply_due": None})
    return case


@transaction.atomic(durable=True)
def transfer(case: Case, *, to_unit: Unit, reason: str, by, at: datetime | None = None) -> Case:
    """转办: the dispatcher moves the case to another lead unit, which gets a fresh limit."""
    require(by, Action.TRANSFER_CASE, case)
    ensure_allowed(case, Verb.TRANSFERRED)
    reason = validation.required_text(reason, "reason")
    [to_unit] = _check_units([to_unit], "to_unit")
    if to_unit.pk == case.lead_unit_id:
        raise CaseInvalid(_("The case is already with %(unit)s.") % {"unit": to_unit}, field="to_unit")
    at = _now(at)
    previous = _end_live(case, AssignmentStatus.TRANSFERRED, at, role=AssignmentRole.LEAD)
    case.assignments.filter(status__in=LIVE, unit=to_unit).update(status=AssignmentStatus.WITHDRAWN, ended_at=at)
    lead = _new_assignment(case, to_unit, AssignmentRole.LEAD, at=at, calendar=WorkCalendar.current())
    ledger.record(case, Verb.TRANSFERRED, by=by, at=at, payload={
        "from": previous, "lead": _deadline_payload(lead), "reason": reason},
        changes={"status": CaseStatus.DISPATCHED, "lead_unit": to_unit, "claim_due": lead.claim_due,
                 "reply_due": lead.reply_due})
    return case


@transaction.atomic(durable=True)
def add_assisting_units(case: Case, *, units: Iterable[Unit], report_due: datetime | None = None, by,
                        at: datetime | None = None) -> list[Assignment]:
    """吹哨: summon units to assist, each to report by a deadline (the policy's, or `report_due`)."""
    require(by, Action.SUMMON_ASSIST, case)
    ensure_allowed(case, Verb.ASSIST_ADDED)
    units = _check_units(units, "units")
    if not units:
        raise CaseInvalid(_("Choose at least one unit to summon."), field="units")
    busy = set(case.assignments.filter(status__in=LIVE).values_list("unit_id", flat=True))
    if clash := [u for u in units if u.pk in busy]:
        raise CaseInvalid(_("%(unit)s is already working on this case.") % {"unit": clash[0]}, field="units")
    at = _now(at)
    if report_due is not None and report_due <= at:
        raise CaseInvalid(_("The report deadline must be in the future."), field="report_due")
    calendar = WorkCalendar.current()
    added = [_new_assignment(case, unit, AssignmentRole.ASSIST, at=at, calendar=calendar) for unit in units]
    if report_due is not None:
        Assignment.objects.filter(pk__in=[a.pk for a in added]).update(reply_due=report_due)
        for a in added:
            a.reply_due = report_due
    ledger.record(case, Verb.ASSIST_ADDED, by=by, at=at, payload={"assist": [_deadline_payload(a) for a in added]})
    return added


@transaction.atomic(durable=True)
def remove_assisting_unit(assignment: Assignment, *, by, at: datetime | None = None) -> Assignment:
    """Release an assisting unit that is no longer needed."""
    case = assignment.case
    require(by, Action.SUMMON_ASSIST, case)
    ensure_allowed(case, Verb.ASSIST_REMOVED)
    if assignment.role != AssignmentRole.ASSIST:
        raise CaseInvalid(_("Only an assisting unit can be released; transfer the case to change the lead."),
                          field="assignment")
    at = _now(at)
    if not Assignment.objects.filter(pk=assignment.pk, status__in=LIVE).update(
            status=AssignmentStatus.WITHDRAWN, ended_at=at):
        raise InvalidTransition(case.number, verb=str(Verb.ASSIST_REMOVED.label),
                                status=str(AssignmentStatus(assignment.status).label))
    ledger.record(case, Verb.ASSIST_REMOVED, by=by, at=at, payload={"unit": assignment.unit.code})
    _reload(assignment, case)
    return assignment


@transaction.atomic(durable=True)
def report_assist(assignment: Assignment, *, text: str, by, at: datetime | None = None,
                  files: Sequence = ()) -> Assignment:
    """报到反馈: an assisting unit gives the lead its input."""
    case = assignment.case
    require(by, Action.REPORT_ASSIST, assignment)
    ensure_allowed(case, Verb.ASSIST_REPORTED)
    text = validation.required_text(text, "text")
    checked = validation.attachments(files)
    at = _now(at)
    if not Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.CLAIMED).update(
            status=AssignmentStatus.REPLIED, replied_at=at, replied_by=by, reply_text=text):
        raise InvalidTransition(case.number, verb=str(Verb.ASSIST_REPORTED.label),
                                status=str(AssignmentStatus(assignment.status).label),
                                hint=_("Claim the assignment first."))
    ledger.record(case, Verb.ASSIST_REPORTED, by=by, at=at, payload={
        "unit": assignment.unit.code, "text": text, "on_time": at <= assignment.reply_due,
        "attachments": _attach(case, checked, by=by, at=at, seq=case.version + 1)})
    _reload(assignment, case)
    return assignment


# --- extension, suspension, progress ----------------------------------------------------------


def _lead(case: Case) -> Assignment:
    lead = case.assignments.filter(role=AssignmentRole.LEAD, status__in=LIVE).select_related("unit").first()
    if lead is None:
        raise Conflict(_("Case %(number)s has no lead unit working on it.") % {"number": case.number})
    return lead


@transaction.atomic(durable=True)
def request_extension(case: Case, *, working_days: int, reason: str, by,
                      at: datetime | None = None) -> ExtensionRequest:
    """延期申请: the lead unit asks for more working days, with a reason."""
    require(by, Action.REQUEST_EXTENSION, case)
    ensure_allowed(case, Verb.EXTENSION_REQUESTED)
    reason = validation.required_text(reason, "reason")
    if not isinstance(working_days, int) or not 1 <= working_days <= 60:
        raise CaseInvalid(_("Ask for between 1 and 60 working days."), field="working_days")
    if case.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for a decision."), field="working_days")
    at = _now(at)
    request = ExtensionRequest.objects.create(case=case, assignment=_lead(case), requested_by=by, requested_at=at,
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
    ensure_allowed(case, verb)
    if not approve:
        note = validation.required_text(note, "note")
    at = _now(at)
    state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.DENIED
    if not ExtensionRequest.objects.filter(pk=request.pk, state=ExtensionRequest.State.PENDING).update(
            state=state, decided_by=by, decided_at=at, decision_note=note.strip()):
        raise Conflict(_("This extension request has already been decided."))
    payload = {"request": request.pk, "note": note.strip()}
    changes = {}
    if approve:
        lead = _lead(case)
        new_due = add_working_days(lead.reply_due, request.working_days, WorkCalendar.current()).at
        Assignment.objects.filter(pk=lead.pk).update(reply_due=new_due)
        payload |= {"old_reply_due": _iso(lead.reply_due), "new_reply_due": _iso(new_due),
                    "working_days": request.working_days}
        changes = {"reply_due": new_due}
    ledger.record(case, verb, by=by, at=at, payload=payload, changes=changes)
    _reload(request, case)
    return request


@transaction.atomic(durable=True)
def suspend(case: Case, *, reason: str, by, at: datetime | None = None) -> Case:
    """挂起: pause the clock (e.g. waiting for a court ruling or the season)."""
    require(by, Action.SUSPEND_CASE, case)
    ensure_allowed(case, Verb.SUSPENDED)
    reason = validation.required_text(reason, "reason")
    at = _now(at)
    ledger.record(case, Verb.SUSPENDED, by=by, at=at, payload={"reason": reason},
                  changes={"status": CaseStatus.SUSPENDED, "suspended_at": at})
    return case


@transaction.atomic(durable=True)
def resume(case: Case, *, by, at: datetime | None = None) -> Case:
    """恢复: restart the clock; live deadlines move later by the working time spent suspended."""
    require(by, Action.SUSPEND_CASE, case)
    ensure_allowed(case, Verb.RESUMED)
    at = _now(at)
    calendar = WorkCalendar.current()
    moved, lead_due = [], case.reply_due
    for assignment in case.assignments.filter(status__in=LIVE).select_related("unit"):
        new_due = shift_for_pause(assignment.reply_due, paused_from=case.suspended_at, paused_until=at,
                                  calendar=calendar).at
        Assignment.objects.filter(pk=assignment.pk).update(reply_due=new_due)
        moved.append({"unit": assignment.unit.code, "old_reply_due": _iso(assignment.reply_due),
                      "new_reply_due": _iso(new_due)})
        if assignment.is_lead:
            lead_due = new_due
    ledger.record(case, Verb.RESUMED, by=by, at=at, payload={"suspended_at": _iso(case.suspended_at),
                                                            "moved": moved},
                  changes={"status": CaseStatus.IN_PROGRESS, "suspended_at": None, "reply_due": lead_due})
    return case


@transaction.atomic(durable=True)
def note_progress(case: Case, *, text: str, by, at: datetime | None = None, files: Sequence = ()) -> Case:
    """进展: a handler records what has been done so far."""
    require(by, Action.NOTE_PROGRESS, case)
    ensure_allowed(case, Verb.PROGRESS_NOTED)
    text = validation.required_text(text, "text")
    checked = validation.attachments(files)
    at = _now(at)
    ledger.record(case, Verb.PROGRESS_NOTED, by=by, at=at, payload={
        "text": text, "attachments": _attach(case, checked, by=by, at=at, seq=case.version + 1)})
    return case


# --- reply, evaluate, close, reopen -----------------------------------------------------------


@transaction.atomic(durable=True)
def reply(case: Case, *, text: str, by, at: datetime | None = None, files: Sequence = (),
          override_assist: bool = False) -> Case:
    """答复: the lead unit answers. Assisting units must have reported, unless a leader or dispatcher
    overrides (the units still pending are named in the ledger)."""
    require(by, Action.REPLY_CASE, case)
    ensure_allowed(case, Verb.REPLIED)
    text = validation.required_text(text, "text")
    checked = validation.attachments(files)
    lead = _lead(case)
    if lead.status != AssignmentStatus.CLAIMED:
        raise InvalidTransition(case.number, verb=str(Verb.REPLIED.label),
                                status=str(AssignmentStatus(lead.status).label), hint=_("Claim it first."))
    pending = list(case.assignments.filter(role=AssignmentRole.ASSIST, status__in=LIVE)
                   .values_list("unit__name", flat=True))
    if pending and not override_assist:
        raise Conflict(_("Waiting for the assisting units to report: %(units)s. Wait for them, or have the "
                         "lead unit's leader reply without them.") % {"units": "、".join(pending)},
                       field="override_assist")
    if pending:
        require(by, Action.OVERRIDE_ASSIST, case)
    at = _now(at)
    Assignment.objects.filter(pk=lead.pk).update(status=AssignmentStatus.REPLIED, replied_at=at, replied_by=by,
                                                 reply_text=text)
    overridden = _end_live(case, AssignmentStatus.WITHDRAWN, at, role=AssignmentRole.ASSIST)
    ledger.record(case, Verb.REPLIED, by=by, at=at, payload={
        "unit": lead.unit.code, "text": text, "on_time": at <= lead.reply_due, "overridden": overridden,
        "attachments": _attach(case, checked, by=by, at=at, seq=case.version + 1)},
        changes={"status": CaseStatus.REPLIED, "replied_at": at})
    return case


@transaction.atomic(durable=True)
def evaluate(case: Case, *, satisfaction: str, comment: str = "", by, source: str = EvaluationSource.REQUESTER,
             at: datetime | None = None) -> Case:
    """评价: the requester grades the reply (or a supervisor records the grade from a callback).
    不满意 reopens the case (重办, a second event); otherwise the case closes (销号, a second event)
    unless settings.DAJUAN_CLOSE_AFTER_EVALUATION is off, when it waits for close()."""
    action = Action.EVALUATE_CASE if source == EvaluationSource.REQUESTER else Action.RECORD_CALLBACK
    if source not in EvaluationSource.values:
        raise CaseInvalid(_("Unknown evaluation source."), field="source")
    require(by, action, case)
    ensure_allowed(case, Verb.EVALUATED)
    if satisfaction not in Satisfaction.values:
        raise CaseInvalid(_("Choose 满意, 基本满意 or 不满意."), field="satisfaction")
    at = _now(at)
    Evaluation.objects.create(case=case, round=case.reopen_count, satisfaction=satisfaction,
                              comment=comment.strip(), source=source, by=by, at=at)
    ledger.record(case, Verb.EVALUATED, by=by, at=at, payload={
        "satisfaction": satisfaction, "comment": comment.strip(), "source": source, "round": case.reopen_count,
        "unit": case.lead_unit.code if case.lead_unit else None},
        changes={"status": CaseStatus.EVALUATED, "satisfaction": satisfaction, "evaluation_source": source})
    if satisfaction not in SATISFIED_VALUES:
        _reopen(case, reason=_("The requester was not satisfied."), cause=ReopenCause.UNSATISFIED, by=by, at=at)
    elif getattr(settings, "DAJUAN_CLOSE_AFTER_EVALUATION", True):
        _close(case, by=by, at=at, note="")
    return case


@transaction.atomic(durable=True)
def close(case: Case, *, note: str = "", by, at: datetime | None = None) -> Case:
    """销号. A replied case closed without an evaluation is marked 未评价 and never counts as satisfied."""
    require(by, Action.CLOSE_CASE, case)
    ensure_allowed(case, Verb.CLOSED)
    _close(case, by=by, at=_now(at), note=note.strip())
    return case


def _close(case: Case, *, by, at: datetime, note: str) -> None:
    kind = ClosureKind.EVALUATED if case.status == CaseStatus.EVALUATED else ClosureKind.UNEVALUATED
    ledger.record(case, Verb.CLOSED, by=by, at=at,
                  payload={"closure": kind, "note": note, "unit": case.lead_unit.code if case.lead_unit else None},
                  changes={"status": CaseStatus.CLOSED, "closed_at": at, "closure_kind": kind})


@transaction.atomic(durable=True)
def reopen(case: Case, *, reason: str, cause: str = ReopenCause.OTHER, by, at: datetime | None = None) -> Case:
    """重办: back to the lead unit with new deadlines, e.g. after a failed spot check (cause SPOT_CHECK)."""
    require(by, Action.REOPEN_CASE, case)
    ensure_allowed(case, Verb.REOPENED)
    if cause not in ReopenCause.values:
        raise CaseInvalid(_("Unknown reason for reopening."), field="cause")
    _reopen(case, reason=validation.required_text(reason, "reason"), cause=cause, by=by, at=_now(at))
    return case


def _reopen(case: Case, *, reason: str, cause: str, by, at: datetime) -> None:
    if case.lead_unit is None:
        raise Conflict(_("Case %(number)s has no lead unit to reopen it for.") % {"number": case.number})
    case.reopen_count += 1
    lead = _new_assignment(case, case.lead_unit, AssignmentRole.LEAD, at=at, calendar=WorkCalendar.current())
    ledger.record(case, Verb.REOPENED, by=by, at=at, payload={
        "reason": reason, "cause": cause, "round": case.reopen_count, "lead": _deadline_payload(lead),
        "was": case.status, "unit": case.lead_unit.code},
        changes={"status": CaseStatus.DISPATCHED, "reopen_count": case.reopen_count, "claim_due": lead.claim_due,
                 "reply_due": lead.reply_due, "replied_at": None, "closed_at": None, "satisfaction": "",
                 "evaluation_source": "", "closure_kind": ""})


# --- supervision and comments -----------------------------------------------------------------


@transaction.atomic(durable=True)
def supervise(case: Case, *, level: int, note: str, escalated_to=None, by, at: datetime | None = None) -> Case:
    """催办 → 督办 → 挂牌督办: the level never goes down; 挂牌督办 names the leader it is escalated to."""
    require(by, Action.SUPERVISE_CASE, case)
    ensure_allowed(case, Verb.SUPERVISED)
    note = validation.required_text(note, "note")
    if level not in SupervisionLevel.values or level == SupervisionLevel.NONE:
        raise CaseInvalid(_("Choose 催办, 督办 or 挂牌督办."), field="level")
    if level < case.supervision_level:
        raise CaseInvalid(_("Supervision only escalates; this case is already at %(level)s.")
                          % {"level": SupervisionLevel(case.supervision_level).label}, field="level")
    if level == SupervisionLevel.LISTED and escalated_to is None:
        raise CaseInvalid(_("挂牌督办 needs the district leader it is escalated to."), field="escalated_to")
    at = _now(at)
    ledger.record(case, Verb.SUPERVISED, by=by, at=at, payload={
        "level": level, "note": note, "escalated_to": escalated_to.pk if escalated_to else None,
        "escalated_to_name": str(escalated_to) if escalated_to else "",
        "unit": case.lead_unit.code if case.lead_unit else None}, changes={"supervision_level": level})
    return case


@transaction.atomic(durable=True)
def comment(case: Case, *, text: str, by, at: datetime | None = None, files: Sequence = ()) -> Case:
    """备注: an internal note on the case's timeline (never shown to the requester)."""
    require(by, Action.COMMENT_CASE, case)
    ensure_allowed(case, Verb.COMMENTED)
    text = validation.required_text(text, "text")
    checked = validation.attachments(files)
    at = _now(at)
    ledger.record(case, Verb.COMMENTED, by=by, at=at, payload={
        "text": text, "attachments": _attach(case, checked, by=by, at=at, seq=case.version + 1)})
    return case


def _attach(case: Case, files: list[validation.CheckedFile], *, by, at: datetime, seq: int) -> list[dict]:
    """Store checked files for the event about to be appended (seq); return their ledger description."""
    described = []
    for checked in files:
        attachment = Attachment(case=case, event_seq=seq, original_name=checked.name,
                                content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                uploaded_by=by, uploaded_at=at)
        attachment.file.save(checked.name, checked.content, save=False)
        attachment.save()
        described.append({"id": attachment.pk, "name": checked.name, "sha256": checked.sha256,
                          "type": checked.content_type, "size": checked.size})
    return described
