"""Reads of the rollups: a period of days, a set of lead units, summed by the database in one query.

Scope is the caller's business (dashboard.selectors and assessment.selectors decide the unit codes
through access); confidential cases are never in the rollups at all.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet, Sum

from dajuan.cases.facts import OPEN_COUNTS_AS
from dajuan.rollups.models import COLUMNS, DailyRollup, DayBreakdown, GridDay, UnitDay


def period_rows(*, start: date, end: date, unit_codes: Iterable[str] | None = None,
                by_unit: bool = True) -> QuerySet:
    """Rollup rows of the days [start, end), of the given lead unit codes (None: every unit, and cases
    not yet with a unit): UnitDay rows (at most one per unit and day) unless the category and channel
    are needed (by_unit=False: the DailyRollup cube)."""
    model = UnitDay if by_unit else DailyRollup
    rows = model.objects.filter(day__gte=start, day__lt=end)
    if unit_codes is not None:
        rows = rows.filter(unit_code__in=list(unit_codes))
    return rows


def registered_by(dimension: str, *, start: date, end: date, unit_codes: Iterable[str] | None) -> dict:
    """Registrations in [start, end) by "channel" or "category" (category ids as ints): from DayBreakdown
    for the whole district (unit_codes None), else from the cube narrowed to the unit codes. One query;
    values with none are left out."""
    if unit_codes is None:
        rows = (DayBreakdown.objects.filter(day__gte=start, day__lt=end, dimension=dimension)
                .order_by().values("value").annotate(n=Sum("registered")))
        found = {row["value"]: row["n"] for row in rows if row["n"]}
        return {int(k): n for k, n in found.items()} if dimension == "category" else found
    field = "category_id" if dimension == "category" else "channel"
    rows = (period_rows(start=start, end=end, unit_codes=unit_codes, by_unit=False)
            .order_by().values(field).annotate(n=Sum("registered")))
    return {row[field]: row["n"] for row in rows if row["n"]}


def _sums(today: date, columns: tuple[str, ...]) -> dict:
    """Sum the columns; an open deadline (cases.facts OPEN_COUNTS_AS) counts only once its day has
    passed — cases.facts.due_counter read at a day's grain, with the cut-off at the start of `today`."""
    return {c: Sum(c, filter=Q(day__lt=today)) if c in OPEN_COUNTS_AS else Sum(c) for c in columns}


def _fold(row: dict, columns: tuple[str, ...]) -> Counter:
    counts = Counter({c: row.get(c) or 0 for c in columns})
    for open_counter, target in OPEN_COUNTS_AS.items():
        if open_counter in counts:
            counts[target] += counts.pop(open_counter)
    return counts


def summed(rows: QuerySet, *, today: date, columns: tuple[str, ...] = COLUMNS) -> Counter:
    """The columns summed over `rows` (one query), open deadlines folded in as missed."""
    return _fold(rows.aggregate(**_sums(today, columns)), columns)


def summed_by(rows: QuerySet, field: str, *, today: date,
              columns: tuple[str, ...] = COLUMNS) -> dict:
    """Like `summed`, grouped by one field (day, unit_code, category_id or channel): one query."""
    return {row[field]: _fold(row, columns)
            for row in rows.order_by().values(field).annotate(**_sums(today, columns))}


def grid_counts(*, start: date, end: date, grid_ids: Iterable[int] | None) -> dict[int, int]:
    """Cases registered in [start, end) per grid id (None: every grid); one query."""
    rows = GridDay.objects.filter(day__gte=start, day__lt=end)
    if grid_ids is not None:
        rows = rows.filter(grid_id__in=list(grid_ids))
    rows = rows.order_by().values("grid_id").annotate(n=Sum("registered"))
    return {row["grid_id"]: row["n"] for row in rows}
