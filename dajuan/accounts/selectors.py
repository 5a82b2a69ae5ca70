"""Reads for the account security page: a user's API tokens and TOTP device."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from dajuan.accounts.models import ApiToken


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked and expired ones included (they are the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def totp_device_for(user, *, confirmed: bool) -> TOTPDevice | None:
    """The user's TOTP device, confirmed (two-factor login is on) or not yet (enrolment under way).
    services keeps at most one of each."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).order_by("pk").first()


def user_for_pending_login(user_id: int):
    """The active user a half-finished (two-factor) login belongs to, or None."""
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()
