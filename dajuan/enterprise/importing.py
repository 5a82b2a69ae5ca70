"""The enterprise registry from a spreadsheet (.xlsx or CSV): a dry run that lists every problem of
every row, located as Excel shows it, and a commit that writes all rows or none. Reads the file with
intake's reader; rows are keyed by credit code, so a re-import updates the profile of known objects.

Columns (by header, any order): 统一社会信用代码, 名称, 行业, 类型, 四上, 规模, 乡镇, 联系人, 联系电话, 地址.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.core.audit import audit_record
from dajuan.enterprise.choices import EnterpriseKind, EnterpriseSize
from dajuan.enterprise.models import Enterprise, Industry
from dajuan.enterprise.services import enterprise_add
from dajuan.enterprise.validation import clean_credit_code
from dajuan.intake.importing.reading import Unreadable, read_table
from dajuan.org.choices import UnitKind
from dajuan.org.models import Unit

COLUMNS = {  # header → field
    "统一社会信用代码": "credit_code", "名称": "name", "企业名称": "name", "行业": "industry", "类型": "kind",
    "四上": "is_four_above", "规模": "size", "乡镇": "town", "乡镇/街道": "town", "联系人": "contact_name",
    "联系电话": "contact_phone", "地址": "address",
}
REQUIRED = ("credit_code", "name")
KIND_WORDS = {"规上": EnterpriseKind.ABOVE_SCALE, "重点规下": EnterpriseKind.KEY_BELOW_SCALE,
              "在建项目": EnterpriseKind.PROJECT_BUILDING, "拟落地项目": EnterpriseKind.PROJECT_PLANNED,
              "样本村": EnterpriseKind.SAMPLE_VILLAGE, "其他": EnterpriseKind.OTHER, "": EnterpriseKind.OTHER}
SIZE_WORDS = {"大型": EnterpriseSize.LARGE, "中型": EnterpriseSize.MEDIUM, "小型": EnterpriseSize.SMALL,
              "微型": EnterpriseSize.MICRO, "": ""}
YES_WORDS = {"是": True, "否": False, "y": True, "n": False, "1": True, "0": False, "": False}


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # as Excel shows it: the header is row 1; None for the whole file
    column: str
    value: str
    message: str


@dataclass
class RegistryImportReport:
    file_name: str
    problems: list[RowProblem] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # enterprise_add keyword arguments, checked
    created: int = 0
    updated: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _lookup(value: str, words: dict, row: int, column: str, report, message: str):
    if value in words:
        return words[value]
    report.problems.append(RowProblem(row, column, value, message))
    return None


def registry_import_check(file_name: str, data: bytes, *, by) -> RegistryImportReport:
    """The dry run: reads and checks every row, writes nothing. Raises NotPermitted."""
    require(by, Action.MANAGE_CARE)
    report = RegistryImportReport(file_name=file_name)
    try:
        headers, rows = read_table(file_name, data)
    except Unreadable as error:
        report.problems.append(RowProblem(None, "", "", str(error)))
        return report
    index = {COLUMNS[h.strip()]: i for i, h in enumerate(headers) if h.strip() in COLUMNS}
    for name in REQUIRED:
        if name not in index:
            report.problems.append(RowProblem(None, name, "", _("The column %(name)s is missing; add it to the header "
                                                                 "row.") % {"name": name}))
    if report.problems:
        return report
    industries = {i.name: i for i in Industry.objects.filter(is_active=True)}
    towns = {u.name: u for u in Unit.objects.filter(kind=UnitKind.TOWN, is_active=True)}
    seen: dict[str, int] = {}
    kinds, sizes = "、".join(k for k in KIND_WORDS if k), "、".join(s for s in SIZE_WORDS if s)
    for n, values in enumerate(rows, start=2):
        def cell(name: str, values=values) -> str:
            return values[index[name]].strip() if name in index else ""

        before = len(report.problems)
        try:
            code = clean_credit_code(cell("credit_code"))
        except ValidationError as error:
            code = ""
            report.problems.append(RowProblem(n, "统一社会信用代码", cell("credit_code"), error.messages[0]))
        if code and code in seen:
            report.problems.append(RowProblem(n, "统一社会信用代码", code, _("The same code is on row %(row)s; "
                                                                           "keep one row per enterprise.")
                                              % {"row": seen[code]}))
        seen.setdefault(code, n)
        if not cell("name"):
            report.problems.append(RowProblem(n, "名称", "", _("The name is empty; fill it in.")))
        industry = None
        if cell("industry"):
            industry = industries.get(cell("industry"))
            if industry is None:
                report.problems.append(RowProblem(n, "行业", cell("industry"), _(
                    "Unknown industry; use one of: %(names)s (or ask an administrator to add it).")
                    % {"names": "、".join(industries) or "-"}))
        town = None
        if cell("town"):
            town = towns.get(cell("town"))
            if town is None:
                report.problems.append(RowProblem(n, "乡镇", cell("town"), _("No town or street of that name; use the "
                                                                            "name as in the unit tree.")))
        kind = _lookup(cell("kind"), KIND_WORDS, n, "类型", report, _("Use one of: %(k)s.") % {"k": kinds})
        size = _lookup(cell("size"), SIZE_WORDS, n, "规模", report, _("Use one of: %(k)s.") % {"k": sizes})
        four = _lookup(cell("is_four_above").lower(), YES_WORDS, n, "四上", report, _("Write 是 or 否."))
        if len(report.problems) == before:
            report.rows.append({"credit_code": code, "name": cell("name"), "industry": industry, "kind": kind,
                                "is_four_above": four, "size": size, "town": town,
                                "contact_name": cell("contact_name"), "contact_phone": cell("contact_phone"),
                                "address": cell("address")})
    known = set(Enterprise.objects.filter(credit_code__in=[r["credit_code"] for r in report.rows])
                .values_list("credit_code", flat=True))
    report.updated = sum(1 for r in report.rows if r["credit_code"] in known)
    report.created = len(report.rows) - report.updated
    return report


def registry_import_commit(file_name: str, data: bytes, *, by) -> RegistryImportReport:
    """The same checks, then every row written in one transaction — or none when any row has a problem."""
    report = registry_import_check(file_name, data, by=by)
    if not report.ok:
        return report
    with transaction.atomic():
        for row in report.rows:
            existing = Enterprise.objects.filter(credit_code=row["credit_code"]).first()
            if existing is None:
                enterprise_add(**row)
            else:
                profile = {k: v for k, v in row.items() if k != "credit_code"}
                profile["contact_phone"] = profile["contact_phone"][:20]
                Enterprise.objects.filter(pk=existing.pk).update(**profile)
        audit_record(by, "enterprise_registry_imported", by=by,
                     after={"file": file_name, "created": report.created, "updated": report.updated})
    report.committed = True
    return report
