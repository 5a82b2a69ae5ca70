from dajuan.cases import transitions
from dajuan.cases.choices import ClosureKind, SupervisionLevel, Verb
from dajuan.notify.models import Message
from dajuan.supervision.choices import MarkKind
from dajuan.supervision.models import SupervisionRule, SweepMark
from dajuan.supervision.sweep import sweep
from dajuan.supervision.tests.helpers import local, make_case
from dajuan.testing import LoopTestCase


class SweepTestCase(LoopTestCase):
    def levels(self, case):
        return [e.payload["level"] for e in case.events.filter(verb=Verb.SUPERVISED).order_by("seq")]

    def marks(self, case, kind):
        return SweepMark.objects.filter(case=case, kind=kind).count()


class ReminderTests(SweepTestCase):
    def test_claim_reminder_comes_within_the_lead_time_once_and_reaches_the_unit(self):
        """Dispatched Monday 09:00, claim due 17:30; the default rule reminds 2 working hours before."""
        case = make_case(self, dispatched=local(2026, 3, 2, 9))
        sweep(now=local(2026, 3, 2, 10))
        self.assertEqual(self.marks(case, MarkKind.CLAIM_REMINDER), 0)
        sweep(now=local(2026, 3, 2, 16))
        sweep(now=local(2026, 3, 2, 16, 30))
        self.assertEqual(self.marks(case, MarkKind.CLAIM_REMINDER), 1)
        mark = SweepMark.objects.get(case=case, kind=MarkKind.CLAIM_REMINDER)
        self.assertEqual(set(Message.objects.filter(key=f"mark:{mark.pk}").values_list("recipient", flat=True)),
                         {self.handler.pk, self.unit_leader.pk})

    def test_unclaimed_by_the_deadline_flags_the_unit_once(self):
        case = make_case(self, dispatched=local(2026, 3, 2, 9))
        sweep(now=local(2026, 3, 3, 9))
        sweep(now=local(2026, 3, 3, 10))
        self.assertEqual(self.marks(case, MarkKind.CLAIM_MISSED), 1)
        claimed = make_case(self, dispatched=local(2026, 3, 2, 9), claimed=local(2026, 3, 2, 11))
        self.assertEqual(self.marks(claimed, MarkKind.CLAIM_MISSED), 0)

    def test_reply_reminder_is_renewed_when_an_extension_moves_the_deadline(self):
        case = make_case(self, dispatched=local(2026, 3, 2, 9), claimed=local(2026, 3, 2, 10))
        sweep(now=local(2026, 3, 9, 9))  # due Monday 9 March 17:30: within 9 working hours
        self.assertEqual(self.marks(case, MarkKind.REPLY_REMINDER), 1)
        request = transitions.request_extension(case, working_days=3, reason="需协调电力公司", by=self.handler,
                                                at=local(2026, 3, 9, 9, 30))
        transitions.decide_extension(request, approve=True, by=self.dispatcher, at=local(2026, 3, 9, 10))
        sweep(now=local(2026, 3, 12, 9))  # now due Thursday 12 March 17:30
        self.assertEqual(self.marks(case, MarkKind.REPLY_REMINDER), 2)


