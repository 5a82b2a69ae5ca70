"""台账 export: the current case list as an xlsx workbook with the columns a district office keeps.
Rows come from cases.selectors (scoped and masked exactly like the page); a list longer than
DAJUAN_EXPORT_MAX_ROWS is refused before any row is read, so an export never times out."""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dajuan.cases.errors import CaseInvalid
from dajuan.cases.selectors import rows_for

DEFAULT_MAX_ROWS = 10_000
CHUNK = 1000


def max_rows() -> int:
    return int(getattr(settings, "DAJUAN_EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def columns() -> list[tuple[str, object]]:
    local = timezone.localtime

    def when(value):
        return local(value).strftime("%Y-%m-%d %H:%M") if value else ""

    return [
        (_("Number"), lambda r: r.case.number),
        (_("Registered at"), lambda r: when(r.case.registered_at)),
        (_("Channel"), lambda r: r.case.get_source_display()),
        (_("Title"), lambda r: r.case.title),
        (_("Content"), lambda r: r.case.content),
        (_("Category"), lambda r: r.case.category.name if r.case.category else ""),
        (_("Requester"), lambda r: r.case.requester_name),
        (_("Phone"), lambda r: r.requester_phone),
        (_("Address"), lambda r: r.case.address),
        (_("Priority"), lambda r: r.case.get_priority_display()),
        (_("Lead unit"), lambda r: r.case.lead_unit.name if r.case.lead_unit else ""),
        (_("Status"), lambda r: r.case.get_status_display()),
        (_("Claim due"), lambda r: when(r.case.claim_due)),
        (_("Reply due"), lambda r: when(r.case.reply_due)),
        (_("Replied at"), lambda r: when(r.case.replied_at)),
        (_("Supervision"), lambda r: r.case.get_supervision_level_display() if r.case.supervision_level else ""),
        (_("Satisfaction"), lambda r: r.case.get_satisfaction_display()),
        (_("Reopened"), lambda r: r.case.reopen_count),
        (_("Closed at"), lambda r: when(r.case.closed_at)),
    ]


def export_cases(user, cases) -> bytes:
    """The workbook for the queryset `cases` (already scoped by case_list). Raises CaseInvalid
    (field "export") when it holds more than max_rows() cases."""
    total = cases.count()
    limit = max_rows()
    if total > limit:
        raise CaseInvalid(_("The list holds %(total)s cases; an export may hold at most %(limit)s. Narrow the "
                            "filters (for example a shorter date range) and export again.")
                          % {"total": total, "limit": limit}, field="export")
    cols = columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Case ledger"))
    sheet.freeze_panes = "A2"
    header = []
    for title, _get in cols:
        cell = _cell(sheet, title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    chunk = []
    for case in cases.iterator(chunk_size=CHUNK):
        chunk.append(case)
        if len(chunk) == CHUNK:
            _write(sheet, user, chunk, cols)
            chunk = []
    _write(sheet, user, chunk, cols)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(sheet, value):
    return WriteOnlyCell(sheet, value=value)


def _write(sheet, user, cases, cols) -> None:
    for row in rows_for(user, cases):
        sheet.append([get(row) for _title, get in cols])
