"""dajuan import_holidays FILE --by USERNAME [--dry-run]: load a holiday schedule from CSV."""

import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dajuan.core.errors import DomainError
from dajuan.worktime import services
from dajuan.worktime.errors import ImportRejected


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property, not a lazy string: argparse needs a real str, translated at run time.
        return _(
            "Load holidays and make-up working days from a UTF-8 CSV file with the columns "
            "date,is_workday,name,note (an optional header line; is_workday 1 = working day, 0 = day off). "
            "All or nothing: one bad line and nothing is saved. Every changed day leaves an audit entry."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help=_("the CSV file"))
        parser.add_argument("--by", required=True, metavar="USERNAME",
                            help=_("the administrator the changes are recorded under"))
        parser.add_argument("--dry-run", action="store_true",
                            help=_("check the file and report what would change, save nothing"))

    def handle(self, *args, file: Path, by: str, dry_run: bool, **options) -> None:
        try:
            actor = get_user_model().objects.get(username=by)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user “%(username)s”; pass the username of an administrator to --by.")
                               % {"username": by}) from None
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s. Save it as UTF-8 CSV.")
                               % {"file": file, "error": error}) from None
        try:
            summary = services.holidays_import(rows, by=actor, dry_run=dry_run)
        except ImportRejected as error:
            raise CommandError("\n".join([str(error.message), *error.problems])) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            _("Created %(created)s, changed %(changed)s, unchanged %(unchanged)s.")
            % {"created": summary.created, "changed": summary.changed, "unchanged": summary.unchanged}
        )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Saved.")))
