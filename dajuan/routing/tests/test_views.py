"""Pages and partials: the case panel (similar cases, duplicates with one-click merge, answers), the
dispatch hint, standard answers from a reply, hotspot pages, router versions."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, RequesterKind, Source
from dajuan.routing import similar
from dajuan.routing.hotspots import hotspots_detect
from dajuan.routing.models import Answer, RouterModel
from dajuan.routing.tests.history import build_history
from dajuan.routing.training import router_train
from dajuan.testing import LoopTestCase

LIFT = "东关小区3号楼电梯停运两周，物业不予维修。"


class RoutingViewTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_history(cls, per_class=8)

    def setUp(self):
        similar.reset_index()

    def client_for(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def register(self, days_ago=0):
        return transitions.register(title="电梯停运", content=LIFT, source=Source.HOTLINE, address="东关小区3号楼",
                                    requester_kind=RequesterKind.CITIZEN, requester_name="市民",
                                    requester_phone="13900001111", by=self.dispatcher,
                                    at=timezone.now() - timedelta(days=days_ago))

    def test_panel_flags_a_duplicate_and_the_button_merges_it(self):
        first = self.register(days_ago=1)
        second = self.register()
        client = self.client_for(self.dispatcher)
        page = client.get(reverse("routing:case-panel", args=[second.number]))
        self.assertContains(page, f'data-duplicate="{first.number}"')
        self.assertContains(page, f'data-similar-case="{first.number}"')
        answer = client.post(reverse("routing:duplicate-merge", args=[second.number]), {"into": first.number})
        self.assertRedirects(answer, reverse("workbench:case_detail", args=[first.number]),
                             fetch_redirect_response=False)
        self.assertEqual(self.reload(second).status, CaseStatus.MERGED)

    def test_panel_for_a_handler_shows_no_duplicates_and_no_unseen_case(self):
        self.register(days_ago=1)
        page = self.client_for(self.handler).get(reverse("routing:case-panel", args=[self.case.number]))
        self.assertNotContains(page, "data-duplicate=")
        for number in page.content.decode().split('data-similar-case="')[1:]:
            number = number.split('"')[0]
            self.assertTrue(self.reload_by_number(number).lead_unit == self.housing)

    def reload_by_number(self, number):
        from dajuan.cases.models import Case

        return Case.objects.get(number=number)

    def test_dispatch_hint_for_dispatchers_only(self):
        router_train(by=self.dispatcher)
        case = self.register()
        hint = self.client_for(self.dispatcher).get(reverse("routing:dispatch-hint", args=[case.number]))
        self.assertContains(hint, 'data-suggest-unit="QC-ZJJ"')
        self.assertContains(hint, "data-model=\"1\"")
        nothing = self.client_for(self.handler).get(reverse("routing:dispatch-hint", args=[self.case.number]))
        self.assertEqual(nothing.content, b"")
        form = self.client_for(self.dispatcher).get(reverse("workbench:case_action", args=[case.number, "dispatch"]))
        self.assertEqual(form.status_code, 200)
        self.assertContains(form, reverse("routing:dispatch-hint", args=[case.number]))

    def test_reply_becomes_a_standard_answer_suggested_for_the_next_case(self):
        transitions.claim(self.assignment, by=self.handler)
        transitions.reply(self.case, text="已督促物业公司维修电梯。", by=self.handler)
        client = self.client_for(self.handler)
        saved = client.post(reverse("routing:answer-from-reply", args=[self.case.number]), {"title": "电梯停运怎么办"})
        answer = Answer.objects.get()
        self.assertRedirects(saved, reverse("routing:answer-detail", args=[answer.pk]), fetch_redirect_response=False)
        self.assertEqual((answer.body, answer.category, answer.source_case),
                         ("已督促物业公司维修电梯。", self.property_mgmt, self.case))
        nxt = transitions.register(title="电梯又坏了", content=LIFT, source=Source.HOTLINE, category=self.property_mgmt,
                                   requester_kind=RequesterKind.CITIZEN, requester_name="市民", by=self.dispatcher)
        page = self.client_for(self.dispatcher).get(reverse("routing:case-panel", args=[nxt.number]))
        self.assertContains(page, "电梯停运怎么办")
        self.assertContains(self.client_for(self.other_handler).get(reverse("routing:answer-list")), "电梯停运怎么办")

    def test_answer_from_a_case_without_reply_is_refused_with_the_reason(self):
        answer = self.client_for(self.dispatcher).post(reverse("routing:answer-from-reply", args=[self.case.number]))
        self.assertRedirects(answer, reverse("workbench:case_detail", args=[self.case.number]),
                             fetch_redirect_response=False)
        self.assertFalse(Answer.objects.exists())

    def test_hotspot_pages_show_the_warning_to_its_unit_only(self):
        now = timezone.now()
        for i in range(9):
            transitions.register(title=f"积水{i}", content="雨后积水", source=Source.GRID, category=self.jobs,
                                 requester_kind=RequesterKind.CITIZEN, requester_name="市民", by=self.dispatcher,
                                 at=now - timedelta(hours=i + 1))
        [hotspot] = [h for h in hotspots_detect(at=now) if h.dimension == "category"]
        listing = self.client_for(self.other_handler).get(reverse("routing:hotspot-list"))
        self.assertContains(listing, f'data-hotspot="{hotspot.pk}"')
        self.assertNotContains(self.client_for(self.handler).get(reverse("routing:hotspot-list")),
                               f'data-hotspot="{hotspot.pk}"')
        self.assertEqual(self.client_for(self.handler).get(reverse("routing:hotspot-detail", args=[hotspot.pk]))
                         .status_code, 404)
        detail = self.client_for(self.other_handler).post(reverse("routing:hotspot-detail", args=[hotspot.pk]))
        self.assertEqual(detail.status_code, 302)
        hotspot.refresh_from_db()
        self.assertIsNotNone(hotspot.acknowledged_at)

    def test_versions_page_switches_the_active_model(self):
        first = router_train(by=self.dispatcher)
        router_train(by=self.dispatcher)
        client = self.client_for(self.dispatcher)
        self.assertContains(client.get(reverse("routing:versions")), 'data-version="2"')
        client.post(reverse("routing:versions"), {"model": first.pk})
        self.assertTrue(RouterModel.objects.get(pk=first.pk).is_active)
        self.assertEqual(self.client_for(self.handler).get(reverse("routing:versions")).status_code, 403)


class FlatQueryTests(LoopTestCase):
    """The list pages cost the same number of queries for 2 rows as for 6."""

    def count(self, url) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = Client()
        client.force_login(self.dispatcher)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(client.get(url).status_code, 200)
        return len(queries)

    def add_rows(self, n):
        from dajuan.routing.answers import answer_create
        from dajuan.routing.models import Hotspot

        now = timezone.now()
        for i in range(n):
            answer_create(title=f"答复{i}", body="内容", category=self.jobs, by=self.dispatcher)
            Hotspot.objects.create(dimension="place", key=f"地点{i}", label=f"地点{i}", window_start=now,
                                   window_end=now, count=9, baseline=1, score=5, unit=self.housing, raised_at=now)

    def test_hotspot_and_answer_lists_are_flat(self):
        self.add_rows(2)
        few = [self.count(reverse("routing:hotspot-list")), self.count(reverse("routing:answer-list"))]
        self.add_rows(4)
        self.assertEqual([self.count(reverse("routing:hotspot-list")), self.count(reverse("routing:answer-list"))],
                         few)
