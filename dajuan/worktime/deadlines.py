"""Deadline arithmetic in working days and office hours (限时): pure functions over a WorkCalendar.

Every function takes and returns timezone-aware datetimes and reasons in settings.TIME_ZONE
(Asia/Shanghai). Office hours, the claim cut-off and the next-day claim time are read from settings
at call time. A result carries `covered=False` when any day it consulted lies in a year whose
national schedule is unknown (weekday rule), so the UI can warn that the date may move.

Office hours run from DAJUAN_OFFICE_OPENS (inclusive) to DAJUAN_OFFICE_CLOSES (exclusive) on
working days; a count of working time that ends exactly at closing time ends at closing time.
Every function raises ValueError for a naive datetime (a programming error, never user input) and
ImproperlyConfigured, naming the setting, for an unparsable time setting.

For the case loop: store `claim_due`/`add_working_days`/`add_working_hours` results on the
assignment; on resume after a suspension (挂起) move it with `shift_for_pause`; show remaining or
overdue office time with `working_time_between(now, due)` (negative once overdue).
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.core.errors import ValidationFailed
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.errors import DeadlineOutOfRange

# No statutory limit comes near ten years; a walk this long means a wrong input or a holiday table
# that closes every day, and must stop rather than loop.
MAX_WALK_DAYS = 3660
ONE_DAY = timedelta(days=1)
_HH_MM = re.compile(r"(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Deadline:
    """A due instant (aware, in settings.TIME_ZONE) and whether every year it was computed over is
    covered by a known national schedule."""

    at: datetime
    covered: bool


@dataclass(frozen=True)
class WorkingTime:
    """An amount of office time (negative when counted backwards) and the same `covered` flag."""

    duration: timedelta
    covered: bool

    @property
    def hours(self) -> float:
        return self.duration.total_seconds() / 3600


@dataclass(frozen=True)
class OfficeHours:
    opens: time
    closes: time


def setting_time(name: str) -> time:
    """The setting `name` parsed as a 24-hour "HH:MM". Raises ImproperlyConfigured naming it."""
    value = getattr(settings, name, None)
    match = _HH_MM.fullmatch(value) if isinstance(value, str) else None
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    raise ImproperlyConfigured(f"{name}={value!r}: use a 24-hour time written HH:MM, for example 17:30.")


def office_hours() -> OfficeHours:
    """DAJUAN_OFFICE_OPENS and DAJUAN_OFFICE_CLOSES. Raises ImproperlyConfigured if unparsable or if
    the office would close before it opens."""
    hours = OfficeHours(setting_time("DAJUAN_OFFICE_OPENS"), setting_time("DAJUAN_OFFICE_CLOSES"))
    if hours.opens >= hours.closes:
        raise ImproperlyConfigured(
            f"DAJUAN_OFFICE_OPENS={settings.DAJUAN_OFFICE_OPENS!r} must be earlier than "
            f"DAJUAN_OFFICE_CLOSES={settings.DAJUAN_OFFICE_CLOSES!r}."
        )
    return hours


def add_working_days(start: datetime, days: int, calendar: WorkCalendar) -> Deadline:
    """Office closing time of the `days`-th working day after the start date (counting begins the
    next day, as in Chinese practice; the start's time of day does not matter). `days=0` means the
    closing time of the start date if it is a working day, else of the next working day — already
    past if the start is after closing time. Raises ValidationFailed (field "days") for a negative or
    non-integer count, DeadlineOutOfRange for an absurd walk."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValidationFailed(_("The number of working days must be a whole number, 0 or more."),
                               field="days")
    hours = office_hours()
    first = _local(start).date()
    day = first
    if days == 0:
        while not calendar.is_workday(day):
            day = _next_day(day, first)
    else:
        remaining = days
        while remaining:
            day = _next_day(day, first)
            if calendar.is_workday(day):
                remaining -= 1
    return Deadline(_at(day, hours.closes), _covered(calendar, first, day))


def add_working_hours(start: datetime, hours: float | int | Decimal, calendar: WorkCalendar) -> Deadline:
    """The instant after `hours` of office time (fractions allowed: 0.5 is thirty minutes). A start
    outside office hours counts from the next opening, so 0 hours gives that opening. Raises
    ValidationFailed (field "hours") for a negative or non-numeric amount, DeadlineOutOfRange for an
    absurd walk."""
    numeric = isinstance(hours, int | float | Decimal) and not isinstance(hours, bool)
    amount = float(hours) if numeric else math.nan
    if not math.isfinite(amount) or amount < 0:
        raise ValidationFailed(_("The number of working hours must be a number, 0 or more."), field="hours")
    return _advance(start, timedelta(hours=amount), calendar)


