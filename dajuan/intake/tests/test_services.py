from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.cases.choices import RequesterKind, Source
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Case
from dajuan.core.errors import Conflict, NotPermitted
from dajuan.intake.models import Intake, PublicRequester
from dajuan.intake.services import case_register, clean_media_url, intake_enterprise_set
from dajuan.intake.testing import IntakeTestCase


class CaseRegisterTests(IntakeTestCase):
    def register(self, **overrides):
        fields = {"by": self.dispatcher, "channel": Source.HOTLINE, "title": "井盖缺失", "content": "东关路井盖缺失",
                  "requester_name": "市民", "requester_phone": "13500001111"}
        return case_register(**(fields | overrides))

    def test_an_external_id_becomes_one_case_per_channel(self):
        first = self.register(external_id="12345-0001")
        self.assertEqual(self.register(external_id="12345-0001"), first)
        other = self.register(external_id="12345-0001", channel=Source.IMPORT)
        self.assertNotEqual(other, first)

    def test_a_citizen_with_a_phone_gets_the_public_account_so_tracking_can_evaluate(self):
        case = self.register()
        self.assertTrue(case.requester_user.public_requester)
        self.assertFalse(case.requester_user.has_usable_password())

    def test_a_citizens_account_commits_with_their_case_or_not_at_all(self):
        first = self.register(idempotency_key="hotline-0001")
        accounts = PublicRequester.objects.count()
        # A retry that is not the same request is refused inside the transaction that would have made
        # the new phone's account: neither the account nor a case is left behind.
        with self.assertRaises(Conflict) as caught:
            self.register(idempotency_key="hotline-0001", requester_phone="13600002222", title="另一件事")
        self.assertEqual(caught.exception.field, "idempotency_key")
        self.assertEqual(PublicRequester.objects.count(), accounts)
        self.assertFalse(PublicRequester.objects.filter(phone="13600002222").exists())
        # The same citizen's next case reuses the account; the retry of the same request is the first case.
        self.assertEqual(self.register(idempotency_key="hotline-0001"), first)
        self.assertEqual(self.register(title="路灯不亮").requester_user, first.requester_user)
        self.assertEqual(PublicRequester.objects.count(), accounts)

    def test_a_public_submission_is_registered_by_the_citizens_own_account(self):
        case = self.register(by=None)
        event = case.events.get()
        self.assertEqual(event.actor, case.requester_user)
        again = self.register(by=None, title="路灯不亮")
        self.assertEqual(again.events.get().actor, case.requester_user)

    def test_a_media_url_is_kept_on_the_intake_row_as_given(self):
        url = "https://pic.bozhou.gov.cn/2026/井盖.jpg?size=large#top"
        case = self.register(media_url=f"  {url}\n")
        self.assertEqual(Intake.objects.get(case=case).media_url, url)
        self.assertEqual(Intake.objects.get(case=self.register(title="路灯不亮")).media_url, "")

    def test_bad_media_urls_name_the_field_and_write_nothing(self):
        before = (Case.objects.count(), Intake.objects.count())
        bad = ["ftp://files.example.com/a.jpg", "/media/a.jpg", "pic.example.com/a.jpg", "//pic.example.com/a.jpg",
               "javascript:alert(1)", "data:image/png;base64,AAAA", "http://", "http:///a.jpg",
               "https://user:secret@pic.example.com/a.jpg", "https://token@pic.example.com/a.jpg",
               "https://pic.example.com/" + "a" * 477, "https://pic.example.com/a b.jpg",
               "https://pic.example.com/a\x00.jpg", "https://pic.example.com/a\r\nSet-Cookie:x", "http://h:99999/a"]
        self.assertEqual(len(bad[10]), 501)
        for url in bad:
            with self.subTest(url=url[:40]), self.assertRaises(CaseInvalid) as caught:
                self.register(media_url=url)
            self.assertEqual(caught.exception.field, "media_url")
        self.assertEqual((Case.objects.count(), Intake.objects.count()), before)

    def test_good_media_urls(self):
        for url in ["http://10.1.2.3:8080/a.jpg", "https://gis-server/photo?id=7", "HTTPS://Pic.Example.com/a.JPG",
                    "https://pic.example.com/" + "a" * 476, "http://[fd00::1]/a.png"]:
            with self.subTest(url=url[:40]):
                self.assertEqual(clean_media_url(url), url)
        self.assertEqual(clean_media_url("   "), "")

    def test_bad_channel_input_writes_nothing(self):
        before = (Case.objects.count(), Intake.objects.count())
        for overrides, field in [({"channel": "carrier_pigeon"}, "source"), ({"external_id": "x" * 101}, "external_id"),
                                 ({"latitude": "39.9", "longitude": "-75.1"}, "latitude"),
                                 ({"by": None, "requester_phone": ""}, "requester_phone"),
                                 ({"title": ""}, "title")]:
            with self.subTest(field=field), self.assertRaises(CaseInvalid) as caught:
                self.register(**overrides)
            self.assertEqual(caught.exception.field, field)
        self.property_mgmt.is_active = False
        self.property_mgmt.save(update_fields=["is_active"])
        with self.assertRaises(CaseInvalid):
            self.register(category=self.property_mgmt)
        self.assertEqual((Case.objects.count(), Intake.objects.count()), before)

    def test_linking_a_case_to_an_enterprise_lets_its_accounts_see_and_evaluate_it(self):
        case = self.register(requester_kind=RequesterKind.ENTERPRISE, requester_name=self.enterprise.name)
        self.assertFalse(decide(self.fresh(self.ent_user), Action.VIEW_CASE, case))
        with self.assertRaises(NotPermitted):
            intake_enterprise_set(case, enterprise=self.enterprise, by=self.handler)
        intake_enterprise_set(case, enterprise=self.enterprise, by=self.dispatcher)
        case = self.reload(case)
        self.assertTrue(decide(self.fresh(self.ent_user), Action.VIEW_CASE, case))
        self.assertTrue(decide(self.fresh(self.ent_user), Action.EVALUATE_CASE, case))
