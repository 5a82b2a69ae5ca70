"""答复审核 (Unit.reply_review): submit → send back → resubmit → approve, and what each step leaves in the
ledger, the assignment, the notifications, the figures and the rollups. The per-verb happy paths, forbidden
personas, wrong statuses and races are in the generic tests (loop_specs.SPECS)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from dajuan.cases import transitions as t
from dajuan.cases.choices import AssignmentStatus, CaseStatus, Verb
from dajuan.cases.errors import CaseInvalid, InvalidTransition
from dajuan.cases.facts import walk_case
from dajuan.cases.models import Case
from dajuan.cases.tests.loop_specs import lead, reach, snapshot
from dajuan.core.errors import Conflict, NotPermitted
from dajuan.notify.models import Message
from dajuan.rollups.services import recount_differences
from dajuan.testing import LoopTestCase


def verbs(case) -> list[str]:
    return list(case.events.order_by("seq").values_list("verb", flat=True))


def reply_facts(case) -> list[str]:
    rows = case.events.order_by("seq").values_list("verb", "at", "payload")
    return sorted(f.counter for f in walk_case(rows).facts if f.counter.startswith("reply"))


class ReplyReviewTests(LoopTestCase):
    def reviewing(self, **kw) -> Case:
        return reach(self, CaseStatus.REVIEWING, **kw)

    def test_submit_send_back_resubmit_approve(self):
        """Each step is one event; the reply goes out only at the approval, with the resubmitted text and
        the leader as the actor, and the handler as the one who wrote it."""
        case = self.reviewing()
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.REVIEWING)
        self.assertEqual(lead(case).status, AssignmentStatus.CLAIMED)
        self.assertEqual(lead(case).reply_text, "")  # a draft never sits on the assignment

        t.send_back_reply(case, reason="请写明整改时限。", by=self.unit_leader)
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.IN_PROGRESS)
        t.submit_reply(case, text="已修复，三日内复查。", by=self.handler)
        t.approve_reply(case, by=self.unit_leader)

        stored = Case.objects.get(pk=case.pk)
        self.assertEqual(stored.status, CaseStatus.REPLIED)
        self.assertEqual(verbs(case)[-4:], [Verb.REPLY_SUBMITTED, Verb.REPLY_SENT_BACK, Verb.REPLY_SUBMITTED,
                                            Verb.REPLIED])
        replied = case.events.get(verb=Verb.REPLIED)
        second = case.events.filter(verb=Verb.REPLY_SUBMITTED).order_by("-seq").first()
        self.assertEqual((replied.actor_id, replied.payload["text"]), (self.unit_leader.pk, "已修复，三日内复查。"))
        self.assertEqual((replied.payload["submitted_seq"], replied.payload["submitted_by"]),
                         (second.seq, self.handler.pk))
        sent_back = case.events.get(verb=Verb.REPLY_SENT_BACK)
        self.assertEqual(sent_back.payload["reason"], "请写明整改时限。")
        assignment = lead(case)
        self.assertEqual((assignment.status, assignment.replied_by_id, assignment.reply_text),
                         (AssignmentStatus.REPLIED, self.handler.pk, "已修复，三日内复查。"))
        self.assertEqual(stored.replied_at, replied.at)
        # The requester can evaluate, as after any reply.
        t.evaluate(stored, satisfaction="satisfied", by=self.requester)
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.CLOSED)

    def test_the_approval_carries_the_submitted_files(self):
        case = reach(self, CaseStatus.IN_PROGRESS, review=True)
        photo = SimpleUploadedFile("现场.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
        t.submit_reply(case, text="已修复。", files=[photo], by=self.handler)
        t.approve_reply(case, by=self.unit_leader)
        submitted = case.events.get(verb=Verb.REPLY_SUBMITTED).payload["attachments"]
        self.assertEqual(len(submitted), 1)
        self.assertEqual(case.events.get(verb=Verb.REPLIED).payload["attachments"], submitted)

    def test_handlers_of_a_reviewing_unit_cannot_reply_directly_but_its_leader_can(self):
        case = reach(self, CaseStatus.IN_PROGRESS, review=True)
        before = snapshot(case)
        with self.assertRaises(NotPermitted):
            t.reply(case, text="已修复。", by=self.handler)
        self.assertEqual(snapshot(case), before)
        t.reply(Case.objects.get(pk=case.pk), text="已修复。", by=self.unit_leader)
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.REPLIED)

    def test_a_unit_without_review_has_nothing_to_submit(self):
        case = reach(self, CaseStatus.IN_PROGRESS)
        with self.assertRaises(NotPermitted) as raised:
            t.submit_reply(case, text="已修复。", by=self.handler)
        self.assertTrue(raised.exception.message)

    def test_a_reply_under_review_is_approved_not_replied_to(self):
        case = self.reviewing()
        before = snapshot(case)
        with self.assertRaises(InvalidTransition):
            t.reply(Case.objects.get(pk=case.pk), text="直接答复。", by=self.unit_leader)
        with self.assertRaises(InvalidTransition):
            t.submit_reply(Case.objects.get(pk=case.pk), text="再提交。", by=self.handler)
        self.assertEqual(snapshot(case), before)

    def test_the_dispatcher_cannot_transfer_or_suspend_a_reply_under_review(self):
        case = self.reviewing()
        for act in (lambda c: t.transfer(c, to_unit=self.labour, reason="转人社局。", by=self.dispatcher),
                    lambda c: t.suspend(c, reason="等待。", by=self.dispatcher),
                    lambda c: t.return_to_dispatcher(lead(c), reason="非本单位。", by=self.handler)):
            with self.subTest(act=act), self.assertRaises(InvalidTransition):
                act(Case.objects.get(pk=case.pk))

    def test_sending_back_needs_a_reason(self):
        case = self.reviewing()
        before = snapshot(case)
        with self.assertRaises(CaseInvalid) as raised:
            t.send_back_reply(case, reason="  ", by=self.unit_leader)
        self.assertEqual(raised.exception.field, "reason")
        self.assertEqual(snapshot(case), before)

    def test_pending_assisting_units_wait_unless_the_submission_asks_and_the_leader_approves(self):
        case = reach(self, CaseStatus.IN_PROGRESS, with_assist=True, review=True)
        with self.assertRaises(Conflict) as raised:
            t.submit_reply(case, text="已处理。", by=self.handler)
        self.assertEqual(raised.exception.field, "override_assist")
        t.submit_reply(Case.objects.get(pk=case.pk), text="已处理。", override_assist=True, by=self.handler)
        self.assertEqual(case.events.get(verb=Verb.REPLY_SUBMITTED).payload["without_assist"], ["QC-RSJ"])
        t.approve_reply(Case.objects.get(pk=case.pk), by=self.unit_leader)
        self.assertEqual(case.events.get(verb=Verb.REPLIED).payload["overridden"], ["QC-RSJ"])
        self.assertFalse(case.assignments.filter(status__in=["pending", "claimed"]).exists())

    def test_the_reply_counts_when_approved_and_the_deadline_runs_during_review(self):
        """按时办结率 reads the REPLIED event: nothing is counted at the submission, and an approval after the
        reply deadline is late even though the submission was on time."""
        case = self.reviewing()
        self.assertEqual(reply_facts(case), ["reply_open"])
        late = case.reply_due + timedelta(hours=1)
        t.approve_reply(Case.objects.get(pk=case.pk), by=self.unit_leader, at=late)
        self.assertEqual(reply_facts(case), ["reply_den"])  # replied, not on time
        self.assertFalse(case.events.get(verb=Verb.REPLIED).payload["on_time"])
        self.assertEqual(recount_differences(), [])

    def test_a_reviewing_case_is_open_and_overdue_once_its_deadline_passes(self):
        case = Case.objects.get(pk=self.reviewing().pk)
        self.assertTrue(case.is_open)
        self.assertTrue(case.is_overdue(case.reply_due + timedelta(minutes=1)))
        self.assertTrue(Case.objects.overdue(at=case.reply_due + timedelta(minutes=1)).filter(pk=case.pk).exists())

    def test_notifications_go_to_the_leader_then_the_handler_then_the_requester(self):
        case = self.reviewing()
        submitted = Message.objects.filter(kind=f"case_{Verb.REPLY_SUBMITTED}").values_list("recipient", flat=True)
        self.assertEqual(set(submitted), {self.unit_leader.pk})
        t.send_back_reply(case, reason="请补充照片。", by=self.unit_leader)
        back = Message.objects.filter(kind=f"case_{Verb.REPLY_SENT_BACK}").values_list("recipient", flat=True)
        self.assertEqual(set(back), {self.handler.pk})
        t.submit_reply(case, text="已补充。", by=self.handler)
        t.approve_reply(case, by=self.unit_leader)
        replied = Message.objects.filter(kind=f"case_{Verb.REPLIED}").values_list("recipient", flat=True)
        self.assertEqual(set(replied), {self.requester.pk})

    def test_without_a_leader_of_its_own_the_nearest_leader_above_is_told(self):
        """A community (东关社区) that reviews its replies but has no leader of its own: the leader of the
        street above it (花戏楼街道), who may approve its replies, hears of the submission; nobody else does."""
        from django.contrib.auth import get_user_model

        from dajuan.cases.tests.loop_specs import new_case
        from dajuan.org.choices import Role
        from dajuan.org.models import Unit
        from dajuan.org.services import membership_add

        community = self.units["QC-HXL-DG"]
        Unit.objects.filter(pk=community.pk).update(reply_review=True)
        community.refresh_from_db()
        worker = get_user_model().objects.create_user(username="sqgz", password=None, full_name="社区干事")
        membership_add(user=worker, unit=community, role=Role.HANDLER, title="干事")
        case = new_case(self)
        t.dispatch(case, lead_unit=community, by=self.dispatcher)
        t.claim(lead(case), by=worker)
        t.submit_reply(Case.objects.get(pk=case.pk), text="已清理楼道杂物。", by=worker)
        submitted = Message.objects.filter(kind=f"case_{Verb.REPLY_SUBMITTED}").values_list("recipient", flat=True)
        self.assertEqual(set(submitted), {self.town_leader.pk})
        t.approve_reply(Case.objects.get(pk=case.pk), by=self.town_leader)
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.REPLIED)

    def test_rollups_follow_the_review_status(self):
        case = self.reviewing()
        self.assertEqual(recount_differences(), [])
        t.send_back_reply(case, reason="请补充。", by=self.unit_leader)
        self.assertEqual(recount_differences(), [])
