"""After the reply: evaluate (评价), close (销号), reopen (重办); supervision (督办) and comments."""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import ledger, validation
from dajuan.cases.choices import (
    SATISFIED_VALUES,
    AssignmentRole,
    CaseStatus,
    ClosureKind,
    EvaluationSource,
    ReopenCause,
    Satisfaction,
    SupervisionLevel,
    Verb,
)
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Case, Evaluation
from dajuan.cases.transitions.base import deadline_payload, new_assignment, now_or, record_note, start
from dajuan.core.errors import Conflict
from dajuan.worktime.calendar import WorkCalendar


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
    start(case, Verb.EVALUATED)
    if satisfaction not in Satisfaction.values:
        raise CaseInvalid(_("Choose 满意, 基本满意 or 不满意."), field="satisfaction")
    at = now_or(at)
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
    start(case, Verb.CLOSED)
    _close(case, by=by, at=now_or(at), note=note.strip())
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
    start(case, Verb.REOPENED)
    if cause not in ReopenCause.values:
        raise CaseInvalid(_("Unknown reason for reopening."), field="cause")
    _reopen(case, reason=validation.required_text(reason, "reason"), cause=cause, by=by, at=now_or(at))
    return case


def _reopen(case: Case, *, reason: str, cause: str, by, at: datetime) -> None:
    if case.lead_unit is None:
        raise Conflict(_("Case %(number)s has no lead unit to reopen it for.") % {"number": case.number})
    case.reopen_count += 1
    lead = new_assignment(case, case.lead_unit, AssignmentRole.LEAD, at=at, calendar=WorkCalendar.current())
    ledger.record(case, Verb.REOPENED, by=by, at=at, payload={
        "reason": reason, "cause": cause, "round": case.reopen_count, "lead": deadline_payload(lead),
        "was": case.status, "unit": case.lead_unit.code},
        changes={"status": CaseStatus.DISPATCHED, "reopen_count": case.reopen_count, "claim_due": lead.claim_due,
                 "reply_due": lead.reply_due, "replied_at": None, "closed_at": None, "satisfaction": "",
                 "evaluation_source": "", "closure_kind": ""})


@transaction.atomic(durable=True)
def supervise(case: Case, *, level: int, note: str, escalated_to=None, by, at: datetime | None = None) -> Case:
    """催办 → 督办 → 挂牌督办: the level never goes down; 挂牌督办 names the leader it is escalated to."""
    require(by, Action.SUPERVISE_CASE, case)
    start(case, Verb.SUPERVISED)
    note = validation.required_text(note, "note")
    if level not in SupervisionLevel.values or level == SupervisionLevel.NONE:
        raise CaseInvalid(_("Choose 催办, 督办 or 挂牌督办."), field="level")
    if level < case.supervision_level:
        raise CaseInvalid(_("Supervision only escalates; this case is already at %(level)s.")
                          % {"level": SupervisionLevel(case.supervision_level).label}, field="level")
    if level == SupervisionLevel.LISTED and escalated_to is None:
        raise CaseInvalid(_("挂牌督办 needs the district leader it is escalated to."), field="escalated_to")
    at = now_or(at)
    ledger.record(case, Verb.SUPERVISED, by=by, at=at, payload={
        "level": level, "note": note, "escalated_to": escalated_to.pk if escalated_to else None,
        "escalated_to_name": str(escalated_to) if escalated_to else "",
        "unit": case.lead_unit.code if case.lead_unit else None}, changes={"supervision_level": level})
    return case


@transaction.atomic(durable=True)
def comment(case: Case, *, text: str, by, at: datetime | None = None, files: Sequence = ()) -> Case:
    """备注: an internal note on the case's timeline (never shown to the requester)."""
    require(by, Action.COMMENT_CASE, case)
    start(case, Verb.COMMENTED)
    return record_note(case, Verb.COMMENTED, text=text, by=by, at=at, files=files)
