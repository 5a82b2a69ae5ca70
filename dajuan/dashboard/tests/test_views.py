"""The dashboard: scoped figures, links to the cases behind them, flat query counts, bad input."""

from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dajuan.dashboard.geometry import grid_feature_collection
from dajuan.rollups.tests.histories import play, register
from dajuan.testing import LoopTestCase

START = timezone.make_aware(datetime(2026, 3, 2, 8, 30))
QUERY = {"start": "2026-03-01", "end": "2026-03-31", "granularity": "week"}


class DashboardViewTests(LoopTestCase):
    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(reverse("dashboard:overview"), {**QUERY, **params})

    def test_district_dashboard_shows_the_period_with_links(self):
        play(self, [(0, "dispatch", 1), (0, "claim", 1), (0, "reply", 5), (0, "evaluate_ok", 5)], cases=2)
        response = self.get(self.supervisor)
        self.assertEqual(response.status_code, 200)
        data = response.context["data"]
        self.assertEqual(data["registered"]["value"], 2)
        satisfaction = next(r for r in data["rates"] if r["key"] == "satisfaction_rate")
        self.assertEqual((satisfaction["numerator"], satisfaction["denominator"]), (1, 1))
        self.assertIn("满意率 =", satisfaction["formula"])
        self.assertContains(response, 'title="满意率 =')
        self.assertIn("/cases/?", data["registered"]["url"])
        self.assertIn("from=2026-03-01", data["registered"]["url"])
        [channel] = data["by_channel"]
        self.assertIn("source=hotline", channel["url"])
        status_links = {row["url"] for row in data["by_status"]}
        self.assertTrue(any("status=closed" in url for url in status_links))

    def test_a_town_leader_sees_only_the_town_subtree(self):
        play(self, [(0, "dispatch", 1)], cases=1)  # housing bureau: outside the town
        response = self.get(self.town_leader)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["unit"], self.town)
        self.assertEqual(response.context["data"]["registered"]["value"], 0)
        self.assertEqual(self.get(self.town_leader, unit="QC-ZJJ").status_code, 403)
        self.assertEqual(self.get(self.town_leader, unit="QC").status_code, 403)

    def test_a_handler_sees_the_own_unit_and_not_another(self):
        play(self, [(0, "dispatch", 1)], cases=1)
        response = self.get(self.handler)
        self.assertEqual(response.context["unit"], self.housing)
        self.assertEqual(response.context["data"]["registered"]["value"], 1)
        self.assertEqual(self.get(self.other_handler, unit="QC-ZJJ").status_code, 403)

    def test_people_without_a_unit_are_refused(self):
        self.assertEqual(self.get(self.requester).status_code, 403)

    def test_bad_input_names_the_field(self):
        response = self.get(self.supervisor, unit="NOPE")
        self.assertEqual(response.status_code, 400)
        self.assertIn("unit", response.context["form"].errors)
        response = self.get(self.supervisor, start="2026-03-10", end="2026-03-01")
        self.assertEqual(response.status_code, 400)
        self.assertIn("end", response.context["form"].errors)
        self.assertEqual(self.get(self.supervisor, start="not-a-date").status_code, 400)

    def test_grid_map_counts_cases_of_each_grid(self):
        register(self, at=START, grid=self.grid)
        data = self.get(self.town_leader).context["data"]
        [value] = data["grid_map"]["values"]
        self.assertEqual((value["name"], value["value"]), ("QC-HXL-DG-01", 1))
        self.assertIn("grid=QC-HXL-DG-01", value["url"])
        self.assertEqual(data["grid_map"]["geojson"]["features"][0]["properties"]["name"], "QC-HXL-DG-01")

    def test_rankings_list_the_units_below(self):
        play(self, [(0, "dispatch", 1), (0, "claim", 1), (0, "reply", 5), (1, "dispatch", 1)], cases=2)
        rankings = self.get(self.supervisor).context["data"]["rankings"]
        by_code = {row["code"]: row for row in rankings}
        self.assertEqual(by_code["QC-ZJJ"]["registered"], 2)
        self.assertEqual(rankings[0]["code"], "QC-ZJJ")  # the only unit with an on-time reply

    def test_query_count_does_not_grow_with_the_cases(self):
        play(self, [(0, "dispatch", 1)], cases=2)
        self.get(self.supervisor)
        with CaptureQueriesContext(connection) as few:
            self.get(self.supervisor)
        plan = [(i, op, 1) for i in range(20) for op in ("dispatch", "claim", "reply", "evaluate_ok")]
        play(self, plan, start=START + timedelta(days=3), cases=20)
        register(self, at=START, grid=self.grid)
        with CaptureQueriesContext(connection) as many:
            self.get(self.supervisor)
        self.assertEqual(len(many), len(few))

    def test_printable_view_renders(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("dashboard:print"), QUERY)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "@page")


class GeometryTests(LoopTestCase):
    def test_polygons_are_deterministic_and_closed(self):
        grids = [("G-02", "二"), ("G-01", "一"), ("G-03", "三")]
        first, second = grid_feature_collection(grids), grid_feature_collection(list(reversed(grids)))
        self.assertEqual(first, second)
        for feature in first["features"]:
            ring = feature["geometry"]["coordinates"][0]
            self.assertEqual(ring[0], ring[-1])
            self.assertEqual(len(ring), 5)


class GranularityTests(LoopTestCase):
    def test_the_picker_shows_the_grain_in_use(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("dashboard:overview"), {"start": "2026-01-01", "end": "2026-12-31"})
        self.assertEqual(response.context["data"]["period"].granularity, "month")
        self.assertContains(response, '<option value="month" selected>')
