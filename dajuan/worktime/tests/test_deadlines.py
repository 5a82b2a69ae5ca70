"""Table-driven deadlines over the 2026 national schedule, an uncovered 2027 and the holiday table
of util.ADMIN_ROWS (closure Tue 10 Mar, make-up Sun 15 Mar, Sat 9 May off; 2027-02-06 make-up,
2027-02-08 off). Office hours 08:30–17:30, claim cut-off 16:00, next-day claim by 12:00."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from dajuan.core.errors import ValidationFailed
from dajuan.testing import DistrictTestCase
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import (
    Deadline,
    add_working_days,
    add_working_hours,
    claim_due,
    shift_by_working_time,
    shift_for_pause,
    working_time_between,
)
from dajuan.worktime.errors import DeadlineOutOfRange
from dajuan.worktime.services import calendar_year_mark
from dajuan.worktime.tests.util import SHANGHAI, at, store_admin_rows, unsaved_admin_rows

ADD_WORKING_DAYS = [  # start, days, due, covered, why
    ("2026-03-05 10:00", 1, "2026-03-06 17:30", True, "Thursday + 1 → Friday's close"),
    ("2026-03-05 23:59", 1, "2026-03-06 17:30", True, "the time of day does not matter"),
    ("2026-03-06 10:00", 1, "2026-03-09 17:30", True, "Friday + 1 → Monday"),
    ("2026-03-07 10:00", 1, "2026-03-09 17:30", True, "from a Saturday, counting starts Sunday"),
    ("2026-03-05 10:00", 0, "2026-03-05 17:30", True, "0 on a working day: that day's close"),
    ("2026-03-07 10:00", 0, "2026-03-09 17:30", True, "0 on a Saturday: the next working day"),
    ("2026-02-12 10:00", 2, "2026-02-14 17:30", True, "the make-up Saturday counts"),
    ("2026-02-13 10:00", 2, "2026-02-24 17:30", True, "make-up Saturday, then Spring Festival 15–23"),
    ("2026-02-14 10:00", 1, "2026-02-24 17:30", True, "from the make-up Saturday across Spring Festival"),
    ("2026-02-27 10:00", 1, "2026-02-28 17:30", True, "the make-up Saturday after the festival"),
    ("2026-01-02 10:00", 1, "2026-01-04 17:30", True, "New Year: the make-up Sunday"),
    ("2026-09-19 10:00", 1, "2026-09-20 17:30", True, "make-up Sunday before National Day"),
    ("2026-09-28 10:00", 5, "2026-10-10 17:30", True, "29, 30 Sep, 8, 9 Oct, make-up Saturday 10 Oct"),
    ("2026-09-30 10:00", 1, "2026-10-08 17:30", True, "the National Day week is skipped"),
    ("2026-10-01 10:00", 0, "2026-10-08 17:30", True, "0 on a holiday"),
    ("2026-03-09 10:00", 1, "2026-03-11 17:30", True, "admin closure on Tuesday 10 Mar"),
    ("2026-03-13 10:00", 1, "2026-03-15 17:30", True, "admin make-up Sunday 15 Mar"),
    ("2026-05-08 10:00", 1, "2026-05-11 17:30", True, "admin turned the make-up Saturday 9 May off"),
    ("2026-12-31 10:00", 1, "2027-01-01 17:30", False, "2027 unknown: Friday by the weekday rule"),
    ("2027-01-07 10:00", 1, "2027-01-08 17:30", False, "inside the uncovered year"),
    ("2027-02-05 10:00", 1, "2027-02-06 17:30", False, "admin make-up Saturday in an uncovered year"),
    ("2027-02-06 10:00", 1, "2027-02-09 17:30", False, "admin day off on Monday 8 Feb 2027"),
]

ADD_WORKING_HOURS = [  # start, hours, due, covered, why
    ("2026-03-05 10:00", 2, "2026-03-05 12:00", True, "inside one office day"),
    ("2026-03-05 10:00", Decimal("0.25"), "2026-03-05 10:15", True, "a quarter of an hour, as Decimal"),
    ("2026-03-05 16:30", 2, "2026-03-06 09:30", True, "across a night"),
    ("2026-03-06 16:30", 2, "2026-03-09 09:30", True, "across a weekend"),
    ("2026-03-05 15:30", 2, "2026-03-05 17:30", True, "ends exactly at closing time"),
    ("2026-03-05 07:00", 0.5, "2026-03-05 09:00", True, "a start before opening counts from 08:30"),
    ("2026-03-05 20:00", 2, "2026-03-06 10:30", True, "a start after closing counts from the next opening"),
    ("2026-03-07 12:00", 0, "2026-03-09 08:30", True, "0 hours on a Saturday: the next opening"),
    ("2026-03-05 08:30", 9, "2026-03-05 17:30", True, "a whole office day"),
    ("2026-03-05 08:30", 9.5, "2026-03-06 09:00", True, "a day and a half hour"),
    ("2026-02-13 16:30", 2, "2026-02-14 09:30", True, "into the make-up Saturday"),
    ("2026-02-14 16:30", 2, "2026-02-24 09:30", True, "across Spring Festival"),
    ("2026-09-30 17:00", 1, "2026-10-08 09:00", True, "across National Day"),
    ("2026-03-09 16:30", 2, "2026-03-11 09:30", True, "across the admin closure"),
    ("2027-01-08 16:30", 2, "2027-01-11 09:30", False, "uncovered year"),
]

CLAIM_DUE = [  # dispatched, due, covered, why
    ("2026-03-05 10:00", "2026-03-05 17:30", True, "before the cut-off: same day"),
    ("2026-03-05 07:15", "2026-03-05 17:30", True, "before opening counts as the same day"),
    ("2026-03-05 15:59", "2026-03-05 17:30", True, "a minute before the cut-off"),
    ("2026-03-05 16:00", "2026-03-06 12:00", True, "at the cut-off: next working day noon"),
    ("2026-03-05 16:30", "2026-03-06 12:00", True, "after the cut-off"),
    ("2026-03-05 22:00", "2026-03-06 12:00", True, "at night"),
    ("2026-03-06 16:30", "2026-03-09 12:00", True, "Friday after the cut-off → Monday noon"),
    ("2026-03-07 10:00", "2026-03-09 12:00", True, "on a Saturday"),
    ("2026-10-01 10:00", "2026-10-08 12:00", True, "on National Day"),
    ("2026-02-17 10:00", "2026-02-24 12:00", True, "during Spring Festival"),
    ("2026-02-13 16:30", "2026-02-14 12:00", True, "Friday after the cut-off → the make-up Saturday"),
    ("2026-02-14 10:00", "2026-02-14 17:30", True, "on the make-up Saturday itself"),
    ("2026-02-14 16:30", "2026-02-24 12:00", True, "make-up Saturday after the cut-off"),
    ("2026-03-09 16:30", "2026-03-11 12:00", True, "the next day is an admin closure"),
    ("2026-03-10 10:00", "2026-03-11 12:00", True, "on an admin closure"),
    ("2026-03-15 10:00", "2026-03-15 17:30", True, "on the admin make-up Sunday"),
    ("2026-12-31 10:00", "2026-12-31 17:30", True, "last day of a covered year"),
    ("2026-12-31 16:30", "2027-01-01 12:00", False, "into the uncovered year"),
]

WORKING_TIME_BETWEEN = [  # start, end, hours, covered, why
    ("2026-03-05 10:00", "2026-03-05 12:00", 2, True, "inside one day"),
    ("2026-03-05 16:30", "2026-03-06 09:30", 2, True, "across a night"),
    ("2026-03-06 16:30", "2026-03-09 09:30", 2, True, "across a weekend"),
    ("2026-03-05 00:00", "2026-03-06 00:00", 9, True, "a whole calendar day is nine office hours"),
    ("2026-03-07 09:00", "2026-03-08 18:00", 0, True, "a weekend holds none"),
    ("2026-03-05 20:00", "2026-03-06 07:00", 0, True, "a night holds none"),
    ("2026-09-30 08:30", "2026-10-08 17:30", 18, True, "National Day week in between"),
    ("2026-02-14 12:00", "2026-02-24 10:00", 7, True, "make-up Saturday then Spring Festival"),
    ("2026-03-09 08:30", "2026-03-11 08:30", 9, True, "the admin closure holds none"),
    ("2026-03-06 12:00", "2026-03-05 12:00", -9, True, "backwards is negative"),
    ("2026-03-05 12:00", "2026-03-05 12:00", 0, True, "the same instant"),
    ("2027-01-08 16:30", "2027-01-11 09:30", 2, False, "uncovered year"),
]

SHIFT_BY_WORKING_TIME = [  # deadline, hours, moved, why
    ("2026-03-05 17:30", 2, "2026-03-06 10:30", "from closing time, the next morning"),
    ("2026-03-06 17:30", 9, "2026-03-09 17:30", "a whole office day over a weekend"),
    ("2026-03-05 12:00", 6, "2026-03-06 09:00", "noon plus six hours"),
    ("2026-03-05 17:30", 0, "2026-03-05 17:30", "no shift, no move"),
    ("2026-03-07 12:00", 0, "2026-03-07 12:00", "no shift, even on a Saturday"),
    ("2026-02-13 17:30", 9, "2026-02-14 17:30", "onto the make-up Saturday"),
    ("2026-02-14 17:30", 1, "2026-02-24 09:30", "across Spring Festival"),
]


class DeadlineTableTests(DistrictTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        store_admin_rows(cls.admin)

    def setUp(self):
        self.calendar = WorkCalendar.current()

    def test_add_working_days(self):
        for start, days, due, covered, why in ADD_WORKING_DAYS:
            with self.subTest(start=start, days=days, why=why):
                self.assertEqual(add_working_days(at(start), days, self.calendar), Deadline(at(due), covered))

    def test_add_working_hours(self):
        for start, hours, due, covered, why in ADD_WORKING_HOURS:
            with self.subTest(start=start, hours=hours, why=why):
                self.assertEqual(add_working_hours(at(start), hours, self.calendar), Deadline(at(due), covered))

    def test_claim_due(self):
        for dispatched, due, covered, why in CLAIM_DUE:
            with self.subTest(dispatched=dispatched, why=why):
                self.assertEqual(claim_due(at(dispatched), self.calendar), Deadline(at(due), covered))

    def test_working_time_between(self):
        for start, end, hours, covered, why in WORKING_TIME_BETWEEN:
            with self.subTest(start=start, end=end, why=why):
                result = working_time_between(at(start), at(end), self.calendar)
                self.assertEqual((result.duration, result.hours, result.covered),
                                 (timedelta(hours=hours), hours, covered))

    def test_shift_by_working_time(self):
        for deadline, hours, moved, why in SHIFT_BY_WORKING_TIME:
            with self.subTest(deadline=deadline, hours=hours, why=why):
                result = shift_by_working_time(at(deadline), timedelta(hours=hours), self.calendar)
                self.assertEqual(result, Deadline(at(moved), True))

    def test_a_calendar_year_row_makes_2027_deadlines_covered(self):
        calendar_year_mark(year=2027, note="", by=self.admin)
        result = add_working_days(at("2027-02-05 10:00"), 1, WorkCalendar.current())
        self.assertEqual(result, Deadline(at("2027-02-06 17:30"), True))

    def test_fixed_rows_give_the_same_answers(self):
        """A calendar built from unsaved rows (previews) agrees with the stored one."""
        fixed = WorkCalendar(holidays=unsaved_admin_rows(), covered_years=[])
        for start, days, due, covered, why in ADD_WORKING_DAYS:
            with self.subTest(start=start, days=days, why=why):
                self.assertEqual(add_working_days(at(start), days, fixed), Deadline(at(due), covered))

    def test_results_are_in_shanghai_time(self):
        from datetime import UTC, datetime

        result = claim_due(datetime(2026, 3, 5, 2, 0, tzinfo=UTC), self.calendar)  # 10:00 in Shanghai
        self.assertEqual(result.at.tzinfo, SHANGHAI)
        self.assertEqual(result.at, at("2026-03-05 17:30"))


class PauseTests(DistrictTestCase):
    """挂起/恢复: the clock stops for the office time the case was suspended."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        store_admin_rows(cls.admin)

    def test_pause_moves_the_deadline_by_the_office_time_paused(self):
        # Mon 16:30 → Wed 09:30 with Tuesday closed: 1 h + 0 + 1 h.
        result = shift_for_pause(at("2026-03-12 17:30"), paused_from=at("2026-03-09 16:30"),
                                 paused_until=at("2026-03-11 09:30"), calendar=WorkCalendar.current())
        self.assertEqual(result, Deadline(at("2026-03-13 10:30"), True))

    def test_pause_outside_office_hours_moves_nothing(self):
        result = shift_for_pause(at("2026-03-12 17:30"), paused_from=at("2026-03-06 18:00"),
                                 paused_until=at("2026-03-09 08:00"), calendar=WorkCalendar.current())
        self.assertEqual(result, Deadline(at("2026-03-12 17:30"), True))

    def test_overdue_stays_overdue_by_the_same_amount(self):
        calendar = WorkCalendar.current()
        due, paused_from, paused_until = at("2026-03-05 12:00"), at("2026-03-05 15:00"), at("2026-03-06 10:00")
        overdue_before = working_time_between(due, paused_from, calendar).duration
        moved = shift_for_pause(due, paused_from=paused_from, paused_until=paused_until, calendar=calendar)
        self.assertEqual(working_time_between(moved.at, paused_until, calendar).duration, overdue_before)

    def test_pause_into_an_uncovered_year_is_not_covered(self):
        result = shift_for_pause(at("2026-12-31 17:30"), paused_from=at("2026-12-31 09:30"),
                                 paused_until=at("2027-01-04 09:30"), calendar=WorkCalendar.current())
        self.assertIs(result.covered, False)

    def test_a_pause_cannot_end_before_it_starts(self):
        with self.assertRaises(ValidationFailed) as raised:
            shift_for_pause(at("2026-03-12 17:30"), paused_from=at("2026-03-09 16:30"),
                            paused_until=at("2026-03-09 16:00"), calendar=WorkCalendar.current())
        self.assertEqual(raised.exception.field, "paused_until")


