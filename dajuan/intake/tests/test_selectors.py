from datetime import timedelta

from django.utils import timezone

from dajuan.cases import transitions
from dajuan.intake.selectors import channel_figures
from dajuan.intake.testing import IntakeTestCase


class ChannelFigureTests(IntakeTestCase):
    def test_each_channel_counts_from_the_ledger_within_the_viewers_scope(self):
        transitions.claim(self.web_case.assignments.get(), by=self.handler)
        transitions.reply(self.reload(self.web_case), text="已修复", by=self.handler)
        transitions.evaluate(self.reload(self.web_case), satisfaction="satisfied", by=self.citizen)
        now = timezone.now()
        figures = {f.source: f for f in channel_figures(self.dispatcher, start=now - timedelta(days=1),
                                                        end=now + timedelta(days=1))}
        self.assertEqual(set(figures), {"hotline", "web", "enterprise_portal"})  # the confidential case is hidden
        web = figures["web"]
        self.assertEqual((web.received, web.closed, web.evaluated, web.satisfied), (1, 1, 1, 1))
        self.assertEqual(web.satisfaction_rate, 1.0)
        self.assertIsNone(figures["hotline"].satisfaction_rate)
        inspector = {f.source for f in channel_figures(self.inspector, start=now - timedelta(days=1),
                                                       end=now + timedelta(days=1))}
        self.assertIn("discipline", inspector)
        self.assertEqual(channel_figures(self.other_handler, start=now - timedelta(days=1), end=now), [])
