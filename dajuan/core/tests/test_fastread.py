"""core.fastread: the hot-path look-ups give the same objects a queryset gives."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from dajuan.accounts.models import ApiToken
from dajuan.accounts.services import api_token_authenticate, api_token_create
from dajuan.core.fastread import Lookup
from dajuan.org.models import Membership, Unit
from dajuan.testing import build_cast


def field_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


class LookupTests(TestCase):
    def setUp(self) -> None:
        build_cast(self)

    def test_rows_equal_the_queryset_field_by_field_with_converters_applied(self):
        api_token_create(user=self.dispatcher, name="integration", by=self.dispatcher)
        ApiToken.objects.update(last_used_at=timezone.now() - timedelta(days=2))  # a datetime to convert
        lookup = Lookup((ApiToken, "t"), (get_user_model(), "u"),
                        tables="{ApiToken} t JOIN {User} u ON u.id = t.user_id", where="t.user_id = %s")
        token, user = lookup.first([self.dispatcher.pk])
        expected = ApiToken.objects.select_related("user").get(user=self.dispatcher)
        self.assertEqual(field_values(token), field_values(expected))
        self.assertEqual(field_values(user), field_values(expected.user))
        self.assertTrue(timezone.is_aware(token.created_at))
        self.assertIsInstance(user.is_active, bool)
        self.assertFalse(token._state.adding)  # loaded from the database, as a queryset's objects are

    def test_no_row_is_none_and_order_and_where_are_applied(self):
        lookup = Lookup((Membership, "m"), (Unit, "u"), tables="{Membership} m JOIN {Unit} u ON u.id = m.unit_id",
                        where="m.user_id = %s AND u.is_active", order="m.id")
        self.assertIsNone(lookup.first([0]))
        rows = lookup.rows([self.handler.pk])
        expected = list(Membership.objects.filter(user=self.handler, unit__is_active=True)
                        .select_related("unit").order_by("pk"))
        self.assertEqual([(m.pk, u.pk) for m, u in rows], [(m.pk, m.unit_id) for m in expected])
        self.assertEqual([field_values(u) for _m, u in rows], [field_values(m.unit) for m in expected])
        Unit.objects.filter(pk=expected[0].unit_id).update(is_active=False)
        self.assertEqual(len(lookup.rows([self.handler.pk])), len(expected) - 1)

    def test_token_authentication_reads_through_it_and_still_refuses_what_it_must(self):
        _token, raw = api_token_create(user=self.dispatcher, name="integration", by=self.dispatcher)
        user = api_token_authenticate(raw)
        self.assertEqual(user.pk, self.dispatcher.pk)
        self.assertIsNone(api_token_authenticate(raw[:-1] + ("x" if raw[-1] != "x" else "y")))
        get_user_model().objects.filter(pk=self.dispatcher.pk).update(is_active=False)
        self.assertIsNone(api_token_authenticate(raw))
