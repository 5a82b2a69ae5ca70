"""Every kind of bad file: the problem is located (file or sheet, row, column), says what is wrong
and how to fix it, and the commit writes nothing at all."""

import io
import zipfile

from django.contrib.auth import get_user_model

from dajuan.org.importing import Source, org_import_check, org_import_commit
from dajuan.org.services import unit_add
from dajuan.org.tests.workbooks import (
    PEOPLE_HEADER,
    UNIT_HEADER,
    ImportTestCase,
    csv_bytes,
    good_workbook,
    people_only,
    units_only,
    xlsx,
)

OK_UNIT = ["QC-GXJ", "区工信局", "department", "QC"]
OK_PERSON = ["chen", "陈承办", "13800001111", "", "QC-GXJ", "handler", ""]


class UnitProblemTests(ImportTestCase):
    def test_a_missing_required_column_is_named(self):
        source = units_only([["QC-GXJ", "区工信局", "QC"]], header=["code", "name", "parent_code"])
        report = self.refused([source], org_import_commit)
        problem = self.problem(report, "missing_column", row=1, column="kind", contains="“kind”")
        self.assertEqual(problem.source, "org.xlsx › units")
        self.assertIn("类型", problem.fix)

    def test_an_empty_required_cell(self):
        report = self.refused([units_only([OK_UNIT, ["QC-TL", "", "town", "QC"]])], org_import_commit)
        self.problem(report, "empty_cell", row=3, column="B (name)", contains="“name” is empty")

    def test_a_code_twice_in_the_file(self):
        rows = [OK_UNIT, ["QC-TL", "汤陵街道", "town", "QC"], ["QC-GXJ", "区工信局二", "department", "QC"]]
        report = self.refused([units_only(rows)], org_import_commit)
        self.problem(report, "duplicate_code", row=4, column="A (code)", contains="already used on row 2")

    def test_an_existing_code_under_another_parent(self):
        report = self.refused([units_only([["QC-ZJJ", "区住建局", "department", "QC-HXL"]])], org_import_commit)
        self.problem(report, "existing_parent_differs", row=2, column="D (parent_code)",
                     contains="already exists under “QC”, not under “QC-HXL”")

    def test_an_existing_code_of_another_kind(self):
        report = self.refused([units_only([["QC-ZJJ", "区住建局", "service_centre", "QC"]])], org_import_commit)
        self.problem(report, "existing_kind_differs", row=2, column="C (kind)", contains="“Department”")

    def test_a_parent_neither_in_the_file_nor_in_the_system(self):
        report = self.refused([units_only([["QC-TL", "汤陵街道", "town", "QC-NOWHERE"]])], org_import_commit)
        self.problem(report, "unknown_parent", row=2, column="D (parent_code)", contains="“QC-NOWHERE”")

    def test_a_cycle_of_two_units(self):
        rows = [["QC-A", "甲", "department", "QC-B"], ["QC-B", "乙", "department", "QC-A"]]
        report = self.refused([units_only(rows)], org_import_commit)
        self.problem(report, "cycle", row=2, column="parent_code", contains="QC-A (row 2) → QC-B (row 3) → QC-A")

    def test_a_longer_cycle_below_a_sound_unit(self):
        rows = [OK_UNIT, ["QC-X", "X", "department", "QC-Z"], ["QC-Y", "Y", "department", "QC-X"],
                ["QC-Z", "Z", "department", "QC-Y"]]
        report = self.refused([units_only(rows)], org_import_commit)
        self.problem(report, "cycle", row=3, contains="QC-X (row 3) → QC-Z (row 5) → QC-Y (row 4) → QC-X")

    def test_a_unit_that_is_its_own_parent(self):
        report = self.refused([units_only([["QC-A", "甲", "department", "QC-A"]])], org_import_commit)
        self.problem(report, "self_parent", row=2, column="D (parent_code)", contains="names itself")

    def test_a_kind_not_allowed_under_its_parent(self):
        rows = [["QC-DG2", "新社区", "village", "QC"], ["QC-GXJ-W", "网格", "grid", "QC-GXJ"], OK_UNIT]
        report = self.refused([units_only(rows)], org_import_commit)
        problem = self.problem(report, "kind_not_allowed", row=2, column="parent_code",
                               contains="“Village / community” cannot sit under “QC (District)”")
        self.assertIn("Town / street", problem.fix)
        self.problem(report, "kind_not_allowed", row=3, contains="under “QC-GXJ (Department)”")

    def test_a_second_root_that_is_not_a_district(self):
        report = self.refused([units_only([["X", "游离部门", "department", ""]])], org_import_commit)
        self.problem(report, "kind_not_allowed", row=2, contains="(none: the root)")

    def test_an_unknown_kind(self):
        report = self.refused([units_only([["QC-TL", "汤陵街道", "乡政府", "QC"]])], org_import_commit)
        problem = self.problem(report, "unknown_kind", row=2, column="C (kind)", contains="“乡政府”")
        self.assertIn("town / 乡镇/街道", problem.fix)

    def test_a_bad_code_format(self):
        report = self.refused([units_only([["QC 工信局", "区工信局", "department", "QC"]])], org_import_commit)
        problem = self.problem(report, "bad_code", row=2, column="A (code)", contains="“QC 工信局”")
        self.assertIn("letters, digits", problem.fix)

    def test_a_name_too_long(self):
        report = self.refused([units_only([["QC-L", "长" * 101, "department", "QC"]])], org_import_commit)
        self.problem(report, "name_too_long", row=2, column="B (name)", contains="101 characters")


