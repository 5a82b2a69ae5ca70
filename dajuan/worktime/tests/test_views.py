from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dajuan.core.models import AuditEntry
from dajuan.testing import DistrictTestCase, choose_language
from dajuan.worktime import services
from dajuan.worktime.models import CalendarYear, Holiday
from dajuan.worktime.tests.util import day, store_admin_rows

LIST = reverse("worktime:holiday-list")
SET = reverse("worktime:holiday-set")
MARK = reverse("worktime:calendar-year-mark")


class HolidayPageTests(DistrictTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        store_admin_rows(cls.admin)

    def setUp(self):
        self.client.force_login(self.admin)
        choose_language(self.client, "en")  # the assertions read English msgids

    def test_admin_sees_the_effective_calendar(self):
        response = self.client.get(LIST, {"year": 2026})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Working-day calendar 2026")
        self.assertContains(response, "Local closure")  # an administrator's row
        self.assertContains(response, "Spring Festival")  # the package's holidays and make-up days
        self.assertContains(response, "2026-02-14")
        self.assertContains(response, "Local exception")  # overrides the package's make-up Saturday
        self.assertContains(response, "National schedule:")
        self.assertNotContains(response, 'id="coverage-warning"')
        rows = {row.date: row for row in response.context["overview"].rows}
        self.assertIs(rows[day("2026-05-09")].overrides_package, True)
        self.assertIs(rows[day("2026-05-09")].is_workday, False)

    def test_uncovered_year_shows_the_weekday_rule_warning(self):
        response = self.client.get(LIST, {"year": 2027})
        self.assertContains(response, 'id="coverage-warning"')
        self.assertContains(response, "Weekday rule in use.")
        self.assertContains(response, "Mark 2027 as covered")

    def test_marked_year_shows_no_warning(self):
        services.calendar_year_mark(year=2027, note="国办发明电", by=self.admin)
        response = self.client.get(LIST, {"year": 2027})
        self.assertNotContains(response, 'id="coverage-warning"')
        self.assertContains(response, "国办发明电")
        self.assertContains(response, reverse("worktime:calendar-year-unmark", args=[CalendarYear.objects.get().pk]))

    def test_default_year_is_this_year_and_a_bad_year_says_so(self):
        from django.utils import timezone

        this_year = timezone.localdate().year
        self.assertEqual(self.client.get(LIST).context["overview"].year, this_year)
        response = self.client.get(LIST, {"year": "20x7"})
        self.assertEqual(response.context["overview"].year, this_year)
        self.assertContains(response, "cannot be shown")
        self.assertEqual(self.client.get(LIST, {"year": 1999}).context["overview"].year, this_year)

    def test_edit_loads_the_row_into_the_form(self):
        response = self.client.get(LIST, {"edit": "2026-03-10"})
        form = response.context["holiday_form"]
        self.assertEqual((form.initial["name"], form.initial["is_workday"]), ("Local closure", "0"))
        self.assertEqual(response.context["overview"].year, 2026)
        self.assertEqual(self.client.get(LIST, {"edit": "2026-02-30"}).status_code, 200)

    def test_page_queries_do_not_grow_with_the_rows(self):
        with CaptureQueriesContext(connection) as few:
            self.client.get(LIST, {"year": 2027})
        for n in range(10, 30):
            services.holiday_set(date=day(f"2027-03-{n}"), is_workday=False, name="Closure", by=self.admin)
        with CaptureQueriesContext(connection) as many:
            self.client.get(LIST, {"year": 2027})
        self.assertEqual(len(few), len(many))

    def test_others_are_refused(self):
        for persona in ["handler", "dispatcher", "supervisor", "nobody"]:
            with self.subTest(persona=persona):
                self.client.force_login(getattr(self, persona))
                self.assertEqual(self.client.get(LIST).status_code, 403)
                self.assertEqual(self.client.post(SET, {"date": "2026-03-11", "is_workday": "0",
                                                         "name": "x"}).status_code, 403)
                self.assertEqual(self.client.post(MARK, {"year": "2027"}).status_code, 403)
        self.assertFalse(Holiday.objects.filter(date=day("2026-03-11")).exists())
        self.assertFalse(CalendarYear.objects.exists())

    def test_anonymous_is_sent_to_login(self):
        self.client.logout()
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])


