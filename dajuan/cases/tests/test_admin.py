"""The cases admin: the catalog is editable; cases, assignments and ledger events are read-only."""

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from dajuan.cases.models import Assignment, Case, Category, DeadlinePolicy, Event
from dajuan.testing import LoopTestCase

READ_ONLY = [Case, Assignment, Event]
EDITABLE = [Category, DeadlinePolicy]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:cases_{model._meta.model_name}_{view}", args=args)


class CasesAdminTests(LoopTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.admin)
        self.request = RequestFactory().get("/admin/")
        self.request.user = self.admin

    def test_changelists_load_for_the_admin(self):
        for model in READ_ONLY + EDITABLE:
            with self.subTest(model=model.__name__):
                self.assertEqual(self.client.get(url(model, "changelist")).status_code, 200)

    def test_read_only_models_have_no_add_change_or_delete(self):
        for model in READ_ONLY:
            model_admin = admin.site._registry[model]
            with self.subTest(model=model.__name__):
                self.assertTrue(model_admin.has_view_permission(self.request))
                self.assertFalse(model_admin.has_add_permission(self.request))
                self.assertFalse(model_admin.has_change_permission(self.request))
                self.assertFalse(model_admin.has_delete_permission(self.request))
                self.assertEqual(model_admin.get_actions(self.request), {})

    def test_event_page_is_view_only_and_cannot_be_deleted(self):
        event = self.case.events.get(seq=1)
        page = self.client.get(url(Event, "change", event.pk))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
        self.assertEqual(self.client.post(url(Event, "change", event.pk), {"verb": "closed"}).status_code, 403)
        self.assertEqual(self.client.post(url(Event, "delete", event.pk), {"post": "yes"}).status_code, 403)
        self.assertEqual(self.client.get(url(Event, "add")).status_code, 403)
        self.assertEqual(Event.objects.get(pk=event.pk).verb, event.verb)

    def test_event_list_shows_case_number_and_verb(self):
        page = self.client.get(url(Event, "changelist"), {"q": self.case.number})
        self.assertContains(page, self.case.number)
        self.assertContains(page, "dispatched")

    def test_case_page_is_view_only(self):
        self.assertEqual(self.client.get(url(Case, "change", self.case.pk)).status_code, 200)
        self.assertEqual(self.client.post(url(Case, "change", self.case.pk), {"title": "x"}).status_code, 403)
        self.assertEqual(self.reload(self.case).title, self.case.title)

    def test_confidential_cases_stay_hidden_from_the_admin(self):
        page = self.client.get(url(Case, "changelist"))
        self.assertContains(page, self.case.number)
        self.assertNotContains(page, self.confidential_case.number)
        self.assertEqual(self.client.get(url(Case, "change", self.confidential_case.pk)).status_code, 302)
        events = self.client.get(url(Event, "changelist"))
        self.assertNotContains(events, self.confidential_case.number)

    def test_category_can_be_added_with_parent_lead_unit_and_external_code(self):
        page = self.client.post(url(Category, "add"), {
            "code": "JS-PS", "name": "排水管网", "parent": self.building.pk, "default_lead_unit": self.housing.pk,
            "external_code": "12345-0301", "is_active": "on",
        })
        self.assertEqual(page.status_code, 302, page.content.decode()[:2000])
        category = Category.objects.get(code="JS-PS")
        self.assertEqual((category.parent, category.default_lead_unit, category.external_code),
                         (self.building, self.housing, "12345-0301"))

    def test_deadline_policy_can_be_changed(self):
        policy = DeadlinePolicy.objects.get(category=None, priority="normal")
        self.assertEqual(self.client.get(url(DeadlinePolicy, "change", policy.pk)).status_code, 200)
        page = self.client.post(url(DeadlinePolicy, "change", policy.pk), {
            "category": "", "priority": "normal", "reply_limit": "7", "limit_unit": policy.limit_unit,
            "assist_report_limit": "",
        })
        self.assertEqual(page.status_code, 302, page.content.decode()[:2000])
        policy.refresh_from_db()
        self.assertEqual(policy.reply_limit, 7)
