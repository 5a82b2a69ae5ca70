"""The 政企直通车 group webhook: signatures, replays, members, and the answer back to the group."""

import json
import time

from django.test import override_settings
from django.urls import reverse

from dajuan.cases import transitions
from dajuan.cases.choices import Source
from dajuan.cases.models import Case
from dajuan.intake.models import GroupMember, MessageGroup
from dajuan.intake.testing import IntakeTestCase
from dajuan.intake.webhook import signature
from dajuan.notify import backends

SECRET = "s3cret-shared-with-the-bot"


class WebhookTests(IntakeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.group = MessageGroup.objects.create(code="pharma", name="医药企业直通车群", manager=cls.dispatcher,
                                                secret=SECRET)
        GroupMember.objects.create(group=cls.group, sender_id="wmA1", name="周经理", enterprise=cls.enterprise)
        cls.url = reverse("intake:group-webhook", args=["pharma"])

    def send(self, message: dict | bytes, *, stamp=None, secret=SECRET, sig=None):
        body = message if isinstance(message, bytes) else json.dumps(message, ensure_ascii=False).encode()
        stamp = str(int(time.time())) if stamp is None else stamp
        return self.client.post(self.url, body, content_type="application/json",
                                HTTP_X_DAJUAN_TIMESTAMP=stamp,
                                HTTP_X_DAJUAN_SIGNATURE=sig if sig is not None else signature(secret, stamp, body))

    def message(self, **overrides):
        return {"msgid": "wx-1", "sender_id": "wmA1", "sender_name": "周经理",
                "text": "#问题 园区B区停电三天，影响生产", **overrides}

    def test_a_marked_problem_from_a_member_becomes_a_case_of_the_enterprise_and_group(self):
        response = self.send(self.message())
        self.assertEqual(response.status_code, 201, response.content)
        case = Case.objects.get(number=response.json()["case"])
        self.assertEqual((case.source, case.requester_kind, case.content), (Source.WECHAT_GROUP, "enterprise",
                                                                            "园区B区停电三天，影响生产"))
        self.assertEqual((case.intake.enterprise, case.intake.group), (self.enterprise, self.group))
        self.assertEqual(case.events.get().actor, self.dispatcher)

    def test_a_repeated_message_returns_the_first_case(self):
        first = self.send(self.message()).json()["case"]
        self.assertEqual(self.send(self.message()).json()["case"], first)
        self.assertEqual(Case.objects.filter(source=Source.WECHAT_GROUP).count(), 1)

    def test_chat_that_is_not_a_problem_is_ignored(self):
        response = self.send(self.message(text="大家好"))
        self.assertEqual(response.json(), {"status": "ignored"})
        self.assertEqual(self.send(self.message(text="停电了", problem=True)).status_code, 201)

    def test_forged_expired_and_future_signatures_are_refused(self):
        old = str(int(time.time()) - 330)  # margins: the test itself takes time
        ahead = str(int(time.time()) + 330)
        cases = [
            (self.send(self.message(), secret="guessed"), "bad_signature"),
            (self.send(self.message(), sig=""), "bad_signature"),
            (self.send(self.message(), stamp=old), "stale_signature"),
            (self.send(self.message(), stamp=ahead), "stale_signature"),
            (self.send(self.message(), stamp="yesterday"), "stale_signature"),
        ]
        for response, code in cases:
            with self.subTest(code=code):
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["code"], code)
        body = json.dumps(self.message(), ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        tampered = body.replace("停电".encode(), "停水".encode())
        response = self.client.post(self.url, tampered, content_type="application/json", HTTP_X_DAJUAN_TIMESTAMP=stamp,
                                    HTTP_X_DAJUAN_SIGNATURE=signature(SECRET, stamp, body))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Case.objects.filter(source=Source.WECHAT_GROUP).exists())

    def test_bad_bodies_and_strangers_are_refused(self):
        for body, field in [(b"{not json", "body"), (b"[1, 2]", "body"), (self.message(msgid=""), "msgid"),
                            (self.message(text=5), "text"), (self.message(problem="yes"), "problem"),
                            (self.message(text="#问题 " + "长" * 5001), "text"), (self.message(text="a\x00b"), "text")]:
            with self.subTest(field=field):
                response = self.send(body)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["field"], field)
        stranger = self.send(self.message(sender_id="wmZZ"))
        self.assertEqual((stranger.status_code, stranger.json()["code"]), (403, "not_a_member"))
        self.assertEqual(self.client.post(reverse("intake:group-webhook", args=["nope"]), b"{}",
                                          content_type="application/json").status_code, 404)
        self.assertFalse(Case.objects.filter(source=Source.WECHAT_GROUP).exists())

    @override_settings(DAJUAN_NOTIFY_BACKEND="locmem")
    def test_the_reply_goes_back_to_the_group(self):
        backends.outbox.clear()
        case = Case.objects.get(number=self.send(self.message()).json()["case"])
        transitions.dispatch(case, lead_unit=self.housing, category=self.property_mgmt, by=self.dispatcher)
        transitions.claim(case.assignments.get(), by=self.handler)
        with self.captureOnCommitCallbacks(execute=True):
            transitions.reply(self.reload(case), text="供电公司已抢修，今晚恢复。", by=self.handler)
        [sent] = backends.outbox
        self.assertEqual(sent.group, "pharma")
        self.assertIn("供电公司已抢修", sent.text)
        self.assertIn(case.number, sent.text)
