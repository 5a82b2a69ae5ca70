"""Writes for accounts: API tokens for integrations and the optional TOTP second factor.

Invariants:
- an API token's secret exists only in api_token_create's return value: the database keeps its
  SHA-256 (`token_hash`) and the short public `prefix` that lets a person tell tokens apart;
- a user has at most one TOTP device; it counts for login only once confirmed with a valid code;
- creating or revoking a token and turning two-factor login on or off each write an AuditEntry;
- a code (or password) check goes through django-otp's throttling in its own transaction, committed
  before any error is raised, so a wrong guess always counts: call the TOTP services outside any
  other transaction (a caller's rollback would erase the count).
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.accounts import selectors
from dajuan.accounts.errors import CodeThrottled
from dajuan.accounts.models import ApiToken, User
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, ValidationFailed
from dajuan.core.fastread import Lookup

TOKEN_START = "dj_"
# last_used_at is a hint for people ("still in use?"), not a log: one write a minute at most keeps
# an integration polling every second from writing on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Passwords are at least 10 characters (AUTH_PASSWORD_VALIDATORS), so six digits are always a code.
CODE_PATTERN = re.compile(r"^\d{6}$")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- API tokens -------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user, name: str, expires_at: datetime | None = None, by) -> tuple[ApiToken, str]:
    """Issue a bearer token that acts as `user`. Returns the row and the raw secret
    ("dj_<prefix>_<secret>"), which is stored nowhere and cannot be shown again.
    Raises NotPermitted, ValidationFailed."""
    if not user.is_active:
        raise ValidationFailed(
            _("%(user)s is deactivated; a deactivated account cannot have API tokens.") % {"user": user}
        )
    require(by, Action.CREATE_API_TOKEN, user)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Name is required: say which integration will use the token."), field="name")
    if len(name) > 100:
        raise ValidationFailed(_("Name is longer than 100 characters; shorten it."), field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("The expiry date must lie in the future."), field="expires_at")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=token_hash(raw), expires_at=expires_at
    )
    audit_record(token, "api_token_created", by=by, after={
        "user": user.username,
        "name": name,
        "prefix": prefix,
        "expires_at": expires_at.isoformat() if expires_at else None,
    })
    return token, raw


@transaction.atomic
def api_token_revoke(token: ApiToken, *, by) -> ApiToken:
    """Revoke for good; the row stays as the record. The owner or an administrator may.
    Raises NotPermitted, Conflict (already revoked)."""
    require(by, Action.REVOKE_API_TOKEN, token)
    now = timezone.now()
    # Conditional update: of two concurrent revokes exactly one wins and writes the audit row.
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        raise Conflict(_("This token has already been revoked."))
    token.revoked_at = now
    audit_record(token, "api_token_revoked", by=by, before={"revoked_at": None},
                 after={"revoked_at": now.isoformat(), "prefix": token.prefix})
    return token


# Every API request runs this look-up: SQL written once (core.fastread), not a queryset.
_TOKEN_WITH_USER = Lookup((ApiToken, "t"), (User, "u"), tables="{ApiToken} t JOIN {User} u ON u.id = t.user_id",
                          where="t.token_hash = %s")


def api_token_authenticate(raw: str):
    """The active user a presented token acts as, or None for a malformed, unknown, revoked or
    expired token or a deactivated owner. Records last_used_at at most once a minute."""
    if not isinstance(raw, str) or not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    digest = token_hash(raw)
    # The lookup is by the SHA-256 of what was presented, never by the secret itself, so index
    # timing tells an attacker nothing about stored secrets; compare_digest guards the final check.
    found = _TOKEN_WITH_USER.first([digest])
    if found is None or not hmac.compare_digest(found[0].token_hash, digest):
        return None
    token, token.user = found
    now = timezone.now()
    if not token.is_usable(now) or not token.user.is_active:
        return None
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is None or token.last_used_at <= stale:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)
        ).update(last_used_at=now)
    return token.user


# --- TOTP two-factor login ----------------------------------------------------------------------


def totp_verify(device: TOTPDevice, *, code: str) -> TOTPDevice:
    """Check a 6-digit code from the user's authenticator app (a code is accepted once only).
    Returns the device as verified. Raises CodeThrottled, ValidationFailed (field "code")."""
    return _checked(
        device,
        lambda locked: locked.verify_token(code),
        _("The code is wrong or has expired. Enter the current 6-digit code from your authenticator app."),
        field="code",
    )


def totp_enrol_start(*, by) -> TOTPDevice:
    """Begin turning on two-factor login: a new, unconfirmed device with a fresh key, replacing any
    unfinished one. It does nothing at login until totp_enrol_confirm. Raises Conflict."""
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=by, confirmed=True).exists():
            raise Conflict(_("Two-factor login is already on."))
        TOTPDevice.objects.filter(user=by, confirmed=False).delete()
        return TOTPDevice.objects.create(user=by, name=_("Authenticator app"), confirmed=False)


def totp_enrol_confirm(*, code: str, by) -> TOTPDevice:
    """Turn two-factor login on: the code proves the app holds the key. Raises Conflict (nothing
    to confirm), CodeThrottled, ValidationFailed."""
    device = selectors.totp_device_for(by, confirmed=False)
    if device is None:
        raise Conflict(_("There is no two-factor setup to confirm. Start again."))
    device = totp_verify(device, code=code)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(device, "totp_enabled", by=by, after={"user": by.username})
    return device


def totp_disable(*, proof: str, by) -> None:
    """Turn two-factor login off. `proof` is a current code or the account password; wrong ones
    are throttled like wrong codes. Raises Conflict (not on), CodeThrottled, ValidationFailed."""
    device = selectors.totp_device_for(by, confirmed=True)
    if device is None:
        raise Conflict(_("Two-factor login is not on."))
    code = proof.strip()

    def check(locked: TOTPDevice) -> bool:
        if CODE_PATTERN.match(code):
            return locked.verify_token(code)  # counts a failure itself
        if by.check_password(proof):
            return True
        locked.throttle_increment()
        return False

    _checked(
        device,
        check,
        _("That is neither a current code nor your password. Enter the 6-digit code from your "
          "authenticator app, or your password."),
        field="proof",
    )
    with transaction.atomic():
        audit_record(device, "totp_disabled", by=by, before={"user": by.username})
        TOTPDevice.objects.filter(user=by).delete()


def _checked(
    device: TOTPDevice, check: Callable[[TOTPDevice], bool], wrong: str, *, field: str
) -> TOTPDevice:
    # Its own transaction, committed before raising: the failure count must survive the error.
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = locked.verify_is_allowed()
        passed = allowed and check(locked)
    if not allowed:
        until = timezone.localtime(details["locked_until"])
        raise CodeThrottled(
            _("Too many wrong attempts. Wait until %(time)s, then try again with a new code.")
            % {"time": until.strftime("%H:%M:%S")},
            field=field,
        )
    if not passed:
        raise ValidationFailed(wrong, field=field)
    return locked

