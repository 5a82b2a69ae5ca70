"""Helpers for the accounts tests: codes as an authenticator app computes them, and responses
compared with the parts that must differ (CSRF tokens, the typed username) taken out."""

import re
import time

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN_URL = reverse("accounts:login")
VERIFY_URL = reverse("accounts:login-verify")


def next_code(device: TOTPDevice) -> str:
    """The code an app shows for the first time step after the last one accepted (a code is
    accepted once only, so a second login in one test needs the next step's code)."""
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    step = max(now_step, device.last_t + 1)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=step - now_step)
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that no nearby time step of the device accepts."""
    nearby = {totp(device.bin_key, step=device.step, t0=device.t0, drift=device.drift + d)
              for d in range(-3, 4)}
    return f"{next(n for n in range(1_000_000) if n not in nearby):06d}"


def normalised(response, *typed: str) -> str:
    """The page with CSRF tokens blanked and each typed username replaced by one placeholder."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', body)
    for username in typed:
        body = body.replace(username, "USERNAME")
    return body
