from io import StringIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from dajuan.accounts.tests.utils import LOGIN_URL, normalised
from dajuan.testing import PASSWORD, DistrictTestCase

HOME_URL = reverse("core:home")


class LoginTests(DistrictTestCase):
    def post_login(self, username, password, **extra):
        return self.client.post(LOGIN_URL, {"username": username, "password": password}, **extra)

    def test_login_page_is_served_in_chinese_by_default(self):
        response = self.client.get(LOGIN_URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="zh-hans">')

    def test_right_password_logs_in_and_goes_home(self):
        response = self.post_login("li", PASSWORD)
        self.assertRedirects(response, HOME_URL)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.handler.pk)
        self.assertEqual(self.client.get(HOME_URL).status_code, 200)

    def test_login_follows_a_safe_next_only(self):
        response = self.client.post(f"{LOGIN_URL}?next=/org/", {"username": "li", "password": PASSWORD})
        self.assertRedirects(response, "/org/", fetch_redirect_response=False)
        self.client.logout()
        response = self.client.post(f"{LOGIN_URL}?next=https://evil.example/", {"username": "li", "password": PASSWORD})
        self.assertRedirects(response, HOME_URL)

    def test_anonymous_home_redirects_to_login(self):
        self.assertRedirects(self.client.get(HOME_URL), f"{LOGIN_URL}?next={HOME_URL}")

    def test_wrong_password_and_unknown_user_look_the_same(self):
        """Same status, same page, same message: the login never tells whether an account exists."""
        wrong = self.post_login("zhang", "not-the-password")
        unknown = self.post_login("ghost", "not-the-password")
        self.assertEqual(wrong.status_code, 200)
        self.assertEqual(unknown.status_code, wrong.status_code)
        self.assertEqual(normalised(wrong, "zhang"), normalised(unknown, "ghost"))
        self.assertEqual([e.code for e in wrong.context["form"].non_field_errors().as_data()], ["invalid_login"])
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_inactive_user_gets_the_same_answer_even_with_the_right_password(self):
        get_user_model().objects.create_user(username="sleep", password=PASSWORD, is_active=False)
        inactive = self.post_login("sleep", PASSWORD)
        unknown = self.post_login("ghost", PASSWORD)
        self.assertEqual(inactive.status_code, unknown.status_code)
        self.assertEqual(normalised(inactive, "sleep"), normalised(unknown, "ghost"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_password_is_hashed_with_argon2(self):
        self.assertTrue(self.handler.password.startswith("argon2"))
        self.assertNotIn(PASSWORD, self.handler.password)

    def test_logout_needs_post_and_ends_the_session(self):
        self.client.force_login(self.handler)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, LOGIN_URL)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertRedirects(self.client.get(HOME_URL), f"{LOGIN_URL}?next={HOME_URL}")


class LockoutTests(DistrictTestCase):
    """django-axes, through our login view: per username and address, AXES_FAILURE_LIMIT failures."""

    def post_login(self, username, password, address="10.1.1.1"):
        return self.client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)

    def fail_until_locked(self, username):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.assertEqual(self.post_login(username, "not-the-password").status_code, 200)
        return self.post_login(username, "not-the-password")

    def test_limit_th_failure_locks_out_with_429(self):
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)
        response = self.fail_until_locked("li")
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "accounts/locked_out.html")

    def test_right_password_is_refused_while_locked_out(self):
        self.fail_until_locked("li")
        response = self.post_login("li", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "accounts/locked_out.html")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_lockout_of_an_unknown_username_looks_the_same(self):
        known = self.fail_until_locked("li")
        unknown = self.fail_until_locked("xx")
        self.assertEqual(unknown.status_code, known.status_code)
        # The page never shows the username, so the two must match exactly.
        self.assertEqual(normalised(known), normalised(unknown))

    def test_lockout_is_per_address(self):
        """Someone guessing from elsewhere cannot lock a colleague out of their own desk."""
        self.fail_until_locked("li")
        self.assertRedirects(self.post_login("li", PASSWORD, address="10.2.2.2"), HOME_URL)

    def test_success_before_the_limit_clears_the_count(self):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.post_login("li", "not-the-password")
        self.assertRedirects(self.post_login("li", PASSWORD), HOME_URL)
        self.client.logout()
        self.assertEqual(self.post_login("li", "not-the-password").status_code, 200)

    def test_administrator_unlocks_with_axes_reset_username(self):
        self.fail_until_locked("li")
        call_command("axes_reset_username", "li", stdout=StringIO())
        self.assertRedirects(self.post_login("li", PASSWORD), HOME_URL)

