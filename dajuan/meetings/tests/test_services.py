from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from dajuan.cases.choices import Source
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Case
from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.demo.intake import credit_code
from dajuan.enterprise.care import Problem
from dajuan.enterprise.services import enterprise_add
from dajuan.intake.testing import IntakeTestCase, account
from dajuan.meetings import services
from dajuan.meetings.models import Booking, BookingStatus, Meeting, MeetingStatus
from dajuan.meetings.selectors import four_above_coverage, meeting_cases, published_upcoming

SHANGHAI = ZoneInfo("Asia/Shanghai")


class MeetingTestCase(IntakeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.soon = timezone.now() + timedelta(days=3)
        cls.meeting = services.meeting_plan(starts_at=cls.soon, place="区政务中心三楼", topic="医药企业用工",
                                            capacity=2, host=cls.district_leader, by=cls.dispatcher)

    def published(self, capacity=2, at=None):
        meeting = services.meeting_plan(starts_at=at or self.soon, place="区政务中心", topic="早餐会",
                                        capacity=capacity, host=self.district_leader, by=self.dispatcher)
        return services.meeting_publish(meeting, by=self.dispatcher)


class PlanTests(MeetingTestCase):
    def test_the_rota_names_the_host_when_none_is_given(self):
        services.rota_set(day=timezone.localtime(self.soon).date(), leader=self.unit_leader, by=self.dispatcher)
        meeting = services.meeting_plan(starts_at=self.soon, place="A", topic="B", capacity=5, by=self.dispatcher)
        self.assertEqual(meeting.host, self.unit_leader)

    def test_bad_plans_name_the_field(self):
        for kwargs, field in [({"capacity": 0}, "capacity"), ({"place": " "}, "place"), ({"topic": ""}, "topic"),
                              ({"host": None}, "host")]:
            with self.subTest(field=field), self.assertRaises(ValidationFailed) as raised:
                base = {"starts_at": self.soon + timedelta(days=40), "place": "A", "topic": "B", "capacity": 3,
                        "host": self.district_leader, **kwargs}
                services.meeting_plan(**base, by=self.dispatcher)
            self.assertEqual(raised.exception.field, field)
        with self.assertRaises(NotPermitted):
            services.meeting_plan(starts_at=self.soon, place="A", topic="B", capacity=3, host=self.handler,
                                  by=self.handler)

    def test_publishing_shows_the_meeting_on_the_public_list(self):
        self.assertNotIn(self.meeting, published_upcoming())
        services.meeting_publish(self.meeting, by=self.dispatcher)
        self.assertIn(self.meeting, published_upcoming())
        with self.assertRaises(Conflict):
            services.meeting_publish(self.meeting, by=self.dispatcher)


class BookingTests(MeetingTestCase):
    def test_an_enterprise_books_a_published_meeting(self):
        meeting = self.published()
        booking = services.booking_make(meeting, by=self.ent_user)
        self.assertEqual((booking.enterprise, booking.status), (self.enterprise, BookingStatus.CONFIRMED))
        meeting.refresh_from_db()
        self.assertEqual(meeting.seats_taken, 1)

    def test_booking_an_unpublished_or_past_meeting_is_refused(self):
        with self.assertRaises(Conflict):
            services.booking_make(self.meeting, by=self.ent_user)  # a draft
        past = self.published(at=timezone.now() + timedelta(minutes=5))
        with self.assertRaises(Conflict) as raised:
            services.booking_make(past, by=self.ent_user, at=timezone.now() + timedelta(minutes=10))
        self.assertEqual(raised.exception.field, "meeting")
        self.assertFalse(Booking.objects.exists())

    def test_booking_beyond_capacity_or_twice_is_refused_and_writes_nothing(self):
        meeting = self.published(capacity=1)
        services.booking_make(meeting, by=self.ent_user)
        with self.assertRaises(Conflict) as twice:
            services.booking_make(meeting, by=self.ent_user)
        with self.assertRaises(Conflict) as full:
            services.booking_make(meeting, by=self.other_ent_user)
        self.assertEqual((twice.exception.field, full.exception.field), ("enterprise", "meeting"))
        meeting.refresh_from_db()
        self.assertEqual((meeting.seats_taken, meeting.bookings.count()), (1, 1))

    def test_staff_cannot_book(self):
        with self.assertRaises(NotPermitted):
            services.booking_make(self.published(), by=self.handler)

    def test_an_invitation_holds_a_seat_until_declined(self):
        meeting = self.published(capacity=1)
        invitation = services.invitation_send(meeting, enterprise=self.other_enterprise, by=self.district_leader)
        with self.assertRaises(Conflict):
            services.booking_make(meeting, by=self.ent_user)
        with self.assertRaises(Conflict):
            services.invitation_answer(invitation, accept=True, by=self.ent_user)  # not theirs
        services.invitation_answer(invitation, accept=False, by=self.other_ent_user)
        services.booking_make(meeting, by=self.ent_user)
        meeting.refresh_from_db()
        self.assertEqual(meeting.seats_taken, 1)

    def test_cancelling_frees_the_seat(self):
        meeting = self.published(capacity=1)
        booking = services.booking_make(meeting, by=self.ent_user)
        services.booking_cancel(booking, by=self.ent_user)
        services.booking_make(meeting, by=self.other_ent_user)
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).seats_taken, 1)


