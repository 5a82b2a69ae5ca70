"""The dry run: every problem of every row, located as Excel shows it (row, column, value) with the fix.
Nothing here writes."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import validation
from dajuan.cases.choices import Priority, RequesterKind, Source
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Category
from dajuan.intake.importing.columns import BY_NAME, FIELDS, PRIORITY_WORDS, SOURCE_WORDS, auto_mapping
from dajuan.intake.importing.reading import Unreadable, read_table
from dajuan.intake.models import ImportBatch, Intake
from dajuan.intake.services import check_point_in_china
from dajuan.org.choices import Role
from dajuan.org.models import Membership, Unit

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d",
                "%Y/%m/%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # as Excel shows it: the header is row 1; None for the whole file
    column: str
    value: str
    message: str
    fix: str


@dataclass
class RowPlan:
    row: int
    fields: dict  # intake.services.case_register keyword arguments
    lead_unit: Unit | None = None
    dispatched_at: datetime | None = None
    reply: str = ""
    replied_at: datetime | None = None
    replier: object = None


@dataclass
class CaseImportReport:
    file_name: str
    sha256: str
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    plans: list[RowPlan] = field(default_factory=list)
    already_imported: list[int] = field(default_factory=list)  # rows whose work order is already a case
    earlier_batch: ImportBatch | None = None
    written: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return len(self.plans) + len(self.already_imported)


def _when(text: str) -> datetime | None:
    text = text.strip()
    value = parse_datetime(text.replace("/", "-"))
    if value is None:
        for fmt in DATE_FORMATS:
            try:
                value = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)  # the district's local time (Asia/Shanghai)
    return value


class _Row:
    def __init__(self, number: int, values: dict[str, str], mapping: dict[str, str], problems: list):
        self.number, self.values, self.mapping, self.problems = number, values, mapping, problems

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def problem(self, name: str, message: str, fix: str) -> None:
        self.problems.append(RowProblem(self.number, self.mapping.get(name, str(BY_NAME[name].label)),
                                        self.get(name)[:100], str(message), str(fix)))

    def when(self, name: str) -> datetime | None:
        if not self.get(name):
            return None
        value = _when(self.get(name))
        if value is None:
            self.problem(name, _("Not a date and time."), _("Write it as 2025-03-18 09:30."))
        elif value > timezone.now():
            self.problem(name, _("This time is in the future."), _("Correct the date; imports record the past."))
            return None
        return value


def _lookups():
    categories = {}
    for c in Category.objects.filter(is_active=True).order_by("code"):
        categories.setdefault(c.name.lower(), c)
    for c in Category.objects.filter(is_active=True):
        categories[c.code.lower()] = c
        if c.external_code:
            categories[c.external_code.lower()] = c
    units = {}
    for u in Unit.objects.filter(is_active=True).exclude(kind="district"):
        units[u.code.lower()] = u
        units.setdefault(u.name.lower(), u)
    repliers = {}
    for m in (Membership.objects.filter(role__in=[Role.UNIT_LEADER, Role.HANDLER], user__is_active=True)
              .select_related("user").order_by("role", "pk")):  # handler before unit_leader alphabetically
        repliers.setdefault(m.unit_id, m.user)
    return categories, units, repliers


def case_import_check(name: str, data: bytes, mapping: dict[str, str] | None = None, *, by) -> CaseImportReport:
    """Check the whole file; the report lists every problem and the plan of what a commit writes."""
    require(by, Action.IMPORT_CASES)
    report = CaseImportReport(file_name=name, sha256=hashlib.sha256(data).hexdigest())
    report.earlier_batch = ImportBatch.objects.filter(sha256=report.sha256).select_related("by").first()
    try:
        headers, records = read_table(name, data)
    except Unreadable as exc:
        report.problems.append(RowProblem(None, "", "", str(exc), _("Upload an .xlsx workbook or a CSV file.")))
        return report
    report.headers = headers
    report.mapping = mapping = {k: v for k, v in (mapping or auto_mapping(headers)).items() if v}
    for f in FIELDS:
        header = mapping.get(f.name)
        if header is not None and header not in headers:
            report.problems.append(RowProblem(1, header, header, _("There is no column %(h)s in the file.")
                                              % {"h": header}, _("Choose one of the file's columns.")))
        elif f.required and header is None:
            report.problems.append(RowProblem(1, str(f.label), "", _("No column is chosen for %(f)s.")
                                              % {"f": f.label}, _("Map a column of the file to it.")))
    if report.problems:
        return report
    index = {h: i for i, h in enumerate(headers)}
    categories, units, repliers = _lookups()
    rows = [_Row(n, {f: rec[index[h]] for f, h in mapping.items()}, mapping, report.problems)
            for n, rec in enumerate(records, start=2)]
    seen: dict[str, int] = {}
    keys = [(_source(r), r.get("external_id")) for r in rows]
    known = _known_pairs(keys)
    for row in rows:
        plan = _check_row(row, seen, categories, units, repliers)
        if plan is None:
            continue
        if (plan.fields["channel"], plan.fields["external_id"]) in known:
            report.already_imported.append(row.number)
        else:
            report.plans.append(plan)
    return report


def _known_pairs(keys, *, chunk: int = 500) -> set[tuple[str, str]]:
    """The (channel, external id) pairs already imported: one IN per channel and chunk, because SQLite
    refuses an expression of thousands of ORed pairs ("Expression tree is too large")."""
    by_channel: dict[str, set[str]] = {}
    for channel, external_id in keys:
        if external_id:
            by_channel.setdefault(channel, set()).add(external_id)
    known: set[tuple[str, str]] = set()
    for channel, ids in by_channel.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), chunk):
            known.update(Intake.objects.filter(channel=channel, external_id__in=ordered[start:start + chunk])
                         .values_list("channel", "external_id"))
    return known


def _source(row: _Row) -> str:
    text = row.get("source").strip()
    return SOURCE_WORDS.get(text, text) if text else Source.IMPORT


def _check_row(row: _Row, seen: dict, categories, units, repliers) -> RowPlan | None:
    before = len(row.problems)
    external_id = row.get("external_id")
    if not external_id:
        row.problem("external_id", _("The work-order number is empty."), _("Every row needs its own number."))
    elif len(external_id) > 100:
        row.problem("external_id", _("Longer than 100 characters."), _("Check the column mapping."))
    elif external_id in seen:
        row.problem("external_id", _("Row %(row)s has the same number.") % {"row": seen[external_id]},
                    _("Remove the duplicate row."))
    seen.setdefault(external_id, row.number)
    registered_at = row.when("registered_at")
    if not row.get("registered_at"):
        row.problem("registered_at", _("The registration time is empty."), _("Fill in when the case came in."))
    source = _source(row)
    if source not in Source.values:
        row.problem("source", _("Unknown source."), _("Use 12345, 网站, 来访, 信访, 网格 or one of: %(v)s.")
                    % {"v": ", ".join(Source.values)})
    category = None
    if text := row.get("category"):
        category = categories.get(text.lower())
        if category is None:
            row.problem("category", _("Unknown category."), _("Use a category code or name from the category list."))
    priority = PRIORITY_WORDS.get(row.get("priority"), row.get("priority")) or Priority.NORMAL
    if priority not in Priority.values:
        row.problem("priority", _("Unknown priority."), _("Use 普通, 紧急 or 特急."))
    content = row.get("content")
    fields = {"channel": source, "external_id": external_id, "title": row.get("title") or content[:40],
              "content": content, "category": category, "priority": priority,
              "requester_kind": RequesterKind.CITIZEN, "requester_name": row.get("requester_name") or _("Unknown"),
              "requester_phone": row.get("requester_phone"), "address": row.get("address"), "at": registered_at}
    try:
        clean = validation.case_fields({k: v for k, v in fields.items() if k not in ("channel", "external_id", "at")}
                                       | {"source": Source.IMPORT})
        check_point_in_china(clean["latitude"], clean["longitude"])
    except CaseInvalid as error:
        name = error.field if error.field in BY_NAME else "content"
        if name == "title" and not row.get("title"):
            name = "content"  # the title is derived from the content
        row.problem(name, error.message, _("Correct the cell."))
    plan = RowPlan(row=row.number, fields=fields)
    _check_handling(row, plan, registered_at, units, repliers)
    return plan if len(row.problems) == before else None


def _check_handling(row: _Row, plan: RowPlan, registered_at, units, repliers) -> None:
    if text := row.get("lead_unit"):
        plan.lead_unit = units.get(text.lower())
        if plan.lead_unit is None:
            row.problem("lead_unit", _("Unknown unit."), _("Use a unit code or name from the unit tree."))
        elif plan.fields["category"] is None:
            row.problem("category", _("A dispatched case needs a category (it decides the deadline)."),
                        _("Fill in the category."))
    plan.dispatched_at = row.when("dispatched_at") or registered_at
    if plan.dispatched_at and registered_at and plan.dispatched_at < registered_at:
        row.problem("dispatched_at", _("Dispatched before it was registered."), _("Correct one of the two times."))
    plan.reply, plan.replied_at = row.get("reply"), row.when("replied_at")
    if plan.reply or plan.replied_at:
        if not (plan.reply and plan.replied_at):
            row.problem("reply" if not plan.reply else "replied_at", _("A reply needs both its text and its time."),
                        _("Fill in both, or neither."))
        if row.get("lead_unit") == "":
            row.problem("lead_unit", _("A replied case needs the unit that replied."), _("Fill in the lead unit."))
        elif plan.lead_unit is not None:
            plan.replier = repliers.get(plan.lead_unit.pk)
            if plan.replier is None:
                row.problem("lead_unit", _("%(unit)s has no handler or leader to record the reply under.")
                            % {"unit": plan.lead_unit}, _("Add the unit's people first (organisation import)."))
        if plan.replied_at and plan.dispatched_at and plan.replied_at < plan.dispatched_at:
            row.problem("replied_at", _("Replied before it was dispatched."), _("Correct one of the two times."))
