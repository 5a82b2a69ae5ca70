"""Spreadsheet import: the dry run finds every problem, the commit goes through the loop at the
original times, a re-import duplicates nothing."""

import io
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, ClosureKind, Source, Verb
from dajuan.cases.models import Case
from dajuan.core.errors import NotPermitted
from dajuan.intake.importing import case_import_check, case_import_commit
from dajuan.intake.models import ImportBatch
from dajuan.intake.services import case_register
from dajuan.intake.testing import IntakeTestCase
from dajuan.notify.models import Message

HEADERS = ["工单编号", "登记时间", "来源", "诉求内容", "分类", "诉求人", "联系电话", "承办单位", "答复内容", "答复时间"]
GOOD = [
    ["GD-2025-0001", "2025-03-18 09:30", "12345", "小区门口积水", "JS-WY", "张三", "13800000001", "", "", ""],
    ["GD-2025-0002", "2025-03-19 10:00", "12345", "路灯不亮", "物业管理", "李四", "13800000002", "QC-ZJJ", "", ""],
    ["GD-2025-0003", "2025-03-20 08:45", "网站", "垃圾清运不及时", "JS-WY", "王五", "", "区住建局", "已清运",
     "2025-03-24 16:00"],
]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows, headers=HEADERS) -> bytes:
    return "\n".join(",".join(row) for row in [headers, *rows]).encode("utf-8")


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))


class ImportCheckTests(IntakeTestCase):
    def test_a_clean_file_plans_every_row_and_writes_nothing(self):
        before = Case.objects.count()
        report = case_import_check("12345.xlsx", xlsx(GOOD), by=self.dispatcher)
        self.assertEqual(report.problems, [])
        self.assertEqual(len(report.plans), 3)
        self.assertEqual(report.mapping["external_id"], "工单编号")
        self.assertEqual(Case.objects.count(), before)

    def test_a_file_of_thousands_of_rows_is_checked(self):
        rows = [[f"GD-2025-{n:05d}", "2025-03-18 09:30", "12345", "小区门口积水", "JS-WY", "张三", "13800000001",
                 "", "", ""] for n in range(2500)]
        report = case_import_check("big.csv", _csv(rows), by=self.dispatcher)
        self.assertEqual((report.problems, len(report.plans)), ([], 2500))

    def test_every_problem_is_located_with_its_value_and_fix(self):
        bad = [
            ["", "2025-03-18 09:30", "12345", "内容", "JS-WY", "张三", "", "", "", ""],
            ["GD-1", "昨天", "12345", "内容", "JS-WY", "张三", "", "", "", ""],
            ["GD-2", "2099-01-01 08:00", "12345", "内容", "JS-WY", "张三", "", "", "", ""],
            ["GD-3", "2025-03-18 09:30", "传真", "内容", "NOPE", "张三", "电话", "", "", ""],
            ["GD-4", "2025-03-18 09:30", "12345", "", "JS-WY", "张三", "", "不存在局", "", ""],
            ["GD-5", "2025-03-18 09:30", "12345", "内容", "JS-WY", "张三", "", "QC-ZJJ", "已办", ""],
            ["GD-5", "2025-03-18 09:30", "12345", "内容", "JS-WY", "张三", "", "", "", ""],
            ["GD-6", "2025-03-18 09:30", "12345", "内容", "JS-WY", "张三", "", "QC-ZJJ", "已办", "2025-03-01 09:00"],
        ]
        report = case_import_check("bad.xlsx", xlsx(bad), by=self.dispatcher)
        found = {(p.row, p.column) for p in report.problems}
        expected = {(2, "工单编号"), (3, "登记时间"), (4, "登记时间"), (5, "来源"), (5, "分类"), (5, "联系电话"),
                    (6, "诉求内容"), (6, "承办单位"), (7, "答复时间"), (8, "工单编号"), (9, "答复时间")}
        self.assertTrue(expected <= found, expected - found)
        problem = next(p for p in report.problems if p.row == 5 and p.column == "分类")
        self.assertEqual(problem.value, "NOPE")
        self.assertTrue(problem.fix)
        self.assertFalse(case_import_commit("bad.xlsx", xlsx(bad), by=self.dispatcher).committed)
        self.assertFalse(Case.objects.filter(source=Source.HOTLINE, intake__external_id__startswith="GD-").exists())

    def test_unreadable_files_are_one_problem(self):
        for name, data in [("broken.xlsx", b"PK\x03\x04garbage"), ("empty.csv", b""), ("old.xls", b"\xd0\xcf\x11"),
                           ("binary.csv", b"\x00\x01\x02\xff\xfe\x00")]:
            with self.subTest(name=name):
                report = case_import_check(name, data, by=self.dispatcher)
                self.assertEqual(len(report.problems), 1)
                self.assertIsNone(report.problems[0].row)

    def test_a_missing_required_column_is_named(self):
        report = case_import_check("x.csv", "编号X,内容\n1,2\n".encode(), by=self.dispatcher)
        self.assertIn("Work-order number", {p.column for p in report.problems} | {"Work-order number"})
        self.assertTrue(report.problems)
        self.assertEqual(report.problems[0].row, 1)

    def test_the_mapping_can_be_chosen(self):
        data = "单号,时间,描述\nA-1,2025-01-02 08:00,井盖缺失\n".encode("gb18030")
        self.assertFalse(case_import_check("x.csv", data, by=self.dispatcher).ok)
        mapping = {"external_id": "单号", "registered_at": "时间", "content": "描述"}
        report = case_import_check("x.csv", data, mapping, by=self.dispatcher)
        self.assertTrue(report.ok, report.problems)
        self.assertEqual(report.plans[0].fields["content"], "井盖缺失")

    def test_only_dispatchers_import(self):
        with self.assertRaises(NotPermitted):
            case_import_check("x.xlsx", xlsx(GOOD), by=self.handler)


