"""Intake (受理): the one service every channel calls — the public H5 form, the enterprise portal, the
JSON API, Open311, the spreadsheet import and the group-message webhook. It checks what only intake
knows (coordinates inside China, the channel's own id, the requester's identity), then calls
`cases.transitions.register` with the channel as the case's source.

Invariants: every registered case gets exactly one Intake row (tracking code, enterprise, group, the
sending system's id, a media link), written by intake.receivers in the REGISTERED event's transaction; a channel's
own id (12345 work-order number, group message id, Open311 token) becomes at most one case.
"""

import secrets
import unicodedata
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dajuan.cases import transitions, validation
from dajuan.cases.choices import RequesterKind, Source
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Case
from dajuan.core import fastwrite
from dajuan.core.fastread import Lookup
from dajuan.intake.models import Intake, PublicRequester

# Tracking codes: no 0/O, 1/I/L — read aloud over the phone and typed on a phone keyboard.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10
# The mainland's extent in decimal degrees (a generous box around 3.8–53.6 N, 73.5–135.1 E).
CHINA_LATITUDE = (Decimal("3.8"), Decimal("53.6"))
CHINA_LONGITUDE = (Decimal("73.5"), Decimal("135.1"))
MEDIA_URL_MAX_LENGTH = 500  # Intake.media_url


@dataclass(frozen=True)
class PendingIntake:
    """What the receiver writes beside the REGISTERED event of the case being registered."""

    enterprise: object = None
    group: object = None
    external_id: str = ""
    media_url: str = ""
    # Called with the new case inside its REGISTERED transaction: how a visit, a meeting or a policy
    # links its problem to the case so that both commit together or neither does.
    on_registered: Callable | None = None


_pending: ContextVar[PendingIntake | None] = ContextVar("dajuan_pending_intake", default=None)


def pending_intake() -> PendingIntake | None:
    return _pending.get()


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))


def normalise_tracking_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:TRACKING_LENGTH * 2]


def check_point_in_china(lat: Decimal | None, lng: Decimal | None) -> None:
    """Checked coordinates must lie inside China (WGS-84/GCJ-02 alike at this precision)."""
    if lat is None or lng is None:
        return
    if not (CHINA_LATITUDE[0] <= lat <= CHINA_LATITUDE[1] and CHINA_LONGITUDE[0] <= lng <= CHINA_LONGITUDE[1]):
        raise CaseInvalid(_("The location lies outside China; check that latitude and longitude are not swapped."),
                          field="latitude")


def clean_media_url(value: str) -> str:
    """A link to media the sender keeps (Open311 media_url): an absolute http(s) URL of at most 500
    characters, without credentials, spaces or control characters. Only stored and shown as a link, never
    fetched: intranets have no internet, and fetching a caller's URL would be a server-side request
    forgery hole. Returns it stripped ("" for none); raises CaseInvalid naming media_url."""
    value = (value or "").strip()
    if not value:
        return ""

    def invalid(message):
        return CaseInvalid(message, field="media_url")

    if len(value) > MEDIA_URL_MAX_LENGTH:
        raise invalid(_("The media link is longer than %(n)s characters; give a shorter link.")
                      % {"n": MEDIA_URL_MAX_LENGTH})
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in value):
        raise invalid(_("The media link contains spaces or control characters; percent-encode them."))
    try:
        parts = urlsplit(value)
        _port = parts.port  # raises ValueError for a port that is not a number in 0–65535
    except ValueError:
        raise invalid(_("The media link is not a valid URL; give an absolute link such as "
                        "https://example.gov.cn/photo.jpg.")) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise invalid(_("The media link must be an absolute http or https URL, such as "
                        "https://example.gov.cn/photo.jpg."))
    if "@" in parts.netloc:
        raise invalid(_("The media link must not contain a user name or password; give a link that needs none."))
    return value


# Looked up for every citizen's registration: SQL written once (core.fastread), not a queryset.
_PUBLIC_REQUESTER_USER = Lookup((get_user_model(), "u"), (PublicRequester, "p"),
                                tables="{PublicRequester} p JOIN {User} u ON u.id = p.user_id", where="p.phone = %s")


def public_requester_for(*, phone: str, name: str):
    """The account that stands for the citizen with this phone, or None before their first submission."""
    found = _PUBLIC_REQUESTER_USER.first([phone])
    return found[0] if found else None


def public_requester_create(*, phone: str, name: str):
    """Make the citizen's account; called inside the transaction that registers their first submission."""
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User(username=f"public-{secrets.token_hex(8)}", full_name=(name or "")[:100])
            user.set_unusable_password()
            fastwrite.insert(user)
            fastwrite.insert(PublicRequester(user=user, phone=phone))
            return user
    except IntegrityError:  # the same phone submitted twice at once: use the winner's account
        return public_requester_for(phone=phone, name=name)


