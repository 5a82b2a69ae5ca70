"""Import the enterprise registry from a spreadsheet: a dry run by default, --commit to write."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dajuan.enterprise.importing import registry_import_check, registry_import_commit


class Command(BaseCommand):
    help = ("Import enterprises and projects (统一社会信用代码, 名称, 行业, 类型, 四上, 规模, 乡镇, 联系人, "
            "联系电话, 地址) from an .xlsx or CSV file. Without --commit only checks and reports.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx or .csv file")
        parser.add_argument("--by", required=True, help="user name of the dispatcher or administrator importing")
        parser.add_argument("--commit", action="store_true", help="write the rows (all or nothing)")

    def handle(self, *args, path, by, commit, **options):
        user = get_user_model().objects.filter(username=by).first()
        if user is None:
            raise CommandError(f"No user named {by}; pass --by with an existing dispatcher's user name.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path} is not a file.")
        run = registry_import_commit if commit else registry_import_check
        report = run(file.name, file.read_bytes(), by=user)
        for p in report.problems:
            self.stderr.write(f"row {p.row or '-'} {p.column} {p.value!r}: {p.message}")
        if report.problems:
            raise CommandError(f"{len(report.problems)} problems; nothing was written.")
        verb = "written" if report.committed else "would be written (dry run; add --commit)"
        self.stdout.write(f"{report.created} new, {report.updated} updated: {verb}")
