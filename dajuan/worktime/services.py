"""Writes to the working-day calendar: Holiday rows (节假日调整) and CalendarYear marks.

Invariants: every write requires Action.MANAGE_CALENDAR (administrators only), is validated here,
and leaves exactly one AuditEntry per changed row in the same transaction; a call that changes
nothing writes nothing; a failed call writes nothing.
"""

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, NotFound, ValidationFailed
from dajuan.worktime.errors import ImportRejected
from dajuan.worktime.models import YEAR_MAX, YEAR_MIN, CalendarYear, Holiday

NAME_MAX = Holiday._meta.get_field("name").max_length
NOTE_MAX = Holiday._meta.get_field("note").max_length
# Spellings accepted for is_workday in an imported file: the English and the Chinese a clerk types.
WORKDAY_WORDS = {"1": True, "true": True, "yes": True, "y": True, "是": True, "班": True, "上班": True,
                 "0": False, "false": False, "no": False, "n": False, "否": False, "休": False, "休息": False}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def validate_year(year) -> int:
    """The year as an int. Raises ValidationFailed (field "year") unless YEAR_MIN ≤ year ≤ YEAR_MAX."""
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationFailed(
            _("Year %(year)s is out of range; enter a year from %(min)s to %(max)s.")
            % {"year": year, "min": YEAR_MIN, "max": YEAR_MAX},
            field="year",
        )
    return year


def validate_holiday_fields(*, date, is_workday, name: str, note: str) -> tuple[str, str]:
    """Business checks for one Holiday row, shared by holiday_set, the importer and the admin form.
    Returns (name, note) stripped. Raises ValidationFailed naming the field."""
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise ValidationFailed(_("Enter a date such as 2027-02-06."), field="date")
    if not YEAR_MIN <= date.year <= YEAR_MAX:
        raise ValidationFailed(
            _("The date %(date)s is out of range; enter a date in the years %(min)s to %(max)s.")
            % {"date": date.isoformat(), "min": YEAR_MIN, "max": YEAR_MAX},
            field="date",
        )
    if not isinstance(is_workday, bool):
        raise ValidationFailed(_("Choose whether the day is a working day or a day off."), field="is_workday")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A name is required, for example Spring Festival or local closure."),
                               field="name")
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            _("The name is longer than %(max)s characters; shorten it.") % {"max": NAME_MAX}, field="name"
        )
    return name, validate_note(note)


