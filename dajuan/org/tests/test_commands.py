import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command

from dajuan.org.management.commands.import_org import Command
from dajuan.org.models import Unit
from dajuan.org.tests.workbooks import (
    GOOD_PEOPLE,
    GOOD_UNITS,
    PEOPLE_HEADER,
    UNIT_HEADER,
    ImportTestCase,
    csv_bytes,
    good_workbook,
    people_only,
)


class ImportOrgCommandTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def file(self, name: str, data: bytes) -> str:
        path = self.folder / name
        path.write_bytes(data)
        return str(path)

    def run_command(self, *args) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command("import_org", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_a_dry_run_prints_the_counts_and_writes_nothing(self):
        path = self.file("org.xlsx", good_workbook().data)
        before = self.stored()
        out, _err = self.run_command(path, "--by", "admin")
        self.assertIn("Would write:", out)
        self.assertIn("Units: 5 new, 0 renamed, 1 already there", out)
        self.assertIn("People: 2 new, 2 already there", out)
        self.assertIn("Roles: 4 new, 1 already there", out)
        self.assertIn("dry run", out)
        self.assertEqual(self.stored(), before)

    def test_commit_writes_units_and_people_from_two_csv_files(self):
        units = self.file("units.csv", csv_bytes([UNIT_HEADER, *GOOD_UNITS], encoding="gb18030"))
        people = self.file("people.csv", csv_bytes([PEOPLE_HEADER, *GOOD_PEOPLE], encoding="utf-8-sig"))
        out, _err = self.run_command(units, people, "--by", "admin", "--commit")
        self.assertIn("Written:", out)
        self.assertIn("Imported", out)
        self.assertTrue(Unit.objects.filter(code="QC-TL-HS-01").exists())

    def test_problems_are_printed_with_row_and_column_and_the_command_fails(self):
        rows = [["chen", "陈承办", "1380000", "", "QC-ZJJ", "handler", ""],
                ["liu", "刘网格", "13900002222", "", "QC-ZJJ", "网格长", ""]]
        path = self.file("people.xlsx", people_only(rows).data)
        before = self.stored()
        out = io.StringIO()
        with self.assertRaisesMessage(CommandError, "2 problem(s) found; nothing was written. Fix them"):
            call_command("import_org", path, "--by", "admin", "--commit", stdout=out, stderr=io.StringIO())
        lines = out.getvalue().splitlines()
        self.assertTrue(any("people.xlsx › people" in line and " 2 " in line and "C (phone)" in line
                            and "“1380000”" in line for line in lines), lines)
        self.assertTrue(any("F (role)" in line and "“网格长”" in line for line in lines), lines)
        self.assertTrue(any(line.strip().startswith("→ ") for line in lines))
        self.assertEqual(self.stored(), before)

    def test_a_text_file_renamed_xlsx_fails_with_a_clear_message(self):
        path = self.file("org.xlsx", b"just some text\n")
        out = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_org", path, "--by", "admin", stdout=out, stderr=io.StringIO())
        self.assertIn("named like an Excel workbook but is not one", out.getvalue())

    def test_refused_for_a_non_administrator_an_unknown_user_a_missing_file_and_three_files(self):
        path = self.file("org.xlsx", good_workbook().data)
        cases = [
            ((path, "--by", "zhang"), "zhang may not import: Only a system administrator may do this."),
            ((path, "--by", "ghost"), "There is no active user “ghost”"),
            ((str(self.folder / "missing.xlsx"), "--by", "admin"), "Cannot read"),
            ((path, path, path, "--by", "admin"), "at most two files"),
        ]
        for args, message in cases:
            with self.subTest(args=args[-1]), self.assertRaisesMessage(CommandError, message):
                self.run_command(*args)

    def test_progress_is_shown_for_a_large_file(self):
        people = [[f"user{n:03}", f"人员{n:03}", f"138{n:08}", "", "QC-ZJJ", "handler", ""] for n in range(210)]
        path = self.file("people.xlsx", people_only(people).data)
        _out, err = self.run_command(path, "--by", "admin", "--commit")
        self.assertIn("Reading file 1 of 1…", err)
        self.assertIn("Written 42 of 420…", err)
        self.assertIn("Written 420 of 420…", err)

    def test_help_describes_the_dry_run_and_the_options(self):
        parser = Command().create_parser("dajuan", "import_org")
        text = parser.format_help()
        for expected in ("dry run", "--commit", "--by USERNAME", "FILE"):
            self.assertIn(expected, text)