class HeldMeetingTests(MeetingTestCase):
    def hold(self):
        meeting = self.published()
        services.booking_make(meeting, by=self.ent_user)
        later = meeting.starts_at + timedelta(hours=2)
        services.attendance_record(meeting, enterprises=[self.enterprise, self.other_enterprise],
                                   minutes="议定三件事", by=self.district_leader, at=later)
        return meeting, later

    def test_attendance_and_minutes_hold_the_meeting(self):
        meeting, _later = self.hold()
        meeting.refresh_from_db()
        self.assertEqual((meeting.status, meeting.minutes), (MeetingStatus.HELD, "议定三件事"))
        self.assertEqual(meeting.bookings.filter(attended=True).count(), 2)  # the walk-in too

    def test_attendance_before_the_meeting_is_refused(self):
        with self.assertRaises(Conflict):
            services.attendance_record(self.published(), enterprises=[self.enterprise], by=self.district_leader)

    def test_problems_raised_become_cases_the_host_sees(self):
        meeting, later = self.hold()
        case = services.problem_raise(meeting, enterprise=self.enterprise, by=self.district_leader, at=later,
                                      problem=Problem("融资难", "流动资金贷款审批慢。"))
        self.assertEqual((case.source, case.intake.enterprise), (Source.BREAKFAST_MEETING, self.enterprise))
        self.assertEqual([p.case for p in meeting_cases(meeting)], [case])

    def test_a_problem_from_an_enterprise_that_did_not_attend_is_refused(self):
        meeting, _later = self.hold()
        third = enterprise_add(credit_code=credit_code(902), name="没来的公司")
        before = Case.objects.count()
        with self.assertRaises(Conflict):
            services.problem_raise(meeting, enterprise=third, by=self.district_leader, problem=Problem("a", "b"))
        with self.assertRaises(CaseInvalid):
            services.problem_raise(meeting, enterprise=self.enterprise, by=self.district_leader,
                                   problem=Problem("", "b"))
        with self.assertRaises(NotPermitted):
            services.problem_raise(meeting, enterprise=self.enterprise, by=self.handler, problem=Problem("a", "b"))
        self.assertEqual(Case.objects.count(), before)


class CoverageTests(MeetingTestCase):
    def test_every_four_above_enterprise_met_in_the_quarter(self):
        """四上: A met in Q3, B met in Q2 only, C (not 四上) met — Q3 coverage is A of {A, B}."""
        a, b = self.enterprise, self.other_enterprise
        type(a).objects.filter(pk__in=[a.pk, b.pk]).update(is_four_above=True)
        c = enterprise_add(credit_code=credit_code(903), name="非四上")
        user = account("c-user", "丙")
        from dajuan.enterprise.services import enterprise_user_add
        enterprise_user_add(user=user, enterprise=c)
        for when, who in [(datetime(2026, 8, 5, 7, 30, tzinfo=SHANGHAI), [a, c]),
                          (datetime(2026, 5, 5, 7, 30, tzinfo=SHANGHAI), [b])]:
            meeting = services.meeting_plan(starts_at=when, place="A", topic="B", capacity=5,
                                            host=self.district_leader, by=self.dispatcher)
            services.meeting_publish(meeting, by=self.dispatcher, at=when - timedelta(days=3))
            services.attendance_record(meeting, enterprises=who, by=self.district_leader,
                                       at=when + timedelta(hours=1))
        q3 = four_above_coverage(2026, 3)
        self.assertEqual((q3.total, q3.covered, [e.pk for e in q3.missing]), (2, 1, [b.pk]))
        self.assertEqual(four_above_coverage(2026, 2).covered, 1)
        self.assertEqual(four_above_coverage(2026, 1).covered, 0)
        self.assertEqual(date(2026, 7, 1), q3.start)
