import tempfile
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dajuan.cases import transitions
from dajuan.core.models import AuditEntry
from dajuan.notify.services import outbox_add
from dajuan.supervision.models import FieldVisit, Notice, SpotCheck, SupervisionRule, SweepRun
from dajuan.supervision.spot_checks import spot_check_draw
from dajuan.supervision.tests.helpers import local, make_case
from dajuan.supervision.tests.test_inspections_notices import PNG
from dajuan.supervision.tests.test_spot_checks import WEEK, closed_case
from dajuan.testing import LoopTestCase

PAGES = ["supervision:overview", "supervision:rule-list", "supervision:callbacks", "supervision:visit-list",
         "supervision:notice-list", "notify:preferences"]
ALLOWED = {
    "supervision:overview": {"supervisor", "district_leader", "admin"},
    "supervision:rule-list": {"supervisor", "district_leader", "admin"},
    "supervision:callbacks": {"supervisor"},
    "supervision:visit-list": {"supervisor", "district_leader", "admin", "inspector"},
    "supervision:notice-list": {"supervisor", "district_leader", "admin", "inspector", "dispatcher", "handler",
                                "unit_leader", "other_handler", "town_leader", "grid_worker"},
    "notify:preferences": {"supervisor", "district_leader", "admin", "inspector", "dispatcher", "handler",
                           "unit_leader", "other_handler", "town_leader", "grid_worker"},
}


class PageAccessTests(LoopTestCase):
    def test_each_page_opens_for_exactly_the_personas_allowed(self):
        for name in PAGES:
            for persona, allowed in ((p, p in ALLOWED[name]) for p in sorted(ALLOWED["notify:preferences"])):
                with self.subTest(page=name, persona=persona):
                    self.client.force_login(getattr(self, persona))
                    response = self.client.get(reverse(name))
                    self.assertEqual(response.status_code, 200 if allowed else 403)


