"""Honest figures (DESIGN §1): the six rates of a lead unit, computed from the ledger and nothing else.

Pure reads. Every figure starts from access.visible_cases(user), so confidential cases never count for
anyone but inspectors, and a unit handler counts only the cases their scope shows them.

Decisions shared by every figure (the dashboard shows them once, under the table):

- Unit: the **lead** unit (主办) only; assisting units (协办) are not rated here. A figure belongs to
  the unit named in the ledger at the moment of the act (CLAIMED/REPLIED/RETURNED/EVALUATED/REOPENED
  carry it; CLOSED belongs to the case's lead unit when it closed).
- Period: half-open [start, end). "In the period" means the event's `at`, or for the deadline-based
  rates the deadline, lies in it. Only events before min(end, as_of) are read, so the figures of a
  finished period never change afterwards; as_of defaults to now.
- 件次 (assignment): each DISPATCHED, TRANSFERRED or REOPENED event creates one lead assignment with
  its own claim and reply deadlines (taken from the event's payload; a reply deadline moved later by
  EXTENSION_APPROVED or RESUMED is followed). A reopened case therefore counts once per round.
- An assignment is *due* in the period when its deadline lies in [start, end) and either the act
  (claim / reply) happened, or the deadline passed before min(end, as_of) without it. An assignment
  that ended (returned, transferred away, merged, rejected) **before** its deadline without the act
  is not due: its ending is counted elsewhere (退回率). One that ended after its deadline counts as missed.
  A case suspended (挂起) at min(end, as_of) has its clock paused: its unreplied deadline is not due.
- Subtree: with subtree=True each requested unit's row also counts the acts of every unit below it.
- `value` is None when the denominator is 0: never "100% of nothing".
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from dajuan.access.policy import visible_cases
from dajuan.cases.choices import SATISFIED_VALUES, AssignmentRole, ClosureKind, Verb
from dajuan.cases.models import Event
from dajuan.org.models import Unit

CLAIM_RATE_FORMULA = (
    "响应率 = 本期认领期限内按时认领的主办件次 ÷ 认领期限在本期的主办件次（含逾期未认领）",
    "Claim rate = lead assignments claimed on time ÷ lead assignments whose claim deadline falls in the "
    "period (unclaimed past the deadline included)",
)
REPLY_RATE_FORMULA = (
    "按时办结率 = 按时答复的主办件次 ÷ 答复期限在本期的主办件次（含逾期未答复）",
    "On-time reply rate = lead assignments replied on time ÷ lead assignments whose reply deadline falls "
    "in the period (unreplied past the deadline included)",
)
CLOSURE_RATE_FORMULA = (
    "办结率 = 已销号的件次 ÷ 答复期限在本期的主办件次",
    "Closure rate = assignments whose round ended in a closure (销号) ÷ lead assignments whose reply "
    "deadline falls in the period",
)
SATISFACTION_RATE_FORMULA = (
    "满意率 = (满意 + 基本满意) ÷ 本期评价数；未评价销号不计入，单独列示",
    "Satisfaction rate = (satisfied + basically satisfied) ÷ evaluations in the period; closures without "
    "an evaluation are never counted, and are shown separately as 未评价",
)
REOPEN_RATE_FORMULA = (
    "重办率 = 本期重办次数 ÷ 本期销号次数",
    "Reopen rate = REOPENED events in the period ÷ CLOSED events in the period",
)
RETURN_RATE_FORMULA = (
    "退回率 = 本期退回次数 ÷ 本期派发与转办给本单位的次数",
    "Return rate = RETURNED events in the period ÷ DISPATCHED and TRANSFERRED events handing the case to "
    "the unit in the period",
)

# The verbs the walk reads; anything else (comments, progress, supervision …) cannot change a figure.
_VERBS = (
    Verb.DISPATCHED, Verb.TRANSFERRED, Verb.REOPENED, Verb.CLAIMED, Verb.RETURNED, Verb.REPLIED,
    Verb.EVALUATED, Verb.CLOSED, Verb.EXTENSION_APPROVED, Verb.SUSPENDED, Verb.RESUMED, Verb.REJECTED,
    Verb.MERGED,
)


@dataclass(frozen=True)
class Rate:
    """One figure: numerator ÷ denominator, with the formula the dashboard prints beside it."""

    numerator: int
    denominator: int
    formula_zh: str
    formula_en: str

    @property
    def value(self) -> float | None:
        """The ratio in [0, 1] (重办率 may exceed 1), or None when nothing was due: never 100% of nothing."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def formula(self) -> str:
        return f"{self.formula_zh}\n{self.formula_en}"


