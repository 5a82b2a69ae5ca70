"""`dajuan import_cases FILE --by USERNAME [--map FIELD=HEADER ...] [--commit]`."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dajuan.core.errors import NotPermitted
from dajuan.intake.importing import FIELDS, case_import_check, case_import_commit


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Import historical ledgers or 12345 work orders from an .xlsx or CSV file. Without --commit this "
                 "is a dry run listing every problem (row, column, value, fix). With --commit the same checks run "
                 "and, only if there is no problem, each new row goes through the loop at its original times; "
                 "rows already imported are recognised by their work-order number. Fields: %(fields)s.") % {
            "fields": ", ".join(f.name for f in FIELDS)}

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--by", required=True, metavar="USERNAME", help=_("the dispatcher doing the import"))
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER",
                            help=_("read FIELD from the column HEADER (default: guessed from the headers)"))
        parser.add_argument("--commit", action="store_true", help=_("write; without it, only check"))

    def handle(self, *args, file: str, by: str, map: list[str], commit: bool, **options) -> None:
        actor = get_user_model().objects.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError(_("There is no active user %(name)s; use --by with a dispatcher's username.")
                               % {"name": by})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s does not exist.") % {"file": file})
        mapping = None
        if map:
            known = {f.name for f in FIELDS}
            mapping = {}
            for item in map:
                field, sep, header = item.partition("=")
                if not sep or field not in known:
                    raise CommandError(_("--map %(item)s: write FIELD=HEADER with FIELD one of: %(fields)s.")
                                       % {"item": item, "fields": ", ".join(sorted(known))})
                mapping[field] = header
        run = case_import_commit if commit else case_import_check
        kwargs = {"progress": self._progress} if commit else {}
        try:
            report = run(path.name, path.read_bytes(), mapping, by=actor, **kwargs)
        except NotPermitted as error:
            raise CommandError(_("%(user)s may not import: %(reason)s") % {"user": by, "reason": error.message}) \
                from None
        for f in FIELDS:
            if f.name in report.mapping:
                self.stdout.write(f"  {f.name} ← {report.mapping[f.name]}")
        for p in report.problems:
            self.stdout.write(f"{_('row')} {p.row or '—'} · {p.column} · {p.value!r}: {p.message} {p.fix}")
        self.stdout.write(_("%(new)s new case(s), %(old)s row(s) already imported.")
                          % {"new": len(report.plans), "old": len(report.already_imported)})
        if report.problems:
            raise CommandError(_("%(n)s problem(s); nothing was written.") % {"n": len(report.problems)}
                               if not report.written else _("Stopped at a problem; run again to finish."))
        if commit:
            self.stdout.write(self.style.SUCCESS(_("Imported %(n)s case(s).") % {"n": report.written}))

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            width = 30
            filled = width * done // total
            self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            if done == total:
                self.stdout.write("")
            self.stdout.flush()
