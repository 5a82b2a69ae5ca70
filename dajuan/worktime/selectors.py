"""Reads of the working-day calendar for the holiday page. Only administrators reach them (the view
requires Action.MANAGE_CALENDAR); the calendar is the same for everyone, so there is no scope."""

from dataclasses import dataclass
from datetime import date, timedelta

from dajuan.worktime.calendar import DayInfo, DaySource, WorkCalendar, package_covers, package_exceptions
from dajuan.worktime.models import CalendarYear, Holiday


@dataclass(frozen=True)
class CalendarRow:
    """One day that differs from an ordinary Monday–Friday week, as the page lists it."""

    date: date
    is_workday: bool  # the effective status
    name: str
    source: DaySource
    holiday: Holiday | None  # the administrator's row, if any (edit/delete)
    package: DayInfo | None  # what chinese-calendar says, when it names the day

    @property
    def overrides_package(self) -> bool:
        return self.holiday is not None and self.package is not None


@dataclass(frozen=True)
class YearOverview:
    year: int
    covered: bool
    package_covers: bool
    marked: CalendarYear | None
    rows: list[CalendarRow]
    workday_count: int


def year_overview(year: int, *, calendar: WorkCalendar) -> YearOverview:
    """The effective calendar of `year`: administrators' rows and the package's named days merged by
    date (the administrator's row wins), coverage, and the number of working days. At most three queries."""
    adjustments = {holiday.date: holiday for holiday in calendar.adjustments(year)}
    named = {info.date: info for info in package_exceptions(year)}
    rows = []
    for day in sorted(adjustments.keys() | named.keys()):
        effective = calendar.describe(day)
        rows.append(CalendarRow(day, effective.is_workday, effective.name, effective.source,
                                holiday=adjustments.get(day), package=named.get(day)))
    first, last = date(year, 1, 1), date(year, 12, 31)
    workdays = sum(calendar.is_workday(first + timedelta(days=n)) for n in range((last - first).days + 1))
    return YearOverview(
        year=year,
        covered=calendar.covered(year),
        package_covers=package_covers(year),
        marked=CalendarYear.objects.filter(year=year).first(),
        rows=rows,
        workday_count=workdays,
    )
