from django.contrib.auth import get_user_model

from dajuan.core.errors import NotPermitted
from dajuan.core.models import AuditEntry
from dajuan.org.choices import Role, UnitKind
from dajuan.org.importing import Source, org_import_check, org_import_commit
from dajuan.org.models import Membership, Unit
from dajuan.org.tests.workbooks import (
    GOOD_COUNTS,
    GOOD_PEOPLE,
    GOOD_UNITS,
    PEOPLE_HEADER,
    UNIT_HEADER,
    ImportTestCase,
    csv_bytes,
    good_workbook,
    xlsx,
)

User = get_user_model()

CHINESE_UNIT_HEADER = ["编码", "名称", "类型", "上级编码"]
CHINESE_PEOPLE_HEADER = ["用户名", "姓名", "手机号", "邮箱", "单位编码", "角色", "职务"]
CHINESE_KINDS = {"service_centre": "服务中心", "department": "部门", "town": "乡镇/街道", "grid": "网格",
                 "village": "社区"}
CHINESE_ROLES = {"handler": "承办人", "grid_worker": "网格员", "unit_leader": "单位负责人"}


def in_chinese(units, people):
    return ([[code, name, CHINESE_KINDS[kind], parent] for code, name, kind, parent in units],
            [[*row[:5], CHINESE_ROLES[row[5]], row[6]] for row in people])


