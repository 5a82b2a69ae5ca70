"""One description of every transition, shared by the per-verb tests, the race tests and the
property-based test: how to bring a fresh case to where the verb may start, who may do it, and what
it leaves behind.

A test class using these needs the LoopTestCase cast (personas, units, categories, `requester`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import override_settings

from dajuan.cases import transitions as t
from dajuan.cases.choices import (
    AssignmentRole,
    CaseStatus,
    EvaluationSource,
    RequesterKind,
    Satisfaction,
    Source,
    SupervisionLevel,
    Verb,
)
from dajuan.cases.models import Assignment, Attachment, Case, Evaluation, Event, ExtensionRequest
from dajuan.org.models import Unit

S = CaseStatus
JURISDICTION = {"admin", "district_leader", "dispatcher", "supervisor", "inspector"}
DISPATCH = {"admin", "dispatcher"}
LEAD_UNIT = {"handler", "unit_leader"}
EVERYONE = {"admin", "district_leader", "dispatcher", "supervisor", "inspector", "handler", "unit_leader",
            "other_handler", "town_leader", "grid_worker", "nobody", "requester"}


def new_case(tc, **extra) -> Case:
    fields = {"title": "楼道灯不亮", "content": "东关小区5号楼楼道灯坏了一个月。", "source": Source.HOTLINE,
              "requester_kind": RequesterKind.ENTERPRISE, "requester_name": "钱企业",
              "requester_phone": "13812345678", "requester_user": tc.requester, "category": tc.property_mgmt}
    return t.register(by=tc.dispatcher, **(fields | extra))


def lead(case: Case) -> Assignment | None:
    """The newest lead assignment, live or not (None before the first dispatch)."""
    return case.assignments.filter(role=AssignmentRole.LEAD).order_by("-pk").first()


def assist(case: Case) -> Assignment | None:
    return case.assignments.filter(role=AssignmentRole.ASSIST).order_by("-pk").first()


def pending_request(case: Case) -> ExtensionRequest | None:
    return case.extension_requests.order_by("-pk").first()


def require_review(tc, required: bool = True) -> None:
    """住建局's replies wait for its leader (the unit setting, as org.services.unit_set_reply_review sets it;
    written directly because the cast has no administrator)."""
    Unit.objects.filter(pk=tc.housing.pk).update(reply_review=required)
    tc.housing.reply_review = required  # the object dispatch hands to the case as its lead unit


def reach(tc, status: CaseStatus, *, with_assist: bool = False, with_request: bool = False,
          review: bool = False) -> Case:
    """A new case brought to `status` through the transitions (the real way, every event recorded).
    `review`: 住建局 reviews replies (REVIEWING needs it)."""
    d = tc.dispatcher
    require_review(tc, review or status == S.REVIEWING)
    case = new_case(tc)
    if status == S.RECEIVED:
        return case
    if status in (S.RETURNED, S.REJECTED):
        t.dispatch(case, lead_unit=tc.housing, by=d)
        t.return_to_dispatcher(lead(case), reason="不属于本单位职责。", by=tc.handler)
        if status == S.REJECTED:
            t.reject(case, reason="属司法程序处理范围。", by=d)
        return case
    t.dispatch(case, lead_unit=tc.housing, assist_units=[tc.labour] if with_assist else [], by=d)
    if status == S.DISPATCHED:
        return case
    if status == S.MERGED:
        t.merge(case, into=new_case(tc), by=d)
        return case
    t.claim(lead(case), by=tc.handler)
    if with_assist:
        t.claim(assist(case), by=tc.other_handler)
    if with_request:
        t.request_extension(case, working_days=3, reason="等待检测报告。", by=tc.handler)
    if status == S.IN_PROGRESS:
        return case
    if status == S.SUSPENDED:
        t.suspend(case, reason="等待法院判决。", by=d)
        return case
    if status == S.REVIEWING:
        t.submit_reply(case, text="已修复。", by=tc.handler, override_assist=with_assist)
        return case
    t.reply(case, text="已修复。", by=tc.handler, override_assist=with_assist and status != S.IN_PROGRESS)
    if status == S.REPLIED:
        return case
    if status == S.CLOSED:
        t.close(case, by=d)
        return case
    if status == S.EVALUATED:
        with override_settings(DAJUAN_CLOSE_AFTER_EVALUATION=False):
            t.evaluate(case, satisfaction=Satisfaction.SATISFIED, by=tc.requester)
        return case
    raise AssertionError(f"no path to {status}")


@dataclass(frozen=True)
class Spec:
    """One verb of the loop as the tests drive it."""

    name: str
    verb: Verb
    start: CaseStatus
    allowed: frozenset[str]  # personas who may (on a case dispatched to 住建局 and raised by `requester`)
    actor: str  # the one the happy path uses
    act: Callable[[Any, Case, Any], Any]  # (test case, case, user) -> result
    ends: CaseStatus
    setup: dict = field(default_factory=dict)  # keyword arguments for reach()
    verbs: tuple[Verb, ...] = ()  # every event appended, when more than the verb itself

    def appended(self) -> tuple[Verb, ...]:
        return self.verbs or (self.verb,)


def _spec(name, verb, start, allowed, actor, act, ends, **kw) -> Spec:
    return Spec(name, verb, start, frozenset(allowed), actor, act, ends, **kw)


SPECS = [
    _spec("reject", Verb.REJECTED, S.RECEIVED, DISPATCH, "dispatcher",
          lambda tc, c, by: t.reject(c, reason="不属于政府职责。", by=by), S.REJECTED),
    _spec("merge", Verb.MERGED, S.RECEIVED, DISPATCH, "dispatcher",
          lambda tc, c, by: t.merge(c, into=tc.case, by=by), S.MERGED),
    _spec("dispatch", Verb.DISPATCHED, S.RECEIVED, DISPATCH, "dispatcher",
          lambda tc, c, by: t.dispatch(c, lead_unit=tc.housing, by=by), S.DISPATCHED),
    _spec("claim", Verb.CLAIMED, S.DISPATCHED, LEAD_UNIT, "handler",
          lambda tc, c, by: t.claim(lead(c), by=by), S.IN_PROGRESS),
    _spec("return", Verb.RETURNED, S.DISPATCHED, LEAD_UNIT, "handler",
          lambda tc, c, by: t.return_to_dispatcher(lead(c), reason="非本单位职责。", by=by), S.RETURNED),
    _spec("transfer", Verb.TRANSFERRED, S.DISPATCHED, DISPATCH, "dispatcher",
          lambda tc, c, by: t.transfer(c, to_unit=tc.labour, reason="劳资问题由人社局主办。", by=by),
          S.DISPATCHED),
    _spec("add_assist", Verb.ASSIST_ADDED, S.IN_PROGRESS, DISPATCH | LEAD_UNIT, "handler",
          lambda tc, c, by: t.add_assisting_units(c, units=[tc.town], by=by), S.IN_PROGRESS),
    _spec("remove_assist", Verb.ASSIST_REMOVED, S.IN_PROGRESS, DISPATCH | LEAD_UNIT, "dispatcher",
          lambda tc, c, by: t.remove_assisting_unit(assist(c), by=by), S.IN_PROGRESS,
          setup={"with_assist": True}),
    _spec("report_assist", Verb.ASSIST_REPORTED, S.IN_PROGRESS, {"other_handler"}, "other_handler",
          lambda tc, c, by: t.report_assist(assist(c), text="已配合核查。", by=by), S.IN_PROGRESS,
          setup={"with_assist": True}),
    _spec("request_extension", Verb.EXTENSION_REQUESTED, S.IN_PROGRESS, LEAD_UNIT, "handler",
          lambda tc, c, by: t.request_extension(c, working_days=5, reason="需第三方检测。", by=by), S.IN_PROGRESS),
    _spec("approve_extension", Verb.EXTENSION_APPROVED, S.IN_PROGRESS, DISPATCH, "dispatcher",
          lambda tc, c, by: t.decide_extension(pending_request(c), approve=True, by=by), S.IN_PROGRESS,
          setup={"with_request": True}),
    _spec("deny_extension", Verb.EXTENSION_DENIED, S.IN_PROGRESS, DISPATCH, "dispatcher",
          lambda tc, c, by: t.decide_extension(pending_request(c), approve=False, note="理由不足。", by=by),
          S.IN_PROGRESS, setup={"with_request": True}),
    _spec("suspend", Verb.SUSPENDED, S.IN_PROGRESS, DISPATCH | {"unit_leader"}, "dispatcher",
          lambda tc, c, by: t.suspend(c, reason="等待判决。", by=by), S.SUSPENDED),
    _spec("resume", Verb.RESUMED, S.SUSPENDED, DISPATCH | {"unit_leader"}, "unit_leader",
          lambda tc, c, by: t.resume(c, by=by), S.IN_PROGRESS),
    _spec("note_progress", Verb.PROGRESS_NOTED, S.IN_PROGRESS, LEAD_UNIT, "handler",
          lambda tc, c, by: t.note_progress(c, text="已到现场查看。", by=by), S.IN_PROGRESS),
    _spec("reply", Verb.REPLIED, S.IN_PROGRESS, LEAD_UNIT, "handler",
          lambda tc, c, by: t.reply(c, text="已修复。", by=by), S.REPLIED),
    _spec("submit_reply", Verb.REPLY_SUBMITTED, S.IN_PROGRESS, LEAD_UNIT, "handler",
          lambda tc, c, by: t.submit_reply(c, text="已修复，请审核。", by=by), S.REVIEWING, setup={"review": True}),
    _spec("approve_reply", Verb.REPLIED, S.REVIEWING, {"unit_leader"}, "unit_leader",
          lambda tc, c, by: t.approve_reply(c, by=by), S.REPLIED),
    _spec("send_back_reply", Verb.REPLY_SENT_BACK, S.REVIEWING, {"unit_leader"}, "unit_leader",
          lambda tc, c, by: t.send_back_reply(c, reason="答复未说明整改时限。", by=by), S.IN_PROGRESS),
    _spec("evaluate", Verb.EVALUATED, S.REPLIED, {"requester"}, "requester",
          lambda tc, c, by: t.evaluate(c, satisfaction=Satisfaction.SATISFIED, by=by), S.CLOSED,
          verbs=(Verb.EVALUATED, Verb.CLOSED)),
    _spec("evaluate_unsatisfied", Verb.EVALUATED, S.REPLIED, {"requester"}, "requester",
          lambda tc, c, by: t.evaluate(c, satisfaction=Satisfaction.UNSATISFIED, comment="没修好", by=by),
          S.DISPATCHED, verbs=(Verb.EVALUATED, Verb.REOPENED)),
    _spec("record_callback", Verb.EVALUATED, S.REPLIED, {"supervisor"}, "supervisor",
          lambda tc, c, by: t.evaluate(c, satisfaction=Satisfaction.BASICALLY_SATISFIED,
                                       source=EvaluationSource.CALLBACK, by=by), S.CLOSED,
          verbs=(Verb.EVALUATED, Verb.CLOSED)),
    _spec("close", Verb.CLOSED, S.REPLIED, DISPATCH | {"supervisor"}, "dispatcher",
          lambda tc, c, by: t.close(c, note="未接电话。", by=by), S.CLOSED),
    _spec("reopen", Verb.REOPENED, S.CLOSED, DISPATCH | {"supervisor"}, "supervisor",
          lambda tc, c, by: t.reopen(c, reason="抽查回访未解决。", cause="spot_check", by=by), S.DISPATCHED),
    _spec("supervise", Verb.SUPERVISED, S.IN_PROGRESS, {"supervisor", "district_leader"}, "supervisor",
          lambda tc, c, by: t.supervise(c, level=SupervisionLevel.REMINDED, note="请加快办理。", by=by),
          S.IN_PROGRESS),
    _spec("comment", Verb.COMMENTED, S.IN_PROGRESS, JURISDICTION | LEAD_UNIT, "dispatcher",
          lambda tc, c, by: t.comment(c, text="已电话提醒。", by=by), S.IN_PROGRESS),
]


def persona(tc, name: str):
    return tc.requester if name == "requester" else getattr(tc, name)


def snapshot(case: Case) -> dict:
    """Everything a transition may write about one case, to prove a failure wrote nothing."""
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "events": list(Event.objects.filter(case=case).order_by("seq").values_list("seq", "verb", "hash")),
        "assignments": list(Assignment.objects.filter(case=case).order_by("pk").values()),
        "evaluations": list(Evaluation.objects.filter(case=case).values()),
        "requests": list(ExtensionRequest.objects.filter(case=case).order_by("pk").values()),
        "attachments": Attachment.objects.filter(case=case).count(),
        "cases": Case.objects.count(),
    }
