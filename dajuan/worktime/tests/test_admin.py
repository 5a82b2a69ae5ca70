"""The Django admin writes through the services: same checks, same audit rows."""

from django.urls import reverse

from dajuan.core.models import AuditEntry
from dajuan.testing import DistrictTestCase
from dajuan.worktime import services
from dajuan.worktime.models import CalendarYear, Holiday
from dajuan.worktime.tests.util import day


class HolidayAdminTests(DistrictTestCase):
    def setUp(self):
        self.client.force_login(self.admin)

    def test_add_writes_an_audit_entry(self):
        response = self.client.post(reverse("admin:worktime_holiday_add"),
                                    {"date": "2027-02-06", "is_workday": "on", "name": "Spring Festival", "note": ""})
        self.assertEqual(response.status_code, 302)
        holiday = Holiday.objects.get()
        self.assertIs(holiday.is_workday, True)
        entry = AuditEntry.objects.get(action="holiday_created")
        self.assertEqual((entry.actor, entry.object_id), (self.admin, str(holiday.pk)))

    def test_change_writes_before_and_after(self):
        holiday = services.holiday_set(date=day("2027-02-08"), is_workday=False, name="Spring Festival",
                                       by=self.admin)
        response = self.client.post(reverse("admin:worktime_holiday_change", args=[holiday.pk]),
                                    {"name": "Spring Festival (local)", "note": "extended"})
        self.assertEqual(response.status_code, 302)
        entry = AuditEntry.objects.get(action="holiday_changed")
        self.assertEqual((entry.before["name"], entry.after["name"]), ("Spring Festival", "Spring Festival (local)"))
        self.assertEqual(Holiday.objects.get().date, day("2027-02-08"))  # the date is read-only

    def test_delete_writes_an_audit_entry(self):
        holiday = services.holiday_set(date=day("2027-02-08"), is_workday=False, name="Spring Festival",
                                       by=self.admin)
        response = self.client.post(reverse("admin:worktime_holiday_delete", args=[holiday.pk]), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Holiday.objects.exists())
        self.assertTrue(AuditEntry.objects.filter(action="holiday_deleted").exists())

    def test_bulk_delete_writes_one_entry_per_row(self):
        for n in (8, 9):
            services.holiday_set(date=day(f"2027-02-0{n}"), is_workday=False, name="Spring Festival", by=self.admin)
        response = self.client.post(reverse("admin:worktime_holiday_changelist"), {
            "action": "delete_selected", "post": "yes",
            "_selected_action": list(Holiday.objects.values_list("pk", flat=True))})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Holiday.objects.exists())
        self.assertEqual(AuditEntry.objects.filter(action="holiday_deleted").count(), 2)

    def test_service_validation_shows_in_the_admin_form(self):
        response = self.client.post(reverse("admin:worktime_holiday_add"),
                                    {"date": "1999-02-06", "name": "Old", "note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertIn("date", response.context["adminform"].form.errors)
        self.assertFalse(Holiday.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_calendar_year_add_and_delete(self):
        response = self.client.post(reverse("admin:worktime_calendaryear_add"), {"year": "2027", "note": "通知"})
        self.assertEqual(response.status_code, 302)
        marked = CalendarYear.objects.get()
        response = self.client.post(reverse("admin:worktime_calendaryear_delete", args=[marked.pk]), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)),
                         ["calendar_year_marked", "calendar_year_unmarked"])

    def test_calendar_year_out_of_range(self):
        response = self.client.post(reverse("admin:worktime_calendaryear_add"), {"year": "2206", "note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertIn("year", response.context["adminform"].form.errors)
        self.assertFalse(CalendarYear.objects.exists())

    def test_others_cannot_open_the_admin_pages(self):
        self.client.force_login(self.handler)
        response = self.client.get(reverse("admin:worktime_holiday_changelist"))
        self.assertEqual(response.status_code, 302)  # not staff: the admin login page
        self.assertIn(reverse("admin:login"), response["Location"])
