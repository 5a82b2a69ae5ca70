"""Deadlines of the loop from the category's policy and the working-day calendar (DESIGN §1)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from dajuan.cases.choices import LimitUnit, Priority
from dajuan.cases.models import Category, DeadlinePolicy
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import (
    Deadline,
    add_working_days,
    add_working_hours,
    claim_due,
    working_time_between,
)

# Used only when an administrator has configured no district default: the examples in DESIGN §1.
FALLBACK_LIMITS = {
    Priority.NORMAL: (Decimal(5), LimitUnit.WORKING_DAYS),
    Priority.URGENT: (Decimal(1), LimitUnit.WORKING_DAYS),
    Priority.CRITICAL: (Decimal(2), LimitUnit.WORKING_HOURS),
}


@dataclass(frozen=True)
class Limit:
    amount: Decimal
    unit: str
    assist_amount: Decimal
    source: str  # which policy row decided: a category code, "default" or "fallback"


def limit_for(category: Category | None, priority: str) -> Limit:
    """The reply limit: the category's own policy, else its nearest ancestor's, else the district
    default row, else FALLBACK_LIMITS."""
    chain = category.lineage() if category else []
    rows = {
        (row.category_id, row.priority): row
        for row in DeadlinePolicy.objects.filter(priority=priority).filter(
            category__in=[c.pk for c in chain]
        ) | DeadlinePolicy.objects.filter(priority=priority, category=None)
    }
    for key, label in [*((c.pk, c.code) for c in chain), (None, "default")]:
        if row := rows.get((key, priority)):
            assist = row.assist_report_limit or _half(row.reply_limit, row.limit_unit)
            return Limit(row.reply_limit, row.limit_unit, assist, label)
    amount, unit = FALLBACK_LIMITS[Priority(priority)]
    return Limit(amount, unit, _half(amount, unit), "fallback")


def _half(amount: Decimal, unit: str) -> Decimal:
    if unit == LimitUnit.WORKING_DAYS:
        return max(Decimal(1), (amount / 2).to_integral_value())
    return amount / 2


@dataclass(frozen=True)
class AssignmentDeadlines:
    claim_due: datetime
    reply_due: datetime
    limit: Limit
    covered: bool


def assignment_deadlines(category: Category | None, priority: str, *, lead: bool, at: datetime,
                         calendar: WorkCalendar) -> AssignmentDeadlines:
    """The deadlines of a share given at `at`: what dispatch, transfer, summoning and reopening set, and
    what the dispatch form previews. 特急: claim no later than the reply itself is due."""
    limit = limit_for(category, priority)
    reply = due_after(at, limit.amount if lead else limit.assist_amount, limit.unit, calendar)
    claim = claim_due(at, calendar)
    claim_at = min(claim.at, reply.at) if priority == Priority.CRITICAL else claim.at
    return AssignmentDeadlines(claim_at, reply.at, limit, reply.covered and claim.covered)


def due_after(start: datetime, amount: Decimal, unit: str, calendar: WorkCalendar) -> Deadline:
    if unit == LimitUnit.WORKING_DAYS:
        return add_working_days(start, int(amount), calendar)
    return add_working_hours(start, amount, calendar)


@dataclass(frozen=True)
class Standing:
    """Where a case stands against its reply deadline at one moment, in office time."""

    remaining: timedelta  # working time left; negative: how long overdue
    overdue: bool
    due_soon: bool  # not overdue, and less than DAJUAN_DUE_SOON_WORKING_HOURS left
    paused: bool  # suspended: the clock stopped at the suspension
    covered: bool  # False when the calendar does not cover the dates (the figure is a best guess)

    @property
    def overdue_by(self) -> timedelta:
        return -self.remaining if self.overdue else timedelta(0)


def standing(case, at: datetime, calendar: WorkCalendar) -> Standing | None:
    """The derived flags of an open case with a deadline (None otherwise). A suspended case is measured
    at the moment it was suspended, because its clock is paused."""
    if not case.is_open or case.reply_due is None:
        return None
    moment = case.suspended_at or at
    left = working_time_between(moment, case.reply_due, calendar)
    soon = timedelta(hours=settings.DAJUAN_DUE_SOON_WORKING_HOURS)
    overdue = case.reply_due < moment
    return Standing(remaining=left.duration, overdue=overdue, due_soon=not overdue and left.duration < soon,
                    paused=case.suspended_at is not None, covered=left.covered)


def due_soon_before(at: datetime, calendar: WorkCalendar) -> datetime:
    """The wall-clock moment DAJUAN_DUE_SOON_WORKING_HOURS of office time after `at`: an open case with
    `at <= reply_due < due_soon_before(at)` is 即将超期 (a filter lists can run in the database)."""
    return add_working_hours(at, Decimal(settings.DAJUAN_DUE_SOON_WORKING_HOURS), calendar).at
