"""Assessment pages: who may see and change, publish and correct through the pages, xlsx export."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from dajuan.assessment import services
from dajuan.assessment.models import AssessedKind, Metric, Snapshot
from dajuan.testing import LoopTestCase


class AssessmentViewTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.manual = services.indicator_define(code="m", name="营商环境专项", kind=AssessedKind.DEPARTMENT,
                                               metric=Metric.MANUAL, key_work=True, by=cls.supervisor)
        services.weight_set(indicator=cls.manual, year=2026, quarter=1, weight=10, by=cls.supervisor)

    def url(self, name):
        return reverse(f"assessment:{name}", kwargs={"year": 2026, "quarter": 1})

    def test_who_may_see_the_pages(self):
        for persona, status in [("supervisor", 200), ("district_leader", 200), ("town_leader", 200),
                                ("handler", 403), ("grid_worker", 403)]:
            self.client.force_login(getattr(self, persona))
            with self.subTest(persona=persona):
                self.assertEqual(self.client.get(self.url("period-detail")).status_code, status)
                self.assertEqual(self.client.get(reverse("assessment:period-list")).status_code, status)

    def test_publish_correct_and_history_through_the_pages(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(self.url("manual-score"), {"indicator": self.manual.pk, "unit": "QC-ZJJ",
                                                               "score": "90", "evidence": "督查记录"})
        self.assertEqual(response.status_code, 302)
        self.client.post(self.url("period-publish"))
        self.assertEqual(Snapshot.objects.get().version, 1)
        self.client.post(self.url("period-correct"), {"reason": ""})
        self.assertEqual(Snapshot.objects.count(), 1)  # no reason: refused
        self.client.post(self.url("period-correct"), {"reason": "复核更正"})
        page = self.client.get(self.url("period-detail"))
        self.assertContains(page, "复核更正")
        self.assertEqual(page.context["snapshot"].version, 2)

    def test_a_leader_cannot_publish(self):
        self.client.force_login(self.district_leader)
        self.assertEqual(self.client.post(self.url("period-publish")).status_code, 302)
        self.assertFalse(Snapshot.objects.exists())

    def test_bad_manual_score_is_reported_and_nothing_saved(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(self.url("manual-score"), {"indicator": self.manual.pk, "unit": "QC-ZJJ",
                                                               "score": "900", "evidence": "x"}, follow=True)
        self.assertContains(response, "score")
        from dajuan.assessment.models import ManualScore

        self.assertFalse(ManualScore.objects.exists())

    def test_export_is_a_workbook_with_rankings_and_breakdown(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(self.url("period-export"))
        self.assertEqual(response.status_code, 200)
        book = load_workbook(BytesIO(response.content))
        self.assertEqual(book.sheetnames, ["排名", "明细"])
        codes = [row[1] for row in book["排名"].iter_rows(min_row=3, values_only=True)]
        self.assertIn("QC-ZJJ", codes)
        self.assertEqual(self.client.get(self.url("period-report")).status_code, 200)

    def test_an_impossible_quarter_is_not_found(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("assessment:period-detail", kwargs={"year": 2026, "quarter": 7}))
        self.assertEqual(response.status_code, 404)


class SetupViewTests(LoopTestCase):
    url = "/assessment/setup/"

    def test_only_the_office_may_open_the_settings(self):
        for persona, status in [("supervisor", 200), ("admin", 200), ("district_leader", 403), ("handler", 403)]:
            self.client.force_login(getattr(self, persona))
            with self.subTest(persona=persona):
                self.assertEqual(self.client.get(self.url).status_code, status)

    def test_indicator_stars_and_team_are_saved(self):
        from dajuan.assessment.models import Indicator, LeadershipTeam, StarThreshold

        self.client.force_login(self.supervisor)
        self.client.post(self.url, {"form": "indicator", "code": "d1", "name": "满意率", "kind": "department",
                                    "metric": "satisfaction_rate", "key_work": "on", "points_per_occurrence": "1"})
        self.assertTrue(Indicator.objects.get(code="d1").key_work)
        self.client.post(self.url, {"form": "stars", "stars_1": "0", "stars_2": "60", "stars_3": "70",
                                    "stars_4": "80", "stars_5": "90"})
        self.assertEqual(list(StarThreshold.objects.values_list("min_score", flat=True)), [0, 60, 70, 80, 90])
        self.client.post(self.url, {"form": "team", "name": "郑区长分管", "leader": "zheng",
                                    "units": "QC-ZJJ, QC-RSJ"})
        team = LeadershipTeam.objects.get()
        self.assertEqual((team.leader, team.members.count()), (self.district_leader, 2))

    def test_bad_settings_name_the_field_and_save_nothing(self):
        from dajuan.assessment.models import LeadershipTeam, StarThreshold

        self.client.force_login(self.supervisor)
        response = self.client.post(self.url, {"form": "team", "name": "组", "units": "QC-ZJJ NOPE"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "NOPE", status_code=400)
        self.assertFalse(LeadershipTeam.objects.exists())
        response = self.client.post(self.url, {"form": "stars", "stars_1": "0", "stars_2": "60", "stars_3": "50",
                                               "stars_4": "80", "stars_5": "90"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(StarThreshold.objects.exists())


class TierOrderTests(LoopTestCase):
    def test_tiers_are_shown_departments_towns_villages_whatever_the_stored_order(self):
        from dajuan.assessment.models import Snapshot

        self.client.force_login(self.supervisor)
        snapshot = services.assessment_publish(year=2026, quarter=1, by=self.supervisor)
        data = dict(snapshot.data)
        data["kinds"] = dict(reversed(list(data["kinds"].items())))  # as jsonb might give them back
        Snapshot.objects.filter(pk=snapshot.pk).update(data=data)
        page = self.client.get(reverse("assessment:period-detail", kwargs={"year": 2026, "quarter": 1}))
        self.assertEqual([kind for kind, _label, _rows in page.context["kinds"]], ["department", "town", "village"])
