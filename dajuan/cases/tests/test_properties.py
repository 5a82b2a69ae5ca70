"""Property-based: random sequences of transitions by random personas on a few cases. Whatever happens,
every call either succeeds or fails with one of the loop's own errors (writing nothing), the case rows
stay consistent with their assignments and ledgers, and every chain verifies."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from dajuan.cases.choices import ENDED_STATUSES, AssignmentRole, CaseStatus
from dajuan.cases.ledger import verify_chains, versions_out_of_step
from dajuan.cases.models import Case
from dajuan.cases.rules import ALLOWED_FROM
from dajuan.cases.tests.loop_specs import (
    EVERYONE,
    SPECS,
    assist,
    lead,
    new_case,
    pending_request,
    persona,
    require_review,
    snapshot,
)
from dajuan.core.errors import DomainError
from dajuan.testing import LoopTestCase

LIVE = ("pending", "claimed")
PERSONAS = sorted(EVERYONE)
# A spec whose act needs an object the case may not have yet is skipped while it is missing.
ENDINGS = {"reject", "merge"}
NEEDS = {"claim": lead, "return": lead, "remove_assist": assist, "report_assist": assist,
         "approve_extension": pending_request, "deny_extension": pending_request}



class RandomSequenceTests(HypothesisTestCase, LoopTestCase):
    def assert_consistent(self, case: Case) -> None:
        case = Case.objects.get(pk=case.pk)
        live = list(case.assignments.filter(status__in=LIVE))
        leads = [a for a in live if a.role == AssignmentRole.LEAD]
        self.assertLessEqual(len(leads), 1)
        if case.status in (CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.SUSPENDED, CaseStatus.REVIEWING):
            self.assertEqual(len(leads), 1, case.status)
            self.assertEqual(leads[0].unit_id, case.lead_unit_id)
            expected = "pending" if case.status == CaseStatus.DISPATCHED else "claimed"
            self.assertEqual(leads[0].status, expected, case.status)
            self.assertIsNotNone(case.reply_due)
        if case.status in (CaseStatus.RECEIVED, CaseStatus.RETURNED) or case.status in ENDED_STATUSES:
            self.assertEqual(live, [], case.status)
        if case.status == CaseStatus.REPLIED:
            self.assertEqual(leads, [])
        if case.closure_kind == "unevaluated":
            self.assertEqual(case.satisfaction, "")
        seqs = list(case.events.order_by("seq").values_list("seq", flat=True))
        self.assertEqual(seqs, list(range(1, case.version + 1)))
        self.assertEqual(case.supervision_level in (0, 1, 2, 3), True)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_random_sequences_keep_the_loop_consistent(self, data):
        # Half the runs with 住建局 reviewing its replies (答复审核), so submit/approve/send back go deep too.
        require_review(self, data.draw(st.booleans(), label="review"))
        cases = [new_case(self) for _ in range(3)]
        for _ in range(data.draw(st.integers(min_value=5, max_value=30), label="steps")):
            case = Case.objects.get(pk=data.draw(st.sampled_from(cases), label="case").pk)
            # Mostly verbs the status allows by their usual actor — those that move the case on
            # ("forward") or not ("side") — so sequences get deep into the loop; otherwise anything by anyone.
            mode = data.draw(st.sampled_from(["forward", "forward", "side", "any"]), label="mode")
            fitting = [s for s in SPECS if case.status in ALLOWED_FROM[s.verb] and s.name not in ENDINGS
                       and (s.ends != s.start) == (mode == "forward")]
            if mode == "any" or not fitting:
                spec = data.draw(st.sampled_from(SPECS), label="spec")
                persona_name = data.draw(st.sampled_from(PERSONAS), label="persona")
            else:
                spec = data.draw(st.sampled_from(fitting), label="spec")
                persona_name = spec.actor
            if (needed := NEEDS.get(spec.name)) and needed(case) is None:
                continue
            before = snapshot(case)
            try:
                spec.act(self, case, self.fresh(persona(self, persona_name)))
            except DomainError as refused:
                self.assertIn(refused.http_status, (400, 403, 404, 409), refused)
                self.assertEqual(snapshot(case), before, f"{spec.name} by {persona_name} wrote after {refused!r}")
            self.assert_consistent(case)
        self.assertEqual([b for _n, b in verify_chains() if b], [])
        self.assertEqual(list(versions_out_of_step()), [])
