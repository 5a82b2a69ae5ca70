from datetime import date, datetime

from django.utils import translation

from dajuan.core.errors import NotFound, NotPermitted, ValidationFailed
from dajuan.core.models import AuditEntry
from dajuan.testing import DistrictTestCase
from dajuan.worktime import services
from dajuan.worktime.errors import ImportRejected
from dajuan.worktime.models import CalendarYear, Holiday

REFUSED = ["dispatcher", "handler", "supervisor", "district_leader", "nobody"]

GOOD = {"date": date(2026, 3, 10), "is_workday": False, "name": "Local closure", "note": "water main repair"}

BAD_HOLIDAYS = [  # changes to GOOD, field named
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 51}, "name"),
    ({"note": "x" * 201}, "note"),
    ({"date": date(1999, 12, 31)}, "date"),
    ({"date": date(2101, 1, 1)}, "date"),
    ({"date": "2026-03-10"}, "date"),
    ({"date": datetime(2026, 3, 10, 9, 0)}, "date"),
    ({"is_workday": "yes"}, "is_workday"),
]


class HolidaySetTests(DistrictTestCase):
    def audits(self, action=None):
        rows = AuditEntry.objects.filter(object_type="worktime.holiday")
        return rows.filter(action=action) if action else rows

    def test_admin_creates_a_row_and_an_audit_entry(self):
        holiday = services.holiday_set(**GOOD, by=self.admin)
        self.assertEqual((holiday.date, holiday.is_workday, holiday.name, holiday.note),
                         (date(2026, 3, 10), False, "Local closure", "water main repair"))
        entry = self.audits().get()
        self.assertEqual((entry.action, entry.actor, entry.object_id, entry.before),
                         ("holiday_created", self.admin, str(holiday.pk), {}))
        self.assertEqual(entry.after, {"date": "2026-03-10", "is_workday": False, "name": "Local closure",
                                       "note": "water main repair"})

    def test_setting_the_same_date_again_changes_the_row(self):
        first = services.holiday_set(**GOOD, by=self.admin)
        second = services.holiday_set(**{**GOOD, "is_workday": True, "name": " Make-up day "}, by=self.admin)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Holiday.objects.get().name, "Make-up day")
        entry = self.audits("holiday_changed").get()
        self.assertEqual((entry.before["is_workday"], entry.after["is_workday"]), (False, True))
        self.assertEqual(entry.after["name"], "Make-up day")

    def test_an_unchanged_row_writes_nothing(self):
        services.holiday_set(**GOOD, by=self.admin)
        services.holiday_set(**GOOD, by=self.admin)
        self.assertEqual(self.audits().count(), 1)

    def test_other_personas_are_refused_and_nothing_is_written(self):
        for persona in REFUSED:
            with self.subTest(persona=persona), self.assertRaises(NotPermitted):
                services.holiday_set(**GOOD, by=getattr(self, persona))
        self.assertFalse(Holiday.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_bad_input_names_the_field_and_writes_nothing(self):
        for changes, field in BAD_HOLIDAYS:
            with self.subTest(changes=str(changes)[:40]):
                with self.assertRaises(ValidationFailed) as raised:
                    services.holiday_set(**{**GOOD, **changes}, by=self.admin)
                self.assertEqual(raised.exception.field, field)
                self.assertTrue(str(raised.exception.message))
        self.assertFalse(Holiday.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())


class HolidayDeleteTests(DistrictTestCase):
    def setUp(self):
        self.holiday = services.holiday_set(**GOOD, by=self.admin)

    def test_admin_deletes_and_the_before_is_kept(self):
        pk = self.holiday.pk
        services.holiday_delete(self.holiday, by=self.admin)
        self.assertFalse(Holiday.objects.exists())
        entry = AuditEntry.objects.get(action="holiday_deleted")
        self.assertEqual((entry.object_id, entry.before["name"], entry.after), (str(pk), "Local closure", {}))

    def test_deleting_twice_is_not_found(self):
        services.holiday_delete(self.holiday, by=self.admin)
        with self.assertRaises(NotFound):
            services.holiday_delete(self.holiday, by=self.admin)
        self.assertEqual(AuditEntry.objects.filter(action="holiday_deleted").count(), 1)

    def test_other_personas_are_refused(self):
        for persona in REFUSED:
            with self.subTest(persona=persona), self.assertRaises(NotPermitted):
                services.holiday_delete(self.holiday, by=getattr(self, persona))
        self.assertTrue(Holiday.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="holiday_deleted").exists())


