"""core.fastwrite: insert() writes the row save() writes."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from dajuan.cases.choices import CaseStatus, Source
from dajuan.cases.models import Case
from dajuan.core import fastwrite
from dajuan.intake.models import PublicRequester
from dajuan.rollups.models import CaseContribution
from dajuan.testing import build_cast, build_loop


def stored(model, pk) -> dict:
    row = model.objects.get(pk=pk)
    return {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields if not f.primary_key}


class InsertTests(TestCase):
    def setUp(self) -> None:
        build_cast(self)
        build_loop(self)

    AT = timezone.now().replace(microsecond=123456)

    def new_case(self, number: str) -> Case:
        return Case(number=number, title="路灯<script>", content="东关小区路灯损坏", source=Source.API,
                    status=CaseStatus.RECEIVED, version=1, registered_at=self.AT, category=self.property_mgmt,
                    latitude="33.844600", longitude="115.779400", requester_user=self.dispatcher)

    def test_the_row_equals_the_one_save_writes(self):
        by_save, by_insert = self.new_case("2026-900001"), self.new_case("2026-900002")
        by_save.save(force_insert=True)
        returned = fastwrite.insert(by_insert)
        self.assertIs(returned, by_insert)
        self.assertIsNotNone(by_insert.pk)
        self.assertNotEqual(by_insert.pk, by_save.pk)
        self.assertFalse(by_insert._state.adding)
        expected, written = stored(Case, by_save.pk), stored(Case, by_insert.pk)
        self.assertEqual(written.pop("number"), "2026-900002")
        expected.pop("number")
        self.assertEqual(written, expected)  # decimals, datetimes, foreign keys, defaults alike

    def test_json_and_a_primary_key_that_is_a_relation(self):
        case = fastwrite.insert(self.new_case("2026-900003"))
        fastwrite.insert(CaseContribution(case_id=case.pk, counts={"u|2026-11-30||1|api": {"registered": 1}}))
        self.assertEqual(CaseContribution.objects.get(pk=case.pk).counts, {"u|2026-11-30||1|api": {"registered": 1}})

    def test_an_account_and_its_link(self):
        user = get_user_model()(username="public-fastwrite", full_name="王先生")
        user.set_unusable_password()
        fastwrite.insert(user)
        fastwrite.insert(PublicRequester(user=user, phone="13900000009"))
        saved = get_user_model().objects.get(pk=user.pk)
        self.assertFalse(saved.has_usable_password())
        self.assertIsNotNone(saved.date_joined)
        self.assertEqual(PublicRequester.objects.get(phone="13900000009").user_id, user.pk)

    def test_a_unique_violation_raises_integrity_error_and_writes_nothing(self):
        fastwrite.insert(self.new_case("2026-900004"))
        before = Case.objects.count()
        with self.assertRaises(IntegrityError), transaction.atomic():
            fastwrite.insert(self.new_case("2026-900004"))
        self.assertEqual(Case.objects.count(), before)
