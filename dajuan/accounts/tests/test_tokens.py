import hashlib
from datetime import timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from dajuan.accounts import services
from dajuan.accounts.models import ApiToken
from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.core.models import AuditEntry
from dajuan.testing import DistrictTestCase

SECURITY_URL = reverse("accounts:security")


class ApiTokenCreateTests(DistrictTestCase):
    def test_returns_the_secret_once_and_stores_only_its_hash(self):
        token, raw = services.api_token_create(user=self.handler, name="12345 hotline bridge", by=self.handler)
        self.assertRegex(raw, rf"^dj_{token.prefix}_[A-Za-z0-9_-]{{43}}$")
        self.assertEqual(token.token_hash, hashlib.sha256(raw.encode()).hexdigest())
        secret = raw.split("_", 2)[2]  # dj_<prefix>_<secret>; the secret itself may hold "_"
        stored = ApiToken.objects.filter(pk=token.pk).values().get()
        for value in stored.values():
            self.assertNotIn(secret, str(value))
        for entry in AuditEntry.objects.values("object_repr", "before", "after"):
            self.assertNotIn(secret, str(entry))

    def test_leaves_an_audit_row(self):
        expires_at = timezone.now() + timedelta(days=30)
        token, _ = services.api_token_create(user=self.handler, name="bridge", expires_at=expires_at,
                                             by=self.handler)
        entry = AuditEntry.objects.get(action="api_token_created")
        self.assertEqual((entry.actor, entry.object_id), (self.handler, str(token.pk)))
        self.assertEqual(entry.after["prefix"], token.prefix)
        self.assertEqual(entry.after["expires_at"], expires_at.isoformat())

    def test_only_for_ones_own_account(self):
        for by in (self.other_handler, self.admin):
            with self.subTest(by=by), self.assertRaises(NotPermitted):
                services.api_token_create(user=self.handler, name="bridge", by=by)
        self.assertFalse(ApiToken.objects.exists())

    def test_any_active_user_may_have_tokens_even_without_a_role(self):
        token, _ = services.api_token_create(user=self.nobody, name="bridge", by=self.nobody)
        self.assertEqual(token.user, self.nobody)

    def test_rejects_a_blank_name_and_a_past_expiry(self):
        with self.assertRaises(ValidationFailed) as caught:
            services.api_token_create(user=self.handler, name="  ", by=self.handler)
        self.assertEqual(caught.exception.field, "name")
        with self.assertRaises(ValidationFailed) as caught:
            services.api_token_create(user=self.handler, name="bridge",
                                      expires_at=timezone.now() - timedelta(seconds=1), by=self.handler)
        self.assertEqual(caught.exception.field, "expires_at")
        self.assertFalse(ApiToken.objects.exists())

    def test_each_token_is_different(self):
        first = services.api_token_create(user=self.handler, name="a", by=self.handler)
        second = services.api_token_create(user=self.handler, name="a", by=self.handler)
        self.assertNotEqual(first[1], second[1])
        self.assertNotEqual(first[0].token_hash, second[0].token_hash)


class ApiTokenAuthenticateTests(DistrictTestCase):
    def setUp(self):
        self.token, self.raw = services.api_token_create(user=self.handler, name="bridge", by=self.handler)

    def test_the_secret_authenticates_as_its_user(self):
        self.assertEqual(services.api_token_authenticate(self.raw), self.handler)

    def test_anything_else_is_refused(self):
        for raw in ["", "dj_", self.raw[:-1], self.raw + "x", self.raw.replace("dj_", "xx_", 1),
                    f"dj_{self.token.prefix}_{'A' * 43}", self.token.token_hash, "dj_" + "x" * 300]:
            with self.subTest(raw=raw):
                self.assertIsNone(services.api_token_authenticate(raw))

    def test_malformed_input_costs_no_query(self):
        with self.assertNumQueries(0):
            self.assertIsNone(services.api_token_authenticate("Bearer something"))

    def test_a_revoked_token_is_refused(self):
        services.api_token_revoke(self.token, by=self.handler)
        self.assertIsNone(services.api_token_authenticate(self.raw))

    def test_an_expired_token_is_refused(self):
        _, raw = services.api_token_create(user=self.handler, name="short", by=self.handler,
                                            expires_at=timezone.now() + timedelta(days=1))
        self.assertEqual(services.api_token_authenticate(raw), self.handler)
        later = timezone.now() + timedelta(days=1, seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertIsNone(services.api_token_authenticate(raw))

    def test_a_deactivated_owner_is_refused(self):
        get_user_model().objects.filter(pk=self.handler.pk).update(is_active=False)
        self.assertIsNone(services.api_token_authenticate(self.raw))

    def test_last_used_is_written_at_most_once_a_minute(self):
        start = timezone.now()
        with mock.patch("django.utils.timezone.now", return_value=start):
            services.api_token_authenticate(self.raw)
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used_at, start)
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=59)), \
                self.assertNumQueries(1):
            self.assertEqual(services.api_token_authenticate(self.raw), self.handler)
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used_at, start)
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=61)):
            services.api_token_authenticate(self.raw)
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used_at, start + timedelta(seconds=61))


