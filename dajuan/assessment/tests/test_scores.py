"""Assessment scores against a hand-computed history; quarterly weights; publishing freezes; corrections."""

from datetime import date, datetime

from django.utils import timezone

from dajuan.assessment import services
from dajuan.assessment.models import AssessedKind, Metric, Snapshot
from dajuan.assessment.selectors import compute, results
from dajuan.core.errors import NotPermitted
from dajuan.rollups.tests.histories import play
from dajuan.testing import LoopTestCase

TODAY = date(2026, 11, 29)
MARCH = timezone.make_aware(datetime(2026, 3, 2, 8, 30))
APRIL = timezone.make_aware(datetime(2026, 4, 6, 8, 30))

# Both cases dispatched to 住建局 on Monday 2 March 2026 (claim due that day, reply due 5 working days on):
#   case 0: claimed 10:3x the same day (on time), replied on time, 满意 → closed.
#   case 1: 催办 (supervised) the same afternoon, claimed the next day (LATE, not the same day), replied on
#           time, 满意 → closed, then a failed spot check (REOPENED cause spot_check): round 2 is never claimed
#           nor replied, so it is missed on both deadlines.
HISTORY = [(0, "dispatch", 1), (0, "claim", 1), (0, "reply", 2), (0, "evaluate_ok", 1),
           (1, "dispatch", 1), (1, "supervise", 1), (1, "claim", 24), (1, "reply", 2), (1, "evaluate_ok", 1),
           (1, "spot_check", 24)]
# Hand-computed for 住建局, Q1 2026:
#   响应率 1/3 (case 0 on time; case 1 late; round 2 missed) × 20 = 6.67
#   按时办结率 2/3 × 20 = 13.33 ;  满意率 2/2 × 20 = 20 ;  重办率 1 reopen / 2 closures → 10 × (1 − ½) = 5
#   抽查回访不合格 1 → 10 − 1 × 2 = 8 ;  督查 1 → 10 − 1 × 1 = 9 ;  当日认领 1/2 × 10 = 5 ;  manual 80 × 10% = 8
#   total 75.00
EXPECTED = {"claim": 6.67, "reply": 13.33, "satisfaction": 20.0, "reopen": 5.0, "spot": 8.0, "escalation": 9.0,
            "same_day": 5.0, "manual": 8.0}


class AssessmentTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        office = cls.supervisor
        sheet = [("claim", Metric.CLAIM_RATE, 20, False), ("reply", Metric.ON_TIME_REPLY_RATE, 20, False),
                 ("satisfaction", Metric.SATISFACTION_RATE, 20, True), ("reopen", Metric.REOPEN_RATE, 10, False),
                 ("spot", Metric.SPOT_CHECK_FAILURES, 10, False), ("escalation", Metric.ESCALATIONS, 10, False),
                 ("same_day", Metric.SAME_DAY_CLAIM_SHARE, 10, False), ("manual", Metric.MANUAL, 10, True)]
        cls.indicators = {}
        for code, metric, weight, key in sheet:
            indicator = services.indicator_define(
                code=code, name=code, kind=AssessedKind.DEPARTMENT, metric=metric, key_work=key,
                points_per_occurrence=2 if code == "spot" else 1, by=office)
            services.weight_set(indicator=indicator, year=2026, quarter=1, weight=weight, by=office)
            cls.indicators[code] = indicator
        # Q2 reweights: satisfaction counts double and the claim rate drops out.
        services.weight_set(indicator=cls.indicators["satisfaction"], year=2026, quarter=2, weight=40, by=office)
        village = services.indicator_define(code="v_sat", name="满意率", kind=AssessedKind.VILLAGE,
                                            metric=Metric.SATISFACTION_RATE, by=office)
        services.weight_set(indicator=village, year=2026, quarter=1, weight=100, by=office)
        services.star_thresholds_set(thresholds={1: 0, 2: 60, 3: 70, 4: 80, 5: 90}, by=office)
        services.team_set(name="郑区长分管", units=[cls.housing, cls.labour], leader=cls.district_leader, by=office)
        services.manual_score_set(indicator=cls.indicators["manual"], unit=cls.housing, year=2026, quarter=1,
                                  score=80, evidence="营商环境专项督查记录第3期", by=office)

    def unit(self, data, code):
        return next(row for row in data["units"] if row["code"] == code)

    def test_each_indicator_matches_the_hand_computation(self):
        play(self, HISTORY, start=MARCH, cases=2)
        housing = self.unit(compute(2026, 1, today=TODAY), "QC-ZJJ")
        self.assertEqual({line["code"]: line["points"] for line in housing["lines"]}, EXPECTED)
        self.assertEqual(housing["total"], 75.0)
        self.assertEqual(housing["key_work"], 28.0)  # satisfaction 20 + manual 8
        lines = {line["code"]: line for line in housing["lines"]}
        self.assertEqual((lines["claim"]["numerator"], lines["claim"]["denominator"]), (1, 3))
        self.assertEqual(lines["spot"]["value"], 1)
        self.assertEqual(lines["manual"]["evidence"], "营商环境专项督查记录第3期")

    def test_rankings_within_kind_team_and_key_work(self):
        play(self, HISTORY, start=MARCH, cases=2)
        data = compute(2026, 1, today=TODAY)
        housing, labour = self.unit(data, "QC-ZJJ"), self.unit(data, "QC-RSJ")
        # 人社局 had nothing due (无件不扣分: full points) but no manual score: 100 of 110.
        self.assertEqual(labour["total"], 100.0)
        self.assertEqual((labour["rank_team"], housing["rank_team"], housing["team_size"]), (1, 2, 2))
        self.assertEqual(housing["rank"], 5)  # four departments with 100 share rank 1
        self.assertEqual(labour["rank"], 1)
        self.assertEqual(housing["rank_key_work"], 1)  # key work: 28 beats 20 (no manual score elsewhere)
        self.assertNotIn("rank_team", self.unit(data, "QC-YSB"))

    def test_village_stars_follow_the_thresholds(self):
        village = self.unit(compute(2026, 1, today=TODAY), "QC-HXL-DG")
        self.assertEqual((village["total"], village["stars"]), (100.0, 5))
        services.star_thresholds_set(thresholds={1: 0, 2: 101, 3: 102, 4: 103, 5: 104}, by=self.supervisor)
        self.assertEqual(self.unit(compute(2026, 1, today=TODAY), "QC-HXL-DG")["stars"], 1)

    def test_weights_change_between_quarters(self):
        play(self, HISTORY, start=MARCH, cases=2)
        play(self, [(0, "dispatch", 1), (0, "claim", 1), (0, "reply", 2), (0, "evaluate_bad", 1)], start=APRIL,
             cases=1)
        q1 = self.unit(compute(2026, 1, today=TODAY), "QC-ZJJ")
        q2 = self.unit(compute(2026, 2, today=TODAY), "QC-ZJJ")
        self.assertEqual(len(q1["lines"]), 8)
        [line] = q2["lines"]
        self.assertEqual((line["code"], line["weight"], line["numerator"], line["denominator"]),
                         ("satisfaction", 40.0, 0, 1))
        self.assertEqual(q2["total"], 0.0)

    def test_a_published_quarter_is_frozen_and_a_correction_is_a_new_version(self):
        play(self, HISTORY, start=MARCH, cases=2)
        published = services.assessment_publish(year=2026, quarter=1, by=self.supervisor, today=TODAY)
        self.assertEqual(self.unit(published.data, "QC-ZJJ")["total"], 75.0)
        # Later data: a new case in the quarter, and a changed manual score.
        play(self, [(0, "dispatch", 1)], start=MARCH, cases=1)
        services.manual_score_set(indicator=self.indicators["manual"], unit=self.housing, year=2026, quarter=1,
                                  score=100, evidence="复核后更正", by=self.supervisor)
        shown, snapshot = results(2026, 1)
        self.assertEqual(snapshot.pk, published.pk)
        self.assertEqual(self.unit(shown, "QC-ZJJ")["total"], 75.0)
        self.assertNotEqual(self.unit(compute(2026, 1, today=TODAY), "QC-ZJJ")["total"], 75.0)
        with self.assertRaises(services.AlreadyPublished):
            services.assessment_publish(year=2026, quarter=1, by=self.supervisor)
        with self.assertRaises(services.AssessmentInvalid) as missing:
            services.assessment_correct(year=2026, quarter=1, reason="  ", by=self.supervisor)
        self.assertEqual(missing.exception.field, "reason")
        corrected = services.assessment_correct(year=2026, quarter=1, reason="人工指标复核更正", by=self.supervisor,
                                                today=TODAY)
        self.assertEqual(corrected.version, 2)
        self.assertEqual(list(Snapshot.objects.filter(year=2026, quarter=1).values_list("version", flat=True)
                              .order_by("version")), [1, 2])
        self.assertEqual(self.unit(Snapshot.objects.get(version=1).data, "QC-ZJJ")["total"], 75.0)
        self.assertEqual(results(2026, 1)[1].pk, corrected.pk)

    def test_bad_input_is_refused_and_names_the_field(self):
        base = {"indicator": self.indicators["manual"], "unit": self.housing, "year": 2026, "quarter": 1,
                "score": 50, "evidence": "x"}
        cases = [
            ({**base, "indicator": self.indicators["claim"]}, "indicator"),
            ({**base, "unit": self.town}, "unit"),
            ({**base, "quarter": 5}, "quarter"),
            ({**base, "score": 101}, "score"),
            ({**base, "score": "abc"}, "score"),
            ({**base, "evidence": " "}, "evidence"),
        ]
        for kwargs, field in cases:
            with self.subTest(field=field), self.assertRaises(services.AssessmentInvalid) as raised:
                services.manual_score_set(**kwargs, by=self.supervisor)
            self.assertEqual(raised.exception.field, field)
        with self.assertRaises(services.AssessmentInvalid):
            services.star_thresholds_set(thresholds={1: 0, 2: 50, 3: 40, 4: 80, 5: 90}, by=self.supervisor)
        with self.assertRaises(services.AssessmentInvalid):
            services.assessment_correct(year=2026, quarter=3, reason="x", by=self.supervisor)

    def test_only_the_assessment_office_changes_it(self):
        for user in (self.handler, self.unit_leader, self.district_leader, self.dispatcher):
            with self.subTest(user=user.username), self.assertRaises(NotPermitted):
                services.assessment_publish(year=2026, quarter=1, by=self.fresh(user))
        self.assertFalse(Snapshot.objects.exists())

    def test_query_count_does_not_grow_with_the_cases(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        play(self, HISTORY[:2], start=MARCH, cases=2)
        with CaptureQueriesContext(connection) as few:
            compute(2026, 1, today=TODAY)
        play(self, HISTORY * 3, start=MARCH, cases=12)
        with CaptureQueriesContext(connection) as many:
            compute(2026, 1, today=TODAY)
        self.assertEqual(len(few), len(many))
