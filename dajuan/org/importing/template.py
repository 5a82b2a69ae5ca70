"""The template workbook offered for download: both sheets with their headers (Chinese headers when
the page is in Chinese, English otherwise; both are accepted), code and phone columns formatted as
text so Excel keeps leading zeros and long numbers, and a help sheet with the accepted values."""

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dajuan.org import rules
from dajuan.org.choices import Role, UnitKind
from dajuan.org.importing.columns import COLUMNS, PEOPLE, SHEET_NAMES, UNITS, accepted_kinds, accepted_roles

TEXT_COLUMNS = {"code", "parent_code", "phone", "unit_code", "username"}
BOLD = Font(bold=True)


def template_workbook() -> bytes:
    chinese = (get_language() or "").startswith("zh")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind in (UNITS, PEOPLE):
        sheet = workbook.create_sheet(SHEET_NAMES[kind][1 if chinese else 0])
        for index, spec in enumerate(COLUMNS[kind], start=1):
            cell = sheet.cell(row=1, column=index, value=spec.aliases[0] if chinese else spec.name)
            cell.font = BOLD
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = 18
            if spec.name in TEXT_COLUMNS:
                # Applies to new cells typed below the header: Excel keeps 001 and 13800001234 as text.
                sheet.column_dimensions[letter].number_format = "@"
        sheet.freeze_panes = "A2"
    _help_sheet(workbook.create_sheet(_("Help")), chinese)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _help_sheet(sheet, chinese: bool) -> None:
    rows: list[tuple] = [(_("Sheet"), _("Column"), _("Required"), _("What to enter"))]
    for kind in (UNITS, PEOPLE):
        for spec in COLUMNS[kind]:
            header = spec.aliases[0] if chinese else spec.name
            required = _("yes") if spec.cell_required else (_("column only") if spec.required else _("no"))
            rows.append((SHEET_NAMES[kind][1 if chinese else 0], header, required, str(spec.help)))
    rows += [
        (),
        (_("Kinds"), accepted_kinds()),
        (_("Roles"), accepted_roles()),
    ]
    rows += [(), (_("Kind of unit"), _("May sit under"), _("Roles there"))]
    bold_rows = {1, len(rows)}
    for kind in UnitKind:
        parents = sorted(str(UnitKind(k).label) if k else _("(none: the root)")
                         for k in rules.ALLOWED_PARENT_KINDS[kind])
        roles = sorted(str(Role(r).label) for r in rules.ROLES_BY_UNIT_KIND[kind])
        rows.append((f"{kind.value} ({kind.label})", ", ".join(parents), ", ".join(roles)))
    rows += [
        (),
        (_("Notes"), _("Row 1 holds the headers. Parents may come after their children. Units already in "
                       "the system keep their kind and place; only their name is updated. Existing "
                       "accounts are matched by username and left unchanged; new accounts get a password "
                       "from an administrator later.")),
    ]
    for row in rows:
        sheet.append(row)
    for number in bold_rows:
        for cell in sheet[number]:
            cell.font = BOLD
    for letter, width in zip("ABCD", (22, 22, 40, 80), strict=True):
        sheet.column_dimensions[letter].width = width