class ApiTokenRevokeTests(DistrictTestCase):
    def setUp(self):
        self.token, self.raw = services.api_token_create(user=self.handler, name="bridge", by=self.handler)

    def test_owner_revokes_with_an_audit_row(self):
        services.api_token_revoke(self.token, by=self.handler)
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.revoked_at)
        entry = AuditEntry.objects.get(action="api_token_revoked")
        self.assertEqual((entry.actor, entry.object_id), (self.handler, str(self.token.pk)))

    def test_another_user_cannot_revoke(self):
        for by in (self.other_handler, self.unit_leader, self.supervisor, self.nobody):
            with self.subTest(by=by), self.assertRaises(NotPermitted):
                services.api_token_revoke(self.token, by=by)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)
        self.assertFalse(AuditEntry.objects.filter(action="api_token_revoked").exists())

    def test_an_administrator_may_revoke_anyones(self):
        services.api_token_revoke(self.token, by=self.admin)
        self.assertIsNone(services.api_token_authenticate(self.raw))
        self.assertEqual(AuditEntry.objects.get(action="api_token_revoked").actor, self.admin)

    def test_revoking_twice_is_a_conflict_and_writes_once(self):
        services.api_token_revoke(self.token, by=self.handler)
        stale = ApiToken.objects.get(pk=self.token.pk)
        stale.revoked_at = None  # as a second browser tab still sees it
        with self.assertRaises(Conflict):
            services.api_token_revoke(stale, by=self.admin)
        self.assertEqual(AuditEntry.objects.filter(action="api_token_revoked").count(), 1)


class SecurityPageTokenTests(DistrictTestCase):
    def setUp(self):
        self.client.force_login(self.handler)

    def test_page_needs_login(self):
        self.client.logout()
        self.assertEqual(self.client.get(SECURITY_URL).status_code, 302)

    def test_page_lists_only_ones_own_tokens(self):
        mine, _ = services.api_token_create(user=self.handler, name="mine-bridge", by=self.handler)
        services.api_token_create(user=self.other_handler, name="their-bridge", by=self.other_handler)
        response = self.client.get(SECURITY_URL)
        self.assertContains(response, "mine-bridge")
        self.assertContains(response, f"dj_{mine.prefix}_")
        self.assertNotContains(response, "their-bridge")

    def test_create_shows_the_secret_exactly_once(self):
        response = self.client.post(reverse("accounts:token-create"),
                                    {"name": "hotline bridge", "expires_in_days": "30"})
        self.assertEqual(response.status_code, 200)
        raw = response.context["new_token_secret"]
        self.assertContains(response, raw)
        self.assertIn("no-store", response["Cache-Control"])
        token = ApiToken.objects.get(user=self.handler)
        self.assertEqual(token.name, "hotline bridge")
        self.assertAlmostEqual(token.expires_at, timezone.now() + timedelta(days=30), delta=timedelta(minutes=1))
        self.assertNotContains(self.client.get(SECURITY_URL), raw)
        secret = raw.split("_", 2)[2]  # dj_<prefix>_<secret>; the secret itself may hold "_"
        for session in Session.objects.all():
            self.assertNotIn(secret, str(session.get_decoded()))
        self.assertEqual(services.api_token_authenticate(raw), self.handler)

    def test_create_without_expiry(self):
        self.client.post(reverse("accounts:token-create"), {"name": "bridge", "expires_in_days": ""})
        self.assertIsNone(ApiToken.objects.get(user=self.handler).expires_at)

    def test_create_with_a_blank_name_shows_the_error(self):
        response = self.client.post(reverse("accounts:token-create"), {"name": "", "expires_in_days": "90"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["token_form"].errors["name"])
        self.assertFalse(ApiToken.objects.exists())

    def test_revoke_own_token(self):
        token, _ = services.api_token_create(user=self.handler, name="bridge", by=self.handler)
        response = self.client.post(reverse("accounts:token-revoke", args=[token.pk]))
        self.assertRedirects(response, f"{SECURITY_URL}#api-tokens")
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)

    def test_another_users_token_is_not_found(self):
        token, _ = services.api_token_create(user=self.other_handler, name="bridge", by=self.other_handler)
        response = self.client.post(reverse("accounts:token-revoke", args=[token.pk]))
        self.assertEqual(response.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_revoke_needs_post(self):
        token, _ = services.api_token_create(user=self.handler, name="bridge", by=self.handler)
        self.assertEqual(self.client.get(reverse("accounts:token-revoke", args=[token.pk])).status_code, 405)
