"""The case page's action bar: every transition a person may ask for, its form, and how it calls
cases.transitions. Whether it is offered is the loop's state table (cases.rules); whether it is
enabled is access.decide — never decided here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.access.scope import is_staff_member
from dajuan.cases import transitions
from dajuan.cases.choices import AssignmentRole, AssignmentStatus, CaseStatus, EvaluationSource, Verb
from dajuan.cases.models import ExtensionRequest
from dajuan.cases.rules import allowed
from dajuan.workbench import forms as f

LIVE = (AssignmentStatus.PENDING, AssignmentStatus.CLAIMED)


def _live(case, *, role=None, status=LIVE):
    return [a for a in case.assignments.all() if a.status in status and (role is None or a.role == role)]


def _mine(user, action, candidates):
    """The candidate the user may act on, else the first one (so the refusal names a real unit)."""
    for candidate in candidates:
        if decide(user, action, candidate):
            return candidate
    return candidates[0] if candidates else None


# Targets: the object access decides on (None: the action does not apply to the case now).
def _case(user, case, action):
    return case


def _pending_assignment(user, case, action):
    return _mine(user, action, _live(case, status=(AssignmentStatus.PENDING,)))


def _lead_assignment(user, case, action):
    return next(iter(_live(case, role=AssignmentRole.LEAD)), None)


def _claimed_assist(user, case, action):
    return _mine(user, action, _live(case, role=AssignmentRole.ASSIST, status=(AssignmentStatus.CLAIMED,)))


def _with_live_assist(user, case, action):
    return case if _live(case, role=AssignmentRole.ASSIST) else None


def _with_pending_extension(user, case, action):
    return case if _pending_extension(case) else None


def _without_pending_extension(user, case, action):
    return None if _pending_extension(case) else case


def _not_under_review(user, case, action):
    """A reply waiting for review is approved or sent back, not replied to."""
    return None if case.status == CaseStatus.REVIEWING else case


def _reviewing_unit(user, case, action):
    """Submitting for review applies where the lead unit reviews replies (Unit.reply_review)."""
    return case if case.lead_unit_id and case.lead_unit.reply_review else None


def _under_review(user, case, action):
    return case if case.status == CaseStatus.REVIEWING else None


def _pending_extension(case):
    return next((r for r in case.extension_requests.all() if r.state == ExtensionRequest.State.PENDING), None)


@dataclass(frozen=True)
class CaseAction:
    key: str
    label: Promise
    action: Action
    verb: Verb
    form: type
    perform: Callable  # (target, cleaned_data, user) → None; raises DomainError
    target: Callable = _case
    style: str = "outline-primary"
    files: bool = False


def _files(data):
    return data.get("files") or []


def _decide_extension(case, d, by):
    transitions.decide_extension(_pending_extension(case), approve=d["decision"] == "approve", note=d["note"], by=by)


CASE_ACTIONS = [
    CaseAction("dispatch", _("Dispatch"), Action.DISPATCH_CASE, Verb.DISPATCHED, f.DispatchForm,
               lambda c, d, by: transitions.dispatch(c, lead_unit=d["lead_unit"], assist_units=d["assist_units"],
                                                     category=d["category"], priority=d["priority"], by=by),
               style="primary"),
    CaseAction("claim", _("Claim"), Action.CLAIM_ASSIGNMENT, Verb.CLAIMED, f.ConfirmForm,
               lambda a, d, by: transitions.claim(a, by=by), target=_pending_assignment, style="primary"),
    CaseAction("reply", _("Reply"), Action.REPLY_CASE, Verb.REPLIED, f.ReplyForm,
               lambda c, d, by: transitions.reply(c, text=d["text"], files=_files(d),
                                                  override_assist=d["override_assist"], by=by),
               target=_not_under_review, style="primary", files=True),
    CaseAction("submit-reply", _("Submit for review"), Action.SUBMIT_REPLY, Verb.REPLY_SUBMITTED, f.SubmitReplyForm,
               lambda c, d, by: transitions.submit_reply(c, text=d["text"], files=_files(d),
                                                         override_assist=d["override_assist"], by=by),
               target=_reviewing_unit, style="primary", files=True),
    CaseAction("approve-reply", _("Approve and send"), Action.REVIEW_REPLY, Verb.REPLIED, f.ApproveReplyForm,
               lambda c, d, by: transitions.approve_reply(c, by=by), target=_under_review, style="primary"),
    CaseAction("send-back-reply", _("Send back"), Action.REVIEW_REPLY, Verb.REPLY_SENT_BACK, f.ReasonForm,
               lambda c, d, by: transitions.send_back_reply(c, reason=d["reason"], by=by), target=_under_review,
               style="outline-danger"),
    CaseAction("evaluate", _("Evaluate"), Action.EVALUATE_CASE, Verb.EVALUATED, f.EvaluationForm,
               lambda c, d, by: transitions.evaluate(c, satisfaction=d["satisfaction"], comment=d["comment"], by=by),
               style="primary"),
    CaseAction("report", _("Report assisting input"), Action.REPORT_ASSIST, Verb.ASSIST_REPORTED, f.TextFilesForm,
               lambda a, d, by: transitions.report_assist(a, text=d["text"], files=_files(d), by=by),
               target=_claimed_assist, style="primary", files=True),
    CaseAction("progress", _("Note progress"), Action.NOTE_PROGRESS, Verb.PROGRESS_NOTED, f.TextFilesForm,
               lambda c, d, by: transitions.note_progress(c, text=d["text"], files=_files(d), by=by), files=True),
    CaseAction("decide-extension", _("Decide extension"), Action.DECIDE_EXTENSION, Verb.EXTENSION_APPROVED,
               f.ExtensionDecisionForm, _decide_extension, target=_with_pending_extension, style="primary"),
    CaseAction("request-extension", _("Request extension"), Action.REQUEST_EXTENSION, Verb.EXTENSION_REQUESTED,
               f.ExtensionRequestForm,
               lambda c, d, by: transitions.request_extension(c, working_days=d["working_days"], reason=d["reason"],
                                                              by=by),
               target=_without_pending_extension),
    CaseAction("summon", _("Summon assisting units"), Action.SUMMON_ASSIST, Verb.ASSIST_ADDED, f.SummonForm,
               lambda c, d, by: transitions.add_assisting_units(c, units=d["units"], by=by)),
    CaseAction("release", _("Release an assisting unit"), Action.SUMMON_ASSIST, Verb.ASSIST_REMOVED, f.ReleaseForm,
               lambda c, d, by: transitions.remove_assisting_unit(d["assignment"], by=by), target=_with_live_assist),
    CaseAction("transfer", _("Transfer"), Action.TRANSFER_CASE, Verb.TRANSFERRED, f.TransferForm,
               lambda c, d, by: transitions.transfer(c, to_unit=d["to_unit"], reason=d["reason"], by=by)),
    CaseAction("return", _("Return to dispatcher"), Action.RETURN_ASSIGNMENT, Verb.RETURNED, f.ReasonForm,
               lambda a, d, by: transitions.return_to_dispatcher(a, reason=d["reason"], by=by),
               target=_lead_assignment, style="outline-danger"),
    CaseAction("suspend", _("Suspend"), Action.SUSPEND_CASE, Verb.SUSPENDED, f.ReasonForm,
               lambda c, d, by: transitions.suspend(c, reason=d["reason"], by=by)),
    CaseAction("resume", _("Resume"), Action.SUSPEND_CASE, Verb.RESUMED, f.ConfirmForm,
               lambda c, d, by: transitions.resume(c, by=by), style="primary"),
    CaseAction("callback", _("Record callback"), Action.RECORD_CALLBACK, Verb.EVALUATED, f.EvaluationForm,
               lambda c, d, by: transitions.evaluate(c, satisfaction=d["satisfaction"], comment=d["comment"],
                                                     source=EvaluationSource.CALLBACK, by=by)),
    CaseAction("close", _("Close"), Action.CLOSE_CASE, Verb.CLOSED, f.NoteForm,
               lambda c, d, by: transitions.close(c, note=d["note"], by=by)),
    CaseAction("reopen", _("Reopen"), Action.REOPEN_CASE, Verb.REOPENED, f.ReopenForm,
               lambda c, d, by: transitions.reopen(c, reason=d["reason"], cause=d["cause"], by=by),
               style="outline-danger"),
    CaseAction("supervise", _("Supervise"), Action.SUPERVISE_CASE, Verb.SUPERVISED, f.SuperviseForm,
               lambda c, d, by: transitions.supervise(c, level=d["level"], note=d["note"],
                                                      escalated_to=d["escalated_to"], by=by),
               style="outline-warning"),
    CaseAction("merge", _("Merge"), Action.MERGE_CASE, Verb.MERGED, f.MergeForm,
               lambda c, d, by: transitions.merge(c, into=d["into"], by=by)),
    CaseAction("reject", _("Reject"), Action.REJECT_CASE, Verb.REJECTED, f.ReasonForm,
               lambda c, d, by: transitions.reject(c, reason=d["reason"], by=by), style="outline-danger"),
    CaseAction("comment", _("Comment"), Action.COMMENT_CASE, Verb.COMMENTED, f.TextFilesForm,
               lambda c, d, by: transitions.comment(c, text=d["text"], files=_files(d), by=by),
               style="outline-secondary", files=True),
]
BY_KEY = {a.key: a for a in CASE_ACTIONS}


@dataclass(frozen=True)
class Button:
    spec: CaseAction
    target: object  # what access decided on, and what the transition receives
    enabled: bool
    reason: str


def resolve(spec: CaseAction, user, case) -> Button | None:
    """The button for `spec` on `case`, or None when the loop's state does not offer it now."""
    if not allowed(case.status, spec.verb):
        return None
    target = spec.target(user, case, spec.action)
    if target is None:
        return None
    decision = decide(user, spec.action, target)
    return Button(spec, target, decision.allowed, decision.reason)


def action_bar(user, case) -> list[Button]:
    """Actions the state offers: enabled when access allows, else disabled with access's reason. People
    outside the staff (requesters) see only what they may do."""
    staff = is_staff_member(user)
    buttons = [b for spec in CASE_ACTIONS if (b := resolve(spec, user, case)) is not None]
    return [b for b in buttons if b.enabled or staff]