@dataclass(frozen=True)
class UnitFigures:
    """The six rates of one lead unit (or subtree) over one period, plus the 未评价 count."""

    unit_code: str
    claim_rate: Rate
    on_time_reply_rate: Rate
    closure_rate: Rate
    satisfaction_rate: Rate
    reopen_rate: Rate
    return_rate: Rate
    unevaluated_closures: int  # 未评价: CLOSED with closure 'unevaluated' — never counted as satisfied


@dataclass
class _Assignment:
    unit: str
    claim_due: datetime
    reply_due: datetime
    claimed: bool = False
    claimed_on_time: bool = False
    replied: bool = False
    replied_on_time: bool = False
    ended_at: datetime | None = None  # returned / transferred / merged / rejected before reply
    closed: bool = False
    paused: bool = False  # suspended at the cut-off


@dataclass
class _Counts:
    claim_num: int = 0
    claim_den: int = 0
    reply_num: int = 0
    reply_den: int = 0
    closed_num: int = 0
    satisfied: int = 0
    evaluated: int = 0
    reopened: int = 0
    closed_events: int = 0
    returned: int = 0
    handed: int = 0
    unevaluated: int = 0


@dataclass
class _CaseWalk:
    lead: _Assignment | None = None
    lead_unit: str | None = None
    suspended: bool = False
    assignments: list[_Assignment] = field(default_factory=list)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _unit_map(units: list[Unit], *, subtree: bool) -> dict[str, list[str]]:
    """Unit code seen in the ledger → the requested codes whose row it counts in (one query with subtree)."""
    if not subtree:
        return {u.code: [u.code] for u in units}
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(path__startswith=unit.path)
    mapping: dict[str, list[str]] = {}
    for code, path in Unit.objects.filter(q).values_list("code", "path"):
        mapping[code] = [u.code for u in units if path.startswith(u.path)]
    return mapping


def _due(deadline: datetime, acted: bool, a: _Assignment, *, start: datetime, end: datetime,
         cutoff: datetime, paused_counts: bool) -> bool:
    """Whether an assignment's deadline makes it due in [start, end) (see the module docstring)."""
    if not start <= deadline < end:
        return False
    if acted:
        return True
    if deadline >= cutoff:
        return False  # not yet due
    if a.ended_at is not None and a.ended_at <= deadline:
        return False  # returned or moved away before the deadline: counted by 退回率, not here
    return paused_counts or not a.paused


