"""Hotspot warnings: a planted burst fires, a flat series does not; scoped to the responsible unit."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import TransactionTestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dajuan.access.policy import visible_hotspots
from dajuan.cases import transitions
from dajuan.cases.catalog import category_add
from dajuan.cases.choices import RequesterKind, Source
from dajuan.core.errors import NotPermitted
from dajuan.notify.models import Message
from dajuan.routing.hotspots import burst_score, hotspot_acknowledge, hotspot_cases, hotspots_detect
from dajuan.routing.models import Hotspot, HotspotDimension
from dajuan.testing import LoopTestCase, build_cast


class HotspotTests(LoopTestCase):
    def setUp(self):
        self.now = timezone.now()
        self.water = category_add(code="SW", name="积水内涝", default_lead_unit=self.housing)

    def plant(self, *, weeks_ago: float, count: int, category, grid=None, address="", title="小区积水"):
        for i in range(count):
            transitions.register(title=f"{title}{i}", content="雨后积水严重", source=Source.GRID,
                                 requester_kind=RequesterKind.CITIZEN, requester_name="市民", category=category,
                                 grid=grid, address=address, by=self.dispatcher,
                                 at=self.now - timedelta(weeks=weeks_ago, hours=i + 1))

    def test_flat_series_raises_nothing(self):
        for week in range(9):
            self.plant(weeks_ago=week, count=3, category=self.jobs)
        self.assertEqual(hotspots_detect(at=self.now), [])
        self.assertEqual(burst_score(3, [3] * 8), (3.0, 0.0))

    def test_planted_burst_in_a_grid_and_category_raises_a_warning_for_the_unit(self):
        for week in range(1, 9):
            self.plant(weeks_ago=week, count=1, category=self.water, grid=self.grid)
        self.plant(weeks_ago=0, count=9, category=self.water, grid=self.grid, address="东关小区 3号楼")
        raised = {(h.dimension, h.key): h for h in hotspots_detect(at=self.now)}
        self.assertEqual(set(raised), {(HotspotDimension.GRID, str(self.grid.pk)),
                                       (HotspotDimension.CATEGORY, str(self.water.pk)),
                                       (HotspotDimension.PLACE, "东关小区3号楼")})
        by_category = raised[(HotspotDimension.CATEGORY, str(self.water.pk))]
        self.assertEqual(by_category.count, 9)
        self.assertEqual(by_category.baseline, 1.0)
        self.assertEqual(by_category.unit, self.housing)  # the category's default lead unit
        self.assertEqual(raised[(HotspotDimension.GRID, str(self.grid.pk))].unit, self.grid)
        self.assertEqual(by_category.cases.count(), 9)
        self.assertTrue(Message.objects.filter(recipient=self.handler, kind="hotspot_raised").exists())
        # A second run in the same window refreshes, it does not raise again.
        again = hotspots_detect(at=self.now + timedelta(hours=1))
        self.assertEqual(len(again), 3)
        self.assertEqual(Hotspot.objects.count(), 3)
        self.assertEqual(Message.objects.filter(recipient=self.handler, kind="hotspot_raised").count(), 1)

    def test_warnings_are_seen_by_the_responsible_unit_and_the_district_only(self):
        for week in range(1, 9):
            self.plant(weeks_ago=week, count=1, category=self.water)
        self.plant(weeks_ago=0, count=9, category=self.water)
        [hotspot] = hotspots_detect(at=self.now)
        self.assertEqual(list(visible_hotspots(self.handler)), [hotspot])
        self.assertEqual(list(visible_hotspots(self.dispatcher)), [hotspot])
        self.assertEqual(list(visible_hotspots(self.other_handler)), [])
        self.assertEqual(list(visible_hotspots(self.requester)), [])
        self.assertEqual(hotspot_cases(self.dispatcher, hotspot).count(), 9)
        with self.assertRaises(NotPermitted):
            hotspot_cases(self.other_handler, hotspot)
        with self.assertRaises(NotPermitted):
            hotspot_acknowledge(hotspot, by=self.other_handler)
        hotspot_acknowledge(hotspot, by=self.handler)
        self.assertIsNotNone(Hotspot.objects.get(pk=hotspot.pk).acknowledged_at)

    def test_confidential_cases_never_make_a_hotspot(self):
        for i in range(9):
            transitions.register(title=f"举报{i}", content="举报", source=Source.DISCIPLINE, confidential=True,
                                 requester_kind=RequesterKind.CITIZEN, requester_name="匿名", category=self.jobs,
                                 by=self.inspector, at=self.now - timedelta(hours=i + 1))
        self.assertEqual(hotspots_detect(at=self.now), [])


class HotspotCommandTests(LoopTestCase):
    def test_command_reports_the_warnings(self):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("detect_hotspots", stdout=out)
        self.assertIn("0 hotspot warning(s)", out.getvalue())


class HotspotWorkerTests(TransactionTestCase):
    """The worker queues hotspot detection; a planted burst becomes a warning its unit is told about."""

    def test_worker_once_detects_a_planted_burst(self):
        build_cast(self)
        water = category_add(code="SW", name="积水内涝", default_lead_unit=self.housing)
        now = timezone.now()
        for week in range(1, 9):
            transitions.register(title="积水", content="雨后积水", source=Source.GRID, category=water,
                                 requester_kind=RequesterKind.CITIZEN, requester_name="市民", by=self.dispatcher,
                                 at=now - timedelta(weeks=week))
        for i in range(9):
            transitions.register(title=f"积水{i}", content="雨后积水严重", source=Source.GRID, category=water,
                                 requester_kind=RequesterKind.CITIZEN, requester_name="市民", by=self.dispatcher,
                                 at=now - timedelta(hours=i + 1))
        call_command("worker", "--once", stdout=StringIO())
        [hotspot] = Hotspot.objects.all()
        self.assertEqual((hotspot.dimension, hotspot.count, hotspot.unit), (HotspotDimension.CATEGORY, 9, self.housing))
        result = DBTaskResult.objects.get(task_path="dajuan.routing.tasks.run_hotspots")
        self.assertEqual(result.status, "SUCCESSFUL")
        self.assertTrue(Message.objects.filter(recipient=self.handler, kind="hotspot_raised").exists())
