"""An enterprise books a published breakfast meeting in real headless Chromium (dajuan.testing_browser),
comes to it, raises a problem there, and follows the case it became from its own pages."""

from datetime import timedelta

from django.utils import timezone

from dajuan.enterprise.care import Problem
from dajuan.enterprise.services import enterprise_add, enterprise_user_add
from dajuan.intake.testing import CREDIT_CODE, account
from dajuan.meetings import services
from dajuan.meetings.models import Booking
from dajuan.testing import build_cast
from dajuan.testing_browser import BrowserTestCase


class BookingFlowTests(BrowserTestCase):
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
        self.page = self.page_for(self.ent_user)

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