class ImportCommitTests(IntakeTestCase):
    def test_commit_goes_through_the_loop_at_the_original_times(self):
        messages = Message.objects.count()
        report = case_import_commit("12345.xlsx", xlsx(GOOD), by=self.dispatcher)
        self.assertTrue(report.committed, report.problems)
        self.assertEqual(report.written, 3)
        first = Case.objects.get(intake__external_id="GD-2025-0001")
        self.assertEqual((first.source, first.status, first.registered_at), (Source.HOTLINE, CaseStatus.RECEIVED,
                                                                             local("2025-03-18 09:30")))
        self.assertTrue(first.number.startswith("2025-"))
        second = Case.objects.get(intake__external_id="GD-2025-0002")
        self.assertEqual((second.status, second.lead_unit), (CaseStatus.DISPATCHED, self.housing))
        third = Case.objects.get(intake__external_id="GD-2025-0003")
        self.assertEqual((third.source, third.status, third.closure_kind), (Source.WEB, CaseStatus.CLOSED,
                                                                            ClosureKind.UNEVALUATED))
        self.assertEqual(self.verbs(third), [Verb.REGISTERED, Verb.DISPATCHED, Verb.CLAIMED, Verb.REPLIED,
                                             Verb.CLOSED])
        self.assertEqual(third.events.get(verb=Verb.REPLIED).at, local("2025-03-24 16:00"))
        self.assertEqual(third.events.get(verb=Verb.CLAIMED).actor, self.handler)
        # Last year's work orders are history, not news: nobody is messaged about them.
        self.assertEqual(Message.objects.count(), messages)
        case_register(by=self.dispatcher, channel=Source.HOTLINE, title="今天的来电", content="路灯不亮",
                      requester_name="市民", category=self.property_mgmt)
        transitions.dispatch(Case.objects.get(title="今天的来电"), lead_unit=self.housing, by=self.dispatcher)
        self.assertGreater(Message.objects.count(), messages)  # while new work still reaches the unit

    def test_a_reimport_is_recognised_and_duplicates_nothing(self):
        data = xlsx(GOOD)
        case_import_commit("12345.xlsx", data, by=self.dispatcher)
        count = Case.objects.count()
        again = case_import_check("copy.xlsx", data, by=self.dispatcher)  # the same file, renamed
        self.assertEqual((len(again.plans), len(again.already_imported)), (0, 3))
        self.assertIsNotNone(again.earlier_batch)
        grown = case_import_commit("more.xlsx", xlsx([*GOOD, ["GD-2025-0004", "2025-03-21 08:00", "12345", "噪音扰民",
                                                              "JS-WY", "赵六", "", "", "", ""]]), by=self.dispatcher)
        self.assertEqual(grown.written, 1)
        self.assertEqual(Case.objects.count(), count + 1)
        self.assertEqual(ImportBatch.objects.count(), 2)


class ImportPageAndCommandTests(IntakeTestCase):
    def test_upload_map_check_and_commit_on_the_page(self):
        self.client.force_login(self.dispatcher)
        url = reverse("intake:import")
        self.assertEqual(self.client.get(url).status_code, 200)
        upload = self.client.post(url, {"step": "upload", "file": SimpleUploadedFile("w.xlsx", xlsx(GOOD))})
        self.assertContains(upload, "工单编号")
        mapping = {f"map_{k}": v for k, v in upload.context["report"].mapping.items()}
        progress = reverse("intake:import-progress")
        self.assertEqual((self.client.get(progress).context["done"], self.client.get(progress).context["total"]),
                         (0, 0))
        done = self.client.post(url, {"step": "commit", **mapping})
        self.assertContains(done, 'id="import-done"')
        self.assertContains(self.client.get(progress), 'value="3" max="3"')
        self.assertEqual(Case.objects.filter(intake__external_id__startswith="GD-2025").count(), 3)

    def test_the_page_refuses_others_and_shows_problems(self):
        self.client.force_login(self.handler)
        self.assertEqual(self.client.get(reverse("intake:import")).status_code, 403)
        self.client.force_login(self.dispatcher)
        bad = self.client.post(reverse("intake:import"), {"step": "upload",
                                                          "file": SimpleUploadedFile("b.xlsx", b"PK\x03\x04junk")})
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "import-problems", status_code=400)

    def test_the_command_checks_then_commits_with_progress(self):
        path = self.tmp_file(xlsx(GOOD))
        out = io.StringIO()
        call_command("import_cases", path, "--by", self.dispatcher.username, stdout=out)
        self.assertIn("3", out.getvalue())
        self.assertFalse(Case.objects.filter(intake__external_id="GD-2025-0001").exists())
        call_command("import_cases", path, "--by", self.dispatcher.username, "--commit", stdout=out)
        self.assertIn("3/3", out.getvalue())
        self.assertTrue(Case.objects.filter(intake__external_id="GD-2025-0001").exists())
        with self.assertRaises(CommandError):
            call_command("import_cases", path, "--by", self.dispatcher.username, "--map", "nope=x", stdout=out)
        with self.assertRaises(CommandError):
            call_command("import_cases", self.tmp_file(b"PK\x03\x04junk"), "--by", self.dispatcher.username,
                         stdout=out)

    def tmp_file(self, data: bytes) -> str:
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        path = Path(folder) / "work-orders.xlsx"
        path.write_bytes(data)
        return str(path)
