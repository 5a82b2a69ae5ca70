import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import Verb
from dajuan.core.errors import NotPermitted, ValidationFailed
from dajuan.notify import services
from dajuan.notify.choices import Channel, MessageStatus
from dajuan.notify.models import Attempt, Message
from dajuan.notify.tests import gateways
from dajuan.testing import LoopTestCase


class OutboxFromEventsTests(LoopTestCase):
    def test_dispatch_writes_one_message_to_each_person_of_the_unit_but_not_the_actor(self):
        """The DISPATCHED event of self.case reached the housing bureau's handler and leader."""
        event = self.case.events.get(verb=Verb.DISPATCHED)
        self.assertEqual(set(Message.objects.filter(event_pk=event.pk).values_list("recipient", flat=True)),
                         {self.handler.pk, self.unit_leader.pk})
        self.assertFalse(Message.objects.filter(event_pk=event.pk, recipient=self.dispatcher).exists())
        message = Message.objects.get(event_pk=event.pk, recipient=self.handler)
        self.assertIn(self.case.number, message.subject)
        self.assertEqual(message.channels, [Channel.CONSOLE])

    def test_reply_tells_the_requester(self):
        transitions.claim(self.assignment, by=self.handler)
        transitions.reply(self.reload(self.case), text="已修复电梯。", by=self.handler)
        event = self.case.events.get(verb=Verb.REPLIED)
        self.assertEqual(list(Message.objects.filter(event_pk=event.pk).values_list("recipient", flat=True)),
                         [self.requester.pk])

    def test_a_failed_transition_leaves_no_message(self):
        before = Message.objects.count()
        with self.assertRaises(NotPermitted):
            transitions.claim(self.assignment, by=self.other_handler)
        self.assertEqual(Message.objects.count(), before)

    def test_never_two_messages_per_person_per_event(self):
        event = self.case.events.get(verb=Verb.DISPATCHED)
        added = services.outbox_add([self.handler.pk, self.supervisor.pk], key=f"event:{event.pk}", kind="x",
                                    subject="again", body="", event_pk=event.pk)
        self.assertEqual(added, 1)  # only the supervisor was new
        self.assertEqual(Message.objects.filter(event_pk=event.pk, recipient=self.handler).count(), 1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Message.objects.create(recipient=self.handler, key="other-key", event_pk=event.pk, kind="x", subject="s",
                                   body="", next_attempt_at=timezone.now(), created_at=timezone.now())


class PreferenceTests(LoopTestCase):
    def test_each_channel_needs_its_address_and_names_the_field(self):
        self.handler.email, self.handler.phone = "", ""
        for channels, webhook, field in [(["email"], "", "channels"), (["sms"], "", "channels"),
                                         (["wecom"], "", "wecom_webhook"), (["pigeon"], "", "channels"),
                                         (["wecom"], "ftp://x", "wecom_webhook")]:
            with self.subTest(channels=channels), self.assertRaises(ValidationFailed) as raised:
                services.preference_set(self.handler, channels=channels, wecom_webhook=webhook, by=self.handler)
            self.assertEqual(raised.exception.field, field)

    def test_only_the_person_or_an_admin_chooses(self):
        with self.assertRaises(NotPermitted):
            services.preference_set(self.handler, channels=[], by=self.other_handler)
        services.preference_set(self.handler, channels=[], by=self.admin)


def _message(test, recipient, key="k1"):
    return Message.objects.create(recipient=recipient, key=key, kind="test", subject="督办提醒", body="请尽快办理",
                                  channels=services.channels_for(recipient.notify_preference
                                                                 if hasattr(recipient, "notify_preference") else None),
                                  next_attempt_at=timezone.now(), created_at=timezone.now())


@override_settings(DAJUAN_SMS_BACKEND="dajuan.notify.tests.gateways.FlakyGateway")
class DeliveryTests(LoopTestCase):
    def setUp(self):
        gateways.SENT.clear()
        Message.objects.all().delete()
        self.handler.phone, self.handler.email = "13800000001", "li@example.org"
        self.handler.save()

    def test_failed_tries_are_recorded_and_retried_with_back_off_until_sent(self):
        gateways.FAILURES["left"] = 2
        services.preference_set(self.handler, channels=["sms"], by=self.handler)
        message = _message(self, self.fresh(self.handler))
        now = timezone.now()
        report = services.deliver_due(now=now)
        self.assertEqual(report.retried, 1)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (MessageStatus.PENDING, 1))
        self.assertEqual(message.next_attempt_at, now + timedelta(minutes=1))
        self.assertEqual(services.deliver_due(now=now + timedelta(seconds=30)).sent, 0)  # not due yet
        services.deliver_due(now=now + timedelta(minutes=1))
        message.refresh_from_db()
        self.assertEqual(message.next_attempt_at, now + timedelta(minutes=1) + timedelta(minutes=2))
        services.deliver_due(now=now + timedelta(minutes=3))
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(gateways.SENT, [("13800000001", "督办提醒：请尽快办理")])
        # The console channel succeeded on the first try and was not repeated.
        self.assertEqual(list(Attempt.objects.filter(message=message).values_list("channel", "ok")),
                         [("console", True), ("sms", False), ("sms", False), ("sms", True)])

    def test_gives_up_after_the_maximum_number_of_tries(self):
        gateways.FAILURES["left"] = 100
        services.preference_set(self.handler, channels=["sms"], by=self.handler)
        message = _message(self, self.fresh(self.handler))
        now = timezone.now()
        with self.settings(DAJUAN_NOTIFY_MAX_ATTEMPTS=3):
            for minutes in (0, 1, 3, 10):
                services.deliver_due(now=now + timedelta(minutes=minutes))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (MessageStatus.FAILED, 3))
        self.assertIn("gateway busy", message.last_error)

    def test_a_message_claimed_by_another_worker_is_not_sent_again(self):
        message = _message(self, self.handler)
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, claimed_at=timezone.now())
        report = services.deliver_due()
        self.assertEqual((report.sent, report.skipped), (0, 0))
        self.assertFalse(Attempt.objects.filter(message=message).exists())
        # A worker that died mid-send: after STALE_SENDING the message is tried again, once.
        report = services.deliver_due(now=timezone.now() + services.STALE_SENDING + timedelta(seconds=1))
        self.assertEqual(report.sent, 1)

    def test_email_goes_through_django_mail(self):
        services.preference_set(self.handler, channels=["email"], by=self.handler)
        _message(self, self.fresh(self.handler))
        services.deliver_due()
        self.assertEqual([m.to for m in mail.outbox], [["li@example.org"]])
        self.assertEqual(mail.outbox[0].subject, "督办提醒")


