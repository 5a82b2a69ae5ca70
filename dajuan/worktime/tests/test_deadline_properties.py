"""Invariants that hold for any start, checked on generated instants around the 2026/2027 boundary
(package year, uncovered year, and the holiday table of util.ADMIN_ROWS)."""

from datetime import datetime, timedelta

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import (
    add_working_days,
    add_working_hours,
    claim_due,
    shift_by_working_time,
    working_time_between,
)
from dajuan.worktime.tests.util import SHANGHAI, unsaved_admin_rows

CALENDAR = WorkCalendar(holidays=unsaved_admin_rows(), covered_years=[])
instants = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 3, 1), timezones=st.just(SHANGHAI))
quarter_hours = st.integers(min_value=0, max_value=40 * 4).map(lambda n: n / 4)


class DeadlinePropertyTests(SimpleTestCase):
    @settings(max_examples=150, deadline=None, database=None)
    @given(start=instants, hours=quarter_hours)
    def test_office_time_until_a_working_hours_deadline_is_the_hours_added(self, start, hours):
        due = add_working_hours(start, hours, CALENDAR)
        self.assertGreaterEqual(due.at, start)
        self.assertEqual(working_time_between(start, due.at, CALENDAR).duration, timedelta(hours=hours))

    @settings(max_examples=150, deadline=None, database=None)
    @given(start=instants, end=instants)
    def test_working_time_is_antisymmetric(self, start, end):
        forwards = working_time_between(start, end, CALENDAR).duration
        self.assertEqual(working_time_between(end, start, CALENDAR).duration, -forwards)

    @settings(max_examples=150, deadline=None, database=None)
    @given(deadline=instants, hours=quarter_hours)
    def test_a_shift_adds_exactly_that_office_time(self, deadline, hours):
        moved = shift_by_working_time(deadline, timedelta(hours=hours), CALENDAR)
        self.assertEqual(working_time_between(deadline, moved.at, CALENDAR).duration, timedelta(hours=hours))

    @settings(max_examples=150, deadline=None, database=None)
    @given(start=instants, days=st.integers(min_value=1, max_value=30))
    def test_working_days_deadline_is_a_working_day_close_after_the_start(self, start, days):
        due = add_working_days(start, days, CALENDAR)
        self.assertGreater(due.at, start)
        self.assertTrue(CALENDAR.is_workday(due.at))
        self.assertEqual((due.at.hour, due.at.minute), (17, 30))

    @settings(max_examples=150, deadline=None, database=None)
    @given(dispatched=instants)
    def test_a_claim_is_never_due_before_its_dispatch(self, dispatched):
        due = claim_due(dispatched, CALENDAR)
        self.assertGreater(due.at, dispatched)
        self.assertTrue(CALENDAR.is_workday(due.at))
