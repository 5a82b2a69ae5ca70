"""Derived deadline flags: due soon, overdue and by how much, paused while suspended."""

from datetime import datetime, timedelta

from django.test import override_settings
from django.utils import timezone

from dajuan.cases import transitions as t
from dajuan.cases.deadlines import due_soon_before, standing
from dajuan.cases.models import Case
from dajuan.cases.tests.loop_specs import lead, new_case
from dajuan.testing import LoopTestCase
from dajuan.worktime.calendar import WorkCalendar


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@override_settings(DAJUAN_DUE_SOON_WORKING_HOURS=8, DAJUAN_OFFICE_OPENS="08:30", DAJUAN_OFFICE_CLOSES="17:30")
class StandingTests(LoopTestCase):
    def setUp(self) -> None:
        # Dispatched Monday 2 March 2026 09:00 with 5 working days: due at the close of Monday 9 March.
        self.c = new_case(self)
        t.dispatch(self.c, lead_unit=self.housing, by=self.dispatcher, at=local(2026, 3, 2, 9, 0))
        self.calendar = WorkCalendar.current()

    def test_plenty_of_time_is_neither_due_soon_nor_overdue(self):
        s = standing(self.c, local(2026, 3, 3, 9, 0), self.calendar)
        self.assertEqual((s.overdue, s.due_soon, s.remaining), (False, False, timedelta(hours=44, minutes=30)))

    def test_the_last_working_day_is_due_soon(self):
        s = standing(self.c, local(2026, 3, 9, 9, 0), self.calendar)  # 8.5 office hours left
        self.assertEqual((s.due_soon, s.remaining), (False, timedelta(hours=8, minutes=30)))
        s = standing(self.c, local(2026, 3, 9, 10, 0), self.calendar)  # 7.5 hours left
        self.assertEqual((s.overdue, s.due_soon, s.remaining), (False, True, timedelta(hours=7, minutes=30)))

    def test_overdue_counts_office_time_past_the_deadline(self):
        s = standing(self.c, local(2026, 3, 10, 10, 0), self.calendar)  # Tuesday 08:30 → 10:00
        self.assertEqual((s.overdue, s.due_soon, s.overdue_by), (True, False, timedelta(hours=1, minutes=30)))
        s = standing(self.c, local(2026, 3, 9, 20, 0), self.calendar)  # after hours: late, by no office time yet
        self.assertEqual((s.overdue, s.overdue_by), (True, timedelta(0)))

    def test_a_suspended_case_is_measured_when_it_was_suspended(self):
        t.claim(lead(self.c), by=self.handler, at=local(2026, 3, 2, 9, 30))
        t.suspend(self.c, reason="等待检测。", by=self.dispatcher, at=local(2026, 3, 5, 9, 0))
        later = standing(Case.objects.get(pk=self.c.pk), local(2026, 4, 1, 9, 0), self.calendar)
        self.assertEqual((later.paused, later.overdue, later.remaining), (True, False, timedelta(hours=26, minutes=30)))

    def test_closed_cases_have_no_standing(self):
        self.assertIsNone(standing(new_case(self), timezone.now(), self.calendar))  # no deadline yet

    def test_due_soon_before_agrees_with_the_flag(self):
        at = local(2026, 3, 9, 10, 0)
        cutoff = due_soon_before(at, self.calendar)
        self.assertEqual(cutoff, local(2026, 3, 10, 9, 0))
        self.assertTrue(at <= self.c.reply_due < cutoff)
        self.assertTrue(standing(self.c, at, self.calendar).due_soon)
