"""`dajuan import_org FILE [FILE2] --by USERNAME [--commit]`: the org import from the console.

A dry run unless --commit is given. Prints every problem (file or sheet, row, column, what is
wrong, how to fix it) and the counts; exits non-zero when there is any problem."""

import unicodedata
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dajuan.core.errors import NotPermitted
from dajuan.org.importing import ImportReport, Problem, Source, org_import_check, org_import_commit

PROGRESS_FROM = 200  # rows written; smaller imports finish before progress would help


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Import a unit tree and its people from an .xlsx workbook (sheets “units”/“单位” and "
            "“people”/“人员”) or from CSV files (a units CSV and/or a people CSV). Without --commit "
            "this is a dry run: every problem is listed with its row and column, and nothing is "
            "written. With --commit the same checks run and, only if there is no problem, everything "
            "is written in one transaction."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE",
            help=_("an .xlsx workbook, or a units CSV and/or a people CSV (at most two files)"))
        parser.add_argument("--by", required=True, metavar="USERNAME",
                            help=_("the system administrator doing the import (recorded in the audit log)"))
        parser.add_argument("--commit", action="store_true",
                            help=_("write the units and people; without it, only check"))

    def handle(self, *args, files: list[str], by: str, commit: bool, **options) -> None:
        if len(files) > 2:
            raise CommandError(_("Give at most two files: a workbook, or a units CSV and a people CSV."))
        actor = self._actor(by)
        sources = [self._source(path) for path in files]
        run = org_import_commit if commit else org_import_check
        try:
            report = run(sources, by=actor, progress=self._progress)
        except NotPermitted as error:
            raise CommandError(
                _("%(user)s may not import: %(reason)s Use --by with a system administrator's username.")
                % {"user": by, "reason": error.message}
            ) from None
        self._print_report(report, commit=commit)
        if report.problems:
            raise CommandError(
                _("%(count)s problem(s) found; nothing was written. Fix them in the file and run the "
                  "command again.") % {"count": len(report.problems)}
            )
        if commit:
            self.stdout.write(self.style.SUCCESS(_("Imported; one audit entry records it.")))
        else:
            self.stdout.write(self.style.SUCCESS(
                _("No problems. This was a dry run and nothing was written; run again with --commit "
                  "to import.")))

    def _actor(self, username: str):
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(
                _("There is no active user “%(username)s”. Give --by the username of a system "
                  "administrator.") % {"username": username}
            ) from None

    def _source(self, path: str) -> Source:
        file = Path(path)
        try:
            return Source(name=file.name, data=file.read_bytes())
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s. Check the path and the file's permissions.")
                % {"path": path, "error": error.strerror or error}
            ) from None

    def _progress(self, stage: str, done: int, total: int) -> None:
        if stage == "reading":
            self.stderr.write(
                _("Reading file %(number)s of %(total)s…") % {"number": done + 1, "total": total})
        elif total >= PROGRESS_FROM and (done == total or done % max(1, total // 10) == 0):
            self.stderr.write(_("Written %(done)s of %(total)s…") % {"done": done, "total": total})

    def _print_report(self, report: ImportReport, *, commit: bool) -> None:
        for title, items, style in ((_("Problems"), report.sorted_problems(), self.style.ERROR),
                                    (_("Notices"), report.sorted_notices(), self.style.WARNING)):
            if items:
                self.stdout.write(style(f"{title} ({len(items)}):"))
                self.stdout.write(problem_table(items))
        c = report.counts
        done = commit and report.committed
        lines = [
            (_("Units"), c.units_created, c.units_renamed, c.units_unchanged),
            (_("People"), c.users_created, None, c.users_existing),
            (_("Roles"), c.memberships_created, None, c.memberships_existing),
        ]
        self.stdout.write(_("Written:") if done else _("Would write:"))
        for label, created, renamed, kept in lines:
            parts = [_("%(n)s new") % {"n": created}]
            if renamed is not None:
                parts.append(_("%(n)s renamed") % {"n": renamed})
            parts.append(_("%(n)s already there") % {"n": kept})
            self.stdout.write(f"  {label}: {', '.join(parts)}")


def problem_table(problems: list[Problem]) -> str:
    """Where, row and column aligned (CJK characters count double), then what and the fix."""
    header = (_("File / sheet"), _("Row"), _("Column"), _("Problem"))
    rows = [(p.source, str(p.row or ""), p.column, p.message) for p in problems]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = [_line(header, widths)]
    for problem, row in zip(problems, rows, strict=True):
        lines.append(_line(row, widths))
        lines.append(" " * (sum(widths) + 6) + "→ " + problem.fix)
    return "\n".join(lines)


def _line(cells: tuple, widths: list[int]) -> str:
    padded = [cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths, strict=False)]
    return "  ".join([*padded, cells[3]])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
