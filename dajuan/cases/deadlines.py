"""Deadlines of the loop from the category's policy and the working-day calendar (DESIGN §1)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from dajuan.cases.choices import LimitUnit, Priority
from dajuan.cases.models import Category, DeadlinePolicy
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import Deadline, add_working_days, add_working_hours

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


def due_after(start: datetime, amount: Decimal, unit: str, calendar: WorkCalendar) -> Deadline:
    if unit == LimitUnit.WORKING_DAYS:
        return add_working_days(start, int(amount), calendar)
    return add_working_hours(start, amount, calendar)
