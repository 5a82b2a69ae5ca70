"""From uploaded bytes to tables of text cells: an .xlsx workbook (sheets units/单位 and people/人员)
or CSV files (UTF-8 with or without BOM, GB18030 as Excel in China saves it, or UTF-16). Everything
that makes a file unreadable becomes a Problem with a fix; nothing here raises on bad input."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from dajuan.org.importing.columns import (
    COLUMNS,
    FILE_NAME_HINTS,
    PEOPLE,
    SHEET_NAMES,
    UNITS,
    header_lookup,
    normalise_header,
)
from dajuan.org.importing.report import Problem, Source

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) format
INVISIBLE = "\u200b\ufeff"  # zero-width space and a stray BOM, common in pasted cells
HEADER_SEARCH_ROWS = 5


@dataclass(frozen=True)
class Column:
    name: str  # canonical
    header: str  # as written in the file
    index: int

    @property
    def label(self) -> str:
        return f"{get_column_letter(self.index + 1)} ({self.header})"


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it; the header is row 1
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class Table:
    kind: str  # UNITS or PEOPLE
    source: str  # shown to the user: "org.xlsx › units" or "people.csv"
    columns: dict[str, Column]
    rows: list[Row]

    def has(self, name: str) -> bool:
        return name in self.columns

    def label(self, name: str) -> str:
        column = self.columns.get(name)
        return column.label if column else name

    def problem(self, code: str, row: Row | int | None, column: str, message: str, fix: str) -> Problem:
        number = row.number if isinstance(row, Row) else row
        return Problem(code, self.source, number, self.label(column) if column else "", message, fix)


def read_sources(sources: list[Source], *, on_source: Callable[[int, int], None] | None = None,
                 ) -> tuple[dict[str, Table], list[Problem]]:
    """The units and people tables found in the files (at most one of each), and the problems met.
    `on_source(done, total)` is called before each file is read (progress for large files)."""
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    for index, source in enumerate(sources):
        if on_source:
            on_source(index, len(sources))
        for table in _read_one(source, problems):
            if table.kind in tables:
                problems.append(Problem(
                    "duplicate_table", table.source, None, "",
                    _("%(what)s are given twice: in %(first)s and in %(second)s.")
                    % {"what": _table_word(table.kind), "first": tables[table.kind].source,
                       "second": table.source},
                    _("Import one list of units and one of people at a time: merge the lists, or leave "
                      "one file out."),
                ))
                continue
            tables[table.kind] = table
    return tables, problems


def _table_word(kind: str) -> str:
    return _("Units") if kind == UNITS else _("People")


def _read_one(source: Source, problems: list[Problem]) -> list[Table]:
    name = source.name
    lower = name.lower()
    if not source.data.strip():
        problems.append(_empty_file(name))
        return []
    if source.data.startswith(ZIP_MAGIC):
        return _read_workbook(source, problems)
    if source.data.startswith(OLE2_MAGIC):
        problems.append(Problem("old_excel_format", name, None, "",
                                _("The file is in the old Excel 97–2003 format (.xls), which cannot be "
                                  "read."),
                                _("Open it in Excel or WPS and save it as “Excel Workbook (*.xlsx)”.")))
        return []
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        problems.append(Problem("not_a_workbook", name, None, "",
                                _("The file is named like an Excel workbook but is not one (perhaps a "
                                  "text or CSV file renamed)."),
                                _("Open the original in Excel or WPS and save it as “Excel Workbook "
                                  "(*.xlsx)”, or save it as CSV and name it .csv.")))
        return []
    return _read_csv(source, problems)


def _empty_file(name: str) -> Problem:
    return Problem("empty_file", name, None, "", _("The file is empty."),
                   _("Choose the file again; if it is the right one, open it in Excel, check that it has "
                     "the rows, and save it again."))


# --- xlsx ----------------------------------------------------------------------------------------


def _read_workbook(source: Source, problems: list[Problem]) -> list[Table]:
    try:
        workbook = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except Exception:  # any failure of the parser on a user's file means "unreadable"
        problems.append(Problem("not_a_workbook", source.name, None, "",
                                _("The file cannot be read as an Excel workbook (.xlsx); it may be damaged "
                                  "or in another format."),
                                _("Open it in Excel or WPS and save it again as “Excel Workbook (*.xlsx)”.")))
        return []
    try:
        return _workbook_tables(source.name, workbook, problems)
    finally:
        workbook.close()


def _workbook_tables(name: str, workbook, problems: list[Problem]) -> list[Table]:
    by_name = {normalise_header(sheet.title): sheet for sheet in workbook.worksheets}
    tables = []
    for kind, names in SHEET_NAMES.items():
        sheet = next((by_name[n] for n in names if n in by_name), None)
        if sheet is None:
            continue
        label = f"{name} › {sheet.title}"
        try:
            records = _sheet_records(sheet)
        except Exception:  # the sheet's XML is parsed only now: a damaged part fails here
            problems.append(Problem("not_a_workbook", label, None, "",
                                    _("Part of the workbook is damaged and cannot be read."),
                                    _("Open it in Excel or WPS and save it again as “Excel Workbook "
                                      "(*.xlsx)”.")))
            continue
        table = _table(kind, label, records, problems)
        if table:
            tables.append(table)
    if not tables and not any(p.source.startswith(f"{name} › ") for p in problems):
        found = ", ".join(f"“{sheet.title}”" for sheet in workbook.worksheets)
        problems.append(Problem("missing_sheets", name, None, "",
                                _("The workbook has no sheet named “units” (单位) or “people” (人员); "
                                  "its sheets are: %(found)s.") % {"found": found},
                                _("Rename the sheet of units to “units” or “单位” and the sheet of people to "
                                  "“people” or “人员”, or start from the template workbook.")))
    return tables


def _sheet_records(sheet) -> list[tuple[str, ...]]:
    sheet.reset_dimensions()  # some writers (WPS, scripts) store wrong dimensions; read every row
    return [tuple(_text(value) for value in values) for values in sheet.iter_rows(values_only=True)]


def _text(value) -> str:
    """A cell as text: 13800001234 stays 13800001234 (not 13800001234.0), dates become ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip().strip(INVISIBLE).strip()


