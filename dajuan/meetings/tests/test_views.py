from datetime import timedelta

from django.urls import reverse

from dajuan.cases.models import Case
from dajuan.enterprise.care import Problem
from dajuan.meetings import services
from dajuan.meetings.models import Booking
from dajuan.meetings.tests.test_services import MeetingTestCase

PUBLIC = reverse("meetings:public-list")
MINE = reverse("meetings:mine")


class MeetingPageTests(MeetingTestCase):
    def test_the_public_page_shows_published_meetings_to_anyone(self):
        meeting = self.published()
        page = self.client.get(PUBLIC)
        self.assertContains(page, meeting.topic)
        self.assertNotContains(page, self.meeting.topic)  # the draft
        self.assertNotContains(page, "<form method=\"post\"")  # anonymous visitors cannot book

    def test_an_enterprise_books_from_the_public_page_and_sees_it(self):
        meeting = self.published(capacity=1)
        self.client.force_login(self.ent_user)
        response = self.client.post(reverse("meetings:book", args=[meeting.pk]))
        self.assertRedirects(response, MINE)
        self.assertContains(self.client.get(MINE), meeting.topic)
        self.client.force_login(self.other_ent_user)
        full = self.client.post(reverse("meetings:book", args=[meeting.pk]))
        self.assertEqual(full.status_code, 409)
        self.assertContains(full, "data-error", status_code=409)
        self.assertEqual(Booking.objects.count(), 1)

    def test_staff_cannot_book_and_enterprises_cannot_see_staff_pages(self):
        meeting = self.published()
        self.client.force_login(self.handler)
        self.assertEqual(self.client.post(reverse("meetings:book", args=[meeting.pk])).status_code, 403)
        self.client.force_login(self.ent_user)
        self.assertEqual(self.client.get(reverse("meetings:detail", args=[meeting.pk])).status_code, 403)
        self.assertEqual(self.client.get(reverse("meetings:list")).status_code, 403)

    def test_the_host_registers_a_problem_and_sees_its_case(self):
        meeting = self.published()
        services.booking_make(meeting, by=self.ent_user)
        services.attendance_record(meeting, enterprises=[self.enterprise], by=self.district_leader,
                                   at=meeting.starts_at + timedelta(hours=1))
        self.client.force_login(self.district_leader)
        url = reverse("meetings:detail", args=[meeting.pk])
        bad = self.client.post(url, {"enterprise": self.enterprise.pk, "title": "", "content": "x"})
        self.assertEqual(bad.status_code, 400)
        response = self.client.post(url, {"enterprise": self.enterprise.pk, "title": "用地指标",
                                          "content": "扩建用地指标何时下达？"})
        self.assertRedirects(response, url)
        case = Case.objects.get(title="用地指标")
        self.assertContains(self.client.get(url), case.number)
        self.client.force_login(self.ent_user)
        self.assertContains(self.client.get(MINE), case.number)

    def test_the_enterprise_list_of_meeting_cases_shows_only_its_own(self):
        meeting = self.published()
        services.attendance_record(meeting, enterprises=[self.enterprise, self.other_enterprise],
                                   by=self.district_leader, at=meeting.starts_at + timedelta(hours=1))
        mine = services.problem_raise(meeting, enterprise=self.enterprise, by=self.district_leader,
                                      problem=Problem("我的问题", "内容"))
        theirs = services.problem_raise(meeting, enterprise=self.other_enterprise, by=self.district_leader,
                                        problem=Problem("别人的问题", "内容"))
        self.client.force_login(self.ent_user)
        page = self.client.get(MINE)
        self.assertContains(page, mine.number)
        self.assertNotContains(page, theirs.number)


class OfficeFlowTests(MeetingTestCase):
    def test_the_office_plans_and_publishes_the_host_invites_and_records_attendance(self):
        from datetime import datetime

        from django.utils import timezone as tz

        from dajuan.meetings.models import Meeting, MeetingStatus

        day = tz.localdate() + timedelta(days=10)
        services.rota_set(day=day, leader=self.unit_leader, by=self.dispatcher)
        self.client.force_login(self.dispatcher)
        bad = self.client.post(reverse("meetings:list"), {"starts_at": f"{day}T07:30", "place": "A", "topic": "",
                                                          "capacity": 5})
        self.assertEqual(bad.status_code, 400)
        response = self.client.post(reverse("meetings:list"), {"starts_at": f"{day}T07:30", "place": "政务中心",
                                                               "topic": "用工专题", "capacity": 5})
        meeting = Meeting.objects.get(topic="用工专题")
        self.assertRedirects(response, reverse("meetings:detail", args=[meeting.pk]))
        self.assertEqual(meeting.host, self.unit_leader)
        act = reverse("meetings:act", args=[meeting.pk])
        self.client.post(act, {"action": "publish"})
        self.client.force_login(self.unit_leader)
        self.assertEqual(self.client.post(act, {"action": "invite", "credit_code": "nope"}).status_code, 400)
        self.client.post(act, {"action": "invite", "credit_code": self.enterprise.credit_code})
        self.assertEqual(Booking.objects.get(meeting=meeting).enterprise, self.enterprise)
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=tz.make_aware(datetime(2026, 1, 5, 7, 30)))
        self.client.post(act, {"action": "attendance", "attended": [self.enterprise.pk], "minutes": "纪要"})
        meeting.refresh_from_db()
        self.assertEqual((meeting.status, meeting.minutes), (MeetingStatus.HELD, "纪要"))
        self.client.force_login(self.handler)
        self.assertEqual(self.client.post(act, {"action": "publish"}).status_code, 403)
