from datetime import UTC, datetime, timedelta

from django.test import SimpleTestCase
from django.utils import translation

from dajuan.testing import DistrictTestCase
from dajuan.worktime.calendar import DaySource, WorkCalendar, package_covers, package_exceptions
from dajuan.worktime.models import CalendarYear
from dajuan.worktime.services import calendar_year_mark, holiday_set
from dajuan.worktime.tests.util import ADMIN_ROWS, day, store_admin_rows, unsaved_admin_rows

# The national schedule as chinese-calendar 1.11 has it (国办发明电〔2025〕7号 for 2026).
PACKAGE_DAYS = [  # date, is workday, why
    ("2026-01-01", False, "New Year's Day, a Thursday"),
    ("2026-01-03", False, "New Year's Day holiday, a Saturday"),
    ("2026-01-04", True, "make-up working Sunday for New Year"),
    ("2026-02-13", True, "the Friday before Spring Festival"),
    ("2026-02-14", True, "make-up working Saturday (调休)"),
    ("2026-02-15", False, "Spring Festival holiday begins, a Sunday"),
    ("2026-02-17", False, "Spring Festival, a Tuesday"),
    ("2026-02-23", False, "Spring Festival holiday ends, a Monday"),
    ("2026-02-24", True, "first working day after Spring Festival"),
    ("2026-02-28", True, "make-up working Saturday (调休)"),
    ("2026-03-06", True, "an ordinary Friday"),
    ("2026-03-07", False, "an ordinary Saturday"),
    ("2026-09-20", True, "make-up working Sunday before National Day"),
    ("2026-10-01", False, "National Day"),
    ("2026-10-07", False, "National Day holiday ends, a Wednesday"),
    ("2026-10-08", True, "first working day after National Day"),
    ("2026-10-10", True, "make-up working Saturday after National Day"),
    ("2027-01-01", True, "2027 is not in the package: a Friday by the weekday rule"),
    ("2027-01-02", False, "2027 by the weekday rule: a Saturday"),
    ("2027-02-08", True, "2027 by the weekday rule: a Monday"),
    ("2003-01-01", True, "before the package's first year: a Wednesday by the weekday rule"),
]

# The same questions once the administrators' rows (util.ADMIN_ROWS) are stored.
WITH_ADMIN_ROWS = [  # date, is workday, source, why
    ("2026-03-10", False, DaySource.ADMIN, "local closure on a Tuesday"),
    ("2026-03-15", True, DaySource.ADMIN, "local make-up Sunday"),
    ("2026-05-09", False, DaySource.ADMIN, "the package's make-up Saturday overridden"),
    ("2026-05-08", True, DaySource.PACKAGE, "the day before is untouched"),
    ("2026-02-14", True, DaySource.PACKAGE, "package make-up Saturday without a row"),
    ("2027-02-06", True, DaySource.ADMIN, "make-up Saturday in a year the package lacks"),
    ("2027-02-08", False, DaySource.ADMIN, "day off on a Monday in a year the package lacks"),
    ("2027-02-09", True, DaySource.WEEKDAY, "no row: weekday rule"),
]