class BadInputTests(SimpleTestCase):
    def setUp(self):
        self.calendar = WorkCalendar(holidays=[], covered_years=[])

    def test_bad_amounts_name_the_field(self):
        cases = [
            (lambda: add_working_days(at("2026-03-05 10:00"), -1, self.calendar), "days"),
            (lambda: add_working_days(at("2026-03-05 10:00"), 1.5, self.calendar), "days"),
            (lambda: add_working_days(at("2026-03-05 10:00"), True, self.calendar), "days"),
            (lambda: add_working_hours(at("2026-03-05 10:00"), -0.5, self.calendar), "hours"),
            (lambda: add_working_hours(at("2026-03-05 10:00"), "2", self.calendar), "hours"),
            (lambda: add_working_hours(at("2026-03-05 10:00"), float("nan"), self.calendar), "hours"),
            (lambda: shift_by_working_time(at("2026-03-05 10:00"), timedelta(hours=-1), self.calendar),
             "duration"),
        ]
        for call, field in cases:
            with self.subTest(field=field):
                with self.assertRaises(ValidationFailed) as raised:
                    call()
                self.assertEqual(raised.exception.field, field)

    def test_naive_datetimes_are_refused(self):
        from datetime import datetime

        with self.assertRaises(ValueError):
            add_working_days(datetime(2026, 3, 5, 10, 0), 1, self.calendar)

    def test_absurd_walks_stop(self):
        with self.assertRaises(DeadlineOutOfRange):
            add_working_days(at("2026-03-05 10:00"), 5000, self.calendar)
        with self.assertRaises(DeadlineOutOfRange):
            add_working_hours(at("2026-03-05 10:00"), 50000, self.calendar)
        with self.assertRaises(DeadlineOutOfRange):
            working_time_between(at("2026-03-05 10:00"), at("2037-03-05 10:00"), self.calendar)