class CalendarYearTests(DistrictTestCase):
    def test_admin_marks_a_year(self):
        marked = services.calendar_year_mark(year=2027, note=" 国办发明电〔2026〕号 ", by=self.admin)
        self.assertEqual((marked.year, marked.note), (2027, "国办发明电〔2026〕号"))
        entry = AuditEntry.objects.get(object_type="worktime.calendaryear")
        self.assertEqual((entry.action, entry.after), ("calendar_year_marked", {"year": 2027,
                                                                                "note": "国办发明电〔2026〕号"}))

    def test_marking_again_changes_only_the_note(self):
        services.calendar_year_mark(year=2027, note="a", by=self.admin)
        services.calendar_year_mark(year=2027, note="a", by=self.admin)
        services.calendar_year_mark(year=2027, note="b", by=self.admin)
        self.assertEqual(CalendarYear.objects.get().note, "b")
        self.assertEqual(list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)),
                         ["calendar_year_marked", "calendar_year_changed"])

    def test_bad_year_names_the_field_and_writes_nothing(self):
        for year in [1999, 2101, "2027", 2027.0, True, None]:
            with self.subTest(year=year):
                with self.assertRaises(ValidationFailed) as raised:
                    services.calendar_year_mark(year=year, note="", by=self.admin)
                self.assertEqual(raised.exception.field, "year")
        with self.assertRaises(ValidationFailed) as raised:
            services.calendar_year_mark(year=2027, note="x" * 201, by=self.admin)
        self.assertEqual(raised.exception.field, "note")
        self.assertFalse(CalendarYear.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_other_personas_are_refused(self):
        for persona in REFUSED:
            with self.subTest(persona=persona), self.assertRaises(NotPermitted):
                services.calendar_year_mark(year=2027, note="", by=getattr(self, persona))
        self.assertFalse(CalendarYear.objects.exists())

    def test_unmark(self):
        marked = services.calendar_year_mark(year=2027, note="a", by=self.admin)
        with self.assertRaises(NotPermitted):
            services.calendar_year_unmark(marked, by=self.handler)
        services.calendar_year_unmark(marked, by=self.admin)
        self.assertFalse(CalendarYear.objects.exists())
        self.assertEqual(AuditEntry.objects.get(action="calendar_year_unmarked").before, {"year": 2027, "note": "a"})
        with self.assertRaises(NotFound):
            services.calendar_year_unmark(marked, by=self.admin)


class HolidaysImportTests(DistrictTestCase):
    ROWS = [
        ["date", "is_workday", "name", "note"],
        ["2027-02-06", "1", "Spring Festival", "make-up Saturday"],
        ["2027-02-08", "班", "Spring Festival"],
        ["2027-02-09", "0", "Spring Festival", ""],
        [],
        ["2027-02-10", "休", "Spring Festival", ""],
    ]

    def test_imports_all_rows_with_one_audit_entry_each(self):
        summary = services.holidays_import(self.ROWS, by=self.admin)
        self.assertEqual(summary, services.ImportSummary(created=4, changed=0, unchanged=0, dry_run=False))
        self.assertEqual(list(Holiday.objects.values_list("date", "is_workday")),
                         [(date(2027, 2, 6), True), (date(2027, 2, 8), True), (date(2027, 2, 9), False),
                          (date(2027, 2, 10), False)])
        self.assertEqual(AuditEntry.objects.filter(action="holiday_created").count(), 4)

    def test_a_second_import_changes_only_what_differs(self):
        services.holidays_import(self.ROWS, by=self.admin)
        rows = [list(row) for row in self.ROWS]
        rows[2] = ["2027-02-08", "0", "Spring Festival"]
        summary = services.holidays_import(rows, by=self.admin)
        self.assertEqual((summary.created, summary.changed, summary.unchanged), (0, 1, 3))
        self.assertEqual(AuditEntry.objects.filter(action="holiday_changed").count(), 1)

    def test_dry_run_counts_and_saves_nothing(self):
        summary = services.holidays_import(self.ROWS, by=self.admin, dry_run=True)
        self.assertEqual((summary.created, summary.dry_run), (4, True))
        self.assertFalse(Holiday.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_one_bad_line_rejects_the_file_and_lists_every_problem(self):
        rows = [*self.ROWS, ["2027-02-30", "1", "x"], ["2027-02-11", "maybe", "x"], ["2027-02-12", "1", ""],
                ["2027-02-06", "1", "again"], ["2027-02-13", "1"]]
        with translation.override("en"), self.assertRaises(ImportRejected) as raised:
            services.holidays_import(rows, by=self.admin)
        problems = raised.exception.problems
        self.assertEqual([p.split(":")[0] for p in problems], ["line 7", "line 8", "line 9", "line 10", "line 11"])
        self.assertIn("2027-02-30", problems[0])
        self.assertIn("line 2", problems[3])  # the duplicate names the first occurrence
        self.assertFalse(Holiday.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_an_empty_file_is_refused(self):
        with self.assertRaises(ValidationFailed):
            services.holidays_import([["date", "is_workday", "name", "note"]], by=self.admin)

    def test_other_personas_are_refused(self):
        with self.assertRaises(NotPermitted):
            services.holidays_import(self.ROWS, by=self.handler)
        self.assertFalse(Holiday.objects.exists())
