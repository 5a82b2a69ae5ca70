from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import EvaluationSource, Satisfaction


class Evaluation(models.Model):
    """评价: the requester's grade of one reply (or a supervisor's record of it from a callback).
    One per case per round: a reopened case is graded again."""

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="evaluations", verbose_name=_("case"))
    round = models.PositiveSmallIntegerField(_("round"))
    satisfaction = models.CharField(_("satisfaction"), max_length=24, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=EvaluationSource.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="evaluation_one_per_round")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.round} {self.get_satisfaction_display()}"


class ExtensionRequest(models.Model):
    """延期申请: asked by the lead unit, decided by a dispatcher."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="extension_requests", verbose_name=_("case"))
    assignment = models.ForeignKey("cases.Assignment", models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(state="pending"),
                                    name="extension_one_pending_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.working_days} {self.get_state_display()}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"cases/{instance.case.registered_at:%Y/%m}/{instance.case.number}/{instance.sha256[:16]}-{filename}"


class Attachment(models.Model):
    """附件: a file on a case, stored through Django storage; its type is sniffed from the content."""

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="attachments", verbose_name=_("case"))
    event_seq = models.PositiveIntegerField(_("event"))  # the ledger event that added it
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