# --- CSV -----------------------------------------------------------------------------------------


def _read_csv(source: Source, problems: list[Problem]) -> list[Table]:
    text = _decode(source.data)
    if text is not None and not text.strip():
        problems.append(_empty_file(source.name))
        return []
    records = _csv_records(text) if text is not None and "\x00" not in text else None
    if records is None:
        problems.append(Problem("not_text", source.name, None, "",
                                _("The file is neither an Excel workbook (.xlsx) nor a readable CSV "
                                  "text file."),
                                _("Save the list from Excel or WPS as “Excel Workbook (*.xlsx)” or as "
                                  "“CSV UTF-8 (comma delimited)”.")))
        return []
    kind = _csv_kind(source.name, records)
    if kind is None:
        problems.append(Problem("unknown_table", source.name, 1, "",
                                _("Cannot tell whether this file lists units or people: its first row "
                                  "does not hold the expected column headers."),
                                _("Make row 1 the headers: code, name, kind, parent_code for units; "
                                  "username, full_name, phone, email, unit_code, role, title for people.")))
        return []
    table = _table(kind, source.name, iter(records), problems)
    return [table] if table else []


def _csv_records(text: str) -> list[list[str]] | None:
    """Rows of text cells, split on the delimiter the first lines use most (",", ";" or tab)."""
    start = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = max(",;\t", key=start.count)
    try:
        return [[_text(cell) for cell in record] for record in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:  # e.g. a cell beyond the csv module's size limit: not a list of units or people
        return None


def _decode(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_kind(file_name: str, records: list[list[str]]) -> str | None:
    """Units or people, by which headers the header row holds; the file name decides a tie."""
    scores = {UNITS: 0, PEOPLE: 0}
    for record in records[:HEADER_SEARCH_ROWS]:
        found = {normalise_header(cell) for cell in record}
        row_scores = {kind: len(found & set(header_lookup(kind))) for kind in scores}
        if sum(row_scores.values()) > sum(scores.values()):
            scores = row_scores
    if scores[UNITS] != scores[PEOPLE]:
        return max(scores, key=scores.__getitem__)
    lower = file_name.lower()
    hinted = [kind for kind, hints in FILE_NAME_HINTS.items() if any(hint in lower for hint in hints)]
    return hinted[0] if len(hinted) == 1 and scores[hinted[0]] else None


# --- both ----------------------------------------------------------------------------------------


def _table(kind: str, label: str, records, problems: list[Problem]) -> Table | None:
    """Header row, then the non-empty rows below it; reports missing and repeated columns."""
    records = list(records)
    if not any(any(record) for record in records):
        problems.append(Problem("empty_sheet", label, None, "",
                                _("There is nothing here, not even a header row."),
                                _("Put the column headers in row 1 and the data below them, or start from "
                                  "the template workbook.")))
        return None
    lookup = header_lookup(kind)
    at = _header_index(records, lookup)
    header_row = at + 1
    columns: dict[str, Column] = {}
    for index, text in enumerate(records[at]):
        name = lookup.get(normalise_header(text))
        if name is None:
            continue  # other columns (remarks, numbering) are left alone
        if name in columns:
            problems.append(Problem("duplicate_column", label, header_row, Column(name, text, index).label,
                                    _("The column “%(name)s” appears twice (also %(other)s).")
                                    % {"name": name, "other": columns[name].label},
                                    _("Keep one of the two columns and delete the other.")))
            continue
        columns[name] = Column(name, text, index)
    for spec in COLUMNS[kind]:
        if spec.required and spec.name not in columns:
            aliases = "”, “".join(spec.aliases)
            problems.append(Problem("missing_column", label, header_row, spec.name,
                                    _("The required column “%(name)s” is missing.") % {"name": spec.name},
                                    _("Add a column headed “%(name)s” (or “%(aliases)s”) to the header row.")
                                    % {"name": spec.name, "aliases": aliases}))
    rows = []
    for number, record in enumerate(records[at + 1:], start=header_row + 1):
        if not any(record):
            continue
        values = {name: record[column.index] if column.index < len(record) else ""
                  for name, column in columns.items()}
        rows.append(Row(number, values))
    return Table(kind, label, columns, rows)


def _header_index(records: list, lookup: dict[str, str]) -> int:
    """Row 1 normally; a title row or two above the headers (common in 名单 files) is skipped, and
    row numbers stay those Excel shows."""
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        if len({lookup[key] for cell in record if (key := normalise_header(cell)) in lookup}) >= 2:
            return index
    return 0


__all__ = ["PEOPLE", "UNITS", "Column", "Row", "Table", "read_sources"]
