"""The commit: the dry run again, and only if it finds nothing, every new row through the loop at its
original times (register → dispatch → claim and reply by the lead unit's handler → close, marked
未评价 so it never counts as satisfied). Rows already imported are recognised by their work-order
number and skipped, so a re-import never duplicates and an interrupted commit is finished by running it
again."""

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.cases import transitions
from dajuan.core.errors import DomainError
from dajuan.intake.importing.check import CaseImportReport, RowProblem, case_import_check
from dajuan.intake.models import ImportBatch
from dajuan.intake.services import case_register
from dajuan.notify.events import history_recorded

Progress = Callable[[int, int], None]


def case_import_commit(name: str, data: bytes, mapping: dict[str, str] | None = None, *, by,
                       progress: Progress | None = None) -> CaseImportReport:
    report = case_import_check(name, data, mapping, by=by)
    if not report.ok:
        return report
    total = len(report.plans)
    for done, plan in enumerate(report.plans, start=1):
        try:
            with history_recorded():
                _write_row(plan, by=by)
        except DomainError as error:
            report.problems.append(RowProblem(plan.row, error.field or "", "", error.message, _(
                "Rows before this one were imported; fix this row and import the file again (imported rows are "
                "recognised and skipped).")))
            return report
        report.written = done
        if progress:
            progress(done, total)
    if report.earlier_batch is None:
        ImportBatch.objects.create(sha256=report.sha256, file_name=name[:200], rows=report.rows, by=by,
                                   at=timezone.now())
    report.committed = True
    return report


def _write_row(plan, *, by) -> None:
    case = case_register(by=by, **plan.fields)
    if plan.lead_unit is None:
        return
    transitions.dispatch(case, lead_unit=plan.lead_unit, by=by, at=plan.dispatched_at)
    if not plan.reply:
        return
    transitions.claim(case.assignments.get(role="lead", status="pending"), by=plan.replier, at=plan.dispatched_at)
    case.refresh_from_db()
    transitions.reply(case, text=plan.reply, by=plan.replier, at=plan.replied_at)
    transitions.close(case, note=_("Imported from a ledger: closed without an evaluation."), by=by,
                      at=plan.replied_at)
