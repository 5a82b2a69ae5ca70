"""The case page and its actions: who sees what, which buttons, and that bad input loses nothing."""

from django.urls import reverse

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, RequesterKind, Source, Verb
from dajuan.testing import LoopTestCase

HX = {"HX-Request": "true"}


def act(number, key):
    return reverse("workbench:case_action", args=[number, key])


class CasePageTests(LoopTestCase):
    def page(self, user, case=None):
        self.client.force_login(user)
        return self.client.get(reverse("workbench:case_detail", args=[(case or self.case).number]))

    def test_lead_unit_sees_header_timeline_and_its_claim_button(self):
        response = self.page(self.handler)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "小区电梯长期停运")
        self.assertContains(response, 'data-event="registered"')
        self.assertContains(response, 'data-event="dispatched"')
        self.assertContains(response, f'hx-get="{act(self.case.number, "claim")}"')  # enabled, not disabled
        self.assertContains(response, "13812345678")  # the lead unit may see the phone

    def test_dispatcher_sees_claim_disabled_with_the_reason(self):
        response = self.page(self.dispatcher)
        self.assertContains(response, 'disabled data-action="claim"')
        self.assertContains(response, "区住建局")

    def test_district_leader_sees_the_phone_masked(self):
        response = self.page(self.district_leader)
        self.assertContains(response, "138****5678")
        self.assertNotContains(response, "13812345678")

    def test_invisible_case_is_404_for_page_and_actions(self):
        for user in (self.other_handler, self.grid_worker, self.nobody):
            with self.subTest(user=user.username):
                self.assertEqual(self.page(user).status_code, 404)
                self.assertEqual(self.client.post(act(self.case.number, "claim"), {"version": 2}).status_code, 404)
        self.assertEqual(self.page(self.dispatcher, self.confidential_case).status_code, 404)
        self.assertEqual(self.page(self.inspector, self.confidential_case).status_code, 200)

    def test_requester_sees_no_internal_notes_and_no_staff_buttons(self):
        transitions.comment(self.case, text="内部备注：请加快", by=self.dispatcher)
        response = self.page(self.requester)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "内部备注")
        self.assertNotContains(response, "data-action=")
        self.assertContains(self.page(self.handler), "内部备注")

    def test_forbidden_persona_posting_an_action_gets_403_and_nothing_is_written(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(act(self.case.number, "claim"), {"version": self.case.version}, headers=HX)
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "区住建局", status_code=403)
        self.assertEqual(self.verbs(self.case), [Verb.REGISTERED, Verb.DISPATCHED])

    def test_action_not_offered_in_this_status_is_409(self):
        self.client.force_login(self.requester)
        response = self.client.post(act(self.case.number, "evaluate"), {"version": self.case.version,
                                                                       "satisfaction": "satisfied"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.reload(self.case).status, CaseStatus.DISPATCHED)

    def test_handler_claims_through_htmx_and_is_sent_back_to_the_page(self):
        self.client.force_login(self.handler)
        form = self.client.get(act(self.case.number, "claim"), headers=HX)
        self.assertContains(form, 'data-form="claim"')
        response = self.client.post(act(self.case.number, "claim"), {"version": self.case.version}, headers=HX)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["HX-Redirect"], reverse("workbench:case_detail", args=[self.case.number]))
        self.assertEqual(self.reload(self.case).status, CaseStatus.IN_PROGRESS)

    def test_a_missing_reason_is_shown_at_the_field_and_nothing_is_written(self):
        transitions.claim(self.assignment, by=self.handler)
        case = self.reload(self.case)
        self.client.force_login(self.handler)
        response = self.client.post(act(case.number, "request-extension"),
                                    {"version": case.version, "working_days": "3", "reason": ""}, headers=HX)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'data-error-for="reason"', status_code=400)
        self.assertContains(response, 'value="3"', status_code=400)  # what was typed is kept
        self.assertEqual(self.reload(case).version, case.version)

    def test_a_domain_error_comes_back_at_its_field_with_the_input_kept(self):
        transitions.claim(self.assignment, by=self.handler)
        case = self.reload(self.case)
        self.client.force_login(self.handler)
        response = self.client.post(act(case.number, "summon"), {"version": case.version, "units": "QC-ZJJ"},
                                    headers=HX)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'data-error-for="units"', status_code=400)
        self.assertContains(response, 'value="QC-ZJJ"', status_code=400)

    def test_an_unknown_unit_code_names_the_field(self):
        self.client.force_login(self.dispatcher)
        case = transitions.register(title="路灯不亮", content="东关路路灯坏了", source=Source.HOTLINE,
                                    requester_kind=RequesterKind.CITIZEN, requester_name="孙先生",
                                    category=self.property_mgmt, by=self.dispatcher)
        response = self.client.post(act(case.number, "dispatch"), {
            "version": case.version, "category": "JS-WY", "lead_unit": "NOPE", "priority": "normal"}, headers=HX)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'data-error-for="lead_unit"', status_code=400)
        self.assertEqual(self.reload(case).status, CaseStatus.RECEIVED)

    def test_a_stale_page_is_refused_with_409_and_the_input_kept(self):
        transitions.claim(self.assignment, by=self.handler)
        case = self.reload(self.case)
        seen = case.version  # the page was opened here; then someone noted progress
        transitions.note_progress(case, text="已联系物业", by=self.handler)
        self.client.force_login(self.handler)
        response = self.client.post(act(case.number, "reply"), {"version": seen, "text": "已修好"},
                                    headers=HX)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "已修好", status_code=409)
        self.assertEqual(self.reload(case).status, CaseStatus.IN_PROGRESS)

    def test_dispatch_with_preview_and_assisting_units(self):
        case = transitions.register(title="企业用工难", content="需要招工50人", source=Source.ENTERPRISE_PORTAL,
                                    requester_kind=RequesterKind.ENTERPRISE, by=self.dispatcher)
        self.client.force_login(self.dispatcher)
        preview = self.client.get(reverse("workbench:dispatch_preview", args=[case.number]),
                                  {"category": "LD", "priority": "urgent"}, headers=HX)
        self.assertContains(preview, "data-preview-reply")
        response = self.client.post(act(case.number, "dispatch"), {
            "version": case.version, "category": "LD", "lead_unit": "QC-RSJ", "assist_units": "QC-HXL",
            "priority": "urgent"})
        self.assertEqual(response.status_code, 302)
        case = self.reload(case)
        self.assertEqual((case.status, case.lead_unit, case.priority), (CaseStatus.DISPATCHED, self.labour, "urgent"))
        self.assertEqual(case.assignments.count(), 2)

    def test_dispatch_preview_is_for_dispatchers_only(self):
        self.client.force_login(self.handler)
        response = self.client.get(reverse("workbench:dispatch_preview", args=[self.case.number]),
                                   {"category": "LD", "priority": "urgent"})
        self.assertEqual(response.status_code, 403)

    def test_without_javascript_an_error_renders_the_whole_page_with_the_form_open(self):
        transitions.claim(self.assignment, by=self.handler)
        case = self.reload(self.case)
        self.client.force_login(self.handler)
        response = self.client.post(act(case.number, "reply"), {"version": case.version, "text": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "data-case-header", status_code=400)
        self.assertContains(response, 'data-error-for="text"', status_code=400)

    def test_an_open311_media_url_is_a_plain_escaped_link_that_opens_elsewhere(self):
        from dajuan.intake.services import case_register

        url = 'https://pic.example.com/a.jpg?x=1&y="><script>alert(1)</script>'
        case = case_register(by=self.dispatcher, channel=Source.OPEN311, title="井盖缺失", content="东关路井盖缺失",
                             requester_phone="13500001111", address="东关路1号", media_url=url)
        response = self.page(self.dispatcher, case)
        escaped = "https://pic.example.com/a.jpg?x=1&amp;y=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        self.assertContains(response, f'<a href="{escaped}" rel="noopener noreferrer nofollow" target="_blank">'
                                      f'{escaped}</a>', html=False)
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "媒体链接")
        self.assertNotContains(self.page(self.dispatcher), "data-media-url")  # a case without one shows no row

    def test_the_page_costs_the_same_queries_for_a_short_and_a_long_history(self):
        transitions.claim(self.assignment, by=self.handler)
        self.client.force_login(self.handler)
        url = reverse("workbench:case_detail", args=[self.case.number])
        self.client.get(url)
        with self.assertNumQueries(self._count(url)):
            self.client.get(url)
        case = self.reload(self.case)
        for n in range(20):
            transitions.note_progress(case, text=f"进展{n}", by=self.handler)
        with self.assertNumQueries(self._count(url)):
            response = self.client.get(url)
        self.assertContains(response, "进展19")

    def _count(self, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.client.get(url)
        return len(ctx.captured_queries)
