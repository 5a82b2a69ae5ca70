from django.test import TransactionTestCase, override_settings

from dajuan.cases.choices import CaseStatus, Verb
from dajuan.cases.ledger import verify_chains, versions_out_of_step
from dajuan.cases.models import Case, Event
from dajuan.demo.models import ReplayStep
from dajuan.demo.replay import STEPS, ReplayContext, replay
from dajuan.intake.models import Intake


# TransactionTestCase: the cases step calls durable transitions, which refuse to run inside a test's
# wrapping transaction.
@override_settings(DAJUAN_DEMO_CASES=160, DAJUAN_DEMO_ENTERPRISE_PERCENT=2)
class DemoReplayTests(TransactionTestCase):
    def test_replay_builds_a_year_of_cases_through_the_loop_and_runs_once(self):
        ran = replay(ReplayContext(say=lambda line: None))

        self.assertEqual([name for name, _summary in ran], [step.name for step in STEPS])
        self.assertEqual([step.name for step in STEPS][:2], ["org", "cases"])
        statuses = set(Case.objects.values_list("status", flat=True))
        # Every status a case can rest in (EVALUATED closes at once with the default settings).
        expected = set(CaseStatus) - {CaseStatus.EVALUATED}
        self.assertEqual(statuses, expected)
        verbs = set(Event.objects.values_list("verb", flat=True))
        self.assertEqual(set(Verb) - verbs, set())
        breaks = [b for _n, b in verify_chains() if b is not None]
        self.assertEqual(breaks, [])
        self.assertEqual(list(versions_out_of_step()), [])
        self.assertTrue(Case.objects.filter(confidential=True).exists())

        again = replay(ReplayContext(say=lambda line: None))
        self.assertEqual(again, [])
        self.assertEqual(ReplayStep.objects.count(), len(STEPS))
        sources = set(Case.objects.values_list("source", flat=True))
        self.assertTrue({"web", "wechat_group", "open311"} <= sources)
        self.assertTrue(Intake.objects.filter(channel="open311").exclude(media_url="").exists())
        self.assertTrue(Intake.objects.exclude(enterprise=None).exists())
        self.assertEqual(Intake.objects.count(), Case.objects.count())

        # The enterprise service at 2% of the report: its figures, computed from what the services wrote.
        from datetime import date

        from dajuan.demo.enterprise_service import REPORT
        from dajuan.enterprise.figures import all_figures

        figures = all_figures(date(2000, 1, 1), date(2100, 1, 1))
        scaled = {key: max(1, round(n * 0.02)) for key, n in REPORT.items()}
        self.assertEqual((figures["meetings"]["held"], figures["meetings"]["attendances"]),
                         (scaled["meetings"], scaled["attendances"]))
        self.assertEqual(figures["meetings"]["problems"].problems, scaled["meeting_problems"])
        self.assertEqual((figures["groups"]["groups"], figures["groups"]["enterprises"]),
                         (8, scaled["group_enterprises"]))
        self.assertEqual(figures["groups"]["problems"].problems, scaled["group_problems"])
        self.assertEqual((figures["care"]["objects"], figures["policies"]["policies"]),
                         (scaled["care_objects"], scaled["policies"]))
        # The routing step: a trained router, a hotspot warning on the planted burst, standard answers.
        from dajuan.routing.models import Answer, Hotspot, RouterModel

        self.assertTrue(RouterModel.objects.filter(is_active=True).exists())
        self.assertTrue(Hotspot.objects.filter(dimension="grid").exists())
        self.assertTrue(Answer.objects.exists())
