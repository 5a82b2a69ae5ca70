"""The outbox (通知): one Message per person per cause, written in the transaction of its cause and
delivered later by the worker; every delivery try is an Attempt."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dajuan.notify.choices import Channel, MessageStatus


class Preference(models.Model):
    """通知方式: the channels a person wants messages on (the system log is always one of them)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notify_preference")
    channels = models.JSONField(_("channels"), default=list)  # Channel values besides CONSOLE
    wecom_webhook = models.URLField(_("Enterprise WeChat group bot webhook"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.channels) or Channel.CONSOLE}"


class Message(models.Model):
    """One message to one person. `key` names its cause ("event:<pk>", "remind:<mark pk>", …): the unique
    (recipient, key) constraint is what guarantees one message per person per cause, whoever writes it."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="messages",
                                  verbose_name=_("recipient"))
    key = models.CharField(max_length=100)
    # The ledger event that caused it, by id: nothing references an event by foreign key (the ledger is
    # append-only and verify_ledger must be able to name a deleted event as a gap).
    event_pk = models.BigIntegerField(null=True, blank=True)
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    channels = models.JSONField(default=list)  # chosen when written, from the recipient's preference
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="message_one_per_person_per_cause"),
            models.UniqueConstraint(fields=["recipient", "event_pk"], condition=Q(event_pk__isnull=False),
                                    name="message_one_per_person_per_event"),
        ]
        indexes = [
            # services.deliver_due: the pending messages whose time has come.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="message_due"),
            # views.message_list: a person's own messages, newest first.
            models.Index(fields=["recipient", "-created_at"], name="message_recipient_created"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class Attempt(models.Model):
    """One try to deliver a message on one channel, successful or not."""

    message = models.ForeignKey(Message, models.CASCADE, related_name="delivery_attempts")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    at = models.DateTimeField(_("at"))
    ok = models.BooleanField(_("delivered"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        indexes = [models.Index(fields=["message", "channel"], name="attempt_message_channel")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.channel} {'ok' if self.ok else 'failed'}"
