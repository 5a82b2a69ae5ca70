"""The half-finished login of a user with two-factor login on: the password was right, the code is
still to come. Kept in the session under one key; the user is *not* logged in until the code is
checked, so every page but the code page still sends them to the login form.

The marker holds the user's id, the authentication backend, the start time and the checked `next`
URL, never a password; it lapses after PENDING_LOGIN_SECONDS.
"""

from django.http import HttpRequest
from django.utils import timezone

SESSION_KEY = "accounts_pending_login"
PENDING_LOGIN_SECONDS = 5 * 60


def start(request: HttpRequest, user, *, next_url: str) -> None:
    # A new session key before the half-login, as login() does before the whole one.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "started": timezone.now().timestamp(),
        "next": next_url,
    }


def current(request: HttpRequest) -> dict | None:
    """The marker, or None when there is none or it has lapsed (a lapsed one is dropped)."""
    marker = request.session.get(SESSION_KEY)
    if not isinstance(marker, dict):
        return None
    if timezone.now().timestamp() - marker.get("started", 0) > PENDING_LOGIN_SECONDS:
        clear(request)
        return None
    return marker


def clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
