from datetime import date, timedelta

from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import EvaluationSource, ReopenCause, Verb
from dajuan.cases.figures import unit_figures
from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.supervision.config import supervision_settings
from dajuan.supervision.models import SpotCheck
from dajuan.supervision.spot_checks import spot_check_draw, spot_check_record
from dajuan.supervision.tests.helpers import local, make_case
from dajuan.testing import LoopTestCase

WEEK = date(2026, 3, 9)  # a Monday: the sample covers 2–8 March


def closed_case(test, day=3):
    case = make_case(test, dispatched=local(2026, 3, 2, 9), claimed=local(2026, 3, 2, 10),
                     replied=local(2026, 3, day, 10))
    transitions.evaluate(case, satisfaction="satisfied", by=test.requester, at=local(2026, 3, day, 15))
    return test.reload(case)


class DrawTests(LoopTestCase):
    def test_stratified_share_per_unit_with_a_minimum_drawn_once(self):
        settings = supervision_settings()
        settings.spot_check_percent, settings.spot_check_min_per_unit = 30, 1
        settings.save()
        housing = [closed_case(self) for _ in range(10)]
        labour = make_case(self, dispatched=local(2026, 3, 2, 9))
        transitions.transfer(labour, to_unit=self.labour, reason="属人社局职责", by=self.dispatcher,
                             at=local(2026, 3, 2, 10))
        transitions.claim(self.reload(labour).assignments.get(status="pending"), by=self.other_handler,
                          at=local(2026, 3, 2, 11))
        transitions.reply(self.reload(labour), text="已处理", by=self.other_handler, at=local(2026, 3, 4, 9))
        batch = spot_check_draw(week=WEEK, by=self.supervisor)
        by_unit = {}
        for check in batch.checks.all():
            by_unit.setdefault(check.unit_id, []).append(check.case_id)
        self.assertEqual(len(by_unit[self.housing.pk]), 3)  # ceil(30% of 10)
        self.assertEqual(len(by_unit[self.labour.pk]), 1)  # the minimum: its only (replied) case
        self.assertTrue(set(by_unit[self.housing.pk]) <= {c.pk for c in housing})
        self.assertEqual(batch.population, 11)
        with self.assertRaises(Conflict):
            spot_check_draw(week=WEEK, by=self.supervisor)

    def test_bad_input_and_wrong_people(self):
        with self.assertRaises(ValidationFailed) as raised:
            spot_check_draw(week=date(2026, 3, 10), by=self.supervisor)
        self.assertEqual(raised.exception.field, "week")
        for persona in (self.dispatcher, self.handler, self.district_leader):
            with self.subTest(persona=persona), self.assertRaises(NotPermitted):
                spot_check_draw(week=WEEK, by=persona)


class CallbackTests(LoopTestCase):
    def setUp(self):
        self.closed = closed_case(self)
        self.check = SpotCheck.objects.get(batch=spot_check_draw(week=WEEK, by=self.supervisor), case=self.closed)

    def test_a_disputed_resolution_reopens_the_case_and_counts_against_the_unit(self):
        period = {"start": local(2026, 3, 1), "end": local(2026, 3, 31)}
        before = unit_figures(user=self.supervisor, units=[self.housing], **period)[self.housing.code].reopen_rate
        spot_check_record(self.check, reached=True, resolution="disputed", note="电梯仍然停运", by=self.supervisor,
                          at=local(2026, 3, 10, 10))
        case = self.reload(self.closed)
        self.assertEqual(case.status, "dispatched")
        reopened = case.events.get(verb=Verb.REOPENED)
        self.assertEqual(reopened.payload["cause"], ReopenCause.SPOT_CHECK)
        after = unit_figures(user=self.supervisor, units=[self.housing], **period)[self.housing.code].reopen_rate
        self.assertEqual(after.numerator, before.numerator + 1)
        self.check.refresh_from_db()
        self.assertEqual((self.check.status, self.check.outcome), ("done", "reopened"))
        with self.assertRaises(Conflict):
            spot_check_record(self.check, reached=True, resolution="confirmed", by=self.supervisor)

    def test_unreached_stays_open_and_a_dispute_needs_the_reason(self):
        spot_check_record(self.check, reached=False, note="无人接听", by=self.supervisor)
        self.check.refresh_from_db()
        self.assertEqual((self.check.status, self.check.calls), ("unreached", 1))
        with self.assertRaises(ValidationFailed) as raised:
            spot_check_record(self.check, reached=True, resolution="disputed", by=self.supervisor)
        self.assertEqual(raised.exception.field, "note")
        with self.assertRaises(ValidationFailed) as raised:
            spot_check_record(self.check, reached=True, resolution="maybe", by=self.supervisor)
        self.assertEqual(raised.exception.field, "resolution")
        self.assertEqual(self.verbs(self.reload(self.closed)).count(Verb.REOPENED), 0)

    def test_only_supervisors_call_back(self):
        with self.assertRaises(NotPermitted):
            spot_check_record(self.check, reached=True, resolution="confirmed", by=self.dispatcher)

    def test_a_confirmed_callback_on_a_replied_case_records_the_grade(self):
        replied = make_case(self, dispatched=local(2026, 3, 2, 9), claimed=local(2026, 3, 2, 10),
                            replied=local(2026, 3, 4, 10))
        check = SpotCheck.objects.create(batch=self.check.batch, case=replied, round=0, unit=self.housing)
        spot_check_record(check, reached=True, resolution="confirmed", satisfaction="basically_satisfied",
                          note="已修好", by=self.supervisor, at=timezone.now() - timedelta(days=1))
        case = self.reload(replied)
        self.assertEqual((case.status, case.evaluation_source, case.closure_kind),
                         ("closed", EvaluationSource.CALLBACK, "evaluated"))