class PackageCalendarTests(SimpleTestCase):
    """chinese-calendar and the weekday rule alone (no holiday table, no database)."""

    def setUp(self):
        self.calendar = WorkCalendar(holidays=[], covered_years=[])

    def test_is_workday(self):
        for text, expected, why in PACKAGE_DAYS:
            with self.subTest(date=text, why=why):
                self.assertIs(self.calendar.is_workday(day(text)), expected)

    def test_covered_only_for_the_package_years(self):
        for year, expected in [(2004, True), (2026, True), (2003, False), (2027, False), (0, False), (10000, False)]:
            with self.subTest(year=year):
                self.assertIs(self.calendar.covered(year), expected)
                self.assertIs(package_covers(year), expected)

    def test_uncovered_year_never_raises(self):
        """The package raises NotImplementedError for 2027; the calendar answers by the weekday rule."""
        info = self.calendar.describe(day("2027-06-30"))
        self.assertEqual((info.is_workday, info.source, info.name), (True, DaySource.WEEKDAY, ""))

    def test_describe_names_the_package_day(self):
        with translation.override("en"):
            info = self.calendar.describe(day("2026-02-14"))
            self.assertEqual((info.is_workday, info.source, str(info.name)),
                             (True, DaySource.PACKAGE, "Spring Festival"))
            self.assertEqual(str(self.calendar.describe(day("2026-10-01")).name), "National Day")
        self.assertEqual(self.calendar.describe(day("2026-03-06")).name, "")

    def test_package_exceptions_list_holidays_and_make_up_days(self):
        days = {info.date: info.is_workday for info in package_exceptions(2026)}
        self.assertEqual([d for d, workday in days.items() if workday],
                         [day(t) for t in ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                           "2026-09-20", "2026-10-10"]])
        spring = [d for d in days if day("2026-02-01") <= d <= day("2026-02-27") and not days[d]]
        self.assertEqual(spring, [day(f"2026-02-{n}") for n in range(15, 24)])
        self.assertEqual(package_exceptions(2027), [])

    def test_aware_datetime_is_read_as_its_shanghai_date(self):
        # 20:00 UTC on Friday 6 March is 04:00 on Saturday 7 March in Shanghai.
        self.assertIs(self.calendar.is_workday(datetime(2026, 3, 6, 20, 0, tzinfo=UTC)), False)

    def test_naive_datetime_is_refused(self):
        with self.assertRaises(ValueError):
            self.calendar.is_workday(datetime(2026, 3, 6, 20, 0))

    def test_fixed_rows_win_over_the_package(self):
        calendar = WorkCalendar(holidays=unsaved_admin_rows(), covered_years=[])
        for text, expected, source, why in WITH_ADMIN_ROWS:
            with self.subTest(date=text, why=why):
                info = calendar.describe(day(text))
                self.assertEqual((info.is_workday, info.source), (expected, source))

    def test_fixed_covered_years(self):
        self.assertIs(WorkCalendar(holidays=[], covered_years=[2027]).covered(2027), True)


class StoredCalendarTests(DistrictTestCase):
    """The holiday table as administrators store it, read by WorkCalendar.current()."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        store_admin_rows(cls.admin)

    def test_admin_rows_win(self):
        calendar = WorkCalendar.current()
        for text, expected, source, why in WITH_ADMIN_ROWS:
            with self.subTest(date=text, why=why):
                info = calendar.describe(day(text))
                self.assertEqual((info.is_workday, info.source), (expected, source))

    def test_admin_row_names_the_day(self):
        self.assertEqual(WorkCalendar.current().describe(day("2026-03-10")).name, "Local closure")

    def test_one_query_per_year_of_rows(self):
        calendar = WorkCalendar.current()
        with self.assertNumQueries(1):
            for n in range(365):
                calendar.is_workday(day("2026-01-01") + timedelta(days=n))
        with self.assertNumQueries(0):
            calendar.is_workday(day("2026-07-01"))
            calendar.covered(2026)  # the package covers 2026: no need to read CalendarYear

    def test_calendar_years_read_once(self):
        calendar = WorkCalendar.current()
        with self.assertNumQueries(1):
            self.assertIs(calendar.covered(2027), False)
            self.assertIs(calendar.covered(2028), False)

    def test_calendar_year_row_makes_2027_covered(self):
        calendar_year_mark(year=2027, note="国办发明电", by=self.admin)
        self.assertIs(WorkCalendar.current().covered(2027), True)
        self.assertTrue(CalendarYear.objects.filter(year=2027).exists())

    def test_an_instance_keeps_what_it_read(self):
        """Documented: one instance per request or job; a later change needs a new instance."""
        calendar = WorkCalendar.current()
        self.assertIs(calendar.is_workday(day("2026-03-11")), True)
        holiday_set(date=day("2026-03-11"), is_workday=False, name="Flood", by=self.admin)
        self.assertIs(calendar.is_workday(day("2026-03-11")), True)
        self.assertIs(WorkCalendar.current().is_workday(day("2026-03-11")), False)

    def test_adjustments_lists_the_year_rows(self):
        rows = WorkCalendar.current().adjustments(2027)
        self.assertEqual([(h.date.isoformat(), h.is_workday, h.name) for h in rows],
                         [r for r in ADMIN_ROWS if r[0].startswith("2027")])