def unit_figures(*, user, units: Iterable[Unit], start: datetime, end: datetime, subtree: bool = False,
                 as_of: datetime | None = None) -> dict[str, UnitFigures]:
    """The six figures per requested unit code over [start, end), for the cases `user` may see.

    Queries: one for the events (two with subtree=True, plus whatever access needs to resolve the
    user's scope), however many cases and events there are: the ledger is read in one ordered pass of
    values_list rows and each case's lead assignments are replayed in memory.

    - 响应率 claim rate: see CLAIM_RATE_FORMULA. Numerator: lead assignments due (claim deadline in the
      period) whose CLAIMED event says on_time=true. Denominator: lead assignments due, claimed or not.
    - 按时办结率 on-time reply rate: see REPLY_RATE_FORMULA. Numerator: due assignments (reply deadline in
      the period) whose REPLIED event says on_time=true. Denominator: due assignments, replied or not.
    - 办结率 closure rate: see CLOSURE_RATE_FORMULA. Numerator: of the same due assignments, those whose
      round ended in a CLOSED event (before min(end, as_of)); a round that ended in 重办 is not closed.
      Denominator: the on-time reply rate's denominator.
    - 满意率 satisfaction: see SATISFACTION_RATE_FORMULA. Only EVALUATED events in the period count, by
      their payload unit; CLOSED with closure 'unevaluated' are counted in `unevaluated_closures` only.
    - 重办率 reopen rate: see REOPEN_RATE_FORMULA (DESIGN §1 "reopened / closed"). REOPENED events by
      payload unit ÷ CLOSED events of cases the unit led when they closed. A reopen after 不满意 has no
      closure of its own, so the rate can exceed 1; a unit with reopens but no closure shows None.
    - 退回率 return rate: see RETURN_RATE_FORMULA. RETURNED events by payload unit ÷ DISPATCHED and
      TRANSFERRED events whose lead is the unit (REOPENED hand-backs are not counted as hand-overs).
    """
    units = list(units)
    cutoff = min(end, as_of or timezone.now())
    mapping = _unit_map(units, subtree=subtree)
    counts = {u.code: _Counts() for u in units}

    def bump(code: str | None, name: str) -> None:
        for target in mapping.get(code or "", ()):
            c = counts[target]
            setattr(c, name, getattr(c, name) + 1)

    def in_period(at: datetime) -> bool:
        return start <= at < end

    cases = visible_cases(user).filter(assignments__unit__code__in=list(mapping)).values("pk")
    rows = (
        Event.objects.filter(case__in=cases, verb__in=_VERBS, at__lt=cutoff)
        .order_by("case_id", "seq")
        .values_list("case_id", "verb", "at", "payload")
    )
    walks: list[_CaseWalk] = []
    walk, current = _CaseWalk(), None
    for case_id, verb, at, payload in rows.iterator(chunk_size=2000):
        if case_id != current:
            walk, current = _CaseWalk(), case_id
            walks.append(walk)
        lead = walk.lead
        if verb in (Verb.DISPATCHED, Verb.TRANSFERRED, Verb.REOPENED):
            if lead is not None and not lead.replied and lead.ended_at is None:
                lead.ended_at = at
            new = payload["lead"]
            walk.lead = _Assignment(unit=new["unit"], claim_due=_dt(new["claim_due"]),
                                    reply_due=_dt(new["reply_due"]))
            walk.lead_unit = new["unit"]
            walk.assignments.append(walk.lead)
            if in_period(at):
                bump(new["unit"], "reopened" if verb == Verb.REOPENED else "handed")
        elif verb == Verb.CLAIMED:
            if payload.get("role") == AssignmentRole.LEAD and lead is not None and lead.unit == payload["unit"]:
                lead.claimed, lead.claimed_on_time = True, bool(payload.get("on_time"))
        elif verb == Verb.REPLIED:
            if lead is not None:
                lead.replied, lead.replied_on_time = True, bool(payload.get("on_time"))
        elif verb == Verb.RETURNED:
            if lead is not None and lead.ended_at is None:
                lead.ended_at = at
            walk.lead, walk.lead_unit = None, None
            if in_period(at):
                bump(payload.get("unit"), "returned")
        elif verb in (Verb.REJECTED, Verb.MERGED):
            if lead is not None and not lead.replied and lead.ended_at is None:
                lead.ended_at = at
        elif verb == Verb.EXTENSION_APPROVED:
            if lead is not None and payload.get("new_reply_due"):
                lead.reply_due = _dt(payload["new_reply_due"])
        elif verb == Verb.SUSPENDED:
            walk.suspended = True
        elif verb == Verb.RESUMED:
            walk.suspended = False
            for moved in payload.get("moved", []):
                if lead is not None and moved.get("unit") == lead.unit and moved.get("new_reply_due"):
                    lead.reply_due = _dt(moved["new_reply_due"])
        elif verb == Verb.EVALUATED:
            if in_period(at):
                bump(payload.get("unit"), "evaluated")
                if payload.get("satisfaction") in SATISFIED_VALUES:
                    bump(payload.get("unit"), "satisfied")
        elif verb == Verb.CLOSED:
            if lead is not None:
                lead.closed = True
            if in_period(at):
                bump(walk.lead_unit, "closed_events")
                if payload.get("closure") == ClosureKind.UNEVALUATED:
                    bump(walk.lead_unit, "unevaluated")

    for walk in walks:
        if walk.suspended and walk.lead is not None:
            walk.lead.paused = True
        for a in walk.assignments:
            if _due(a.claim_due, a.claimed, a, start=start, end=end, cutoff=cutoff, paused_counts=True):
                bump(a.unit, "claim_den")
                if a.claimed_on_time:
                    bump(a.unit, "claim_num")
            if _due(a.reply_due, a.replied, a, start=start, end=end, cutoff=cutoff, paused_counts=False):
                bump(a.unit, "reply_den")
                if a.replied_on_time:
                    bump(a.unit, "reply_num")
                if a.closed:
                    bump(a.unit, "closed_num")

    return {code: _figures(code, c) for code, c in counts.items()}


def _figures(code: str, c: _Counts) -> UnitFigures:
    return UnitFigures(
        unit_code=code,
        claim_rate=Rate(c.claim_num, c.claim_den, *CLAIM_RATE_FORMULA),
        on_time_reply_rate=Rate(c.reply_num, c.reply_den, *REPLY_RATE_FORMULA),
        closure_rate=Rate(c.closed_num, c.reply_den, *CLOSURE_RATE_FORMULA),
        satisfaction_rate=Rate(c.satisfied, c.evaluated, *SATISFACTION_RATE_FORMULA),
        reopen_rate=Rate(c.reopened, c.closed_events, *REOPEN_RATE_FORMULA),
        return_rate=Rate(c.returned, c.handed, *RETURN_RATE_FORMULA),
        unevaluated_closures=c.unevaluated,
    )
