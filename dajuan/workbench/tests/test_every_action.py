"""Every action of the action bar, posted as a browser would, by a persona allowed to do it — and the
same post by a persona who is not, which is refused with nothing written."""

from django.urls import reverse

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, RequesterKind, Source
from dajuan.cases.models import ExtensionRequest
from dajuan.org.models import Unit
from dajuan.testing import LoopTestCase
from dajuan.workbench.actions import CASE_ACTIONS

HX = {"HX-Request": "true"}


class EveryActionTests(LoopTestCase):
    def post(self, user, case, key, data=None, expect=204):
        case = self.reload(case)
        self.client.force_login(user)
        response = self.client.post(reverse("workbench:case_action", args=[case.number, key]),
                                    {"version": case.version, **(data or {})}, headers=HX)
        self.assertEqual(response.status_code, expect, (key, user.username, response.content.decode()[:500]))
        return self.reload(case)

    def refused(self, user, case, key, data=None):
        before = self.reload(case).version
        self.client.force_login(user)
        response = self.client.post(reverse("workbench:case_action", args=[case.number, key]),
                                    {"version": before, **(data or {})}, headers=HX)
        self.assertIn(response.status_code, (403, 404), (key, user.username))
        self.assertEqual(self.reload(case).version, before, key)

    def new_case(self, **extra):
        return transitions.register(title="占道经营", content="菜市场门口占道经营堵塞交通", source=Source.HOTLINE,
                                    requester_kind=RequesterKind.ENTERPRISE, requester_name="钱企业",
                                    requester_user=self.requester, category=self.property_mgmt, by=self.dispatcher,
                                    **extra)

    def test_the_whole_action_bar_through_http(self):
        done = set()
        case = self.case
        self.refused(self.other_handler, case, "claim")
        case = self.post(self.handler, case, "claim")
        done.add("claim")
        self.refused(self.grid_worker, case, "summon", {"units": "QC-RSJ"})
        case = self.post(self.handler, case, "summon", {"units": "QC-RSJ, QC-HXL"})
        self.assertEqual(case.assignments.filter(role="assist").count(), 2)
        case = self.post(self.dispatcher, case, "release",
                         {"assignment": case.assignments.get(unit=self.town, role="assist").pk})
        case = self.post(self.other_handler, case, "claim")
        self.refused(self.handler, case, "report", {"text": "x"})
        case = self.post(self.other_handler, case, "report", {"text": "人社局已核实用工情况。"})
        self.refused(self.supervisor, case, "request-extension", {"working_days": 2, "reason": "x"})
        case = self.post(self.handler, case, "request-extension", {"working_days": 2, "reason": "等待配件"})
        self.refused(self.handler, case, "decide-extension", {"decision": "approve"})
        case = self.post(self.dispatcher, case, "decide-extension", {"decision": "deny", "note": "请按期办结"})
        self.assertEqual(ExtensionRequest.objects.get(case=case).state, "denied")
        self.refused(self.handler, case, "suspend", {"reason": "x"})
        case = self.post(self.unit_leader, case, "suspend", {"reason": "等待法院裁定"})
        self.assertEqual(case.status, CaseStatus.SUSPENDED)
        case = self.post(self.unit_leader, case, "resume")
        case = self.post(self.handler, case, "progress", {"text": "已约谈物业"})
        case = self.post(self.district_leader, case, "comment", {"text": "请加快进度"})
        self.refused(self.handler, case, "supervise", {"level": 1, "note": "x"})
        case = self.post(self.supervisor, case, "supervise", {"level": 3, "note": "挂牌督办"}, expect=400)
        case = self.post(self.supervisor, case, "supervise",
                         {"level": 3, "note": "挂牌督办", "escalated_to": self.district_leader.pk})
        self.assertEqual(case.supervision_level, 3)
        self.refused(self.requester, case, "reply", {"text": "x"})
        case = self.post(self.handler, case, "reply", {"text": "已修复电梯"})
        self.assertEqual(case.status, CaseStatus.REPLIED)
        self.refused(self.handler, case, "callback", {"satisfaction": "satisfied"})
        case = self.post(self.supervisor, case, "callback", {"satisfaction": "satisfied", "comment": "回访满意"})
        self.assertEqual(case.status, CaseStatus.CLOSED)
        self.refused(self.handler, case, "reopen", {"cause": "spot_check", "reason": "x"})
        case = self.post(self.supervisor, case, "reopen", {"cause": "spot_check", "reason": "抽查回访发现仍未修好"})
        self.assertEqual((case.status, case.reopen_count), (CaseStatus.DISPATCHED, 1))
        case = self.post(self.handler, case, "claim")
        case = self.post(self.handler, case, "reply", {"text": "已彻底修复"})
        case = self.post(self.requester, case, "evaluate", {"satisfaction": "basically_satisfied"})
        self.assertEqual(case.status, CaseStatus.CLOSED)
        done |= {"summon", "release", "report", "request-extension", "decide-extension", "suspend", "resume",
                 "progress", "comment", "supervise", "reply", "callback", "reopen", "evaluate"}

        other = self.new_case()
        self.refused(self.handler, other, "dispatch", {"category": "LD", "lead_unit": "QC-RSJ", "priority": "normal"})
        other = self.post(self.dispatcher, other, "dispatch", {"category": "JS-WY", "lead_unit": "QC-RSJ",
                                                               "priority": "normal"})
        other = self.post(self.dispatcher, other, "transfer", {"to_unit": "QC-ZJJ", "reason": "属住建局职责"})
        self.assertEqual(other.lead_unit, self.housing)
        other = self.post(self.handler, other, "return", {"reason": "非本单位职责"})
        self.assertEqual(other.status, CaseStatus.RETURNED)
        self.refused(self.handler, other, "reject", {"reason": "x"})
        other = self.post(self.dispatcher, other, "reject", {"reason": "属于司法程序，不予受理"})
        self.assertEqual(other.status, CaseStatus.REJECTED)
        third = self.new_case()
        self.refused(self.supervisor, third, "merge", {"into": self.case.number})
        third = self.post(self.dispatcher, third, "merge", {"into": self.case.number})
        self.assertEqual((third.status, third.duplicate_of_id), (CaseStatus.MERGED, self.case.pk))
        fourth = self.new_case()
        transitions.dispatch(fourth, lead_unit=self.housing, by=self.dispatcher)
        transitions.claim(fourth.assignments.get(), by=self.handler)
        transitions.reply(fourth, text="已处理", by=self.handler)
        self.refused(self.handler, fourth, "close", {"note": "x"})
        fourth = self.post(self.dispatcher, fourth, "close", {"note": "多次联系诉求人未接听"})
        self.assertEqual((fourth.status, fourth.closure_kind), (CaseStatus.CLOSED, "unevaluated"))
        done |= {"dispatch", "transfer", "return", "reject", "merge", "close"}

        # 答复审核: 住建局 reviews replies.
        Unit.objects.filter(pk=self.housing.pk).update(reply_review=True)
        fifth = self.new_case()
        transitions.dispatch(fifth, lead_unit=self.housing, by=self.dispatcher)
        transitions.claim(fifth.assignments.get(), by=self.handler)
        self.refused(self.handler, fifth, "reply", {"text": "x"})
        self.refused(self.dispatcher, fifth, "submit-reply", {"text": "x"})
        fifth = self.post(self.handler, fifth, "submit-reply", {"text": "已清理占道摊点"})
        self.assertEqual(fifth.status, CaseStatus.REVIEWING)
        self.refused(self.handler, fifth, "approve-reply")
        self.refused(self.handler, fifth, "send-back-reply", {"reason": "x"})
        self.post(self.unit_leader, fifth, "send-back-reply", {"reason": " "}, expect=400)
        fifth = self.post(self.unit_leader, fifth, "send-back-reply", {"reason": "请写明长效管理措施"})
        self.assertEqual(fifth.status, CaseStatus.IN_PROGRESS)
        form = self.client_get_form(self.handler, fifth, "submit-reply")
        self.assertIn("已清理占道摊点", form)  # the sent-back text is offered again to edit
        fifth = self.post(self.handler, fifth, "submit-reply", {"text": "已清理占道摊点，并安排城管每日巡查"})
        self.assertIn("每日巡查", self.client_get_form(self.unit_leader, fifth, "approve-reply"))
        fifth = self.post(self.unit_leader, fifth, "approve-reply")
        self.assertEqual(fifth.status, CaseStatus.REPLIED)
        done |= {"submit-reply", "approve-reply", "send-back-reply"}
        self.assertEqual(done, {a.key for a in CASE_ACTIONS})

    def client_get_form(self, user, case, key) -> str:
        self.client.force_login(user)
        response = self.client.get(reverse("workbench:case_action", args=[case.number, key]), headers=HX)
        self.assertEqual(response.status_code, 200, key)
        return response.content.decode()

    def test_merge_into_an_invisible_case_names_the_field(self):
        case = self.new_case()
        self.client.force_login(self.dispatcher)
        response = self.client.post(reverse("workbench:case_action", args=[case.number, "merge"]),
                                    {"version": case.version, "into": self.confidential_case.number}, headers=HX)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'data-error-for="into"', status_code=400)
