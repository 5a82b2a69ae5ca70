from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import Verb

GENESIS_HASH = "0" * 64


class Event(models.Model):
    """台账: one append-only ledger entry. Never updated, never deleted (PROTECT everywhere).

    hash = sha256(prev_hash + canonical_json(body)), body = {case, seq, verb, actor, at, payload};
    `dajuan verify_ledger` recomputes every chain.
    """

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="events", verbose_name=_("case"))
    seq = models.PositiveIntegerField(_("sequence"))
    verb = models.CharField(_("verb"), max_length=24, choices=Verb.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("actor"))
    actor_name = models.CharField(_("actor name"), max_length=150)
    at = models.DateTimeField(_("at"))
    payload = models.JSONField(_("payload"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_one_per_seq")]
        indexes = [
            # The figures (响应率, 按时办结率 …) read events by verb and period.
            models.Index(fields=["verb", "at"], name="event_verb_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.verb}"

    def body(self, case_number: str) -> dict:
        """What the hash covers."""
        return {
            "case": case_number, "seq": self.seq, "verb": self.verb, "actor": self.actor_id,
            "at": self.at.isoformat(), "payload": self.payload,
        }
