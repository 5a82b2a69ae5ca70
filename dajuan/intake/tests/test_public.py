"""The public H5 form and the tracking page, bad cases first-class."""

import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, Source, Verb
from dajuan.cases.models import Attachment, Case
from dajuan.intake.models import Intake, PublicRequester
from dajuan.intake.testing import CITIZEN_PHONE, IntakeTestCase

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
SUBMIT = reverse("intake:public-submit")
LOOKUP = reverse("intake:track-lookup")


def form(**overrides):
    data = {"category": "", "content": "东关路12号门前下水道堵塞，污水外溢三天了。", "address": "东关路12号",
            "latitude": "", "longitude": "", "name": "陈先生", "phone": "13700001111", "website": ""}
    data.update(overrides)
    return data


class PublicSubmitTests(IntakeTestCase):
    def count(self):
        return Case.objects.count(), Intake.objects.count(), Attachment.objects.count()

    def test_the_form_opens_without_login(self):
        response = self.client.get(SUBMIT)
        self.assertContains(response, 'name="website"')
        self.assertContains(response, "csrfmiddlewaretoken")

    def test_a_submission_registers_a_web_case_and_shows_its_tracking_code(self):
        photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
        response = self.client.post(SUBMIT, form(category=self.property_mgmt.pk, photos=[photo],
                                                 latitude="33.844600", longitude="115.779400"))
        self.assertRedirects(response, reverse("intake:public-submitted"))
        case = Case.objects.latest("pk")
        self.assertEqual((case.source, case.status, case.category), (Source.WEB, CaseStatus.RECEIVED,
                                                                     self.property_mgmt))
        self.assertEqual(case.title, "东关路12号门前下水道堵塞，污水外溢三天了。")
        account = PublicRequester.objects.get(phone="13700001111").user
        self.assertEqual(case.requester_user, account)
        self.assertEqual(case.events.get().actor, account)
        self.assertEqual(case.attachments.get().content_type, "image/png")
        page = self.client.get(reverse("intake:public-submitted"))
        self.assertContains(page, case.intake.tracking_code)

    def test_the_same_phone_keeps_one_public_account(self):
        self.client.post(SUBMIT, form(phone=CITIZEN_PHONE))
        self.assertEqual(Case.objects.latest("pk").requester_user, self.citizen)
        self.assertEqual(PublicRequester.objects.filter(phone=CITIZEN_PHONE).count(), 1)

    def test_bad_input_names_the_field_and_writes_nothing(self):
        before = self.count()
        text_as_photo = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
        bad = [
            (form(content=""), "content"),
            (form(content="短"), "content"),
            (form(content="很" * 2001), "content"),
            (form(phone="12345"), "phone"),
            (form(phone=""), "phone"),
            (form(name=""), "name"),
            (form(category="999999"), "category"),
            (form(category="abc"), "category"),
            (form(latitude="48.8566", longitude="2.3522"), "address"),  # Paris
            (form(latitude="115.78", longitude="33.84"), "address"),  # swapped: not a latitude at all
            (form(latitude="33.84", longitude=""), "address"),
            (form(photos=[text_as_photo]), "photos"),
            (form(photos=[SimpleUploadedFile("empty.png", b"", content_type="image/png")]), "photos"),
        ]
        for data, field in bad:
            with self.subTest(field=field, data={k: str(v)[:20] for k, v in data.items()}):
                response = self.client.post(SUBMIT, data)
                self.assertEqual(response.status_code, 400)
                errors = response.context["form"].errors
                self.assertIn(field, errors, errors)
        self.assertEqual(self.count(), before)

    @override_settings(DAJUAN_ATTACHMENT_MAX_COUNT=2)
    def test_too_many_photos_are_refused(self):
        photos = [SimpleUploadedFile(f"{i}.png", PNG, content_type="image/png") for i in range(3)]
        response = self.client.post(SUBMIT, form(photos=photos))
        self.assertEqual(response.status_code, 400)
        self.assertIn("photos", response.context["form"].errors)
        self.assertFalse(Case.objects.filter(source=Source.WEB, requester_phone="13700001111").exists())

    def test_the_honeypot_refuses_bots(self):
        before = self.count()
        response = self.client.post(SUBMIT, form(website="http://spam.example"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.count(), before)

    def test_csrf_is_required(self):
        client = self.client_class(enforce_csrf_checks=True)
        self.assertEqual(client.post(SUBMIT, form()).status_code, 403)

    @override_settings(DAJUAN_PUBLIC_SUBMITS_PER_PHONE_HOUR=2)
    def test_rate_limit_per_phone(self):
        for _i in range(2):
            self.assertEqual(self.client.post(SUBMIT, form()).status_code, 302)
        response = self.client.post(SUBMIT, form())
        self.assertEqual(response.status_code, 429)
        self.assertIn("phone", response.context["form"].errors)
        self.assertEqual(self.client.post(SUBMIT, form(phone="13700002222")).status_code, 302)

    @override_settings(DAJUAN_PUBLIC_SUBMITS_PER_IP_HOUR=2)
    def test_rate_limit_per_address(self):
        for phone in ["13700000001", "13700000002"]:
            self.assertEqual(self.client.post(SUBMIT, form(phone=phone)).status_code, 302)
        self.assertEqual(self.client.post(SUBMIT, form(phone="13700000003")).status_code, 429)
        other = self.client.post(SUBMIT, form(phone="13700000004"), REMOTE_ADDR="10.0.0.9")
        self.assertEqual(other.status_code, 302)

    def test_scripts_are_stored_as_typed_and_escaped_on_output(self):
        script = "<script>alert('x')</script> 下水道堵塞"
        self.client.post(SUBMIT, form(content=script))
        case = Case.objects.latest("pk")
        self.assertEqual(case.content, script)
        page = self.client.get(reverse("intake:track-detail", args=[case.intake.tracking_code]))
        self.assertNotContains(page, "<script>alert")
        self.assertContains(page, "&lt;script&gt;alert")


class TrackingTests(IntakeTestCase):
    def lookup(self, code, last4, client=None):
        return (client or self.client).post(LOOKUP, {"code": code, "phone_last4": last4})

    def test_code_and_last_four_digits_open_the_public_page(self):
        code = self.web_case.intake.tracking_code
        response = self.lookup(code.lower(), CITIZEN_PHONE[-4:])
        self.assertRedirects(response, reverse("intake:track-detail", args=[code]))
        page = self.client.get(reverse("intake:track-detail", args=[code]))
        self.assertContains(page, "路灯不亮")
        self.assertContains(page, "区住建局")  # the unit is public
        self.assertNotContains(page, "张派单")  # the dispatcher's name is not

    def test_a_wrong_code_and_wrong_digits_get_the_same_answer(self):
        code = self.web_case.intake.tracking_code
        wrong_digits = self.lookup(code, "0000")
        wrong_code = self.lookup("ZZZZZZZZZZ", CITIZEN_PHONE[-4:])
        self.assertEqual(wrong_digits.status_code, 404)
        self.assertEqual(wrong_code.status_code, 404)
        self.assertEqual(wrong_digits.context["refused"], wrong_code.context["refused"])
        self.assertEqual(self.lookup(code, "12a4").status_code, 400)

    def test_the_page_needs_the_proof_in_this_browser(self):
        code = self.web_case.intake.tracking_code
        response = self.client.get(reverse("intake:track-detail", args=[code]))
        self.assertRedirects(response, LOOKUP + "?code=" + code, fetch_redirect_response=False)
        evaluate = self.client.post(reverse("intake:track-evaluate", args=[code]), {"satisfaction": "satisfied"})
        self.assertEqual(evaluate.status_code, 302)
        self.assertEqual(self.reload(self.web_case).status, CaseStatus.DISPATCHED)

    @override_settings(DAJUAN_TRACKING_LOOKUPS_PER_IP_HOUR=3)
    def test_guessing_is_rate_limited(self):
        for _i in range(3):
            self.lookup("ZZZZZZZZZZ", "0000")
        self.assertEqual(self.lookup(self.web_case.intake.tracking_code, CITIZEN_PHONE[-4:]).status_code, 429)

    def test_internal_notes_never_show(self):
        transitions.comment(self.web_case, text="内部备注：该路段归城管", by=self.dispatcher)
        self.lookup(self.web_case.intake.tracking_code, CITIZEN_PHONE[-4:])
        page = self.client.get(reverse("intake:track-detail", args=[self.web_case.intake.tracking_code]))
        self.assertNotContains(page, "内部备注")

    def reply(self, case):
        transitions.claim(case.assignments.get(), by=self.handler)
        transitions.reply(self.reload(case), text="已更换路灯灯泡，恢复照明。", by=self.handler)

    def test_the_requester_evaluates_after_the_reply_through_access(self):
        self.reply(self.web_case)
        code = self.web_case.intake.tracking_code
        self.lookup(code, CITIZEN_PHONE[-4:])
        page = self.client.get(reverse("intake:track-detail", args=[code]))
        self.assertContains(page, "已更换路灯灯泡")
        self.assertTrue(page.context["can_evaluate"])
        response = self.client.post(reverse("intake:track-evaluate", args=[code]),
                                    {"satisfaction": "satisfied", "comment": "<b>谢谢</b>"})
        self.assertEqual(response.status_code, 302)
        case = self.reload(self.web_case)
        self.assertEqual(case.status, CaseStatus.CLOSED)
        evaluated = case.events.get(verb=Verb.EVALUATED)
        self.assertEqual(evaluated.actor, self.citizen)
        page = self.client.get(reverse("intake:track-detail", args=[code]))
        self.assertContains(page, "&lt;b&gt;谢谢&lt;/b&gt;")
        self.assertFalse(page.context["can_evaluate"])

    def test_evaluating_before_the_reply_or_twice_is_refused(self):
        code = self.web_case.intake.tracking_code
        self.lookup(code, CITIZEN_PHONE[-4:])
        early = self.client.post(reverse("intake:track-evaluate", args=[code]), {"satisfaction": "satisfied"})
        self.assertEqual(early.status_code, 409)
        self.assertEqual(self.reload(self.web_case).status, CaseStatus.DISPATCHED)
        bad = self.client.post(reverse("intake:track-evaluate", args=[code]), {"satisfaction": "great"})
        self.assertEqual(bad.status_code, 400)

    def test_unsatisfied_reopens_the_case(self):
        self.reply(self.web_case)
        code = self.web_case.intake.tracking_code
        self.lookup(code, CITIZEN_PHONE[-4:])
        self.client.post(reverse("intake:track-evaluate", args=[code]), {"satisfaction": "unsatisfied"})
        case = self.reload(self.web_case)
        self.assertEqual((case.status, case.reopen_count), (CaseStatus.DISPATCHED, 1))

    def test_a_case_registered_by_staff_also_gets_a_tracking_code(self):
        self.assertEqual(len(self.case.intake.tracking_code), 10)
        self.assertEqual(self.case.intake.channel, Source.HOTLINE)
