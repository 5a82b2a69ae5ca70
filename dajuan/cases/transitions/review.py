"""答复审核: where the lead unit reviews replies (org Unit.reply_review), a handler's reply is submitted
(in progress → reviewing), and the unit's leader either sends it out — appending the same REPLIED event a
direct reply appends, so notifications, the evaluation and every figure count the reply from the approval —
or sends it back with a reason (→ in progress) for the handler to edit and submit again.

The reply deadline keeps counting while the reply waits: the case is still open and with its unit. The
submitted text and files live in the REPLY_SUBMITTED event (a draft is never written to the assignment,
so nothing shows an unapproved reply as sent).
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import ledger, validation
from dajuan.cases.choices import CaseStatus, Verb
from dajuan.cases.errors import InvalidTransition
from dajuan.cases.models import Case, Event
from dajuan.cases.selectors import submitted_reply
from dajuan.cases.transitions.base import attach, live_lead, now_or, start
from dajuan.cases.transitions.handling import check_claimed, pending_assist_names, send_reply
from dajuan.core.errors import Conflict


@transaction.atomic(durable=True)
def submit_reply(case: Case, *, text: str, by, at: datetime | None = None, files: Sequence = (),
                 override_assist: bool = False) -> Case:
    """提交审核: a handler submits the reply for the lead unit's leader. Assisting units must have reported,
    unless the submission asks the leader to send it without them (the leader's approval decides)."""
    require(by, Action.SUBMIT_REPLY, case)
    start(case, Verb.REPLY_SUBMITTED)
    text = validation.required_text(text, "text")
    checked = validation.attachments(files)
    lead = live_lead(case)
    check_claimed(case, lead, Verb.REPLY_SUBMITTED)
    pending = pending_assist_names(case)
    if pending and not override_assist:
        raise Conflict(_("Waiting for the assisting units to report: %(units)s. Wait for them, or ask the "
                         "leader to send the reply without them.") % {"units": "、".join(pending)},
                       field="override_assist")
    at = now_or(at)
    ledger.record(case, Verb.REPLY_SUBMITTED, by=by, at=at, payload={
        "unit": lead.unit.code, "text": text, "without_assist": pending_assist_names(case, "unit__code"),
        "attachments": attach(case, checked, by=by, at=at, seq=case.version + 1)},
        changes={"status": CaseStatus.REVIEWING})
    return case


def _start_review(case: Case, verb: Verb, by) -> Event:
    require(by, Action.REVIEW_REPLY, case)
    start(case, verb)
    if case.status != CaseStatus.REVIEWING:
        raise InvalidTransition(case.number, verb=str(verb.label), status=str(CaseStatus(case.status).label),
                                hint=_("No reply is waiting for review."))
    submission = submitted_reply(case)
    if submission is None:  # a reviewing case always has one; the ledger is the source
        raise Conflict(_("Case %(number)s has no submitted reply to review.") % {"number": case.number})
    return submission


@transaction.atomic(durable=True)
def approve_reply(case: Case, *, by, at: datetime | None = None) -> Case:
    """审核通过: the leader sends the submitted reply out, exactly as a direct reply (one REPLIED event,
    actor the leader, naming the submission). Assisting units still pending are withdrawn, which needs
    OVERRIDE_ASSIST (the lead unit's leader holds it)."""
    submission = _start_review(case, Verb.REPLIED, by)
    lead = live_lead(case)
    check_claimed(case, lead, Verb.REPLIED)
    if pending_assist_names(case):
        require(by, Action.OVERRIDE_ASSIST, case)
    at = now_or(at)
    payload = submission.payload
    send_reply(case, lead, text=payload["text"], author=submission.actor, by=by, at=at,
               attachments=payload.get("attachments", []),
               extra={"submitted_seq": submission.seq, "submitted_by": submission.actor_id})
    return case


@transaction.atomic(durable=True)
def send_back_reply(case: Case, *, reason: str, by, at: datetime | None = None) -> Case:
    """审核退回: the leader returns the submitted reply to the handlers with a reason; the case is in
    progress again and the handler submits a revised reply."""
    submission = _start_review(case, Verb.REPLY_SENT_BACK, by)
    reason = validation.required_text(reason, "reason")
    at = now_or(at)
    ledger.record(case, Verb.REPLY_SENT_BACK, by=by, at=at, payload={
        "unit": submission.payload.get("unit"), "reason": reason, "submitted_seq": submission.seq,
        "submitted_by": submission.actor_id}, changes={"status": CaseStatus.IN_PROGRESS})
    return case
