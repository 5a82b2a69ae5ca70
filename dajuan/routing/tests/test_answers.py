"""Standard answers: from a reply, suggested by category and text, pushed once per enterprise of the
same profile with a record and a message to its accounts."""

from django.test import Client
from django.urls import reverse

from dajuan.cases import transitions
from dajuan.cases.errors import CaseInvalid
from dajuan.core.errors import NotPermitted
from dajuan.intake.testing import IntakeTestCase
from dajuan.notify.models import Message
from dajuan.routing import answers
from dajuan.routing.models import AnswerPush


class AnswerTests(IntakeTestCase):
    def replied(self):
        transitions.claim(self.ent_case.assignments.get(), by=self.handler)
        case = self.reload(self.ent_case)
        transitions.reply(case, text="已安排施工队修复厂区门前道路，本周内完工。", by=self.handler)
        return self.reload(case)

    def test_answer_from_reply_is_suggested_for_a_similar_case_of_the_category(self):
        answer = answers.answer_from_reply(self.replied(), by=self.handler, title="厂区门前道路破损的处理")
        self.assertEqual(answer.category, self.property_mgmt)
        ranked = answers.answers_for(self.web_case)
        self.assertEqual([a for a, _ in ranked], [answer])
        self.assertEqual(answers.answers_for(self.confidential_case), [])  # no category, no suggestion

    def test_bad_input_names_the_field_and_writes_nothing(self):
        with self.assertRaises(CaseInvalid) as raised:
            answers.answer_from_reply(self.ent_case, by=self.dispatcher)
        self.assertEqual(raised.exception.field, "case")
        with self.assertRaises(CaseInvalid) as raised:
            answers.answer_create(title=" ", body="x", category=self.jobs, by=self.dispatcher)
        self.assertEqual(raised.exception.field, "title")
        with self.assertRaises(CaseInvalid) as raised:
            answers.answer_create(title="t", body="x", category=None, by=self.dispatcher)
        self.assertEqual(raised.exception.field, "category")
        with self.assertRaises(NotPermitted):
            answers.answer_create(title="t", body="x", category=self.jobs, by=self.other_handler,
                                  source_case=self.ent_case)
        self.assertFalse(answers.Answer.objects.exists())

    def test_push_reaches_enterprises_of_the_profile_once_with_a_record(self):
        answer = answers.answer_from_reply(self.replied(), by=self.handler)
        targets = list(answers.push_targets(answer))
        self.assertEqual(targets, [self.enterprise])  # raised a case of this category; the other did not
        with self.assertRaises(NotPermitted):
            answers.answer_push(answer, enterprises=targets, by=self.handler)
        self.assertEqual(answers.answer_push(answer, enterprises=targets, by=self.dispatcher), 1)
        self.assertEqual(answers.answer_push(answer, enterprises=targets, by=self.dispatcher), 0)
        push = AnswerPush.objects.get()
        self.assertEqual((push.enterprise, push.pushed_by), (self.enterprise, self.dispatcher))
        self.assertTrue(Message.objects.filter(recipient=self.ent_user, kind="answer_pushed").exists())
        self.assertFalse(Message.objects.filter(recipient=self.other_ent_user, kind="answer_pushed").exists())
        self.assertEqual(list(answers.push_targets(answer)), [])

    def test_push_button_on_the_answer_page(self):
        answer = answers.answer_from_reply(self.replied(), by=self.handler)
        client = Client()
        client.force_login(self.dispatcher)
        page = client.get(reverse("routing:answer-detail", args=[answer.pk]))
        self.assertContains(page, f'data-target="{self.enterprise.credit_code}"')
        client.post(reverse("routing:answer-detail", args=[answer.pk]))
        page = client.get(reverse("routing:answer-detail", args=[answer.pk]))
        self.assertContains(page, f'data-pushed="{self.enterprise.credit_code}"')
        handler = Client()
        handler.force_login(self.handler)
        self.assertNotContains(handler.get(reverse("routing:answer-detail", args=[answer.pk])), "data-push-form")
