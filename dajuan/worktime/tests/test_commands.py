import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.utils import translation

from dajuan.core.models import AuditEntry
from dajuan.testing import DistrictTestCase
from dajuan.worktime.management.commands.import_holidays import Command
from dajuan.worktime.models import Holiday

GOOD_CSV = "\ufeffdate,is_workday,name,note\n2027-02-06,1,春节,调休上班\n2027-02-08,0,春节,\n2027-02-09,休,春节\n"


class ImportHolidaysCommandTests(DistrictTestCase):
    def run_command(self, text: str, *args: str) -> str:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "holidays.csv"
            path.write_text(text, encoding="utf-8")
            out = StringIO()
            with translation.override("en"):
                call_command("import_holidays", str(path), *args, stdout=out)
            return out.getvalue()

    def test_imports_a_file_with_a_byte_order_mark(self):
        output = self.run_command(GOOD_CSV, "--by", "admin")
        self.assertIn("Created 3, changed 0, unchanged 0.", output)
        self.assertEqual(Holiday.objects.count(), 3)
        self.assertEqual(Holiday.objects.get(is_workday=True).note, "调休上班")
        self.assertEqual(AuditEntry.objects.filter(action="holiday_created").count(), 3)

    def test_dry_run_saves_nothing(self):
        output = self.run_command(GOOD_CSV, "--by", "admin", "--dry-run")
        self.assertIn("Created 3", output)
        self.assertIn("Dry run: nothing was saved.", output)
        self.assertFalse(Holiday.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_a_bad_line_names_the_line_and_saves_nothing(self):
        with self.assertRaisesMessage(CommandError, "line 3"):
            self.run_command(GOOD_CSV.replace("2027-02-08,0", "2027-02-08,perhaps"), "--by", "admin")
        self.assertFalse(Holiday.objects.exists())

    def test_a_non_admin_is_refused(self):
        with self.assertRaises(CommandError):
            self.run_command(GOOD_CSV, "--by", self.handler.username)
        self.assertFalse(Holiday.objects.exists())

    def test_unknown_user_and_missing_file(self):
        with self.assertRaisesMessage(CommandError, "--by"):
            self.run_command(GOOD_CSV, "--by", "nosuchuser")
        with translation.override("en"), self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("import_holidays", "/nonexistent/holidays.csv", "--by", "admin")

    def test_help_describes_the_file_and_the_options(self):
        with translation.override("en"):
            text = Command().create_parser("dajuan", "import_holidays").format_help()
        self.assertIn("date,is_workday,name,note", text)
        self.assertIn("--dry-run", text)
