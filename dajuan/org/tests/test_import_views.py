import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dajuan.core.models import AuditEntry
from dajuan.org.importing.stash import stash_drop, stash_get
from dajuan.org.models import Unit
from dajuan.org.services import unit_add
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
from dajuan.org.views import IMPORT_SESSION_KEY
from dajuan.testing import choose_language


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


class ImportPageTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.admin)
        choose_language(self.client, "en")  # the assertions read English msgids
        self.addCleanup(lambda: stash_drop(self.client.session.get(IMPORT_SESSION_KEY)))

    def check(self, *files):
        return self.client.post(reverse("org:import"), {"files": list(files)})

    def test_the_page_offers_the_upload_and_the_template(self):
        response = self.client.get(reverse("org:import"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, reverse("org:import-template"))

    def test_the_template_workbook_has_both_sheets_and_the_headers_it_accepts(self):
        response = self.client.get(reverse("org:import-template"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames[:2], ["units", "people"])
        self.assertEqual([c.value for c in workbook["units"][1]], UNIT_HEADER)
        self.assertEqual([c.value for c in workbook["people"][1]], PEOPLE_HEADER)

    def test_the_chinese_template_uses_chinese_names_and_is_accepted_as_it_is_filled_in(self):
        choose_language(self.client, "zh-hans")
        response = self.client.get(reverse("org:import-template"))
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames[:2], ["单位", "人员"])
        workbook["单位"].append(["QC-GXJ", "区工信局", "部门", "QC"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = self.check(upload("模板.xlsx", buffer.getvalue()))
        self.assertNotContains(response, "data-problem=")
        self.assertContains(response, 'data-count="units_created">1<')

    def test_an_upload_shows_the_counts_and_a_confirmation_and_writes_nothing(self):
        before = self.stored()
        response = self.check(upload("org.xlsx", good_workbook().data))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-count="units_created">5<')
        self.assertContains(response, 'data-count="users_created">2<')
        self.assertContains(response, 'data-count="memberships_created">4<')
        self.assertContains(response, 'id="import-confirm"')
        self.assertEqual(self.stored(), before)
        self.assertEqual(len(stash_get(self.client.session[IMPORT_SESSION_KEY])), 1)

    def test_confirming_writes_everything_and_goes_to_the_tree(self):
        self.check(upload("units.csv", csv_bytes([UNIT_HEADER, *GOOD_UNITS], encoding="gb18030")),
                   upload("people.csv", csv_bytes([PEOPLE_HEADER, *GOOD_PEOPLE])))
        token = self.client.session[IMPORT_SESSION_KEY]
        response = self.client.post(reverse("org:import-commit"), {"token": token}, follow=True)
        self.assertRedirects(response, reverse("org:unit-tree"))
        self.assertContains(response, "Imported: 5 new units, 0 renamed; 2 new people; 4 new roles.")
        self.assertContains(response, "和顺社区第一网格")
        self.assertEqual(AuditEntry.objects.get(action="org_imported").after["files"][0]["name"], "units.csv")
        self.assertNotIn(IMPORT_SESSION_KEY, self.client.session)
        self.assertIsNone(stash_get(token))

    def test_problems_are_shown_in_a_table_without_a_confirmation(self):
        rows = [["chen", "陈承办", "1380000", "", "QC-ZJJ", "handler", ""],
                ["liu", "刘网格", "13900002222", "", "QC-ZJJ", "网格长", ""]]
        before = self.stored()
        response = self.check(upload("people.xlsx", people_only(rows).data))
        self.assertContains(response, 'data-problem="bad_phone" data-row="2"')
        self.assertContains(response, 'data-problem="unknown_role" data-row="3"')
        self.assertContains(response, "<code>C (phone)</code>", html=False)
        self.assertContains(response, "Problems found: 2.")
        self.assertNotContains(response, 'id="import-confirm"')
        self.assertNotIn(IMPORT_SESSION_KEY, self.client.session)
        self.assertEqual(self.stored(), before)

    def test_a_text_file_renamed_xlsx_gets_a_clear_message(self):
        response = self.check(upload("org.xlsx", b"this is not a workbook"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-problem="not_a_workbook"')
        self.assertContains(response, "Excel Workbook (*.xlsx)")

    def test_an_upload_without_a_file_or_with_three_is_a_form_error(self):
        response = self.client.post(reverse("org:import"), {})
        self.assertContains(response, "invalid-feedback")
        files = [upload(f"{n}.csv", b"code\n") for n in range(3)]
        self.assertContains(self.check(*files), "at most two files")

    def test_the_commit_reads_the_kept_file_and_never_the_browsers(self):
        self.check(upload("org.xlsx", good_workbook(units=[["QC-GXJ", "区工信局", "department", "QC"]],
                                                     people=[]).data))
        token = self.client.session[IMPORT_SESSION_KEY]
        other = upload("org.xlsx", good_workbook().data)
        self.client.post(reverse("org:import-commit"), {"token": token, "files": [other]})
        self.assertTrue(Unit.objects.filter(code="QC-GXJ").exists())
        self.assertFalse(Unit.objects.filter(code="QC-TL").exists())

    def test_a_wrong_or_stale_token_writes_nothing(self):
        self.check(upload("org.xlsx", good_workbook().data))
        before = self.stored()
        response = self.client.post(reverse("org:import-commit"), {"token": "0" * 32}, follow=True)
        self.assertRedirects(response, reverse("org:import"))
        self.assertContains(response, "no longer waiting for confirmation")
        self.assertEqual(self.stored(), before)

    def test_a_change_since_the_check_is_found_again_at_the_commit(self):
        self.check(upload("org.xlsx", good_workbook().data))
        unit_add(code="QC-TL", name="汤陵镇", kind="department", parent=self.district)
        before = self.stored()
        response = self.client.post(reverse("org:import-commit"),
                                    {"token": self.client.session[IMPORT_SESSION_KEY]})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-problem="existing_kind_differs"')
        self.assertEqual(self.stored(), before)


class ImportPagePermissionTests(ImportTestCase):
    def test_everyone_but_an_administrator_is_refused(self):
        data = good_workbook().data
        for persona in ("handler", "unit_leader", "dispatcher", "nobody"):
            self.client.force_login(getattr(self, persona))
            before = self.stored()
            with self.subTest(persona=persona):
                self.assertEqual(self.client.get(reverse("org:import")).status_code, 403)
                self.assertEqual(self.client.get(reverse("org:import-template")).status_code, 403)
                response = self.client.post(reverse("org:import"), {"files": [upload("org.xlsx", data)]})
                self.assertEqual(response.status_code, 403)
                self.assertEqual(self.client.post(reverse("org:import-commit"), {"token": "0" * 32}).status_code, 403)
                self.assertEqual(self.stored(), before)

    def test_a_session_token_from_an_admin_is_useless_to_a_handler(self):
        self.client.force_login(self.admin)
        self.client.post(reverse("org:import"), {"files": [upload("org.xlsx", good_workbook().data)]})
        token = self.client.session[IMPORT_SESSION_KEY]
        self.addCleanup(stash_drop, token)
        self.client.force_login(self.handler)
        response = self.client.post(reverse("org:import-commit"), {"token": token})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Unit.objects.filter(code="QC-TL").exists())
