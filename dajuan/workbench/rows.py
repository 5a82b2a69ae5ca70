"""List rows prepared for the templates: labels looked up once per list rather than through
get_FOO_display per cell (which rebuilds the choices map on every call and dominated list rendering)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from dajuan.cases.choices import OPEN_STATUSES, CaseStatus, Priority, Source, SupervisionLevel
from dajuan.cases.selectors import CaseRow


@dataclass(frozen=True)
class ListRow:
    number: str
    title: str
    category: str
    source: str
    priority: str
    urgent: bool
    lead_unit: str
    status: str
    reply_due: str
    overdue: bool
    supervision: str
    requester: str
    phone: str
    registered_at: str


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def list_rows(rows: list[CaseRow], *, now: datetime) -> list[ListRow]:
    status, source = dict(CaseStatus.choices), dict(Source.choices)
    priority, level = dict(Priority.choices), dict(SupervisionLevel.choices)
    prepared = []
    for row in rows:
        c = row.case
        prepared.append(ListRow(
            number=c.number, title=c.title if len(c.title) <= 40 else c.title[:39] + "…",
            category=c.category.name if c.category else "", source=str(source.get(c.source, c.source)),
            priority=str(priority.get(c.priority, c.priority)), urgent=c.priority != Priority.NORMAL,
            lead_unit=c.lead_unit.name if c.lead_unit else "", status=str(status.get(c.status, c.status)),
            reply_due=_when(c.reply_due),
            overdue=c.status in OPEN_STATUSES and c.suspended_at is None and c.reply_due is not None
            and c.reply_due < now,
            supervision=str(level[c.supervision_level]) if c.supervision_level else "",
            requester=c.requester_name, phone=row.requester_phone, registered_at=_when(c.registered_at)))
    return prepared