def validate_note(note: str) -> str:
    """The note stripped. Raises ValidationFailed (field "note") when it is too long."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            _("The note is longer than %(max)s characters; shorten it.") % {"max": NOTE_MAX}, field="note"
        )
    return note


@transaction.atomic
def holiday_set(*, date: datetime.date, is_workday: bool, name: str, note: str = "", by) -> Holiday:
    """Fix the status of `date` (create its Holiday row, or change it): a make-up working day when
    `is_workday`, else a day off. Raises NotPermitted, ValidationFailed, Conflict (a simultaneous
    first entry of the same date)."""
    require(by, Action.MANAGE_CALENDAR)
    name, note = validate_holiday_fields(date=date, is_workday=is_workday, name=name, note=note)
    holiday, _outcome = _holiday_write(date=date, is_workday=is_workday, name=name, note=note, by=by)
    return holiday


@transaction.atomic
def holiday_delete(holiday: Holiday, *, by) -> None:
    """Remove an administrator's row; the date falls back to chinese-calendar or the weekday rule.
    Raises NotPermitted, NotFound (already removed)."""
    require(by, Action.MANAGE_CALENDAR)
    deleted, _counts = Holiday.objects.filter(pk=holiday.pk).delete()
    if not deleted:
        raise NotFound(_("This holiday entry no longer exists; reload the page."))
    audit_record(holiday, "holiday_deleted", by=by, before=holiday.as_audit())


@transaction.atomic
def calendar_year_mark(*, year: int, note: str, by) -> CalendarYear:
    """已录入: state that the official schedule of `year` has been entered, so the year counts as
    covered. Marking again changes only the note. Raises NotPermitted, ValidationFailed."""
    require(by, Action.MANAGE_CALENDAR)
    validate_year(year)
    note = validate_note(note)
    marked = CalendarYear.objects.select_for_update().filter(year=year).first()
    if marked is None:
        marked = _insert(CalendarYear(year=year, note=note), field="year")
        audit_record(marked, "calendar_year_marked", by=by, after=marked.as_audit())
        return marked
    before = marked.as_audit()
    if marked.note != note:
        marked.note = note
        marked.save(update_fields=["note", "updated_at"])
        audit_record(marked, "calendar_year_changed", by=by, before=before, after=marked.as_audit())
    return marked


@transaction.atomic
def calendar_year_unmark(calendar_year: CalendarYear, *, by) -> None:
    """Withdraw a mark: the year is covered again only if chinese-calendar knows it.
    Raises NotPermitted, NotFound (already withdrawn)."""
    require(by, Action.MANAGE_CALENDAR)
    deleted, _counts = CalendarYear.objects.filter(pk=calendar_year.pk).delete()
    if not deleted:
        raise NotFound(_("This year is no longer marked; reload the page."))
    audit_record(calendar_year, "calendar_year_unmarked", by=by, before=calendar_year.as_audit())


@dataclass(frozen=True)
class ImportSummary:
    created: int
    changed: int
    unchanged: int
    dry_run: bool


def holidays_import(rows: Iterable[Sequence[str]], *, by, dry_run: bool = False) -> ImportSummary:
    """Apply a holiday file (rows of date, is_workday, name[, note]; an optional header row starting
    with "date"), all or nothing, one audit entry per changed row. With `dry_run` everything is
    checked and counted, then rolled back. Raises NotPermitted; ImportRejected listing every bad row
    (nothing written); Conflict."""
    require(by, Action.MANAGE_CALENDAR)
    parsed = _parse_rows(rows)
    with transaction.atomic():
        outcomes = Counter(_holiday_write(**row, by=by)[1] for row in parsed)
        if dry_run:
            transaction.set_rollback(True)
    return ImportSummary(outcomes["created"], outcomes["changed"], outcomes["unchanged"], dry_run)


# --- helpers ----------------------------------------------------------------------------------


def _holiday_write(*, date, is_workday: bool, name: str, note: str, by) -> tuple[Holiday, str]:
    """Upsert one validated row and audit it; returns the row and "created", "changed" or "unchanged"."""
    holiday = Holiday.objects.select_for_update().filter(date=date).first()
    if holiday is None:
        holiday = _insert(Holiday(date=date, is_workday=is_workday, name=name, note=note), field="date")
        audit_record(holiday, "holiday_created", by=by, after=holiday.as_audit())
        return holiday, "created"
    before = holiday.as_audit()
    holiday.is_workday, holiday.name, holiday.note = is_workday, name, note
    if holiday.as_audit() == before:
        return holiday, "unchanged"
    holiday.save(update_fields=["is_workday", "name", "note", "updated_at"])
    audit_record(holiday, "holiday_changed", by=by, before=before, after=holiday.as_audit())
    return holiday, "changed"


def _insert(obj, *, field: str):
    """Insert a row whose unique key another administrator may be inserting at the same moment; the
    loser gets a Conflict instead of an IntegrityError (PostgreSQL; SQLite serialises writers)."""
    try:
        with transaction.atomic():
            obj.save(force_insert=True)
    except IntegrityError:
        raise Conflict(_("Someone else saved this entry at the same moment; reload and check it."),
                       field=field) from None
    return obj


def _parse_rows(rows: Iterable[Sequence[str]]) -> list[dict]:
    """Validated keyword dicts for _holiday_write. Raises ImportRejected with every problem found."""
    parsed, problems, seen = [], [], {}
    for line, row in enumerate(rows, start=1):
        cells = [str(cell).strip() for cell in row]
        if not any(cells) or (line == 1 and cells[0].lower() == "date"):
            continue
        try:
            values = _parse_row(cells)
        except ValidationFailed as error:
            problems.append(_("line %(line)s: %(problem)s") % {"line": line, "problem": error.message})
            continue
        if values["date"] in seen:
            problems.append(
                _("line %(line)s: %(date)s already appears on line %(first)s.")
                % {"line": line, "date": values["date"].isoformat(), "first": seen[values["date"]]}
            )
            continue
        seen[values["date"]] = line
        parsed.append(values)
    if problems:
        raise ImportRejected(
            _("The file has %(count)s bad line(s); nothing was imported.") % {"count": len(problems)},
            problems=problems,
        )
    if not parsed:
        raise ValidationFailed(_("The file holds no holiday rows; expected: date,is_workday,name,note."))
    return parsed


def _parse_row(cells: list[str]) -> dict:
    if len(cells) not in (3, 4):
        raise ValidationFailed(
            _("expected 3 or 4 columns (date,is_workday,name,note), found %(count)s.") % {"count": len(cells)}
        )
    raw_date, raw_workday, name, note = [*cells, ""][:4]
    try:
        day = datetime.date.fromisoformat(raw_date) if _ISO_DATE.fullmatch(raw_date) else None
    except ValueError:
        day = None
    if day is None:
        raise ValidationFailed(_("“%(value)s” is not a date written YYYY-MM-DD.") % {"value": raw_date},
                               field="date")
    is_workday = WORKDAY_WORDS.get(raw_workday.lower())
    if is_workday is None:
        raise ValidationFailed(
            _("“%(value)s” is not a working-day flag; write 1 (working day) or 0 (day off).")
            % {"value": raw_workday},
            field="is_workday",
        )
    name, note = validate_holiday_fields(date=day, is_workday=is_workday, name=name, note=note)
    return {"date": day, "is_workday": is_workday, "name": name, "note": note}
