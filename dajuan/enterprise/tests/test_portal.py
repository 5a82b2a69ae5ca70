from django.urls import reverse

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, Source, Verb
from dajuan.cases.models import Case
from dajuan.intake.testing import IntakeTestCase

HOME = reverse("enterprise:portal-home")
SUBMIT = reverse("enterprise:portal-submit")


class PortalTests(IntakeTestCase):
    def login(self, user):
        self.client.force_login(user)

    def test_only_enterprise_accounts_use_the_portal(self):
        self.assertEqual(self.client.get(HOME).status_code, 302)  # to the login page
        self.login(self.handler)
        self.assertEqual(self.client.get(HOME).status_code, 403)
        self.assertEqual(self.client.get(SUBMIT).status_code, 403)

    def test_the_portal_lists_every_case_of_the_enterprise_only(self):
        self.login(self.ent_user)
        page = self.client.get(HOME)
        self.assertContains(page, self.ent_case.number)
        self.assertContains(page, "91341602MA2T8K3X09")
        self.assertNotContains(page, self.web_case.number)
        self.assertNotContains(page, self.case.number)
        self.assertEqual(self.client.get(reverse("enterprise:portal-case", args=[self.web_case.number])).status_code,
                         404)

    def test_submit_for_the_enterprise(self):
        self.login(self.ent_user)
        response = self.client.post(SUBMIT, {"title": "用电增容审批慢", "content": "增容申请已提交40天未批复。",
                                             "category": self.property_mgmt.pk, "phone": "13811112222",
                                             "address": "工业园区"})
        case = Case.objects.latest("pk")
        self.assertRedirects(response, reverse("enterprise:portal-case", args=[case.number]))
        self.assertEqual((case.source, case.requester_kind, case.requester_user), (Source.ENTERPRISE_PORTAL,
                                                                                   "enterprise", self.ent_user))
        self.assertEqual(case.intake.enterprise, self.enterprise)

    def test_bad_submissions_name_the_field_and_write_nothing(self):
        self.login(self.ent_user)
        before = Case.objects.count()
        for data, field in [({"title": "", "content": "内容"}, "title"), ({"title": "标题", "content": ""}, "content"),
                            ({"title": "标题", "content": "内容", "phone": "abc"}, "phone"),
                            ({"title": "标题", "content": "内容", "category": "0"}, "category")]:
            with self.subTest(field=field):
                response = self.client.post(SUBMIT, data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.context["form"].errors)
        self.assertEqual(Case.objects.count(), before)

    def test_evaluate_a_reply_for_the_enterprise(self):
        transitions.claim(self.ent_case.assignments.get(), by=self.handler)
        transitions.reply(self.reload(self.ent_case), text="已安排修复道路。", by=self.handler)
        self.login(self.other_ent_user)
        url = reverse("enterprise:portal-evaluate", args=[self.ent_case.number])
        self.assertEqual(self.client.post(url, {"satisfaction": "satisfied"}).status_code, 404)
        self.login(self.ent_user)
        page = self.client.get(reverse("enterprise:portal-case", args=[self.ent_case.number]))
        self.assertTrue(page.context["can_evaluate"])
        self.assertContains(page, "已安排修复道路")
        self.assertEqual(self.client.post(url, {"satisfaction": "basically_satisfied"}).status_code, 302)
        case = self.reload(self.ent_case)
        self.assertEqual(case.status, CaseStatus.CLOSED)
        self.assertEqual(case.events.get(verb=Verb.EVALUATED).actor, self.ent_user)
        again = self.client.post(url, {"satisfaction": "satisfied"})
        self.assertEqual(again.status_code, 409)
