from django.contrib.auth import get_user_model
from django.urls import reverse

from dajuan.accounts import services
from dajuan.accounts.models import ApiToken
from dajuan.core.models import AuditEntry
from dajuan.testing import DistrictTestCase


class UserAdminTests(DistrictTestCase):
    def setUp(self):
        self.client.force_login(self.admin)

    def test_list_change_and_add_pages_show_full_name_and_phone(self):
        response = self.client.get(reverse("admin:accounts_user_changelist"))
        self.assertContains(response, "李承办")
        response = self.client.get(reverse("admin:accounts_user_change", args=[self.handler.pk]))
        self.assertContains(response, 'name="full_name"')
        self.assertContains(response, 'name="phone"')
        self.assertNotContains(response, 'name="first_name"')
        self.assertNotContains(response, 'name="is_superuser"')  # follows the ADMIN role, read-only
        self.assertEqual(self.client.get(reverse("admin:accounts_user_add")).status_code, 200)

    def test_adding_a_user_hashes_the_password_with_argon2(self):
        response = self.client.post(reverse("admin:accounts_user_add"), {
            "username": "chen", "full_name": "陈新人", "phone": "13800001234", "email": "",
            "usable_password": "true", "password1": "a-long-new-password-7", "password2": "a-long-new-password-7",
        })
        self.assertEqual(response.status_code, 302)
        user = get_user_model().objects.get(username="chen")
        self.assertEqual((user.full_name, user.phone), ("陈新人", "13800001234"))
        self.assertTrue(user.password.startswith("argon2"))

    def test_a_bad_phone_is_refused(self):
        response = self.client.post(reverse("admin:accounts_user_add"), {
            "username": "chen", "full_name": "陈新人", "phone": "12345", "email": "",
            "usable_password": "true", "password1": "a-long-new-password-7", "password2": "a-long-new-password-7",
        })
        self.assertEqual(response.status_code, 200)
        self.assertFalse(get_user_model().objects.filter(username="chen").exists())


class ApiTokenAdminTests(DistrictTestCase):
    def setUp(self):
        self.token, self.raw = services.api_token_create(user=self.handler, name="bridge", by=self.handler)
        self.client.force_login(self.admin)

    def test_tokens_are_listed_read_only(self):
        response = self.client.get(reverse("admin:accounts_apitoken_changelist"))
        self.assertContains(response, "bridge")
        self.assertNotContains(response, self.token.token_hash)
        self.assertEqual(self.client.get(reverse("admin:accounts_apitoken_add")).status_code, 403)
        response = self.client.post(reverse("admin:accounts_apitoken_change", args=[self.token.pk]),
                                    {"name": "renamed"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:accounts_apitoken_delete", args=[self.token.pk])).status_code,
                         403)
        self.token.refresh_from_db()
        self.assertEqual(self.token.name, "bridge")

    def test_administrator_revokes_through_the_admin_action(self):
        response = self.client.post(reverse("admin:accounts_apitoken_changelist"), {
            "action": "revoke", "_selected_action": [self.token.pk], "index": 0,
        })
        self.assertEqual(response.status_code, 302)
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.revoked_at)
        self.assertEqual(AuditEntry.objects.get(action="api_token_revoked").actor, self.admin)
        self.assertIsNone(services.api_token_authenticate(self.raw))

    def test_revoking_again_through_the_admin_changes_nothing(self):
        services.api_token_revoke(self.token, by=self.handler)
        self.client.post(reverse("admin:accounts_apitoken_changelist"), {
            "action": "revoke", "_selected_action": [self.token.pk], "index": 0,
        })
        self.assertEqual(AuditEntry.objects.filter(action="api_token_revoked").count(), 1)
        self.assertTrue(ApiToken.objects.filter(pk=self.token.pk, revoked_at__isnull=False).exists())