def claim_due(dispatched_at: datetime, calendar: WorkCalendar, *, cutoff: time | None = None) -> Deadline:
    """当日认领: dispatched on a working day before the cut-off (DAJUAN_CLAIM_CUTOFF, or `cutoff`),
    early morning included → office closing time that day; at or after the cut-off, or on a day off →
    DAJUAN_CLAIM_NEXT_DAY_BY on the next working day. Raises ImproperlyConfigured for unparsable
    settings or a cut-off after closing time."""
    hours = office_hours()
    if cutoff is None:
        cutoff = setting_time("DAJUAN_CLAIM_CUTOFF")
    if cutoff > hours.closes:
        raise ImproperlyConfigured(
            f"DAJUAN_CLAIM_CUTOFF={cutoff:%H:%M} must not be later than "
            f"DAJUAN_OFFICE_CLOSES={hours.closes:%H:%M}: a claim would be due before its dispatch."
        )
    next_day_by = setting_time("DAJUAN_CLAIM_NEXT_DAY_BY")
    local = _local(dispatched_at)
    day = local.date()
    if calendar.is_workday(day) and local.time() < cutoff:
        return Deadline(_at(day, hours.closes), _covered(calendar, day, day))
    due_day = _next_day(day, day)
    while not calendar.is_workday(due_day):
        due_day = _next_day(due_day, day)
    return Deadline(_at(due_day, next_day_by), _covered(calendar, day, due_day))


def working_time_between(start: datetime, end: datetime, calendar: WorkCalendar) -> WorkingTime:
    """The office time from `start` to `end` — remaining time (now → due), time overdue (due → now),
    a suspension's length. Negative when `end` is before `start`. Raises DeadlineOutOfRange when the
    two lie more than about ten years apart."""
    if end < start:
        backwards = working_time_between(end, start, calendar)
        return WorkingTime(-backwards.duration, backwards.covered)
    hours = office_hours()
    begin, finish = _local(start), _local(end)
    first, last = begin.date(), finish.date()
    if (last - first).days > MAX_WALK_DAYS:
        raise DeadlineOutOfRange(_("The two instants lie more than ten years apart; check the dates."))
    total = timedelta(0)
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if calendar.is_workday(day):
            low = max(begin, _at(day, hours.opens))
            high = min(finish, _at(day, hours.closes))
            if high > low:
                total += high - low
    return WorkingTime(total, _covered(calendar, first, last))


def shift_by_working_time(deadline: datetime, duration: timedelta, calendar: WorkCalendar) -> Deadline:
    """`deadline` moved later by `duration` of office time, e.g. the working time a case spent
    suspended (挂起). A zero shift returns the deadline unchanged; otherwise a deadline at or after
    closing time continues from the next opening. Raises ValidationFailed (field "duration") for a
    negative shift, DeadlineOutOfRange for an absurd walk."""
    if duration < timedelta(0):
        raise ValidationFailed(_("A deadline can only be moved later; the shift cannot be negative."),
                               field="duration")
    if not duration:
        day = _local(deadline).date()
        return Deadline(_local(deadline), _covered(calendar, day, day))
    return _advance(deadline, duration, calendar)


def shift_for_pause(deadline: datetime, *, paused_from: datetime, paused_until: datetime,
                    calendar: WorkCalendar) -> Deadline:
    """The deadline after a pause of the clock (挂起 … 恢复): moved later by the office time between
    `paused_from` and `paused_until`, so the time left (or overdue) is what it was at the pause.
    Raises ValidationFailed (field "paused_until") when the pause ends before it starts."""
    if paused_until < paused_from:
        raise ValidationFailed(_("The pause cannot end before it starts."), field="paused_until")
    paused = working_time_between(paused_from, paused_until, calendar)
    moved = shift_by_working_time(deadline, paused.duration, calendar)
    return Deadline(moved.at, moved.covered and paused.covered)


# --- helpers ----------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise ValueError(f"{moment!r}: deadlines need a timezone-aware datetime.")
    return timezone.localtime(moment, timezone.get_default_timezone())


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=timezone.get_default_timezone())


def _next_day(day: date, origin: date) -> date:
    """The day after `day`, refusing to walk more than MAX_WALK_DAYS from `origin`."""
    if (day - origin).days >= MAX_WALK_DAYS or day == date.max:
        raise DeadlineOutOfRange(
            _("The deadline would fall more than ten years ahead; check the amount and the holiday table.")
        )
    return day + ONE_DAY


def _covered(calendar: WorkCalendar, first: date, last: date) -> bool:
    return all(calendar.covered(year) for year in range(first.year, last.year + 1))


def _advance(start: datetime, duration: timedelta, calendar: WorkCalendar) -> Deadline:
    """Walk office time forward from `start` (outside office hours: from the next opening)."""
    hours = office_hours()
    position = _local(start)
    first = day = position.date()
    remaining = duration
    while True:
        if calendar.is_workday(day):
            position = max(position, _at(day, hours.opens))
            closes = _at(day, hours.closes)
            if position < closes:
                if remaining <= closes - position:
                    return Deadline(position + remaining, _covered(calendar, first, day))
                remaining -= closes - position
        day = _next_day(day, first)
        position = _at(day, hours.opens)
