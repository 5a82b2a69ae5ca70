"""Bytes → (headers, rows of text): an .xlsx workbook's first sheet, or CSV (UTF-8 with or without BOM,
or GB18030 as Excel in China saves it). Unreadable input becomes a message, never an exception."""

import csv
import io
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from openpyxl import load_workbook

ZIP_MAGIC = b"PK\x03\x04"
MAX_ROWS = 50000


class Unreadable(ValueError):
    """The file cannot be read as a table; the message says what to do."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value).replace("\x00", "").strip().strip("\u200b\ufeff").strip()


def read_table(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Headers (the first non-empty row) and the rows under them. Raises Unreadable."""
    if not data:
        raise Unreadable(_("%(name)s is empty.") % {"name": name})
    if data.startswith(ZIP_MAGIC):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            records = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            workbook.close()
        except Exception:  # openpyxl raises many kinds for a damaged zip or a non-workbook zip
            raise Unreadable(_("%(name)s is not a readable .xlsx workbook; open it in Excel or WPS and save it "
                               "again as .xlsx.") % {"name": name}) from None
    elif name.lower().endswith((".xls", ".et")):
        raise Unreadable(_("%(name)s is an old .xls file; save it as .xlsx or CSV.") % {"name": name})
    else:
        text = None
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None or "\x00" in text:
            raise Unreadable(_("%(name)s is neither an .xlsx workbook nor a CSV text file.") % {"name": name})
        try:
            records = [[_text(v) for v in row] for row in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise Unreadable(_("%(name)s is not valid CSV: %(error)s") % {"name": name, "error": exc}) from None
    records = [r for r in records if any(r)]
    if not records:
        raise Unreadable(_("%(name)s has no rows.") % {"name": name})
    if len(records) - 1 > MAX_ROWS:
        raise Unreadable(_("%(name)s has more than %(max)s rows; split it.") % {"name": name, "max": MAX_ROWS})
    headers = records[0]
    width = len(headers)
    return headers, [(r + [""] * width)[:width] for r in records[1:]]
