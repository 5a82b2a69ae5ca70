from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, Satisfaction
from dajuan.cases.ledger import verify_chains
from dajuan.testing import LoopTestCase


class LifecycleTests(LoopTestCase):
    def test_full_lifecycle_with_a_reopen(self):
        case = self.reload(self.case)
        transitions.claim(case.assignments.get(), by=self.handler)
        case = self.reload(case)
        transitions.reply(case, text="已协调物业维修。", by=self.handler)
        case = self.reload(case)
        transitions.evaluate(case, satisfaction=Satisfaction.UNSATISFIED, comment="仍未修好", by=self.requester)
        case = self.reload(case)
        self.assertEqual(case.status, CaseStatus.DISPATCHED)
        self.assertEqual(case.reopen_count, 1)
        transitions.claim(case.assignments.get(status="pending"), by=self.handler)
        case = self.reload(case)
        transitions.reply(case, text="电梯已修复。", by=self.handler)
        case = self.reload(case)
        transitions.evaluate(case, satisfaction=Satisfaction.SATISFIED, by=self.requester)
        case = self.reload(case)
        self.assertEqual(case.status, CaseStatus.CLOSED)
        self.assertEqual(self.verbs(case), ["registered", "dispatched", "claimed", "replied", "evaluated",
                                            "reopened", "claimed", "replied", "evaluated", "closed"])
        breaks = [b for _, b in verify_chains() if b]
        self.assertEqual(breaks, [])