def _checked_files(files) -> list[ContentFile]:
    """Check attachments before anything is written, and hand register the checked bytes."""
    return [ContentFile(checked.content.read(), name=checked.name) for checked in validation.attachments(files)]


def case_register(*, by, channel: str, title: str, content: str, category=None, priority: str | None = None,
                  requester_kind: str = RequesterKind.CITIZEN, requester_name: str = "", requester_phone: str = "",
                  requester_user=None, enterprise=None, group=None, address: str = "", latitude=None,
                  longitude=None, external_id: str = "", media_url: str = "", idempotency_key: str | None = None,
                  files=(), at: datetime | None = None, on_registered: Callable | None = None) -> Case:
    """Register a case from `channel` (a cases.Source value). A known `external_id` or idempotency key
    returns the case it made the first time. `media_url` is a link to the sender's media (checked by
clean_media_url, stored on the Intake row, never fetched). `by=None` means a citizen submitting for themselves (the
    public form): their public requester account registers it. `on_registered(case)` runs inside the
    registration's transaction (for link rows that must commit with the case). Raises CaseInvalid (naming the field),
    NotPermitted."""
    if channel not in Source.values:
        raise CaseInvalid(_("Source must be one of: %(values)s.") % {"values": ", ".join(Source.values)},
                          field="source")
    external_id = (external_id or "").strip()
    if len(external_id) > 100:
        raise CaseInvalid(_("The external id is longer than 100 characters."), field="external_id")
    if external_id and (known := Intake.objects.filter(channel=channel, external_id=external_id)
                        .select_related("case").first()):
        return known.case
    if category is not None and not category.is_active:
        raise CaseInvalid(_("The category %(name)s is no longer in use; choose another.") % {"name": category},
                          field="category")
    if enterprise is not None:
        requester_kind = RequesterKind.ENTERPRISE
        requester_name = requester_name or enterprise.name
    fields = {
        "title": title, "content": content, "category": category, "source": channel, "priority": priority,
        "requester_kind": requester_kind, "requester_name": requester_name, "requester_phone": requester_phone,
        "requester_user": requester_user, "address": address, "latitude": latitude, "longitude": longitude,
    }
    clean = validation.case_fields(fields)  # every field error before anything is written
    media_url = clean_media_url(media_url)
    check_point_in_china(clean["latitude"], clean["longitude"])
    checked = _checked_files(files)
    if by is None and not (requester_kind == RequesterKind.CITIZEN and clean["requester_phone"]):
        raise CaseInvalid(_("Give a phone number so the answer can reach you."), field="requester_phone")
    account = None
    if clean["requester_user"] is None and requester_kind == RequesterKind.CITIZEN and clean["requester_phone"]:
        phone, name = clean["requester_phone"], clean["requester_name"]
        fields["requester_user"] = public_requester_for(phone=phone, name=name)
        if fields["requester_user"] is None:
            def account():
                return public_requester_create(phone=phone, name=name)
    token = _pending.set(PendingIntake(enterprise=enterprise, group=group, external_id=external_id,
                                       media_url=media_url, on_registered=on_registered))
    try:
        return transitions.register(by=by, at=at, idempotency_key=idempotency_key, files=checked,
                                    requester_account=account, **fields)
    except IntegrityError:
        # Two deliveries of the same external id at once: the loser returns the winner's case.
        if external_id and (known := Intake.objects.filter(channel=channel, external_id=external_id).first()):
            return known.case
        raise
    finally:
        _pending.reset(token)


def intake_for(case: Case) -> Intake | None:
    return Intake.objects.filter(case=case).first()


def intake_enterprise_set(case: Case, *, enterprise, by) -> Intake:
    """Record which registered enterprise a case was raised for (e.g. a hotline call from a company's
    contact), so every account of that enterprise sees and may evaluate it. Raises NotPermitted."""
    from dajuan.access.actions import Action
    from dajuan.access.policy import require
    from dajuan.core.audit import audit_record

    require(by, Action.MANAGE_ENTERPRISE)
    intake = Intake.objects.get(case=case)
    before = intake.enterprise_id
    Intake.objects.filter(pk=intake.pk).update(enterprise=enterprise)
    intake.enterprise = enterprise
    audit_record(intake, "intake_enterprise_set", by=by, before={"enterprise": before},
                 after={"enterprise": enterprise.pk if enterprise else None})
    return intake
