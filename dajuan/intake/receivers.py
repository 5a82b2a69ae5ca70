"""Writes that must commit with a case's events (cases.signals.event_recorded)."""

from django.db import transaction
from django.dispatch import receiver

from dajuan.cases.choices import Verb
from dajuan.cases.signals import event_recorded
from dajuan.core import fastwrite
from dajuan.intake.models import Intake
from dajuan.intake.services import new_tracking_code, pending_intake


@receiver(event_recorded, dispatch_uid="intake.record_intake")
def record_intake(sender, event, case, **kwargs) -> None:
    """Every registered case gets its Intake row (and tracking code) in the REGISTERED transaction,
    whichever channel — or transition caller — registered it."""
    if event.verb != Verb.REGISTERED:
        return
    pending = pending_intake()
    fastwrite.insert(Intake(
        case=case, channel=case.source, tracking_code=new_tracking_code(),
        enterprise=pending.enterprise if pending else None, group=pending.group if pending else None,
        external_id=pending.external_id if pending else "", media_url=pending.media_url if pending else "",
    ))
    if pending and pending.on_registered is not None:
        pending.on_registered(case)


@receiver(event_recorded, dispatch_uid="intake.answer_group")
def answer_group(sender, event, case, **kwargs) -> None:
    """A reply to a case raised in a 政企直通车 group goes back to that group once it is committed."""
    if event.verb != Verb.REPLIED:
        return
    intake = Intake.objects.filter(case_id=case.pk, group__isnull=False).select_related("group").first()
    if intake is None:
        return
    from dajuan.notify.backends import group_message_send

    text = f"【{case.number}】{case.title}\n{event.payload.get('text', '')}"
    transaction.on_commit(lambda: group_message_send(intake.group.code, text))
