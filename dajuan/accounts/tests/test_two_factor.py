from base64 import b32encode
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dajuan.accounts import pending_login, selectors, services
from dajuan.accounts.errors import CodeThrottled
from dajuan.accounts.tests.utils import LOGIN_URL, VERIFY_URL, next_code, wrong_code
from dajuan.core.errors import Conflict, ValidationFailed
from dajuan.core.models import AuditEntry
from dajuan.testing import PASSWORD, DistrictTestCase

HOME_URL = reverse("core:home")
SECURITY_URL = reverse("accounts:security")


def enrol(user) -> TOTPDevice:
    device = services.totp_enrol_start(by=user)
    return services.totp_enrol_confirm(code=next_code(device), by=user)


def let_throttle_pass(device: TOTPDevice) -> None:
    """As if the back-off (1 s after one failure) had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1)
    )


class EnrolmentServiceTests(DistrictTestCase):
    def test_start_creates_an_unconfirmed_device_that_login_ignores(self):
        device = services.totp_enrol_start(by=self.handler)
        self.assertFalse(device.confirmed)
        self.assertIsNone(selectors.totp_device_for(self.handler, confirmed=True))

    def test_starting_again_replaces_the_unfinished_device(self):
        first = services.totp_enrol_start(by=self.handler)
        second = services.totp_enrol_start(by=self.handler)
        self.assertEqual(list(TOTPDevice.objects.filter(user=self.handler)), [second])
        self.assertNotEqual(first.key, second.key)

    def test_a_valid_code_confirms_and_leaves_an_audit_row(self):
        device = enrol(self.handler)
        self.assertTrue(device.confirmed)
        self.assertEqual(selectors.totp_device_for(self.handler, confirmed=True), device)
        entry = AuditEntry.objects.get(action="totp_enabled")
        self.assertEqual((entry.actor, entry.object_id), (self.handler, str(device.pk)))

    def test_a_wrong_code_does_not_confirm_and_counts_a_failure(self):
        device = services.totp_enrol_start(by=self.handler)
        with self.assertRaises(ValidationFailed) as caught:
            services.totp_enrol_confirm(code=wrong_code(device), by=self.handler)
        self.assertEqual(caught.exception.field, "code")
        device.refresh_from_db()
        self.assertFalse(device.confirmed)
        self.assertEqual(device.throttling_failure_count, 1)

    def test_starting_when_already_on_is_a_conflict(self):
        enrol(self.handler)
        with self.assertRaises(Conflict):
            services.totp_enrol_start(by=self.handler)

    def test_disable_with_a_code_or_the_password(self):
        device = enrol(self.handler)
        services.totp_disable(proof=next_code(device), by=self.handler)
        self.assertFalse(TOTPDevice.objects.filter(user=self.handler).exists())
        enrol(self.handler)
        services.totp_disable(proof=PASSWORD, by=self.handler)
        self.assertFalse(TOTPDevice.objects.filter(user=self.handler).exists())
        self.assertEqual(AuditEntry.objects.filter(action="totp_disabled").count(), 2)

    def test_disable_refuses_a_wrong_proof_and_throttles_the_next(self):
        device = enrol(self.handler)
        with self.assertRaises(ValidationFailed):
            services.totp_disable(proof="not-my-password", by=self.handler)
        with self.assertRaises(CodeThrottled):
            services.totp_disable(proof=PASSWORD, by=self.handler)
        let_throttle_pass(device)
        services.totp_disable(proof=PASSWORD, by=self.handler)
        self.assertFalse(TOTPDevice.objects.filter(user=self.handler).exists())


class SecurityPageTwoFactorTests(DistrictTestCase):
    def setUp(self):
        self.client.force_login(self.handler)

    def test_page_offers_setup_when_off(self):
        response = self.client.get(SECURITY_URL)
        self.assertContains(response, reverse("accounts:totp-start"))
        self.assertNotContains(response, "<svg")

    def test_enrol_through_the_page(self):
        """Start shows the QR code (inline SVG) and the base32 key; a valid code turns it on and
        marks this session as verified."""
        self.assertRedirects(self.client.post(reverse("accounts:totp-start")), f"{SECURITY_URL}#two-factor")
        device = selectors.totp_device_for(self.handler, confirmed=False)
        page = self.client.get(SECURITY_URL)
        self.assertContains(page, '<svg width="')
        secret = b32encode(device.bin_key).decode()
        self.assertContains(page, " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)))
        response = self.client.post(reverse("accounts:totp-confirm"), {"code": next_code(device)})
        self.assertRedirects(response, f"{SECURITY_URL}#two-factor")
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.session[DEVICE_ID_SESSION_KEY], device.persistent_id)
        self.assertContains(self.client.get(SECURITY_URL), reverse("accounts:totp-disable"))

    def test_a_wrong_code_on_the_page_is_shown_and_nothing_turns_on(self):
        device = services.totp_enrol_start(by=self.handler)
        response = self.client.post(reverse("accounts:totp-confirm"), {"code": wrong_code(device)})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["code_form"].errors["code"])
        device.refresh_from_db()
        self.assertFalse(device.confirmed)

    def test_disable_through_the_page_with_the_password(self):
        enrol(self.handler)
        response = self.client.post(reverse("accounts:totp-disable"), {"proof": PASSWORD})
        self.assertRedirects(response, f"{SECURITY_URL}#two-factor")
        self.assertIsNone(selectors.totp_device_for(self.handler, confirmed=True))

    def test_disable_with_a_wrong_password_keeps_it_on(self):
        enrol(self.handler)
        response = self.client.post(reverse("accounts:totp-disable"), {"proof": "not-my-password"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["disable_form"].errors["proof"])
        self.assertIsNotNone(selectors.totp_device_for(self.handler, confirmed=True))


class TwoFactorLoginTests(DistrictTestCase):
    def setUp(self):
        self.device = enrol(self.handler)

    def post_password(self, next_url=""):
        url = f"{LOGIN_URL}?next={next_url}" if next_url else LOGIN_URL
        return self.client.post(url, {"username": "li", "password": PASSWORD})

    def assert_logged_out(self):
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertRedirects(self.client.get(HOME_URL), f"{LOGIN_URL}?next={HOME_URL}")

    def test_password_alone_leaves_the_login_pending(self):
        self.assertRedirects(self.post_password(), VERIFY_URL)
        self.assertIn(pending_login.SESSION_KEY, self.client.session)
        self.assert_logged_out()
        self.assertContains(self.client.get(VERIFY_URL), 'autocomplete="one-time-code"')

    def test_the_right_code_finishes_the_login(self):
        self.post_password(next_url="/org/")
        response = self.client.post(VERIFY_URL, {"code": next_code(self.device)})
        self.assertRedirects(response, "/org/", fetch_redirect_response=False)
        session = self.client.session
        self.assertEqual(int(session["_auth_user_id"]), self.handler.pk)
        self.assertEqual(session[DEVICE_ID_SESSION_KEY], self.device.persistent_id)
        self.assertNotIn(pending_login.SESSION_KEY, session)
        self.assertEqual(self.client.get(HOME_URL).status_code, 200)

    def test_a_code_with_a_space_is_accepted(self):
        self.post_password()
        code = next_code(self.device)
        self.assertRedirects(self.client.post(VERIFY_URL, {"code": f"{code[:3]} {code[3:]}"}), HOME_URL)

    def test_a_wrong_code_is_refused_then_throttled(self):
        self.post_password()
        response = self.client.post(VERIFY_URL, {"code": wrong_code(self.device)})
        self.assertEqual(response.status_code, 200)
        [wrong] = response.context["form"].errors["code"]
        self.assertNotRegex(wrong, r"\d\d:\d\d:\d\d")
        self.assert_logged_out()
        # Straight after a failure even the right code must wait (django-otp's back-off); the
        # message says until when.
        response = self.client.post(VERIFY_URL, {"code": next_code(self.device)})
        self.assertEqual(response.status_code, 200)
        [throttled] = response.context["form"].errors["code"]
        self.assertRegex(throttled, r"\d\d:\d\d:\d\d")
        self.assert_logged_out()
        let_throttle_pass(self.device)
        self.assertRedirects(self.client.post(VERIFY_URL, {"code": next_code(self.device)}), HOME_URL)

    def test_a_used_code_cannot_be_replayed(self):
        self.post_password()
        code = next_code(self.device)
        self.client.post(VERIFY_URL, {"code": code})
        self.client.logout()
        self.post_password()
        self.assertEqual(self.client.post(VERIFY_URL, {"code": code}).status_code, 200)
        self.assert_logged_out()

    def test_malformed_code_is_a_form_error_without_counting(self):
        self.post_password()
        response = self.client.post(VERIFY_URL, {"code": "12ab"})
        self.assertTrue(response.context["form"].errors["code"])
        self.device.refresh_from_db()
        self.assertEqual(self.device.throttling_failure_count, 0)

    def test_the_pending_login_lapses_after_five_minutes(self):
        self.post_password()
        session = self.client.session
        marker = session[pending_login.SESSION_KEY]
        marker["started"] -= pending_login.PENDING_LOGIN_SECONDS + 1
        session[pending_login.SESSION_KEY] = marker
        session.save()
        response = self.client.post(VERIFY_URL, {"code": next_code(self.device)})
        self.assertRedirects(response, LOGIN_URL)
        self.assertNotIn(pending_login.SESSION_KEY, self.client.session)
        self.assert_logged_out()

    def test_code_page_without_a_password_sends_to_login(self):
        self.assertRedirects(self.client.get(VERIFY_URL), LOGIN_URL)
        self.assertRedirects(self.client.post(VERIFY_URL, {"code": next_code(self.device)}), LOGIN_URL)
        self.assert_logged_out()

    def test_deactivated_while_pending_cannot_finish(self):
        self.post_password()
        get_user_model().objects.filter(pk=self.handler.pk).update(is_active=False)
        self.assertRedirects(self.client.post(VERIFY_URL, {"code": next_code(self.device)}), LOGIN_URL)
        self.assert_logged_out()

    def test_wrong_password_still_looks_like_any_failure(self):
        response = self.client.post(LOGIN_URL, {"username": "li", "password": "not-the-password"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(pending_login.SESSION_KEY, self.client.session)

    def test_users_without_two_factor_log_in_directly(self):
        response = self.client.post(LOGIN_URL, {"username": "zhang", "password": PASSWORD})
        self.assertRedirects(response, HOME_URL)


class AdminLoginTests(DistrictTestCase):
    """/admin/ has no password form of its own, so two-factor login cannot be skipped there."""

    ADMIN_URL = reverse("admin:index")
    ADMIN_LOGIN_URL = reverse("admin:login")

    def test_admin_login_redirects_to_our_login(self):
        response = self.client.get(self.ADMIN_URL)
        self.assertRedirects(response, f"{self.ADMIN_LOGIN_URL}?next={self.ADMIN_URL}", target_status_code=302)
        response = self.client.get(f"{self.ADMIN_LOGIN_URL}?next={self.ADMIN_URL}")
        self.assertRedirects(response, f"{LOGIN_URL}?next={self.ADMIN_URL}")

    def test_posting_a_password_to_the_admin_login_does_not_log_in(self):
        enrol(self.admin)
        response = self.client.post(self.ADMIN_LOGIN_URL, {"username": "admin", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(LOGIN_URL))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_admin_with_two_factor_needs_the_code_for_the_admin(self):
        device = enrol(self.admin)
        self.client.post(f"{LOGIN_URL}?next={self.ADMIN_URL}", {"username": "admin", "password": PASSWORD})
        self.assertEqual(self.client.get(self.ADMIN_URL).status_code, 302)
        response = self.client.post(VERIFY_URL, {"code": next_code(device)})
        self.assertRedirects(response, self.ADMIN_URL)

    def test_a_session_from_before_two_factor_was_turned_on_is_refused(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.ADMIN_URL).status_code, 200)
        enrol(self.admin)  # e.g. from another browser
        self.assertRedirects(self.client.get(self.ADMIN_URL), f"{self.ADMIN_LOGIN_URL}?next={self.ADMIN_URL}",
                             target_status_code=403)

    def test_logged_in_non_staff_get_403_not_a_redirect_loop(self):
        self.client.force_login(self.handler)
        self.assertRedirects(self.client.get(self.ADMIN_URL), f"{self.ADMIN_LOGIN_URL}?next={self.ADMIN_URL}",
                             target_status_code=403)