class _BotHandler(BaseHTTPRequestHandler):
    received: list = []
    answer = {"errcode": 0, "errmsg": "ok"}

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length).decode("utf-8")))
        body = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class WeComTests(LoopTestCase):
    """A real HTTP round trip to a local stand-in for the group-bot webhook."""

    def setUp(self):
        self.server = HTTPServer(("127.0.0.1", 0), _BotHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        _BotHandler.received = []
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        self.handler.phone = "13800000001"
        self.handler.save()
        Message.objects.all().delete()

    def test_posts_a_text_message_mentioning_the_mobile(self):
        services.preference_set(self.handler, channels=["wecom"], wecom_webhook=self.url, by=self.handler)
        _message(self, self.fresh(self.handler))
        self.assertEqual(services.deliver_due().sent, 1)
        self.assertEqual(_BotHandler.received, [{"msgtype": "text", "text": {
            "content": "督办提醒\n请尽快办理", "mentioned_mobile_list": ["13800000001"]}}])

    def test_an_error_code_from_the_bot_is_a_failed_try(self):
        _BotHandler.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
        self.addCleanup(setattr, _BotHandler, "answer", {"errcode": 0, "errmsg": "ok"})
        services.preference_set(self.handler, channels=["wecom"], wecom_webhook=self.url, by=self.handler)
        message = _message(self, self.fresh(self.handler))
        self.assertEqual(services.deliver_due().retried, 1)
        self.assertIn("93000", Attempt.objects.get(message=message, ok=False).error)