class ImportGoodPathTests(ImportTestCase):
    def assert_imported(self, report) -> None:
        """The good files' tree, people and roles are in the database, with one audit entry."""
        self.assertEqual(report.problems, [])
        self.assertTrue(report.committed)
        self.assertEqual(report.counts.as_dict(), GOOD_COUNTS)
        centre = Unit.objects.get(code="QC-GXJ-ZX")
        self.assertEqual((centre.name, centre.kind), ("工信局企业服务中心", UnitKind.SERVICE_CENTRE))
        self.assertEqual(Unit.objects.get_parent(centre).code, "QC-GXJ")
        self.assertEqual(Unit.objects.get_parent(Unit.objects.get(code="QC-TL-HS-01")).code, "QC-TL-HS")
        self.assertEqual(Unit.objects.get_parent(Unit.objects.get(code="QC-TL")), self.district)
        chen = User.objects.get(username="chen")
        self.assertEqual((chen.full_name, chen.phone, chen.email), ("陈承办", "13800001111", "chen@example.cn"))
        self.assertFalse(chen.has_usable_password())
        self.assertEqual(
            sorted(chen.memberships.values_list("unit__code", "role", "title")),
            [("QC-GXJ", Role.HANDLER, "科员"), ("QC-GXJ-ZX", Role.HANDLER, "")],
        )
        self.assertTrue(Membership.objects.filter(user=self.handler, unit__code="QC-GXJ", title="借调").exists())
        self.assertEqual(Membership.objects.filter(user=self.unit_leader).count(), 1)
        entry = AuditEntry.objects.get(action="org_imported")
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.after["units_created"], 5)
        self.assertEqual(entry.after["memberships_created"], 4)
        self.assertEqual([f["name"] for f in entry.after["files"]], report.files)

    def test_dry_run_counts_everything_and_writes_nothing(self):
        before = self.stored()
        report = org_import_check([good_workbook()], by=self.admin)
        self.assertEqual(report.problems, [])
        self.assertFalse(report.committed)
        self.assertEqual(report.counts.as_dict(), GOOD_COUNTS)
        self.assertEqual(self.stored(), before)

    def test_xlsx_commit_writes_tree_people_roles_and_one_audit_entry(self):
        self.assert_imported(org_import_commit([good_workbook()], by=self.admin))

    def test_chinese_sheet_names_headers_kinds_and_roles(self):
        units, people = in_chinese(GOOD_UNITS, GOOD_PEOPLE)
        data = xlsx({"单位": [CHINESE_UNIT_HEADER, *units], "人员": [CHINESE_PEOPLE_HEADER, *people]})
        self.assert_imported(org_import_commit([Source("组织机构.xlsx", data)], by=self.admin))

    def test_csv_files_in_utf8_with_bom(self):
        sources = [
            Source("units.csv", csv_bytes([UNIT_HEADER, *GOOD_UNITS], encoding="utf-8-sig")),
            Source("people.csv", csv_bytes([PEOPLE_HEADER, *GOOD_PEOPLE], encoding="utf-8-sig")),
        ]
        self.assert_imported(org_import_commit(sources, by=self.admin))

    def test_csv_files_in_gb18030_as_excel_saves_them_in_china(self):
        units, people = in_chinese(GOOD_UNITS, GOOD_PEOPLE)
        sources = [
            # The people file first and names without hints: the headers tell which is which.
            Source("名单.csv", csv_bytes([CHINESE_PEOPLE_HEADER, *people], encoding="gb18030")),
            Source("机构.csv", csv_bytes([CHINESE_UNIT_HEADER, *units], encoding="gb18030")),
        ]
        self.assert_imported(org_import_commit(sources, by=self.admin))

    def test_semicolon_csv_and_an_xlsx_of_people_together(self):
        units = csv_bytes([UNIT_HEADER, *GOOD_UNITS]).replace(b",", b";")
        people = xlsx({"people": [PEOPLE_HEADER, *GOOD_PEOPLE]})
        self.assert_imported(org_import_commit([Source("u.csv", units), Source("p.xlsx", people)], by=self.admin))

    def test_numbers_stored_as_numbers_headers_in_other_spellings_and_extra_columns(self):
        """Excel keeps a typed phone as a number; "Parent Code*" and "Full-Name" are the same columns."""
        header = ["No.", "Code*", "Name", "Kind", "Parent Code"]
        people_header = ["Username", "Full-Name", "Phone", "Unit code", "Role", "Remarks"]
        data = xlsx({
            "Units": [header, [1, "QC-GXJ", "区工信局", "Department", "QC"]],
            "People": [people_header, ["chen", "陈承办", 13800001111, "QC-GXJ", "Handler", "备注"]],
        })
        report = org_import_commit([Source("org.xlsx", data)], by=self.admin)
        self.assertEqual(report.problems, [])
        self.assertEqual(User.objects.get(username="chen").phone, "13800001111")

    def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(self):
        units = [GOOD_UNITS[1], [], [None, None, None, None], ["QC-TL", "汤陵街道", "no-such-kind", "QC"]]
        report = org_import_check([good_workbook(units=units, people=[])], by=self.admin)
        self.assertEqual([(p.code, p.row) for p in report.problems], [("unknown_kind", 5)])

    def test_a_title_row_above_the_headers_is_skipped_and_rows_keep_their_numbers(self):
        rows = [["谯城区新增单位名单"], UNIT_HEADER, GOOD_UNITS[1], ["QC-TL", "汤陵街道", "no-such-kind", "QC"]]
        for source in (Source("org.xlsx", xlsx({"单位": rows})), Source("名单.csv", csv_bytes(rows))):
            with self.subTest(source=source.name):
                report = org_import_check([source], by=self.admin)
                self.assertEqual([(p.code, p.row) for p in report.problems], [("unknown_kind", 4)])
                self.assertEqual(report.counts.units_created, 2)

    def test_an_existing_unit_listed_again_is_renamed_only(self):
        units = [["QC-ZJJ", "区住房和城乡建设局", "部门", "QC"]]
        report = org_import_commit([good_workbook(units=units, people=[])], by=self.admin)
        self.assertEqual((report.counts.units_renamed, report.counts.units_created), (1, 0))
        self.housing.refresh_from_db()
        self.assertEqual(self.housing.name, "区住房和城乡建设局")
        self.assertEqual(Unit.objects.get_parent(self.housing), self.district)

    def test_importing_the_same_file_twice_creates_nothing_the_second_time(self):
        org_import_commit([good_workbook()], by=self.admin)
        before = self.stored()
        report = org_import_commit([good_workbook()], by=self.admin)
        self.assertTrue(report.committed)
        self.assertEqual(report.counts.as_dict(), {
            "units_created": 0, "units_renamed": 0, "units_unchanged": 6,
            "users_created": 0, "users_existing": 4,
            "memberships_created": 0, "memberships_existing": 5,
        })
        self.assertEqual(self.stored(), {**before, "audit": before["audit"] + 1})

    def test_an_admin_role_in_the_file_makes_the_account_staff(self):
        people = [["xu", "徐管理", "13700003333", "", "QC", "系统管理员", ""]]
        org_import_commit([good_workbook(units=[], people=people)], by=self.admin)
        xu = User.objects.get(username="xu")
        self.assertTrue(xu.is_staff and xu.is_superuser)

    def test_an_existing_accounts_phone_is_kept_and_noticed(self):
        people = [["li", "李承办", "13600004444", "", "QC-RSJ", "handler", ""]]
        report = org_import_commit([good_workbook(units=[], people=people)], by=self.admin)
        self.assertTrue(report.committed)
        self.assertEqual([(n.code, n.row) for n in report.notices], [("existing_user_kept", 2)])
        self.handler.refresh_from_db()
        self.assertEqual(self.handler.phone, "")

    def test_a_new_persons_details_may_come_from_several_rows(self):
        people = [["chen", "陈承办", "", "chen@example.cn", "QC-ZJJ", "handler", ""],
                  ["chen", "陈承办", "13800001111", "", "QC-RSJ", "handler", ""]]
        report = org_import_commit([good_workbook(units=[], people=people)], by=self.admin)
        self.assertEqual(report.problems, [])
        chen = User.objects.get(username="chen")
        self.assertEqual((chen.full_name, chen.phone, chen.email), ("陈承办", "13800001111", "chen@example.cn"))

    def test_progress_is_reported_while_reading_and_writing(self):
        calls = []
        org_import_commit([good_workbook()], by=self.admin, progress=lambda *args: calls.append(args))
        self.assertEqual(calls[0], ("reading", 0, 1))
        self.assertEqual(calls[-1], ("writing", 11, 11))  # 5 units, 2 people, 4 roles


class ImportPermissionTests(ImportTestCase):
    def test_only_an_administrator_may_check_or_commit(self):
        for persona in ("dispatcher", "unit_leader", "town_leader", "handler", "nobody"):
            for run in (org_import_check, org_import_commit):
                with self.subTest(persona=persona, run=run.__name__):
                    before = self.stored()
                    with self.assertRaises(NotPermitted):
                        run([good_workbook()], by=getattr(self, persona))
                    self.assertEqual(self.stored(), before)
