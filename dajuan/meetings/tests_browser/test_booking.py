"""An enterprise books a published breakfast meeting in real headless Chromium (Playwright + Debian's
chromium), comes to it, raises a problem there, and follows the case it became from its own pages."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client
from django.utils import timezone

from dajuan.enterprise.care import Problem
from dajuan.enterprise.services import enterprise_add, enterprise_user_add
from dajuan.intake.testing import CREDIT_CODE, account
from dajuan.meetings import services
from dajuan.meetings.models import Booking
from dajuan.testing import build_cast

CHROMIUM = os.environ.get("DAJUAN_CHROMIUM", "/usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make bootstrap installs it)")
class BookingFlowTests(StaticLiveServerTestCase):
    host = "127.0.0.1"

    @classmethod
    def setUpClass(cls):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
        super().setUpClass()
        cls.playwright = sync_api.sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def setUp(self):
        build_cast(self)
        self.enterprise = enterprise_add(credit_code=CREDIT_CODE, name="亳州药都制药有限公司")
        self.ent_user = account("sunkj", "孙会计")
        enterprise_user_add(user=self.ent_user, enterprise=self.enterprise)
        self.starts = timezone.now() + timedelta(days=2)
        self.meeting = services.meeting_plan(starts_at=self.starts, place="区政务中心三楼", topic="医药企业早餐会",
                                             capacity=1, host=self.district_leader, by=self.dispatcher)
        services.meeting_publish(self.meeting, by=self.dispatcher)
        self.draft = services.meeting_plan(starts_at=self.starts, place="A", topic="尚未公示的会", capacity=5,
                                           host=self.district_leader, by=self.dispatcher)
        client = Client()
        client.force_login(self.ent_user)
        self.context = self.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": self.live_server_url,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)

    def tearDown(self):
        self.context.close()

    def test_an_enterprise_books_a_published_meeting_and_sees_the_case_raised_there(self):
        page = self.page
        page.goto(f"{self.live_server_url}/meetings/")
        row = page.locator(f"tr[data-meeting='{self.meeting.pk}']")
        self.assertIn("医药企业早餐会", row.inner_text())
        self.assertNotIn("尚未公示的会", page.content())  # drafts are not on the public page
        self.assertIn("1 / 1", row.inner_text())
        row.locator("button[type=submit]").click()
        page.wait_for_url("**/meetings/mine/")
        self.assertIn("医药企业早餐会", page.locator("#bookings").inner_text())
        self.assertEqual(Booking.objects.get().enterprise, self.enterprise)
        page.goto(f"{self.live_server_url}/meetings/")  # booked: no second booking is offered
        self.assertEqual(page.locator(f"tr[data-meeting='{self.meeting.pk}'] button").count(), 0)
        self.assertIn("0 / 1", page.locator(f"tr[data-meeting='{self.meeting.pk}']").inner_text())
        page.goto(f"{self.live_server_url}/meetings/mine/")

        # The meeting is held; the host's office records the problem the enterprise raised.
        services.attendance_record(self.meeting, enterprises=[self.enterprise], by=self.district_leader,
                                   at=self.starts + timedelta(hours=1))
        case = services.problem_raise(self.meeting, enterprise=self.enterprise, by=self.district_leader,
                                      problem=Problem("新车间环评审批", "新车间环评报告已提交一个月未批复。"),
                                      at=self.starts + timedelta(hours=1))
        page.reload()
        cases = page.locator("#meeting-cases")
        self.assertIn(case.number, cases.inner_text())
        self.assertIn("新车间环评审批", cases.inner_text())
        cases.locator(f"a:has-text('{case.number}')").click()
        page.wait_for_url(f"**/enterprise/cases/{case.number}/")
        self.assertIn("新车间环评报告已提交一个月未批复", page.content())
