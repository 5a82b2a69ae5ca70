"""notify's writes: the outbox (`outbox_add`, called inside the transaction of whatever causes the
message), preferences, and delivery (`deliver_due`, run by the worker).

Invariants: at most one Message per (person, cause) — the unique constraint decides, so a retried or
concurrent writer adds nothing; a message is sent by the worker that wins a conditional update from
pending to sending, so two workers never send the same message; every try is an Attempt row; a failed
try is retried with exponential back-off until DAJUAN_NOTIFY_MAX_ATTEMPTS, then marked failed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.core.errors import ValidationFailed
from dajuan.notify.choices import Channel, MessageStatus
from dajuan.notify.models import Attempt, Message, Preference
from dajuan.notify.senders import SENDERS, DeliveryFailed

STALE_SENDING = timedelta(minutes=10)  # a worker that died mid-send: the message is tried again


def outbox_add(recipient_ids: Iterable[int], *, key: str, kind: str, subject: str, body: str,
               event_pk: int | None = None, case=None, at: datetime | None = None) -> int:
    """Queue one message per recipient for the cause `key`; recipients who already have one for that
    cause are skipped. Returns how many were written. Call it inside the cause's transaction."""
    ids = sorted({pk for pk in recipient_ids if pk})
    if not ids:
        return 0
    at = at or timezone.now()
    now = timezone.now()
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=ids)}
    rows = [Message(recipient_id=pk, key=key, kind=kind, subject=subject[:200], body=body, event_pk=event_pk,
                    case=case, channels=channels_for(preferences.get(pk)), next_attempt_at=now, created_at=at)
            for pk in ids]
    existing = set(Message.objects.filter(recipient_id__in=ids, key=key).values_list("recipient_id", flat=True))
    fresh = [row for row in rows if row.recipient_id not in existing]
    # ignore_conflicts: a concurrent writer of the same cause loses quietly to the unique constraint.
    # The worker polls the outbox on its timer (`dajuan worker`), so nothing is enqueued per write.
    Message.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def channels_for(preference: Preference | None) -> list[str]:
    extra = [c for c in (preference.channels if preference else []) if c in Channel.values and c != Channel.CONSOLE]
    return [Channel.CONSOLE, *extra]


def preference_set(user, *, channels: Iterable[str], wecom_webhook: str = "", by) -> Preference:
    """Choose the channels `user` receives messages on. Raises NotPermitted, ValidationFailed (naming the
    field: a channel needs its address — an email on the account, a mobile number, or a webhook URL)."""
    require(by, Action.SET_NOTIFICATION_PREFERENCE, user)
    chosen = list(dict.fromkeys(channels))
    if unknown := [c for c in chosen if c not in Channel.values]:
        raise ValidationFailed(_("Unknown channel “%(channel)s”; choose among: %(choices)s.")
                               % {"channel": unknown[0], "choices": ", ".join(Channel.values)}, field="channels")
    wecom_webhook = (wecom_webhook or "").strip()
    if Channel.EMAIL in chosen and not user.email:
        raise ValidationFailed(_("Email needs an email address on the account; add one first."), field="channels")
    if Channel.SMS in chosen and not user.phone:
        raise ValidationFailed(_("Text messages need a mobile number on the account; add one first."),
                               field="channels")
    if Channel.WECOM in chosen and not wecom_webhook:
        raise ValidationFailed(_("Enter the group bot's webhook URL to receive messages in Enterprise WeChat."),
                               field="wecom_webhook")
    if wecom_webhook and not wecom_webhook.startswith(("https://", "http://")):
        raise ValidationFailed(_("The webhook URL must start with https:// (or http:// on an intranet)."),
                               field="wecom_webhook")
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"channels": [c for c in chosen if c != Channel.CONSOLE], "wecom_webhook": wecom_webhook})
    return preference


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0  # won by another worker


def max_attempts() -> int:
    return int(getattr(settings, "DAJUAN_NOTIFY_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> timedelta:
    """Wait before try number attempts+1: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Send the pending messages whose time has come (oldest first)."""
    now = now or timezone.now()
    report = DeliveryReport()
    Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=MessageStatus.PENDING)
    due = list(Message.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", "attempts")[:limit])
    for pk, attempts in due:
        won = Message.objects.filter(pk=pk, status=MessageStatus.PENDING, attempts=attempts).update(
            status=MessageStatus.SENDING, claimed_at=now)
        if not won:
            report.skipped += 1
            continue
        outcome = _deliver(Message.objects.select_related("recipient").get(pk=pk), now=now)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _deliver(message: Message, *, now: datetime) -> str:
    """Try every channel not yet delivered; record each try; settle the message's status."""
    preference = Preference.objects.filter(user_id=message.recipient_id).first()
    done = set(message.delivery_attempts.filter(ok=True).values_list("channel", flat=True))
    errors = []
    for channel in message.channels or [Channel.CONSOLE]:
        if channel in done:
            continue
        try:
            SENDERS[Channel(channel)](message, preference)
        except DeliveryFailed as error:
            errors.append(f"{channel}: {error}")
            Attempt.objects.create(message=message, channel=channel, at=now, ok=False, error=str(error))
        else:
            Attempt.objects.create(message=message, channel=channel, at=now, ok=True)
    attempts = message.attempts + 1
    if not errors:
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, attempts=attempts, sent_at=now,
                                                     last_error="")
        return "sent"
    if attempts >= max_attempts():
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED, attempts=attempts,
                                                     last_error="; ".join(errors))
        return "failed"
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.PENDING, attempts=attempts,
                                                 next_attempt_at=now + backoff(attempts), last_error="; ".join(errors))
    return "retried"