class SettingsTests(SimpleTestCase):
    """Office hours and claim times are read at call time and checked."""

    def setUp(self):
        self.calendar = WorkCalendar(holidays=[], covered_years=[])

    @override_settings(DAJUAN_OFFICE_OPENS="09:00", DAJUAN_OFFICE_CLOSES="17:00")
    def test_changed_office_hours_apply_at_call_time(self):
        self.assertEqual(add_working_days(at("2026-03-05 10:00"), 1, self.calendar).at, at("2026-03-06 17:00"))
        self.assertEqual(add_working_hours(at("2026-03-05 16:30"), 1, self.calendar).at, at("2026-03-06 09:30"))

    @override_settings(DAJUAN_CLAIM_CUTOFF="15:00", DAJUAN_CLAIM_NEXT_DAY_BY="10:00")
    def test_changed_claim_times_apply(self):
        self.assertEqual(claim_due(at("2026-03-05 15:30"), self.calendar).at, at("2026-03-06 10:00"))

    def test_cutoff_argument_overrides_the_setting(self):
        from datetime import time

        self.assertEqual(claim_due(at("2026-03-05 15:30"), self.calendar, cutoff=time(15, 0)).at,
                         at("2026-03-06 12:00"))

    def test_bad_settings_name_the_setting(self):
        cases = [
            ({"DAJUAN_OFFICE_CLOSES": "25:00"}, "DAJUAN_OFFICE_CLOSES"),
            ({"DAJUAN_OFFICE_CLOSES": "1730"}, "DAJUAN_OFFICE_CLOSES"),
            ({"DAJUAN_OFFICE_OPENS": "half past eight"}, "DAJUAN_OFFICE_OPENS"),
            ({"DAJUAN_OFFICE_OPENS": "18:00"}, "DAJUAN_OFFICE_OPENS"),  # after closing time
            ({"DAJUAN_CLAIM_CUTOFF": "18:00"}, "DAJUAN_CLAIM_CUTOFF"),  # after closing time
            ({"DAJUAN_CLAIM_CUTOFF": None}, "DAJUAN_CLAIM_CUTOFF"),
            ({"DAJUAN_CLAIM_NEXT_DAY_BY": "12:60"}, "DAJUAN_CLAIM_NEXT_DAY_BY"),
        ]
        for values, name in cases:
            with (self.subTest(**values), override_settings(**values),
                  self.assertRaisesMessage(ImproperlyConfigured, name)):
                claim_due(at("2026-03-05 10:00"), self.calendar)
