"""联合督查 / 暗访 services: record a field visit with findings and photos; open a case from a finding
(registered through transitions.register with source 督查交办, once per finding)."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import transitions, validation
from dajuan.cases.choices import RequesterKind, Source
from dajuan.cases.errors import CaseInvalid
from dajuan.core.errors import ValidationFailed
from dajuan.org.choices import Role
from dajuan.supervision.choices import VisitKind
from dajuan.supervision.models import FieldVisit, Finding, VisitPhoto


def _text(value, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(value) > max_length:
        raise ValidationFailed(_("Keep it under %(max)s characters.") % {"max": max_length}, field=field)
    return value


@transaction.atomic
def visit_record(*, kind: str, title: str, visited_on: date, place: str, unit, findings: Sequence[str],
                 team: str = "", summary: str = "", photos: Sequence = (), by) -> FieldVisit:
    """Record a visit, its findings (one per non-empty line) and photos, all or nothing. Raises
    NotPermitted, ValidationFailed naming the field."""
    require(by, Action.RECORD_INSPECTION)
    if kind not in VisitKind.values:
        raise ValidationFailed(_("Choose 联合督查 or 暗访."), field="kind")
    title, place = _text(title, "title", 200), _text(place, "place", 200)
    if not isinstance(visited_on, date):
        raise ValidationFailed(_("Enter the date of the visit."), field="visited_on")
    if visited_on > timezone.localdate():
        raise ValidationFailed(_("The visit date cannot be in the future."), field="visited_on")
    if unit is None or not unit.is_active:
        raise ValidationFailed(_("Choose the active unit the visit concerns."), field="unit")
    texts = [t.strip() for t in findings if t and t.strip()]
    if not texts:
        raise ValidationFailed(_("Write at least one finding, one per line."), field="findings")
    try:
        checked = validation.attachments(photos)
    except CaseInvalid as error:
        raise ValidationFailed(error.message, field="photos") from None
    if any(not f.content_type.startswith("image/") for f in checked):
        raise ValidationFailed(_("Only photos (JPEG, PNG …) can be attached to a visit."), field="photos")
    now = timezone.now()
    visit = FieldVisit.objects.create(kind=kind, title=title, visited_on=visited_on, place=place, unit=unit,
                                      team=(team or "").strip()[:300], summary=(summary or "").strip(),
                                      created_by=by, created_at=now)
    Finding.objects.bulk_create([Finding(visit=visit, unit=unit, text=t[:5000]) for t in texts])
    for f in checked:
        photo = VisitPhoto(visit=visit, original_name=f.name, content_type=f.content_type, size=f.size,
                           sha256=f.sha256, uploaded_at=now)
        photo.file.save(f.name, f.content, save=False)
        photo.save()
    return visit


def finding_open_case(finding: Finding, *, category=None, by):
    """Open a case (督查交办) from a finding; a second call returns the same case. Raises NotPermitted,
    CaseInvalid from registration."""
    require(by, Action.RECORD_INSPECTION)
    if finding.case_id:
        return finding.case
    visit = finding.visit
    own_unit = next((m.unit for m in by.memberships.select_related("unit") if m.role == Role.SUPERVISOR), None)
    content = _("%(kind)s on %(date)s at %(place)s (%(unit)s): %(text)s") % {
        "kind": VisitKind(visit.kind).label, "date": visit.visited_on, "place": visit.place, "unit": visit.unit.name,
        "text": finding.text}
    case = transitions.register(
        title=f"{visit.title}：{finding.text}"[:200], content=content, source=Source.SUPERVISION,
        requester_kind=RequesterKind.INTERNAL, requester_unit=own_unit, requester_user=by,
        requester_name=str(by), category=category, idempotency_key=f"supervision-finding-{finding.pk}", by=by)
    Finding.objects.filter(pk=finding.pk, case__isnull=True).update(case=case)
    finding.refresh_from_db()
    return finding.case
