from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PushChannel(models.TextChoices):
    PORTAL = "portal", _("Enterprise portal")
    WECHAT_GROUP = "wechat_group", _("WeChat group")
    VISIT = "visit", _("Care-team visit")  # handed over on a 包保 visit (送政策)
    MEETING = "meeting", _("Breakfast meeting")


class Policy(models.Model):
    """惠企政策: a policy for enterprises, with who it applies to. An empty eligibility list means
    "any": a policy with no industries applies to every industry."""

    title = models.CharField(_("title"), max_length=200)
    issuing_unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    issued_on = models.DateField(_("issued on"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    body = models.TextField(_("text"))
    attachment = models.FileField(_("attachment"), upload_to="policies/%Y/", blank=True)
    industries = models.ManyToManyField("enterprise.Industry", related_name="+", blank=True,
                                        verbose_name=_("industries"))
    kinds = models.JSONField(_("kinds"), default=list, blank=True)  # enterprise.choices.EnterpriseKind values
    sizes = models.JSONField(_("sizes"), default=list, blank=True)  # enterprise.choices.EnterpriseSize values
    towns = models.ManyToManyField("org.Unit", related_name="+", blank=True, verbose_name=_("towns"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-issued_on", "-pk"]
        constraints = [models.CheckConstraint(
            condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=models.F("effective_from")),
            name="policy_dates_in_order")]

    def __str__(self) -> str:
        return self.title


class PolicyPush(models.Model):
    """送政策: one policy delivered to one enterprise through one channel, and when it was read."""

    policy = models.ForeignKey(Policy, models.CASCADE, related_name="pushes", verbose_name=_("policy"))
    enterprise = models.ForeignKey("enterprise.Enterprise", models.CASCADE, related_name="policy_pushes",
                                   verbose_name=_("enterprise"))
    channel = models.CharField(_("channel"), max_length=20, choices=PushChannel.choices)
    group = models.ForeignKey("intake.MessageGroup", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("group"))
    visit = models.ForeignKey("enterprise.Visit", models.PROTECT, null=True, blank=True, related_name="policy_pushes",
                              verbose_name=_("visit"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("pushed at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy push")
        verbose_name_plural = _("policy pushes")
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise", "channel"],
                                               name="policy_push_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.policy} → {self.enterprise} ({self.channel})"


class PolicyCase(models.Model):
    """政策奖补: a case about a policy (an award or subsidy claim), linked when it is registered."""

    policy = models.ForeignKey(Policy, models.PROTECT, related_name="cases", verbose_name=_("policy"))
    case = models.OneToOneField("cases.Case", models.PROTECT, related_name="policy_link", verbose_name=_("case"))

    class Meta:
        verbose_name = _("policy case")
        verbose_name_plural = _("policy cases")

    def __str__(self) -> str:
        return f"{self.policy} → {self.case_id}"