class PeopleProblemTests(ImportTestCase):
    def test_a_missing_people_column_is_named(self):
        header = ["username", "full_name", "phone", "unit_code", "title"]
        report = self.refused([people_only([["chen", "陈承办", "13800001111", "QC-ZJJ", ""]], header)],
                              org_import_commit)
        self.problem(report, "missing_column", row=1, column="role", contains="“role”")

    def test_an_empty_role(self):
        report = self.refused([people_only([["chen", "陈承办", "13800001111", "", "QC-ZJJ", "", ""]])],
                              org_import_commit)
        self.problem(report, "empty_cell", row=2, column="F (role)", contains="“role” is empty")

    def test_a_new_account_without_a_phone(self):
        report = self.refused([people_only([["chen", "陈承办", "", "", "QC-ZJJ", "handler", ""]])],
                              org_import_commit)
        self.problem(report, "empty_cell", row=2, column="C (phone)", contains="needs a mobile number")

    def test_an_unknown_role(self):
        report = self.refused([people_only([["chen", "陈承办", "13800001111", "", "QC-ZJJ", "局长", ""]])],
                              org_import_commit)
        problem = self.problem(report, "unknown_role", row=2, column="F (role)", contains="“局长”")
        self.assertIn("unit_leader / 单位负责人", problem.fix)

    def test_a_role_not_allowed_in_that_kind_of_unit(self):
        rows = [["chen", "陈承办", "13800001111", "", "QC-ZJJ", "网格员", ""],
                ["liu", "刘网格", "13900002222", "", "QC-GXJ", "district_leader", ""]]
        report = self.refused([good_workbook(units=[OK_UNIT], people=rows)], org_import_commit)
        problem = self.problem(report, "role_not_allowed", row=2, column="F (role)",
                               contains="“Grid worker” does not exist in a unit of kind “Department” (QC-ZJJ)")
        self.assertIn("Handler", problem.fix)
        self.problem(report, "role_not_allowed", row=3, contains="(QC-GXJ)")  # a unit from the same file

    def test_a_bad_phone(self):
        report = self.refused([people_only([["chen", "陈承办", "1380000", "", "QC-ZJJ", "handler", ""]])],
                              org_import_commit)
        problem = self.problem(report, "bad_phone", row=2, column="C (phone)", contains="“1380000”")
        self.assertIn("11-digit", problem.fix)

    def test_a_bad_email_and_username(self):
        rows = [["chen li", "陈承办", "13800001111", "chen@", "QC-ZJJ", "handler", ""]]
        report = self.refused([people_only(rows)], org_import_commit)
        self.problem(report, "bad_email", row=2, column="D (email)", contains="“chen@”")
        self.problem(report, "bad_username", row=2, column="A (username)", contains="“chen li”")

    def test_a_username_on_two_rows_with_different_names(self):
        rows = [[*OK_PERSON[:4], "QC-ZJJ", "handler", ""], ["chen", "陈成半", "", "", "QC-RSJ", "handler", ""]]
        report = self.refused([people_only(rows)], org_import_commit)
        self.problem(report, "username_conflict", row=3, column="B (full_name)",
                     contains="“陈承办” on row 2 but “陈成半” here")

    def test_an_existing_username_of_somebody_else(self):
        report = self.refused([people_only([["li", "李四", "", "", "QC-RSJ", "handler", ""]])], org_import_commit)
        self.problem(report, "existing_user_differs", row=2, column="B (full_name)",
                     contains="already belongs to 李承办")

    def test_an_unknown_unit(self):
        report = self.refused([people_only([["chen", "陈承办", "13800001111", "", "QC-NONE", "handler", ""]])],
                              org_import_commit)
        self.problem(report, "unknown_unit", row=2, column="E (unit_code)", contains="“QC-NONE”")

    def test_an_inactive_unit(self):
        self.labour.is_active = False
        self.labour.save(update_fields=["is_active"])
        report = self.refused([people_only([["chen", "陈承办", "13800001111", "", "QC-RSJ", "handler", ""]])],
                              org_import_commit)
        self.problem(report, "unit_inactive", row=2, column="E (unit_code)", contains="“QC-RSJ”")

    def test_the_same_role_twice(self):
        row = ["chen", "陈承办", "13800001111", "", "QC-ZJJ", "handler", ""]
        report = self.refused([people_only([row, [*row[:5], "承办人", "科员"]])], org_import_commit)
        self.problem(report, "duplicate_membership", row=3, column="F (role)", contains="on row 2")

    def test_a_title_too_long(self):
        row = ["chen", "陈承办", "13800001111", "", "QC-ZJJ", "handler", "长" * 51]
        report = self.refused([people_only([row])], org_import_commit)
        self.problem(report, "too_long", row=2, column="G (title)", contains="51 characters")