class EscalationTests(SweepTestCase):
    def test_escalates_step_by_step_as_working_days_pass_and_never_twice(self):
        """Reply due Mon 9 March 17:30: 催办 once overdue, 督办 after 1 working day, 挂牌督办 after 3."""
        case = make_case(self, dispatched=local(2026, 3, 2, 9), claimed=local(2026, 3, 2, 10))
        sweep(now=local(2026, 3, 9, 17))
        self.assertEqual(self.levels(case), [])
        sweep(now=local(2026, 3, 10, 9))
        sweep(now=local(2026, 3, 10, 9, 5))
        self.assertEqual(self.levels(case), [SupervisionLevel.REMINDED])
        self.assertEqual(self.marks(case, MarkKind.OVERDUE), 1)
        sweep(now=local(2026, 3, 10, 18))
        self.assertEqual(self.levels(case), [1, 2])
        sweep(now=local(2026, 3, 12, 17))
        self.assertEqual(self.levels(case), [1, 2])
        sweep(now=local(2026, 3, 12, 18))
        sweep(now=local(2026, 3, 13, 9))
        self.assertEqual(self.levels(case), [1, 2, 3])
        listed = case.events.get(verb=Verb.SUPERVISED, payload__level=3)
        self.assertEqual(listed.payload["escalated_to"], self.district_leader.pk)
        self.assertTrue(Message.objects.filter(event_pk=listed.pk, recipient=self.district_leader).exists())
        self.assertEqual(self.reload(case).supervision_level, SupervisionLevel.LISTED)

    def test_a_late_first_look_still_records_every_step(self):
        case = make_case(self, dispatched=local(2026, 3, 2, 9))
        sweep(now=local(2026, 3, 20, 9))
        self.assertEqual(self.levels(case), [1, 2, 3])

    def test_friday_deadline_before_a_make_up_saturday(self):
        """Due Fri 13 Feb 2026; Sat 14 Feb is a make-up working day, then the Spring Festival (15–23 Feb)."""
        case = make_case(self, dispatched=local(2026, 2, 6, 9), claimed=local(2026, 2, 6, 10))
        self.assertEqual(self.reload(case).reply_due, local(2026, 2, 13, 17, 30))
        sweep(now=local(2026, 2, 14, 17))
        self.assertEqual(self.levels(case), [1])
        sweep(now=local(2026, 2, 14, 18))  # the make-up Saturday was a whole working day overdue
        self.assertEqual(self.levels(case), [1, 2])
        sweep(now=local(2026, 2, 23, 18))  # the festival does not count
        self.assertEqual(self.levels(case), [1, 2])
        sweep(now=local(2026, 2, 25, 18))  # 14, 24, 25 February
        self.assertEqual(self.levels(case), [1, 2, 3])

    def test_rules_per_category_and_priority(self):
        SupervisionRule.objects.create(category=self.property_mgmt, priority="", supervise_after_days=2,
                                       list_after_days=10)
        case = make_case(self, dispatched=local(2026, 3, 2, 9))
        sweep(now=local(2026, 3, 11, 18))  # 2 working days overdue
        self.assertEqual(self.levels(case), [1, 2])
        sweep(now=local(2026, 3, 20, 18))
        self.assertEqual(self.levels(case), [1, 2])

    def test_suspended_and_confidential_cases_are_left_alone(self):
        case = make_case(self, dispatched=local(2026, 3, 2, 9), claimed=local(2026, 3, 2, 10))
        transitions.suspend(case, reason="等待法院裁定", by=self.dispatcher, at=local(2026, 3, 3, 9))
        secret = make_case(self, dispatched=local(2026, 3, 2, 9), confidential=True)
        sweep(now=local(2026, 4, 1, 9))
        self.assertEqual(self.levels(self.reload(case)), [])
        self.assertEqual(SweepMark.objects.filter(case__in=[case, secret]).count(), 0)


class ClosureTests(SweepTestCase):
    def test_a_reply_left_unevaluated_closes_after_n_working_days_across_the_spring_festival(self):
        """Replied Fri 13 Feb; 7 working days: 14, 24, 25, 26, 27, 28 Feb (make-up) and 2 March."""
        case = make_case(self, dispatched=local(2026, 2, 9, 9), claimed=local(2026, 2, 9, 10),
                         replied=local(2026, 2, 13, 10))
        sweep(now=local(2026, 2, 28, 18))
        self.assertEqual(self.reload(case).status, "replied")
        sweep(now=local(2026, 3, 2, 18))
        sweep(now=local(2026, 3, 3, 9))
        case = self.reload(case)
        self.assertEqual((case.status, case.closure_kind, case.satisfaction), ("closed", ClosureKind.UNEVALUATED, ""))
        self.assertEqual(self.verbs(case).count(Verb.CLOSED), 1)

    def test_the_requesters_evaluation_before_the_limit_wins(self):
        case = make_case(self, dispatched=local(2026, 2, 9, 9), claimed=local(2026, 2, 9, 10),
                         replied=local(2026, 2, 13, 10))
        transitions.evaluate(case, satisfaction="satisfied", by=self.requester, at=local(2026, 2, 24, 9))
        sweep(now=local(2026, 3, 5, 18))
        self.assertEqual(self.reload(case).closure_kind, ClosureKind.EVALUATED)


class RulePartitionTests(LoopTestCase):
    def test_partition_agrees_with_rule_for_on_every_case(self):
        from dajuan.cases.models import Case
        from dajuan.supervision.rules import RuleSet

        SupervisionRule.objects.create(category=self.property_mgmt, priority="urgent", list_after_days=2)
        SupervisionRule.objects.create(category=self.jobs, priority="")
        SupervisionRule.objects.create(category=None, priority="urgent", list_after_days=5)
        for category in (self.property_mgmt, self.jobs, self.building, None):
            for priority in ("normal", "urgent", "critical"):
                transitions.register(title="t", content="c", source="hotline", requester_kind="citizen",
                                     requester_name="刘", category=category, priority=priority, by=self.dispatcher)
        rules = RuleSet.load()
        seen = {}
        for rule, q in rules.partition():
            for pk in Case.objects.filter(q).values_list("pk", flat=True):
                self.assertNotIn(pk, seen, "the partition must be disjoint")
                seen[pk] = rule
        for case in Case.objects.all():
            with self.subTest(category=case.category_id, priority=case.priority):
                self.assertIs(seen[case.pk], rules.rule_for(case.category_id, case.priority))
