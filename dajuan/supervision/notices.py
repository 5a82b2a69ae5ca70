"""通报 services: compose a notice from selected cases with commentary, publish it to units and leaders
(one message per person through the outbox, in the publishing transaction)."""

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require, visible_cases
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, ValidationFailed
from dajuan.notify import recipients
from dajuan.notify.services import outbox_add
from dajuan.org.choices import Role
from dajuan.supervision.choices import NoticeKind
from dajuan.supervision.models import Notice, NoticeItem


@transaction.atomic
def notice_create(*, title: str, kind: str, commentary: str, case_numbers: Sequence[str],
                  comments: dict[str, str] | None = None, by) -> Notice:
    """A draft notice of the cases numbered (in that order), each with an optional comment. Raises
    NotPermitted, ValidationFailed naming the field (unknown, invisible or confidential numbers)."""
    require(by, Action.COMPOSE_NOTICE)
    title, commentary = (title or "").strip(), (commentary or "").strip()
    if not title:
        raise ValidationFailed(_("Give the notice a title."), field="title")
    if kind not in NoticeKind.values:
        raise ValidationFailed(_("Choose the kind of notice."), field="kind")
    if not commentary:
        raise ValidationFailed(_("Write the commentary: what these cases show and what units must do."),
                               field="commentary")
    numbers = list(dict.fromkeys(n.strip() for n in case_numbers if n and n.strip()))
    if not numbers:
        raise ValidationFailed(_("Choose at least one case."), field="cases")
    found = {c.number: c for c in visible_cases(by).filter(number__in=numbers, confidential=False)}
    if missing := [n for n in numbers if n not in found]:
        raise ValidationFailed(_("No case you may cite has the number %(number)s.") % {"number": missing[0]},
                               field="cases")
    notice = Notice.objects.create(title=title[:200], kind=kind, commentary=commentary, created_by=by,
                                   created_at=timezone.now())
    comments = comments or {}
    NoticeItem.objects.bulk_create([NoticeItem(notice=notice, case=found[n], comment=(comments.get(n) or "").strip(),
                                               position=i) for i, n in enumerate(numbers)])
    return notice


@transaction.atomic
def notice_publish(notice: Notice, *, units: Sequence | None = None, by) -> Notice:
    """Publish to `units` (default: the lead units of its cases) — their leaders and every district leader
    get one message. Raises NotPermitted, Conflict if already published."""
    require(by, Action.COMPOSE_NOTICE)
    now = timezone.now()
    if not Notice.objects.filter(pk=notice.pk, published_at__isnull=True).update(published_at=now, published_by=by):
        raise Conflict(_("This notice has already been published."))
    notice.refresh_from_db()
    if units is None:
        units = [item.case.lead_unit for item in notice.items.select_related("case__lead_unit") if item.case.lead_unit]
    notice.units.set({u.pk for u in units})
    people = recipients.unit_people_by_id([u.pk for u in units], (Role.UNIT_LEADER,)) | recipients.role_holders(
        Role.DISTRICT_LEADER)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Supervision notice: %(title)s") % {"title": notice.title}
    outbox_add(people - {by.pk}, key=f"notice:{notice.pk}", kind="notice", subject=subject,
               body=notice.commentary[:500])
    audit_record(notice, "notice_published", by=by, after={"units": sorted(u.pk for u in units)})
    return notice
