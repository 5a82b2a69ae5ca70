"""WorkCalendar: is a date a working day (工作日)?

Sources, first match wins: an administrator's Holiday row, then the chinese-calendar package (the
national schedule including make-up working weekends, 调休), then the weekday rule (Monday–Friday)
for a year neither covers. An uncovered year never raises: `covered(year)` is False so deadlines
can carry a warning instead (DESIGN §1 "Deadlines in working days").
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dajuan.worktime.models import CalendarYear, Holiday


class DaySource(models.TextChoices):
    ADMIN = "admin", _("holiday table")
    PACKAGE = "package", _("national schedule")
    WEEKDAY = "weekday", _("weekday rule")


# chinese-calendar names its holidays in English; these msgids give them their Chinese names.
PACKAGE_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _("Anti-Fascist 70th Day"),
}


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date, and why."""

    date: date
    is_workday: bool
    source: DaySource
    name: str = ""  # the holiday or make-up day's name; "" for an ordinary day


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """True when the installed chinese-calendar knows the national schedule of `year`."""
    if not 1 <= year <= 9999:
        return False
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def package_day(day: date) -> DayInfo | None:
    """The package's verdict on `day`, or None when it does not cover the year."""
    if not package_covers(day.year):
        return None
    day_off, name = chinese_calendar.get_holiday_detail(day)
    return DayInfo(day, not day_off, DaySource.PACKAGE, PACKAGE_NAMES.get(name, name) if name else "")


def package_exceptions(year: int) -> list[DayInfo]:
    """The package's named days of `year` in date order: its holidays (weekends inside a holiday
    included) and its make-up working days. Empty when it does not cover the year."""
    if not package_covers(year):
        return []
    days = []
    day, end = date(year, 1, 1), date(year, 12, 31)
    while day <= end:
        info = package_day(day)
        if info is not None and info.name:
            days.append(info)
        day += timedelta(days=1)
    return days


def as_date(value: date) -> date:
    """A date as given; an aware datetime becomes its date in settings.TIME_ZONE.
    Raises ValueError for a naive datetime, whose day would be a guess."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ValueError(f"{value!r} is a naive datetime; pass a date or an aware datetime.")
        return timezone.localtime(value, timezone.get_default_timezone()).date()
    return value


class WorkCalendar:
    """Working days from the holiday table, chinese-calendar and the weekday rule, in that order.

    By default (`WorkCalendar.current()`) the tables are read lazily: the Holiday rows of a year in
    one query the first time any day of that year is asked, the CalendarYear rows in one query the
    first time an year the package lacks is asked. The instance never re-reads, so make one per
    request or job. Passing `holidays` and/or `covered_years` fixes those sources instead of reading
    them (previews, tests); `holidays` may hold unsaved Holiday instances.
    """

    def __init__(
        self, *, holidays: Iterable[Holiday] | None = None, covered_years: Iterable[int] | None = None
    ) -> None:
        self._read_holidays = holidays is None
        self._by_year: dict[int, dict[date, Holiday]] = {}
        for holiday in holidays or ():
            self._by_year.setdefault(holiday.date.year, {})[holiday.date] = holiday
        self._covered_years = None if covered_years is None else frozenset(covered_years)

    @classmethod
    def current(cls) -> "WorkCalendar":
        """The calendar as stored in the database now."""
        return cls()

    def adjustments(self, year: int) -> list[Holiday]:
        """The administrators' Holiday rows of `year`, by date (read once per year)."""
        return sorted(self._rows(year).values(), key=lambda holiday: holiday.date)

    def covered(self, year: int) -> bool:
        """True when the national schedule of `year` is known: the package has it, or an administrator
        marked the year as entered (CalendarYear). False means the weekday rule fills the gaps."""
        if package_covers(year):
            return True
        if self._covered_years is None:
            self._covered_years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        return year in self._covered_years

    def describe(self, day: date) -> DayInfo:
        """Whether `day` is a working day, which source decided, and the day's name if it has one."""
        day = as_date(day)
        holiday = self._rows(day.year).get(day)
        if holiday is not None:
            return DayInfo(day, holiday.is_workday, DaySource.ADMIN, holiday.name)
        return package_day(day) or DayInfo(day, day.weekday() < 5, DaySource.WEEKDAY)

    def is_workday(self, day: date) -> bool:
        """True when offices are open on `day` (a date, or an aware datetime's local date)."""
        return self.describe(day).is_workday

    def _rows(self, year: int) -> dict[date, Holiday]:
        rows = self._by_year.get(year)
        if rows is None:
            rows = {}
            if self._read_holidays:
                rows = {holiday.date: holiday for holiday in Holiday.objects.filter(date__year=year)}
            self._by_year[year] = rows
        return rows
