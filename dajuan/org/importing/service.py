"""The org import (组织机构导入): a unit tree and its people from an .xlsx workbook or CSV files.

`org_import_check` is the dry run. `org_import_commit` runs the very same checks inside its
transaction and, only when there is no problem at all, writes everything in that one transaction
(all or nothing) through the org.services building blocks, parents before children, then one
AuditEntry for the whole import. New accounts get an unusable password: an administrator sets one
later. Both require Action.IMPORT_ORG and raise NotPermitted otherwise; every problem with the files
is reported, never raised.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.core.audit import audit_record
from dajuan.core.errors import DomainError
from dajuan.org.importing.check_people import PeoplePlan, check_people, chunks
from dajuan.org.importing.check_units import UnitPlan, check_units, stored_units
from dajuan.org.importing.columns import PEOPLE, UNITS, Vocabulary
from dajuan.org.importing.reading import read_sources
from dajuan.org.importing.report import Counts, ImportReport, Problem, Source
from dajuan.org.models import Unit
from dajuan.org.services import membership_add, person_add, unit_add, unit_update_name

# progress(stage, done, total): stage is "reading" (per file) or "writing" (per row written).
Progress = Callable[[str, int, int], None]


@dataclass
class _Plan:
    units: UnitPlan
    people: PeoplePlan


def org_import_check(sources: list[Source], *, by, progress: Progress | None = None) -> ImportReport:
    """The dry run: every problem in the files, and the counts of what a commit would write."""
    require(by, Action.IMPORT_ORG)
    report, _plan = _check(sources, progress)
    return report


def org_import_commit(sources: list[Source], *, by, progress: Progress | None = None) -> ImportReport:
    """Check again and, if there is no problem, write it all in one transaction; `report.committed`
    tells whether anything was written. A change by someone else between the check and a write
    (e.g. the same code created meanwhile) rolls everything back and comes back as a problem."""
    require(by, Action.IMPORT_ORG)
    report = ImportReport(files=[source.name for source in sources])
    try:
        with transaction.atomic():
            report, plan = _check(sources, progress)
            if not report.ok:
                return report
            _write(plan, sources, report.counts, by=by, progress=progress)
    except (DomainError, IntegrityError) as error:
        report.problems.append(Problem(
            "write_failed", ", ".join(report.files), None, "",
            _("The import stopped while writing, and nothing was written: %(error)s") % {"error": error},
            _("Units or people may have been changed at the same time. Check the file again and repeat "
              "the import.")))
        return report
    report.committed = True
    return report


def _check(sources: list[Source], progress: Progress | None) -> tuple[ImportReport, _Plan]:
    report = ImportReport(files=[source.name for source in sources])
    if not sources:
        report.problems.append(Problem("no_files", "", None, "", _("No file was given."),
                                       _("Choose a workbook (.xlsx), or a units CSV and/or a people CSV.")))
    on_source = (lambda done, total: progress("reading", done, total)) if progress else None
    tables, problems = read_sources(sources, on_source=on_source)
    report.problems.extend(problems)
    vocabulary = Vocabulary()
    stored = stored_units()
    units = check_units(tables.get(UNITS), stored, vocabulary, report.problems)
    people = check_people(tables.get(PEOPLE), units, stored, vocabulary, report.problems, report.notices)
    if tables and not any(table.rows for table in tables.values()):
        first = next(iter(tables.values()))
        report.problems.append(Problem("no_rows", first.source, None, "",
                                       _("There are only headers, no rows to import."),
                                       _("Enter the units and people below the header row.")))
    report.counts = Counts(
        units_created=len(units.create),
        units_renamed=len(units.rename),
        units_unchanged=units.unchanged,
        users_created=len(people.new_users),
        users_existing=people.existing_users,
        memberships_created=len(people.memberships),
        memberships_existing=people.existing_memberships,
    )
    return report, _Plan(units, people)


def _write(plan: _Plan, sources: list[Source], counts: Counts, *, by, progress: Progress | None) -> None:
    total, done = counts.changes, 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress("writing", done, total)

    creating = {line.code for line in plan.units.create}
    needed = (
        {line.parent_code for line in plan.units.create if line.parent_code}
        | {line.code for line in plan.units.rename}
        | {line.unit_code for line in plan.people.memberships}
    ) - creating
    units = _units_by_code(sorted(needed))
    for line in plan.units.create:  # sorted parents first
        parent = units[line.parent_code] if line.parent_code else None
        units[line.code] = unit_add(code=line.code, name=line.name, kind=line.kind, parent=parent)
        step()
    for line in plan.units.rename:
        unit_update_name(units[line.code], name=line.name)
        step()
    users = {}
    for line in plan.people.new_users:
        users[line.username] = person_add(username=line.username, full_name=line.full_name, phone=line.phone,
                                          email=line.email)
        step()
    users.update(_users_by_username(sorted({line.username for line in plan.people.memberships} - set(users))))
    for line in plan.people.memberships:
        membership_add(user=users[line.username], unit=units[line.unit_code], role=line.role,
                       title=line.title)
        step()
    anchor = Unit.objects.get_first_root_node() or by  # the tree as a whole
    audit_record(anchor, "org_imported", by=by, after={
        "files": [{"name": source.name, "sha256": hashlib.sha256(source.data).hexdigest(),
                   "bytes": len(source.data)} for source in sources],
        **counts.as_dict(),
    })


def _units_by_code(codes: list[str]) -> dict[str, Unit]:
    units = {}
    for chunk in chunks(codes):
        units.update({unit.code: unit for unit in Unit.objects.filter(code__in=chunk)})
    return units


def _users_by_username(usernames: list[str]) -> dict:
    User = get_user_model()
    users = {}
    for chunk in chunks(usernames):
        users.update({user.username: user for user in User.objects.filter(username__in=chunk)})
    return users
