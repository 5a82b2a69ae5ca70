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

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter

from django.db.models import Q
from django.utils import timezone

from dajuan.access.policy import visible_cases
from dajuan.cases.facts import FACT_VERBS, due_counter, walk_case
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
    counts = {u.code: Counter() for u in units}
    cases = visible_cases(user).filter(assignments__unit__code__in=list(mapping)).values("pk")
    rows = (
        Event.objects.filter(case__in=cases, verb__in=FACT_VERBS, at__lt=cutoff)
        .order_by("case_id", "seq")
        .values_list("case_id", "verb", "at", "payload")
    )
    for _case_id, case_rows in groupby(rows.iterator(chunk_size=2000), key=itemgetter(0)):
        for fact in walk_case(row[1:] for row in case_rows).facts:
            if not start <= fact.at < end:
                continue
            counter = due_counter(fact, cutoff=cutoff)
            for target in mapping.get(fact.unit or "", ()) if counter else ():
                counts[target][counter] += 1
    return {code: figures_from_counts(code, c) for code, c in counts.items()}


def figures_from_counts(code: str, c: Mapping[str, int]) -> UnitFigures:
    """The six rates from summed fact counters (cases.facts): the one place each ratio is formed, used by
    the ledger recount above and by the rollups (dajuan.rollups) alike."""
    return UnitFigures(
        unit_code=code,
        claim_rate=Rate(c.get("claim_num", 0), c.get("claim_den", 0), *CLAIM_RATE_FORMULA),
        on_time_reply_rate=Rate(c.get("reply_num", 0), c.get("reply_den", 0), *REPLY_RATE_FORMULA),
        closure_rate=Rate(c.get("closed_num", 0), c.get("reply_den", 0), *CLOSURE_RATE_FORMULA),
        satisfaction_rate=Rate(c.get("satisfied", 0), c.get("evaluated", 0), *SATISFACTION_RATE_FORMULA),
        reopen_rate=Rate(c.get("reopened", 0), c.get("closed_events", 0), *REOPEN_RATE_FORMULA),
        return_rate=Rate(c.get("returned", 0), c.get("handed", 0), *RETURN_RATE_FORMULA),
        unevaluated_closures=c.get("unevaluated", 0),
    )


# The six rates in the order the dashboard and the assessment show them: (attribute, short name).
RATE_FIELDS = (
    ("claim_rate", "响应率"),
    ("on_time_reply_rate", "按时办结率"),
    ("closure_rate", "办结率"),
    ("satisfaction_rate", "满意率"),
    ("reopen_rate", "重办率"),
    ("return_rate", "退回率"),
)