class HolidayFormTests(DistrictTestCase):
    def setUp(self):
        self.client.force_login(self.admin)
        choose_language(self.client, "en")  # the assertions read English msgids

    def test_admin_adds_a_day(self):
        response = self.client.post(SET, {"date": "2027-02-06", "is_workday": "1", "name": "Spring Festival",
                                          "note": "make-up"})
        self.assertRedirects(response, f"{LIST}?year=2027")
        holiday = Holiday.objects.get()
        self.assertEqual((holiday.date, holiday.is_workday, holiday.note), (day("2027-02-06"), True, "make-up"))
        self.assertTrue(AuditEntry.objects.filter(action="holiday_created", actor=self.admin).exists())

    def test_a_missing_name_is_shown_at_the_field_and_the_input_kept(self):
        response = self.client.post(SET, {"date": "2027-02-06", "is_workday": "1", "name": "",
                                          "note": "keep this note"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["holiday_form"].errors), ["name"])
        self.assertContains(response, "This field is required.")
        self.assertContains(response, 'value="keep this note"')
        self.assertContains(response, 'value="2027-02-06"')
        self.assertContains(response, "is-invalid")
        self.assertEqual(response.context["overview"].year, 2027)
        self.assertFalse(Holiday.objects.exists())

    def test_a_service_refusal_is_shown_at_its_field(self):
        """The form accepts any date; the service refuses 1999 and names the date field."""
        response = self.client.post(SET, {"date": "1999-05-01", "is_workday": "0", "name": "Old closure"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("out of range", response.context["holiday_form"].errors["date"][0])
        self.assertContains(response, 'value="Old closure"')
        self.assertFalse(Holiday.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_a_malformed_date_keeps_the_rest(self):
        response = self.client.post(SET, {"date": "2027-02-30", "is_workday": "0", "name": "Closure"})
        self.assertEqual(list(response.context["holiday_form"].errors), ["date"])
        self.assertContains(response, 'value="Closure"')

    def test_delete(self):
        holiday = services.holiday_set(date=day("2026-03-10"), is_workday=False, name="Closure", by=self.admin)
        response = self.client.post(reverse("worktime:holiday-delete", args=[holiday.pk]))
        self.assertRedirects(response, f"{LIST}?year=2026")
        self.assertFalse(Holiday.objects.exists())
        self.assertEqual(self.client.post(reverse("worktime:holiday-delete", args=[holiday.pk])).status_code, 404)

    def test_handler_cannot_delete(self):
        holiday = services.holiday_set(date=day("2026-03-10"), is_workday=False, name="Closure", by=self.admin)
        self.client.force_login(self.handler)
        self.assertEqual(self.client.post(reverse("worktime:holiday-delete", args=[holiday.pk])).status_code, 403)
        self.assertTrue(Holiday.objects.exists())

    def test_mark_and_unmark_a_year(self):
        response = self.client.post(MARK, {"year": "2027", "note": "国办发明电"})
        self.assertRedirects(response, f"{LIST}?year=2027")
        marked = CalendarYear.objects.get()
        self.assertEqual(marked.note, "国办发明电")
        response = self.client.post(reverse("worktime:calendar-year-unmark", args=[marked.pk]))
        self.assertRedirects(response, f"{LIST}?year=2027")
        self.assertFalse(CalendarYear.objects.exists())

    def test_a_bad_mark_is_shown(self):
        response = self.client.post(MARK, {"year": "1999", "note": "typo"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("out of range", response.context["year_form"].errors["year"][0])
        self.assertContains(response, "out of range")
        self.assertFalse(CalendarYear.objects.exists())

    def test_writes_need_post(self):
        self.assertEqual(self.client.get(SET).status_code, 405)
        self.assertEqual(self.client.get(MARK).status_code, 405)
