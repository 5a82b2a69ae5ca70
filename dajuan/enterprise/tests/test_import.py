import io

from openpyxl import Workbook

from dajuan.core.errors import NotPermitted
from dajuan.demo.intake import credit_code
from dajuan.enterprise.choices import EnterpriseKind
from dajuan.enterprise.importing import registry_import_check, registry_import_commit
from dajuan.enterprise.models import Enterprise
from dajuan.enterprise.services import industry_add
from dajuan.intake.testing import CREDIT_CODE, IntakeTestCase

HEADER = ["统一社会信用代码", "名称", "行业", "类型", "四上", "规模", "乡镇", "联系人", "联系电话"]


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class RegistryImportTests(IntakeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        industry_add(code="yaoye", name="药业")

    def test_the_dry_run_reports_and_the_commit_writes(self):
        data = workbook([[credit_code(801), "新药业", "药业", "规上", "是", "中型", "花戏楼街道", "刘经理",
                          "13900000001"],
                         [CREDIT_CODE, "亳州药都制药有限公司", "", "重点规下", "否", "", "", "", ""]])
        report = registry_import_check("r.xlsx", data, by=self.dispatcher)
        self.assertEqual((report.ok, report.created, report.updated), (True, 1, 1))
        self.assertFalse(Enterprise.objects.filter(name="新药业").exists())
        report = registry_import_commit("r.xlsx", data, by=self.dispatcher)
        self.assertTrue(report.committed)
        made = Enterprise.objects.get(name="新药业")
        self.assertEqual((made.industry.name, made.kind, made.is_four_above, made.town), ("药业",
                         EnterpriseKind.ABOVE_SCALE, True, self.town))
        self.assertEqual(Enterprise.objects.get(credit_code=CREDIT_CODE).kind, EnterpriseKind.KEY_BELOW_SCALE)

    def test_a_wrong_credit_code_is_located_and_nothing_is_written(self):
        bad = credit_code(802)[:-1] + ("0" if credit_code(802)[-1] != "0" else "1")
        data = workbook([[credit_code(803), "好公司", "", "", "", "", "", "", ""],
                         [bad, "坏公司", "花茶", "大厂", "也许", "", "火星", "", ""]])
        before = Enterprise.objects.count()
        report = registry_import_commit("r.xlsx", data, by=self.dispatcher)
        self.assertFalse(report.committed)
        self.assertEqual([(p.row, p.column) for p in report.problems],
                         [(3, "统一社会信用代码"), (3, "行业"), (3, "乡镇"), (3, "类型"), (3, "四上")])
        self.assertTrue(report.problems[0].message)
        self.assertEqual(Enterprise.objects.count(), before)

    def test_unreadable_files_and_missing_columns(self):
        self.assertEqual(len(registry_import_check("x.xlsx", b"PK\x03\x04junk", by=self.dispatcher).problems), 1)
        report = registry_import_check("x.csv", "名称\n甲\n".encode(), by=self.dispatcher)
        self.assertEqual([p.column for p in report.problems], ["credit_code"])

    def test_only_coordinators_import(self):
        with self.assertRaises(NotPermitted):
            registry_import_check("x.csv", b"a", by=self.handler)


class RegistryImportPageTests(IntakeTestCase):
    URL = "/enterprise/service/import/"

    def test_check_then_commit_from_the_page(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        good = workbook([[credit_code(811), "页面导入公司", "", "规上", "是", "", "", "", ""]])
        bad = workbook([["91341602MA2T8K3X0X", "坏代码公司", "", "", "", "", "", "", ""]])
        self.client.force_login(self.dispatcher)
        page = self.client.post(self.URL, {"check": "1", "file": SimpleUploadedFile("r.xlsx", bad)})
        self.assertContains(page, 'data-import="problems"', status_code=400)
        self.assertContains(page, "91341602MA2T8K3X0X", status_code=400)
        page = self.client.post(self.URL, {"check": "1", "file": SimpleUploadedFile("r.xlsx", good)})
        self.assertContains(page, 'data-import="checked"')
        self.assertFalse(Enterprise.objects.filter(name="页面导入公司").exists())
        page = self.client.post(self.URL, {"commit": "1", "file": SimpleUploadedFile("r.xlsx", good)})
        self.assertContains(page, 'data-import="committed"')
        self.assertTrue(Enterprise.objects.filter(name="页面导入公司", is_four_above=True).exists())

    def test_only_coordinators_see_the_page(self):
        self.client.force_login(self.handler)
        self.assertEqual(self.client.get(self.URL).status_code, 403)
