"""Display of a TOTP device being set up: the QR code an authenticator app scans, and the same key
in base32 for typing in by hand."""

from base64 import b32encode

import segno
from django import template
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

register = template.Library()


@register.filter
def totp_qr_svg(device: TOTPDevice) -> SafeString:
    """Inline SVG of the device's otpauth:// URL. segno writes only path data and sizes, never the
    URL's text, so the markup is safe to insert."""
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=5, border=4, dark="#000", light="#fff"))


@register.filter
def totp_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four ("ABCD EFGH …"), as apps ask for it."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
