"""What the transitions share: deadlines for a new assignment, unit checks, attachments, the start of
a write (status check and row hold)."""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.cases import deadlines, ledger, validation
from dajuan.cases.choices import (
    AssignmentRole,
    AssignmentStatus,
    Verb,
)
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Assignment, Attachment, Case, CaseNumberSequence
from dajuan.cases.rules import ensure_allowed
from dajuan.core.errors import Conflict
from dajuan.org.models import Unit
from dajuan.worktime.calendar import WorkCalendar

LIVE = (AssignmentStatus.PENDING, AssignmentStatus.CLAIMED)


def keep_case(obj, case: Case) -> None:
    """Re-read an assignment or extension request after a write, keeping the caller's case object: its
    `version` is the lock the next transition checks (refresh_from_db would drop the cached relation)."""
    obj.refresh_from_db()
    obj.case = case


def now_or(at: datetime | None) -> datetime:
    return at or timezone.now()


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def next_number(at: datetime) -> str:
    """The next `2026-000123`: one UPDATE … RETURNING (SQLite ≥ 3.35 and PostgreSQL), whose row lock
    serialises concurrent registrations; the year's row is created by its first case."""
    year = timezone.localtime(at).year
    table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last", [year])
        row = cursor.fetchone()
    if row is None:
        CaseNumberSequence.objects.get_or_create(year=year)
        return next_number(at)
    return f"{year}-{row[0]:06d}"


def new_assignment(case: Case, unit: Unit, role: str, *, at: datetime, calendar: WorkCalendar) -> Assignment:
    due = deadlines.assignment_deadlines(case.category, case.priority, lead=role == AssignmentRole.LEAD, at=at,
                                         calendar=calendar)
    return Assignment.objects.create(case=case, unit=unit, role=role, round=case.reopen_count, created_at=at,
                                     claim_due=due.claim_due, reply_due=due.reply_due)


def deadline_payload(assignment: Assignment) -> dict:
    return {"unit": assignment.unit.code, "role": assignment.role, "claim_due": iso(assignment.claim_due),
            "reply_due": iso(assignment.reply_due)}


def check_units(units: Iterable[Unit], field: str) -> list[Unit]:
    units = list(units)
    for unit in units:
        if not unit.is_active or unit.kind == "district":
            raise CaseInvalid(_("%(unit)s cannot take cases; choose an active department, town, village, grid "
                                "or service centre.") % {"unit": unit}, field=field)
    if len({u.pk for u in units}) != len(units):
        raise CaseInvalid(_("A unit is listed twice."), field=field)
    return units


def end_live(case: Case, status: str, at: datetime, *, role: str | None = None) -> list[str]:
    live = case.assignments.filter(status__in=LIVE)
    if role:
        live = live.filter(role=role)
    codes = list(live.values_list("unit__code", flat=True))
    live.update(status=status, ended_at=at)
    return codes


def live_lead(case: Case) -> Assignment:
    lead = case.assignments.filter(role=AssignmentRole.LEAD, status__in=LIVE).select_related("unit").first()
    if lead is None:
        raise Conflict(_("Case %(number)s has no lead unit working on it.") % {"number": case.number})
    return lead


def attach(case: Case, files: list[validation.CheckedFile], *, by, at: datetime, seq: int) -> list[dict]:
    """Store checked files for the event about to be appended (seq); return their ledger description."""
    described = []
    for checked in files:
        attachment = Attachment(case=case, event_seq=seq, original_name=checked.name,
                                content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                uploaded_by=by, uploaded_at=at)
        attachment.file.save(checked.name, checked.content, save=False)
        attachment.save()
        described.append({"id": attachment.pk, "name": checked.name, "sha256": checked.sha256,
                          "type": checked.content_type, "size": checked.size})
    return described


def start(case: Case, verb: Verb, hint: str = "") -> None:
    """The verb may happen in the case's status (else InvalidTransition), and this transaction holds the
    case row (else StaleCase): called before a transition's first write."""
    ensure_allowed(case, verb, hint)
    ledger.hold(case)


def record_note(case: Case, verb: Verb, *, text: str, by, at: datetime | None, files) -> Case:
    """The body of the note-like verbs (progress note, comment): text and attachments on the timeline."""
    text = validation.required_text(text, "text")
    checked = validation.attachments(files)
    at = now_or(at)
    ledger.record(case, verb, by=by, at=at, payload={
        "text": text, "attachments": attach(case, checked, by=by, at=at, seq=case.version + 1)})
    return case
