"""The six figures against a fixed, hand-computed history (DESIGN §1 "Honest figures")."""

from datetime import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import RequesterKind, Satisfaction, Source
from dajuan.cases.figures import unit_figures
from dajuan.cases.models import Case
from dajuan.testing import LoopTestCase

START = timezone.make_aware(datetime(2026, 3, 1))
END = timezone.make_aware(datetime(2026, 4, 1))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2026 (2 March is a Monday; no holiday in the month)."""
    return timezone.make_aware(datetime(2026, 3, day, hour, minute))


class FiguresTests(LoopTestCase):
    """History, all dispatched Monday 2 March 2026 (normal priority, 5 working days; claim due the same
    day at closing time when dispatched before 16:00 — so the first reply deadline is around 9 March):

        A 住建局: claimed 3/2 10:00 (on time), replied 3/4 (on time), 满意 3/5 → closed (evaluated)
        B 住建局: claimed 3/3 10:00 (LATE), replied 3/4 (on time), 基本满意 3/5 → closed (evaluated)
        C 住建局: claimed 3/2 11:00 (on time), replied 3/12 (LATE), closed 3/20 by the dispatcher (未评价)
        D 住建局: claimed on time, replied 3/4 on time, 不满意 3/5 → REOPENED (round 1: new claim/reply due),
                  claimed 3/5 14:00 (on time), replied 3/10 (on time, due ~3/12), 满意 3/11 → closed
        E 住建局: returned 3/2 12:00 unclaimed (before its claim deadline);
                  re-dispatched 3/2 14:00 to 人社局, claimed 3/3 (LATE), never replied (overdue)
        F 住建局: never claimed, never replied (both overdue)
    """

    def build(self, names: str = "ABCDEF") -> dict[str, Case]:
        cases = {}
        for name in names:
            case = transitions.register(
                title=f"物业问题 {name}", content="小区物业不作为。", source=Source.HOTLINE,
                requester_kind=RequesterKind.CITIZEN, requester_name="群众", requester_phone="13812345678",
                requester_user=self.requester, category=self.property_mgmt, by=self.dispatcher, at=at(2, 8, 45))
            transitions.dispatch(case, lead_unit=self.housing, by=self.dispatcher, at=at(2, 9))
            cases[name] = case
            getattr(self, f"_history_{name.lower()}")(case)
        return cases

    def _lead(self, case):
        return self.reload(case).assignments.get(role="lead", status__in=["pending", "claimed"])

    def _step(self, case, action, **kwargs):
        action(self.reload(case), **kwargs)

    def _history_a(self, case):
        transitions.claim(self._lead(case), by=self.handler, at=at(2, 10))
        self._step(case, transitions.reply, text="已处理。", by=self.handler, at=at(4, 10))
        self._step(case, transitions.evaluate, satisfaction=Satisfaction.SATISFIED, by=self.requester, at=at(5, 9))

    def _history_b(self, case):
        transitions.claim(self._lead(case), by=self.handler, at=at(3, 10))
        self._step(case, transitions.reply, text="已处理。", by=self.handler, at=at(4, 11))
        self._step(case, transitions.evaluate, satisfaction=Satisfaction.BASICALLY_SATISFIED, by=self.requester,
                   at=at(5, 9))

    def _history_c(self, case):
        transitions.claim(self._lead(case), by=self.handler, at=at(2, 11))
        self._step(case, transitions.reply, text="已处理。", by=self.handler, at=at(12, 10))
        self._step(case, transitions.close, by=self.dispatcher, at=at(20, 10))

    def _history_d(self, case):
        transitions.claim(self._lead(case), by=self.handler, at=at(2, 10))
        self._step(case, transitions.reply, text="已处理。", by=self.handler, at=at(4, 10))
        self._step(case, transitions.evaluate, satisfaction=Satisfaction.UNSATISFIED, by=self.requester,
                   at=at(5, 9))
        transitions.claim(self._lead(case), by=self.handler, at=at(5, 14))
        self._step(case, transitions.reply, text="已彻底解决。", by=self.handler, at=at(10, 10))
        self._step(case, transitions.evaluate, satisfaction=Satisfaction.SATISFIED, by=self.requester,
                   at=at(11, 9))

    def _history_e(self, case):
        transitions.return_to_dispatcher(self._lead(case), reason="不属本局职责。", by=self.handler, at=at(2, 12))
        self._step(case, transitions.dispatch, lead_unit=self.labour, by=self.dispatcher, at=at(2, 14))
        transitions.claim(self._lead(case), by=self.other_handler, at=at(3, 10))

    def _history_f(self, case):
        pass

    def figures(self, user, units=None, **kwargs):
        units = units or [self.housing, self.labour]
        return unit_figures(user=self.fresh(user), units=units, start=START, end=END, **kwargs)

    @staticmethod
    def pair(rate):
        return rate.numerator, rate.denominator

    def test_the_history_meets_the_deadlines_it_assumes(self):
        cases = self.build()
        lead = cases["F"].assignments.get()
        self.assertEqual(timezone.localtime(lead.claim_due).date(), at(2, 0).date())
        self.assertTrue(at(4, 11) <= lead.reply_due < at(12, 10))
        d_round_1 = cases["D"].assignments.get(round=1)
        self.assertTrue(at(10, 10) <= d_round_1.reply_due < END)

    def test_housing_figures_match_the_hand_computation(self):
        self.build()
        housing = self.figures(self.supervisor)["QC-ZJJ"]
        # Lead assignments of 住建局: A, B, C, D(round 0), D(round 1), E, F.
        # 响应率: due = A, B, C, D0, D1, F (E was returned before its claim deadline: not due) = 6;
        #         on time = A, C, D0, D1 = 4 (B late, F never).
        self.assertEqual(self.pair(housing.claim_rate), (4, 6))
        # 按时办结率: due = A, B, C, D0, D1, F = 6 (E returned long before its reply deadline);
        #             on time = A, B, D0, D1 = 4 (C late, F overdue and unreplied).
        self.assertEqual(self.pair(housing.on_time_reply_rate), (4, 6))
        # 办结率: of those 6, rounds that ended in a closure = A, B, C, D1 = 4 (D0 ended in 重办, F open).
        self.assertEqual(self.pair(housing.closure_rate), (4, 6))
        # 满意率: EVALUATED = A 满意, B 基本满意, D0 不满意, D1 满意 = 4; satisfied = 3.
        #         C closed without evaluation: not in either count, reported as 未评价 = 1.
        self.assertEqual(self.pair(housing.satisfaction_rate), (3, 4))
        self.assertEqual(housing.unevaluated_closures, 1)
        # 重办率: REOPENED = D = 1; CLOSED events = A, B, C, D = 4.
        self.assertEqual(self.pair(housing.reopen_rate), (1, 4))
        # 退回率: RETURNED = E = 1; DISPATCHED to 住建局 = A..F = 6.
        self.assertEqual(self.pair(housing.return_rate), (1, 6))
        self.assertEqual(housing.satisfaction_rate.value, 0.75)
        self.assertIn("满意率", housing.satisfaction_rate.formula)

    def test_labour_figures_and_zero_denominators(self):
        self.build()
        labour = self.figures(self.supervisor)["QC-RSJ"]
        # E dispatched to 人社局 3/2 14:00 (claim due that evening), claimed 3/3: late → 0 / 1.
        self.assertEqual(self.pair(labour.claim_rate), (0, 1))
        # Reply due ~3/9, never replied → 0 / 1; not closed → 0 / 1.
        self.assertEqual(self.pair(labour.on_time_reply_rate), (0, 1))
        self.assertEqual(self.pair(labour.closure_rate), (0, 1))
        self.assertEqual(self.pair(labour.return_rate), (0, 1))
        self.assertEqual(labour.return_rate.value, 0.0)
        # Nothing evaluated, nothing closed: None, never "100% of nothing".
        self.assertEqual(self.pair(labour.satisfaction_rate), (0, 0))
        self.assertIsNone(labour.satisfaction_rate.value)
        self.assertIsNone(labour.reopen_rate.value)

    def test_subtree_sums_the_units_below(self):
        self.build()
        district = self.figures(self.supervisor, units=[self.district], subtree=True)["QC"]
        self.assertEqual(self.pair(district.claim_rate), (4, 7))
        self.assertEqual(self.pair(district.on_time_reply_rate), (4, 7))
        self.assertEqual(self.pair(district.return_rate), (1, 7))
        # Without subtree the district itself leads nothing.
        alone = self.figures(self.supervisor, units=[self.district])["QC"]
        self.assertIsNone(alone.claim_rate.value)

    def test_a_case_the_user_cannot_see_is_not_counted(self):
        self.build()
        # 人社局's handler sees only E (its own assignment): 住建局's figures from E alone.
        housing = self.figures(self.other_handler)["QC-ZJJ"]
        self.assertEqual(self.pair(housing.return_rate), (1, 1))
        self.assertEqual(self.pair(housing.claim_rate), (0, 0))
        self.assertIsNone(housing.claim_rate.value)
        self.assertEqual(self.pair(housing.satisfaction_rate), (0, 0))

    def test_a_confidential_case_counts_only_for_inspectors(self):
        cases = self.build()
        # Test data only: make A confidential after the fact (no transition turns a case confidential).
        Case.objects.filter(pk=cases["A"].pk).update(confidential=True)
        # Without A: claim 3 / 5, satisfaction 2 / 3.
        housing = self.figures(self.supervisor)["QC-ZJJ"]
        self.assertEqual(self.pair(housing.claim_rate), (3, 5))
        self.assertEqual(self.pair(housing.satisfaction_rate), (2, 3))
        inspector = self.figures(self.inspector)["QC-ZJJ"]
        self.assertEqual(self.pair(inspector.claim_rate), (4, 6))

    def test_an_ongoing_period_does_not_count_deadlines_still_ahead(self):
        self.build("F")
        # As of 3/4, F's claim deadline (3/2) has passed but its reply deadline (~3/9) has not.
        housing = self.figures(self.supervisor, as_of=at(4, 12))["QC-ZJJ"]
        self.assertEqual(self.pair(housing.claim_rate), (0, 1))
        self.assertEqual(self.pair(housing.on_time_reply_rate), (0, 0))

    def test_query_count_does_not_grow_with_the_cases(self):
        self.build("AB")
        with CaptureQueriesContext(connection) as small:
            self.figures(self.supervisor)
        self.build("CDEF")  # now 6 cases
        with self.assertNumQueries(len(small.captured_queries)):
            figures = self.figures(self.supervisor)
        self.assertEqual(figures["QC-ZJJ"].return_rate.denominator, 6)
