"""Shared test data: local-time helpers and the administrators' rows the tables run against."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dajuan.worktime.models import Holiday

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The holiday table the deadline and calendar tables run against (stored through holiday_set).
ADMIN_ROWS = [  # date, is_workday, name
    ("2026-03-10", False, "Local closure"),  # a Tuesday the package calls a working day
    ("2026-03-15", True, "Local make-up day"),  # a Sunday
    ("2026-05-09", False, "Local exception"),  # the package's Labour Day make-up Saturday
    ("2027-02-06", True, "Spring Festival make-up"),  # a Saturday in a year the package lacks
    ("2027-02-08", False, "Spring Festival"),  # a Monday in a year the package lacks
]


def at(text: str) -> datetime:
    """'2026-02-14 10:00' as an aware datetime in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def day(text: str) -> date:
    return date.fromisoformat(text)


def unsaved_admin_rows() -> list[Holiday]:
    return [Holiday(date=day(d), is_workday=w, name=n) for d, w, n in ADMIN_ROWS]


def store_admin_rows(by) -> None:
    from dajuan.worktime.services import holiday_set

    for d, workday, name in ADMIN_ROWS:
        holiday_set(date=day(d), is_workday=workday, name=name, by=by)
