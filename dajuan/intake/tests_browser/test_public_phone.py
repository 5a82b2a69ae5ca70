"""The public form and tracking page in real headless Chromium (dajuan.testing_browser), on a phone-sized
screen with a WeChat-like user agent: submit with a photo, keep the tracking code, look the case up, and
see the reply and evaluate after the unit answers."""

import base64
import shutil
import tempfile
from pathlib import Path

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, LimitUnit, Priority
from dajuan.cases.models import Case, Category, DeadlinePolicy
from dajuan.testing import build_cast
from dajuan.testing_browser import BrowserTestCase

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.47")
PHONE = {"viewport": {"width": 390, "height": 844}, "user_agent": WECHAT_UA, "is_mobile": True}
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


class PublicFormOnAPhoneTests(BrowserTestCase):
    def setUp(self):
        build_cast(self)
        self.category = Category.objects.create(code="JS-WY", name="物业管理", default_lead_unit=self.housing)
        DeadlinePolicy.objects.create(category=None, priority=Priority.NORMAL, reply_limit=5,
                                      limit_unit=LimitUnit.WORKING_DAYS)
        self.page = self.page_for(None, **PHONE, has_touch=True, permissions=["geolocation"],
                                  geolocation={"latitude": 33.8446, "longitude": 115.7794})
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        self.photo = Path(folder) / "现场.png"
        self.photo.write_bytes(PNG)

    def test_submit_track_and_evaluate_on_a_phone(self):
        page = self.page
        page.goto(f"{self.live_server_url}/report/")
        # Mobile-first: the form fits the phone's width without horizontal scrolling.
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
        honeypot = page.locator("#id_website").bounding_box()  # off-screen: people never see it, bots fill it
        self.assertTrue(honeypot is None or honeypot["x"] + honeypot["width"] <= 0 or honeypot["height"] == 0)
        page.select_option("#id_category", label="物业管理")
        page.fill("#id_content", "东关小区3号楼下水道堵塞，污水外溢三天。<script>alert(1)</script>")
        page.fill("#id_address", "东关小区3号楼")
        page.click("#use-location")
        page.wait_for_function("document.getElementById('id_latitude').value !== ''")
        page.set_input_files("#id_photos", str(self.photo))
        page.fill("#id_name", "陈先生")
        page.fill("#id_phone", "13900004321")
        page.click("button[type=submit]")
        code = page.locator("#tracking-code").inner_text().strip()
        self.assertEqual(len(code), 10)
        case = Case.objects.get(intake__tracking_code=code)
        self.assertEqual(case.attachments.count(), 1)
        self.assertEqual((str(case.latitude), str(case.longitude)), ("33.844600", "115.779400"))

        transitions.dispatch(case, lead_unit=self.housing, by=self.dispatcher)
        transitions.claim(case.assignments.get(), by=self.handler)
        transitions.reply(Case.objects.get(pk=case.pk), text="已疏通下水道。", by=self.handler)

        page = self.page_for(None, **PHONE)  # another phone: nothing of the first visit carries over
        page.goto(f"{self.live_server_url}/report/track/")
        page.fill("#id_code", code)
        page.fill("#id_phone_last4", "0000")
        page.click("button[type=submit]")
        self.assertIn("没有与此查询码", page.content())
        page.fill("#id_phone_last4", "4321")
        page.click("button[type=submit]")
        self.assertEqual(page.locator("#case-reply").inner_text(), "已疏通下水道。")
        self.assertEqual(page.locator("script:has-text('alert(1)')").count(), 0)
        self.assertNotIn("李承办", page.content())
        page.check("input[value=satisfied]")
        page.click("form[action$='/evaluate/'] button[type=submit]")
        page.wait_for_selector("#case-status")
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.CLOSED)
