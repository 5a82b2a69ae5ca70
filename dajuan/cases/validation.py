"""Input checks shared by every channel that registers or annotates a case. Each failure raises
CaseInvalid naming the field and the fix; nothing here writes."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from dajuan.accounts.models import mobile_validator
from dajuan.cases.choices import Priority, RequesterKind, Source
from dajuan.cases.errors import CaseInvalid

# Sniffed from the content, never from the name or the browser's claim.
ALLOWED_TYPES = {
    "image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/msword", "application/vnd.ms-excel", "video/mp4", "audio/mpeg", "audio/x-wav",
}
CASE_FIELDS = {
    "title", "content", "category", "source", "priority", "requester_kind", "requester_name", "requester_phone",
    "requester_user", "requester_unit", "address", "latitude", "longitude", "grid", "confidential",
}


def required_text(value: str | None, field: str, *, max_length: int = 5000) -> str:
    text = (value or "").strip()
    if not text:
        raise CaseInvalid(_("This field is required: %(field)s.") % {"field": field}, field=field)
    if len(text) > max_length:
        raise CaseInvalid(_("%(field)s is longer than %(max)s characters; shorten it.")
                          % {"field": field, "max": max_length}, field=field)
    return text


def case_fields(fields: dict) -> dict:
    """The columns of a new case, checked. Unknown keys are a programming error (TypeError)."""
    if unknown := set(fields) - CASE_FIELDS:
        raise TypeError(f"register() got unknown fields: {sorted(unknown)}")
    clean = dict(fields)
    clean["title"] = required_text(fields.get("title"), "title", max_length=200)
    clean["content"] = required_text(fields.get("content"), "content", max_length=20000)
    if fields.get("source") not in Source.values:
        raise CaseInvalid(_("Source must be one of: %(values)s.") % {"values": ", ".join(Source.values)},
                          field="source")
    clean["priority"] = fields.get("priority") or Priority.NORMAL
    if clean["priority"] not in Priority.values:
        raise CaseInvalid(_("Priority must be one of: %(values)s.") % {"values": ", ".join(Priority.values)},
                          field="priority")
    kind = fields.get("requester_kind")
    if kind not in RequesterKind.values:
        raise CaseInvalid(_("Requester kind must be one of: %(values)s.")
                          % {"values": ", ".join(RequesterKind.values)}, field="requester_kind")
    phone = (fields.get("requester_phone") or "").strip()
    if phone and not _valid_phone(phone):
        raise CaseInvalid(_("Enter an 11-digit mobile number or a landline such as 0558-5123456."),
                          field="requester_phone")
    clean["requester_phone"] = phone
    clean["requester_name"] = (fields.get("requester_name") or "").strip()[:100]
    if kind == RequesterKind.CITIZEN and not (clean["requester_name"] or phone):
        raise CaseInvalid(_("Give the citizen's name or phone number so the answer can reach them."),
                          field="requester_name")
    if kind == RequesterKind.INTERNAL and not (fields.get("requester_unit") or fields.get("requester_user")):
        raise CaseInvalid(_("Name the unit or leader who raised this task."), field="requester_unit")
    clean["address"] = (fields.get("address") or "").strip()[:200]
    clean["latitude"], clean["longitude"] = _point(fields.get("latitude"), fields.get("longitude"))
    grid = fields.get("grid")
    if grid is not None and grid.kind != "grid":
        raise CaseInvalid(_("%(unit)s is not a grid.") % {"unit": grid}, field="grid")
    clean["confidential"] = bool(fields.get("confidential", False))
    return clean


def _valid_phone(phone: str) -> bool:
    if phone.isdigit() and len(phone) == 11:
        try:
            mobile_validator(phone)
            return True
        except Exception:
            return False
    digits = phone.replace("-", "")
    return digits.isdigit() and 7 <= len(digits) <= 12


def _point(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise CaseInvalid(_("Give both latitude and longitude, or neither."), field="latitude")
    try:
        lat, lng = Decimal(str(latitude)), Decimal(str(longitude))
    except InvalidOperation:
        raise CaseInvalid(_("Latitude and longitude must be decimal degrees, e.g. 33.8446, 115.7794."),
                          field="latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise CaseInvalid(_("Latitude must lie within ±90 and longitude within ±180 degrees."), field="latitude")
    return lat.quantize(Decimal("0.000001")), lng.quantize(Decimal("0.000001"))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: ContentFile
    content_type: str
    size: int
    sha256: str


def attachments(files) -> list[CheckedFile]:
    """Check uploaded files: count, size and a type sniffed from the bytes."""
    files = list(files or [])
    max_count = getattr(settings, "DAJUAN_ATTACHMENT_MAX_COUNT", 9)
    max_bytes = getattr(settings, "DAJUAN_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
    if len(files) > max_count:
        raise CaseInvalid(_("Attach at most %(max)s files at a time.") % {"max": max_count}, field="files")
    checked = []
    for upload in files:
        name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][-120:]
        data = upload.read()
        if len(data) > max_bytes:
            raise CaseInvalid(_("%(name)s is larger than %(max)s MB; send a smaller file.")
                              % {"name": name, "max": max_bytes // (1024 * 1024)}, field="files")
        if not data:
            raise CaseInvalid(_("%(name)s is empty.") % {"name": name}, field="files")
        kind = filetype.guess(data)
        if kind is None or kind.mime not in ALLOWED_TYPES:
            raise CaseInvalid(_("%(name)s is not a photo, PDF, Word or Excel document, audio or video file.")
                              % {"name": name}, field="files")
        checked.append(CheckedFile(name, ContentFile(data), kind.mime, len(data), hashlib.sha256(data).hexdigest()))
    return checked
