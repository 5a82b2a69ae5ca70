"""The org import: units and people from an .xlsx workbook or CSV files (see service.py).

Public API::

    from dajuan.org.importing import Source, org_import_check, org_import_commit

    report = org_import_check([Source("org.xlsx", data)], by=admin)   # dry run, writes nothing
    report.problems        # every Problem(code, source, row, column, message, fix)
    report.counts          # Counts(units_created=…, users_created=…, memberships_created=…, …)
    report = org_import_commit([Source("org.xlsx", data)], by=admin)  # same checks, then all or nothing
    report.committed       # True when written
    template_workbook()    # bytes of an empty workbook with both sheets, headers and help
"""

from dajuan.org.importing.report import Counts, ImportReport, Problem, Source
from dajuan.org.importing.service import org_import_check, org_import_commit
from dajuan.org.importing.template import template_workbook

__all__ = [
    "Counts",
    "ImportReport",
    "Problem",
    "Source",
    "org_import_check",
    "org_import_commit",
    "template_workbook",
]
