"""The dashboard's hotspot panel: open warnings in the viewer's scope, each linking to the cases behind it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.catalog import category_add
from dajuan.cases.choices import RequesterKind, Source
from dajuan.routing.hotspots import hotspot_acknowledge, hotspots_detect
from dajuan.routing.models import HotspotDimension
from dajuan.testing import LoopTestCase


class HotspotPanelTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        water = category_add(code="SW", name="积水内涝", default_lead_unit=cls.housing)
        for i in range(17):
            at = now - (timedelta(weeks=i - 7) if i >= 9 else timedelta(hours=i + 1))
            transitions.register(title=f"积水{i}", content="雨后积水严重", source=Source.GRID, category=water,
                                 grid=cls.grid, requester_kind=RequesterKind.CITIZEN, requester_name="市民",
                                 by=cls.dispatcher, at=at)
        raised = {h.dimension: h for h in hotspots_detect(at=now)}
        cls.by_category, cls.by_grid = raised[HotspotDimension.CATEGORY], raised[HotspotDimension.GRID]

    def panel(self, user) -> set[int]:
        self.client.force_login(user)
        response = self.client.get(reverse("dashboard:overview"))
        self.assertEqual(response.status_code, 200)
        return {h.pk for h in response.context["hotspots"]}

    def test_the_district_sees_every_open_warning_with_a_link_to_its_cases(self):
        self.assertEqual(self.panel(self.supervisor), {self.by_category.pk, self.by_grid.pk})
        response = self.client.get(reverse("dashboard:overview"))
        self.assertContains(response, 'id="hotspot-panel"')
        self.assertContains(response, reverse("routing:hotspot-detail", args=[self.by_category.pk]))
        self.assertContains(response, "积水内涝")
        detail = self.client.get(reverse("routing:hotspot-detail", args=[self.by_category.pk]))
        self.assertEqual(len(detail.context["cases"]), 9)

    def test_a_unit_sees_only_the_warnings_of_its_subtree(self):
        self.assertEqual(self.panel(self.handler), {self.by_category.pk})
        self.assertEqual(self.panel(self.town_leader), {self.by_grid.pk})

    def test_another_unit_sees_no_panel(self):
        self.assertEqual(self.panel(self.other_handler), set())
        self.assertNotContains(self.client.get(reverse("dashboard:overview")), 'id="hotspot-panel"')

    def test_an_acknowledged_warning_leaves_the_panel(self):
        hotspot_acknowledge(self.by_category, by=self.handler)
        self.assertEqual(self.panel(self.supervisor), {self.by_grid.pk})
