"""The one walk of a case's ledger that every figure is built from (DESIGN §1 "Honest figures").

`case_facts(rows)` replays one case's events (verb, at, payload in seq order) and yields *facts*:
(counter, unit code, moment). A figure over a period is a sum of facts whose moment lies in it, so the
same facts serve the full recount (`cases.figures.unit_figures`, which walks the ledger) and the
incremental rollups (`dajuan.rollups`, which store them per day). There is no second definition of any
counter: both call this module.

Counters (all per **lead** unit unless noted; the moment in brackets):

- handed [at]: DISPATCHED or TRANSFERRED handing the case to the unit.          退回率 denominator
- returned [at]: RETURNED by the unit.                                          退回率 numerator
- reopened [at]: REOPENED back to the unit.                                     重办率 numerator
- spot_check_failures [at]: REOPENED with payload cause "spot_check".          抽查回访不合格
- closed_events [at]: CLOSED while the unit led the case.                       重办率 denominator
- unevaluated [at]: CLOSED with closure 'unevaluated' (未评价, never counted as satisfied).
- evaluated / satisfied [at]: EVALUATED of the unit / with 满意 or 基本满意.     满意率
- claims / same_day_claims [claim at]: lead CLAIMED / on the local calendar day the assignment began.
- supervised [at]: SUPERVISED while the unit led the case (催办, 督办, 挂牌督办).
- claim_den, claim_num [claim deadline]: lead assignments claimed / claimed on time.      响应率
- reply_den, reply_num, closed_num [reply deadline]: lead assignments replied / replied on time /
  whose round ended in a closure.                                                       按时办结率, 办结率
- claim_open, reply_open, closed_open [deadline]: lead assignments *not* acted on and not ended before
  the deadline (reply side: nor paused by a suspension at the end of the rows). They become due —
  counted into claim_den, reply_den, closed_num by OPEN_COUNTS_AS — once their deadline lies before
  the cut-off of the reading (see `due_counter`).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from dajuan.cases.choices import SATISFIED_VALUES, AssignmentRole, ClosureKind, ReopenCause, Verb

# The verbs the walk reads; anything else (comments, progress, extension requests …) cannot change a fact.
FACT_VERBS = (
    Verb.DISPATCHED, Verb.TRANSFERRED, Verb.REOPENED, Verb.CLAIMED, Verb.RETURNED, Verb.REPLIED,
    Verb.EVALUATED, Verb.CLOSED, Verb.EXTENSION_APPROVED, Verb.SUSPENDED, Verb.RESUMED, Verb.REJECTED,
    Verb.MERGED, Verb.SUPERVISED,
    # No fact of their own (a reviewed reply counts when approved: its REPLIED event), but they change
    # the case's status, which the rollups' status columns follow.
    Verb.REPLY_SUBMITTED, Verb.REPLY_SENT_BACK,
)

EVENT_COUNTERS = (
    "handed", "returned", "reopened", "spot_check_failures", "closed_events", "unevaluated", "evaluated",
    "satisfied", "claims", "same_day_claims", "supervised",
)
DEADLINE_COUNTERS = ("claim_den", "claim_num", "reply_den", "reply_num", "closed_num")
OPEN_COUNTS_AS = {"claim_open": "claim_den", "reply_open": "reply_den", "closed_open": "closed_num"}
COUNTERS = EVENT_COUNTERS + DEADLINE_COUNTERS + tuple(OPEN_COUNTS_AS)

# Calendar days (same-day claims, rollup days) are local days of the district.
DISTRICT_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Fact:
    counter: str
    unit: str | None
    at: datetime


def due_counter(fact: Fact, *, cutoff: datetime) -> str | None:
    """The counter a fact adds to in a reading cut off at `cutoff`: open deadlines count as missed
    only once they have passed; None when the fact does not count (yet)."""
    target = OPEN_COUNTS_AS.get(fact.counter)
    if target is None:
        return fact.counter
    return target if fact.at < cutoff else None


@dataclass
class _Assignment:
    unit: str
    began: datetime
    claim_due: datetime
    reply_due: datetime
    claimed: bool = False
    claimed_on_time: bool = False
    replied: bool = False
    replied_on_time: bool = False
    ended_at: datetime | None = None  # returned / transferred / merged / rejected before reply
    closed: bool = False
    paused: bool = False  # suspended at the end of the rows


@dataclass
class CaseWalk:
    """What a walk leaves behind: the facts, and the lead unit at the end (None after a return)."""

    facts: list[Fact] = field(default_factory=list)
    lead_unit: str | None = None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo("UTC"))


def walk_case(rows: Iterable[tuple[str, datetime, dict]]) -> CaseWalk:
    """Replay one case's (verb, at, payload) rows, in seq order, into facts (see the module docstring)."""
    out = CaseWalk()
    facts = out.facts
    lead: _Assignment | None = None
    suspended = False
    assignments: list[_Assignment] = []

    def add(counter: str, unit: str | None, at: datetime) -> None:
        facts.append(Fact(counter, unit, at))

    for verb, at, payload in rows:
        at = _aware(at)
        if verb in (Verb.DISPATCHED, Verb.TRANSFERRED, Verb.REOPENED):
            if lead is not None and not lead.replied and lead.ended_at is None:
                lead.ended_at = at
            new = payload["lead"]
            lead = _Assignment(unit=new["unit"], began=at, claim_due=_dt(new["claim_due"]),
                               reply_due=_dt(new["reply_due"]))
            out.lead_unit = new["unit"]
            assignments.append(lead)
            if verb == Verb.REOPENED:
                add("reopened", new["unit"], at)
                if payload.get("cause") == ReopenCause.SPOT_CHECK:
                    add("spot_check_failures", new["unit"], at)
            else:
                add("handed", new["unit"], at)
        elif verb == Verb.CLAIMED:
            if payload.get("role") == AssignmentRole.LEAD and lead is not None and lead.unit == payload["unit"]:
                lead.claimed, lead.claimed_on_time = True, bool(payload.get("on_time"))
                add("claims", lead.unit, at)
                if at.astimezone(DISTRICT_TZ).date() == lead.began.astimezone(DISTRICT_TZ).date():
                    add("same_day_claims", lead.unit, at)
        elif verb == Verb.REPLIED:
            if lead is not None:
                lead.replied, lead.replied_on_time = True, bool(payload.get("on_time"))
        elif verb == Verb.RETURNED:
            if lead is not None and lead.ended_at is None:
                lead.ended_at = at
            lead, out.lead_unit = None, None
            add("returned", payload.get("unit"), at)
        elif verb in (Verb.REJECTED, Verb.MERGED):
            if lead is not None and not lead.replied and lead.ended_at is None:
                lead.ended_at = at
        elif verb == Verb.EXTENSION_APPROVED:
            if lead is not None and payload.get("new_reply_due"):
                lead.reply_due = _dt(payload["new_reply_due"])
        elif verb == Verb.SUSPENDED:
            suspended = True
        elif verb == Verb.RESUMED:
            suspended = False
            for moved in payload.get("moved", []):
                if lead is not None and moved.get("unit") == lead.unit and moved.get("new_reply_due"):
                    lead.reply_due = _dt(moved["new_reply_due"])
        elif verb == Verb.EVALUATED:
            add("evaluated", payload.get("unit"), at)
            if payload.get("satisfaction") in SATISFIED_VALUES:
                add("satisfied", payload.get("unit"), at)
        elif verb == Verb.CLOSED:
            if lead is not None:
                lead.closed = True
            add("closed_events", out.lead_unit, at)
            if payload.get("closure") == ClosureKind.UNEVALUATED:
                add("unevaluated", out.lead_unit, at)
        elif verb == Verb.SUPERVISED:
            add("supervised", out.lead_unit, at)

    if suspended and lead is not None:
        lead.paused = True
    for a in assignments:
        facts.extend(_deadline_facts(a))
    return out


def _deadline_facts(a: _Assignment) -> Iterator[Fact]:
    """An assignment's deadline facts. Not acted on and ended (returned, moved away) at or before the
    deadline: not due, its ending counts in 退回率. A paused (suspended) reply deadline is not due."""
    if a.claimed:
        yield Fact("claim_den", a.unit, a.claim_due)
        if a.claimed_on_time:
            yield Fact("claim_num", a.unit, a.claim_due)
    elif a.ended_at is None or a.ended_at > a.claim_due:
        yield Fact("claim_open", a.unit, a.claim_due)
    if a.replied:
        yield Fact("reply_den", a.unit, a.reply_due)
        if a.replied_on_time:
            yield Fact("reply_num", a.unit, a.reply_due)
        if a.closed:
            yield Fact("closed_num", a.unit, a.reply_due)
    elif (a.ended_at is None or a.ended_at > a.reply_due) and not a.paused:
        yield Fact("reply_open", a.unit, a.reply_due)
        if a.closed:
            yield Fact("closed_open", a.unit, a.reply_due)
