"""Every transition of the loop over the API: POST /cases/{number}/<verb>. Each endpoint finds the case
through access (404 if unseen), calls the one transition, and returns the case; the transition asks
access (403), checks the status (409) and validates (400)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Query, Router

from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.api import schemas as s
from dajuan.api.cases import ERRORS, case_out, category_by_code, unit_by_code, visible_case
from dajuan.cases import transitions
from dajuan.cases.choices import EvaluationSource
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Assignment, Case, ExtensionRequest
from dajuan.core.errors import Conflict

router = Router(tags=["transitions"])
RESPONSES = {200: s.CaseOut, **ERRORS}


def _done(request, number: str):
    return case_out(request.auth, visible_case(request.auth, number))


def _assignment(user, case: Case, action, unit_code: str | None) -> Assignment:
    """The live assignment of `case` this user acts on: theirs if they may, else the first (so the
    transition refuses with access's reason)."""
    live = [a for a in case.assignments.all() if a.is_active]
    if unit_code:
        live = [a for a in live if a.unit.code == unit_code]
        if not live:
            raise CaseInvalid(_("%(unit)s is not working on this case.") % {"unit": unit_code}, field="unit")
    if not live:
        raise Conflict(_("No unit is working on case %(number)s now.") % {"number": case.number})
    return next((a for a in live if decide(user, action, a)), live[0])


@router.post("/cases/{number}/reject", response=RESPONSES, summary="不予受理 Reject")
def reject(request, number: str, payload: s.ReasonIn):
    transitions.reject(visible_case(request.auth, number), reason=payload.reason, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/merge", response=RESPONSES, summary="合并 Merge into another case")
def merge(request, number: str, payload: s.MergeIn):
    into = Case.objects.filter(number=payload.into).first()
    if into is None or not decide(request.auth, Action.VIEW_CASE, into):
        raise CaseInvalid(_("There is no case %(number)s you can see.") % {"number": payload.into}, field="into")
    transitions.merge(visible_case(request.auth, number), into=into, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/dispatch", response=RESPONSES, summary="派发 Dispatch")
def dispatch(request, number: str, payload: s.DispatchIn):
    case = visible_case(request.auth, number)
    transitions.dispatch(case, lead_unit=unit_by_code(payload.lead_unit, "lead_unit"),
                         assist_units=[unit_by_code(code, "assist_units") for code in payload.assist_units],
                         category=category_by_code(payload.category), priority=payload.priority, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/claim", response=RESPONSES, summary="认领 Claim")
def claim(request, number: str, unit: s.Text | None = Query(None, max_length=40,
                                                            description="Your unit's code, if you work in several.")):
    case = visible_case(request.auth, number)
    transitions.claim(_assignment(request.auth, case, Action.CLAIM_ASSIGNMENT, unit), by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/return", response=RESPONSES, summary="退回 Return to the dispatcher")
def return_case(request, number: str, payload: s.ReturnIn):
    case = visible_case(request.auth, number)
    transitions.return_to_dispatcher(_assignment(request.auth, case, Action.RETURN_ASSIGNMENT, payload.unit),
                                     reason=payload.reason, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/transfer", response=RESPONSES, summary="转办 Transfer")
def transfer(request, number: str, payload: s.TransferIn):
    transitions.transfer(visible_case(request.auth, number), to_unit=unit_by_code(payload.to_unit, "to_unit"),
                         reason=payload.reason, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/assist", response=RESPONSES, summary="吹哨 Summon assisting units")
def assist(request, number: str, payload: s.AssistIn):
    transitions.add_assisting_units(visible_case(request.auth, number),
                                    units=[unit_by_code(code, "units") for code in payload.units],
                                    report_due=payload.report_due, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/release", response=RESPONSES, summary="Release an assisting unit")
def release(request, number: str, payload: s.ReleaseIn):
    case = visible_case(request.auth, number)
    found = [a for a in case.assignments.all() if a.is_active and a.unit.code == payload.unit]
    if not found:
        raise CaseInvalid(_("%(unit)s is not working on this case.") % {"unit": payload.unit}, field="unit")
    transitions.remove_assisting_unit(found[0], by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/report", response=RESPONSES, summary="报到反馈 Assisting unit reports")
def report(request, number: str, payload: s.ReportIn):
    case = visible_case(request.auth, number)
    transitions.report_assist(_assignment(request.auth, case, Action.REPORT_ASSIST, payload.unit),
                              text=payload.text, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/extension", response=RESPONSES, summary="延期申请 Request an extension")
def extension(request, number: str, payload: s.ExtensionIn):
    transitions.request_extension(visible_case(request.auth, number), working_days=payload.working_days,
                                  reason=payload.reason, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/extension/decide", response=RESPONSES, summary="延期审批 Decide the extension")
def extension_decide(request, number: str, payload: s.DecisionIn):
    case = visible_case(request.auth, number)
    pending = ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.State.PENDING).first()
    if pending is None:
        raise Conflict(_("No extension request is waiting for a decision."))
    transitions.decide_extension(pending, approve=payload.approve, note=payload.note, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/suspend", response=RESPONSES, summary="挂起 Suspend")
def suspend(request, number: str, payload: s.ReasonIn):
    transitions.suspend(visible_case(request.auth, number), reason=payload.reason, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/resume", response=RESPONSES, summary="恢复 Resume")
def resume(request, number: str):
    transitions.resume(visible_case(request.auth, number), by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/progress", response=RESPONSES, summary="进展 Note progress")
def progress(request, number: str, payload: s.TextIn):
    transitions.note_progress(visible_case(request.auth, number), text=payload.text, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/reply", response=RESPONSES, summary="答复 Reply")
def reply(request, number: str, payload: s.ReplyIn):
    transitions.reply(visible_case(request.auth, number), text=payload.text,
                      override_assist=payload.override_assist, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/reply/submit", response=RESPONSES, summary="提交审核 Submit the reply for review")
def reply_submit(request, number: str, payload: s.ReplyIn):
    transitions.submit_reply(visible_case(request.auth, number), text=payload.text,
                             override_assist=payload.override_assist, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/reply/approve", response=RESPONSES, summary="审核通过 Approve and send the reply")
def reply_approve(request, number: str):
    transitions.approve_reply(visible_case(request.auth, number), by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/reply/send-back", response=RESPONSES, summary="审核退回 Send the reply back")
def reply_send_back(request, number: str, payload: s.ReasonIn):
    transitions.send_back_reply(visible_case(request.auth, number), reason=payload.reason, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/evaluate", response=RESPONSES, summary="评价 Evaluate (the requester)")
def evaluate(request, number: str, payload: s.EvaluateIn):
    transitions.evaluate(visible_case(request.auth, number), satisfaction=payload.satisfaction,
                         comment=payload.comment, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/callback", response=RESPONSES, summary="回访录入 Record a callback's evaluation")
def callback(request, number: str, payload: s.EvaluateIn):
    transitions.evaluate(visible_case(request.auth, number), satisfaction=payload.satisfaction,
                         comment=payload.comment, source=EvaluationSource.CALLBACK, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/close", response=RESPONSES, summary="销号 Close")
def close(request, number: str, payload: s.CloseIn):
    transitions.close(visible_case(request.auth, number), note=payload.note, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/reopen", response=RESPONSES, summary="重办 Reopen")
def reopen(request, number: str, payload: s.ReopenIn):
    transitions.reopen(visible_case(request.auth, number), reason=payload.reason, cause=payload.cause,
                       by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/supervise", response=RESPONSES, summary="督办 Supervise")
def supervise(request, number: str, payload: s.SuperviseIn):
    leader = None
    if payload.escalated_to:
        leader = get_user_model().objects.filter(username=payload.escalated_to, is_active=True).first()
        if leader is None:
            raise CaseInvalid(_("There is no user %(name)s.") % {"name": payload.escalated_to}, field="escalated_to")
    transitions.supervise(visible_case(request.auth, number), level=payload.level, note=payload.note,
                          escalated_to=leader, by=request.auth)
    return _done(request, number)


@router.post("/cases/{number}/comment", response=RESPONSES, summary="备注 Internal comment")
def comment(request, number: str, payload: s.TextIn):
    transitions.comment(visible_case(request.auth, number), text=payload.text, by=request.auth)
    return _done(request, number)