class CallbackPageTests(LoopTestCase):
    def test_the_queue_shows_the_full_phone_and_records_a_dispute(self):
        case = closed_case(self)
        spot_check_draw(week=WEEK, by=self.supervisor)
        check = SpotCheck.objects.get(case=case)
        self.client.force_login(self.supervisor)
        page = self.client.get(reverse("supervision:callbacks"))
        self.assertContains(page, "13900000000")
        prefix = f"c{check.pk}"
        response = self.client.post(reverse("supervision:callback-record", args=[check.pk]), {
            f"{prefix}-reached": "1", f"{prefix}-resolution": "disputed", f"{prefix}-note": ""})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["rows"][0]["form"].errors["note"])
        self.assertEqual(self.reload(case).status, "closed")
        response = self.client.post(reverse("supervision:callback-record", args=[check.pk]), {
            f"{prefix}-reached": "1", f"{prefix}-resolution": "disputed", f"{prefix}-note": "问题依旧"})
        self.assertRedirects(response, reverse("supervision:callbacks"))
        self.assertEqual(self.reload(case).status, "dispatched")

    def test_the_queue_costs_the_same_queries_for_two_rows_and_for_eight(self):
        def count():
            self.client.force_login(self.supervisor)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(reverse("supervision:callbacks")).status_code, 200)
            return len(queries)

        first = [closed_case(self) for _ in range(2)]
        batch = spot_check_draw(week=WEEK, by=self.supervisor)
        SpotCheck.objects.filter(batch=batch).exclude(case__in=first).delete()
        SpotCheck.objects.bulk_create([SpotCheck(batch=batch, case=c, round=0, unit=self.housing)
                                       for c in first if not SpotCheck.objects.filter(case=c).exists()])
        two = count()
        SpotCheck.objects.bulk_create([SpotCheck(batch=batch, case=closed_case(self), round=0, unit=self.housing)
                                       for _ in range(6)])
        self.assertEqual(SpotCheck.objects.count(), 8)
        self.assertEqual(count(), two)


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="dajuan-test-media-"))
class RuleAndVisitAndNoticePageTests(LoopTestCase):
    def test_a_rule_with_an_inverted_escalation_is_refused_at_the_field_and_a_good_one_is_audited(self):
        self.client.force_login(self.supervisor)
        data = {"category": self.property_mgmt.pk, "priority": "", "claim_remind_hours": 2, "reply_remind_hours": 9,
                "supervise_after_days": 3, "list_after_days": 2, "close_after_days": 7, "escalate_to": ""}
        response = self.client.post(reverse("supervision:rule-new"), data)
        self.assertContains(response, "挂牌督办", status_code=400)
        self.assertFalse(SupervisionRule.objects.exists())
        response = self.client.post(reverse("supervision:rule-new"), data | {"list_after_days": 5})
        self.assertRedirects(response, reverse("supervision:rule-list"))
        self.assertTrue(AuditEntry.objects.filter(action="supervision_rule_saved").exists())
        response = self.client.post(reverse("supervision:settings-save"),
                                    {"spot_check_percent": 0, "spot_check_min_per_unit": 1})
        self.assertEqual(response.status_code, 400)

    def test_record_a_visit_with_a_photo_and_open_a_case_from_a_finding(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(reverse("supervision:visit-new"), {
            "kind": "joint", "title": "联合督查：老旧小区改造", "visited_on": date(2026, 3, 5), "place": "东关小区",
            "unit": self.housing.pk, "findings": "围挡破损\n施工噪音扰民", "photos": SimpleUploadedFile("a.png", PNG)})
        visit = FieldVisit.objects.get()
        self.assertRedirects(response, reverse("supervision:visit-detail", args=[visit.pk]))
        finding = visit.findings.first()
        self.client.post(reverse("supervision:finding-open-case", args=[finding.pk]), {"category": ""})
        finding.refresh_from_db()
        page = self.client.get(reverse("supervision:visit-detail", args=[visit.pk]))
        self.assertContains(page, finding.case.number)
        self.assertContains(page, f"/cases/{finding.case.number}/")
        photo_url = reverse("supervision:visit-photo", args=[visit.photos.get().pk])
        photo = self.client.get(photo_url)
        self.assertEqual((photo.status_code, photo["Content-Type"]), (200, "image/png"))
        self.assertEqual(b"".join(photo.streaming_content), PNG)
        self.client.force_login(self.handler)
        self.assertEqual(self.client.get(photo_url).status_code, 403)

    def test_compose_publish_and_print_a_notice(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(reverse("supervision:notice-new"), {
            "title": "典型案例通报", "kind": "typical", "commentary": "以下问题久拖不决。",
            "cases": f"{self.case.number} 电梯停运两周\n2026-999999"})
        self.assertContains(response, "2026-999999", status_code=400)
        response = self.client.post(reverse("supervision:notice-new"), {
            "title": "典型案例通报", "kind": "typical", "commentary": "以下问题久拖不决。",
            "cases": f"{self.case.number} 电梯停运两周"})
        notice = Notice.objects.get()
        self.assertRedirects(response, reverse("supervision:notice-detail", args=[notice.pk]))
        self.client.force_login(self.handler)
        self.assertEqual(self.client.get(reverse("supervision:notice-detail", args=[notice.pk])).status_code, 404)
        self.client.force_login(self.supervisor)
        self.client.post(reverse("supervision:notice-publish", args=[notice.pk]))
        self.client.force_login(self.handler)
        printable = self.client.get(reverse("supervision:notice-detail", args=[notice.pk]) + "?print=1")
        self.assertContains(printable, "电梯停运两周")
        self.assertContains(printable, "window.print()")


class ListQueryCountTests(LoopTestCase):
    """Each list page costs the same number of queries for two rows as for eight."""

    def count(self, name):
        self.client.force_login(self.supervisor)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(reverse(name)).status_code, 200)
        return len(queries)

    def add_rows(self, n):
        from django.utils import timezone

        from dajuan.supervision.models import NoticeItem

        for i in range(n):
            visit = FieldVisit.objects.create(kind="joint", title=f"督查{i}", visited_on=date(2026, 3, 5), place="p",
                                              unit=self.housing, created_by=self.supervisor, created_at=timezone.now())
            visit.findings.create(unit=self.housing, text="问题")
            notice = Notice.objects.create(title=f"通报{i}", commentary="c", created_by=self.supervisor,
                                           created_at=timezone.now())
            NoticeItem.objects.create(notice=notice, case=self.case)
            SweepRun.objects.create(started_at=timezone.now(), worker="w", counts={"overdue": i})
            case = make_case(self, dispatched=local(2026, 3, 2, 9))
            transitions.supervise(case, level=1, note="催办", by=self.supervisor)
            outbox_add([self.supervisor.pk], key=f"test:{case.pk}", kind="t", subject="s", body="b", case=case)

    def test_flat(self):
        self.add_rows(2)
        two = {name: self.count(name) for name in ("supervision:visit-list", "supervision:notice-list",
                                                    "supervision:overview", "notify:preferences")}
        self.add_rows(6)
        for name, queries in two.items():
            with self.subTest(page=name):
                self.assertEqual(self.count(name), queries)
