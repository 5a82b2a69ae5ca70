"""The demo's assessment step runs on whatever cases exist and leaves a published, corrected quarter."""

from datetime import date, datetime

from django.utils import timezone

from dajuan.assessment.models import Snapshot, TeamUnit
from dajuan.demo import assessment
from dajuan.rollups.services import recount_differences
from dajuan.rollups.tests.histories import play
from dajuan.testing import LoopTestCase


class AssessmentStepTests(LoopTestCase):
    def test_step_publishes_the_last_finished_quarter_with_a_correction(self):
        play(self, [(0, "dispatch", 1), (0, "claim", 1), (0, "reply", 4), (0, "evaluate_ok", 2)],
             start=timezone.make_aware(datetime(2026, 8, 3, 8, 30)), cases=2)
        summary = assessment.build(self.admin, today=date(2026, 11, 29))
        self.assertIn("2026Q3", summary)
        versions = list(Snapshot.objects.filter(year=2026, quarter=3).order_by("version"))
        self.assertEqual([s.version for s in versions], [1, 2])
        self.assertTrue(versions[1].reason)
        housing = next(row for row in versions[1].data["units"] if row["code"] == "QC-ZJJ")
        self.assertEqual(housing["team"], "分管城建副区长")
        self.assertTrue(TeamUnit.objects.filter(unit=self.housing).exists())
        self.assertEqual(recount_differences(), [])