class FileProblemTests(ImportTestCase):
    def test_a_text_file_renamed_xlsx(self):
        source = Source("org.xlsx", "code,name,kind,parent_code\nQC-A,甲,department,QC\n".encode())
        report = self.refused([source], org_import_commit)
        problem = self.problem(report, "not_a_workbook", contains="not one")
        self.assertEqual((problem.source, problem.row, problem.column), ("org.xlsx", None, ""))
        self.assertIn("Excel Workbook (*.xlsx)", problem.fix)

    def test_a_damaged_workbook(self):
        data = good_workbook().data
        report = self.refused([Source("org.xlsx", data[: len(data) // 2])], org_import_commit)
        self.problem(report, "not_a_workbook", contains="cannot be read")

    def test_a_workbook_with_a_damaged_sheet(self):
        damaged = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(good_workbook().data)) as original, \
                zipfile.ZipFile(damaged, "w") as copy:
            for item in original.infolist():
                data = original.read(item)
                # Cut inside the rows: the dimension at the top still reads, the rows do not.
                copy.writestr(item, data[: len(data) * 2 // 3] if item.filename.endswith("sheet1.xml") else data)
        report = self.refused([Source("org.xlsx", damaged.getvalue())], org_import_commit)
        problem = self.problem(report, "not_a_workbook", contains="damaged")
        self.assertEqual(problem.source, "org.xlsx › units")

    def test_an_old_xls_file(self):
        report = self.refused([Source("org.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)],
                              org_import_commit)
        self.problem(report, "old_excel_format", contains="(.xls)")

    def test_a_binary_file_renamed_csv(self):
        report = self.refused([Source("units.csv", b"\x89PNG\r\n\x1a\n\0\0\0")], org_import_commit)
        self.problem(report, "not_text", contains="neither")

    def test_an_empty_file(self):
        report = self.refused([Source("org.xlsx", b"")], org_import_commit)
        self.problem(report, "empty_file", contains="empty")

    def test_a_csv_of_nothing_but_a_bom_and_blank_lines_is_empty(self):
        report = self.refused([Source("units.csv", "\ufeff\r\n\r\n".encode())], org_import_commit)
        self.problem(report, "empty_file", contains="empty")

    def test_a_csv_the_csv_module_cannot_split(self):
        data = ('code,name\n"' + "x" * 200_000).encode()
        report = self.refused([Source("units.csv", data)], org_import_commit)
        self.problem(report, "not_text", contains="neither")

    def test_a_workbook_without_the_sheets(self):
        data = xlsx({"Sheet1": [UNIT_HEADER, OK_UNIT], "汇总": [["x"]]})
        report = self.refused([Source("org.xlsx", data)], org_import_commit)
        self.problem(report, "missing_sheets", contains="its sheets are: “Sheet1”, “汇总”")

    def test_an_empty_sheet_and_a_sheet_of_headers_only(self):
        data = xlsx({"units": [], "people": [PEOPLE_HEADER]})
        report = self.refused([Source("org.xlsx", data)], org_import_commit)
        self.assertEqual(self.problem(report, "empty_sheet").source, "org.xlsx › units")
        self.problem(report, "no_rows", contains="only headers")

    def test_a_csv_whose_headers_say_nothing(self):
        report = self.refused([Source("list.csv", csv_bytes([["a", "b"], ["1", "2"]]))], org_import_commit)
        self.problem(report, "unknown_table", row=1, contains="units or people")

    def test_units_given_twice(self):
        sources = [good_workbook(people=[]), Source("units.csv", csv_bytes([UNIT_HEADER, OK_UNIT]))]
        report = self.refused(sources, org_import_commit)
        self.problem(report, "duplicate_table", contains="Units are given twice: in org.xlsx › units and in units.csv")

    def test_a_column_twice(self):
        source = units_only([[*OK_UNIT, "department"]], header=[*UNIT_HEADER, "类型"])
        report = self.refused([source], org_import_commit)
        self.problem(report, "duplicate_column", row=1, column="E (类型)", contains="also C (kind)")

    def test_no_file_at_all(self):
        report = self.refused([], org_import_commit)
        self.problem(report, "no_files", contains="No file")


class AllProblemsAtOnceTests(ImportTestCase):
    def test_every_problem_of_a_bad_file_is_reported_at_once_in_file_order(self):
        units = [
            ["QC-A", "甲", "department", "QC-B"],
            ["QC-B", "乙", "department", "QC-A"],
            ["QC-C", "", "乡政府", "QC"],
            ["QC-A", "甲二", "department", "QC"],
            ["bad code", "丙", "department", "QC-NOWHERE"],
        ]
        people = [
            ["chen", "陈承办", "123", "", "QC-ZJJ", "局长", ""],
            ["chen", "陈成半", "", "", "QC-ZJJ", "handler", ""],
            ["liu", "刘网格", "13900002222", "", "QC-ZJJ", "grid_worker", ""],
        ]
        report = self.refused([good_workbook(units=units, people=people)], org_import_commit)
        found = [(p.source.split(" › ")[1], p.row, p.code) for p in report.sorted_problems()]
        self.assertEqual(found, [
            ("units", 2, "cycle"),
            ("units", 4, "empty_cell"),
            ("units", 4, "unknown_kind"),
            ("units", 5, "duplicate_code"),
            ("units", 6, "bad_code"),
            ("units", 6, "unknown_parent"),
            ("people", 2, "bad_phone"),
            ("people", 2, "unknown_role"),
            ("people", 3, "username_conflict"),
            ("people", 4, "role_not_allowed"),
        ])

    def test_the_dry_run_reports_the_same_problems(self):
        people = [["chen", "陈承办", "123", "", "QC-ZJJ", "局长", ""]]
        dry = org_import_check([people_only(people)], by=self.admin)
        real = self.refused([people_only(people)], org_import_commit)
        self.assertEqual(dry.problems, real.problems)

    def test_a_unit_created_meanwhile_is_found_by_the_commits_own_check(self):
        """The commit checks again inside its transaction: a clean dry run is no licence."""
        source = units_only([["QC-GXJ", "区工信局", "department", "QC"]])
        self.assertTrue(org_import_check([source], by=self.admin).ok)
        unit_add(code="QC-GXJ", name="区工信局", kind="town", parent=self.district)
        users_before = get_user_model().objects.count()
        report = self.refused([source], org_import_commit)
        self.problem(report, "existing_kind_differs", row=2)
        self.assertEqual(get_user_model().objects.count(), users_before)
