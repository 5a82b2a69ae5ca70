from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dajuan.enterprise.choices import CallbackOutcome, EnterpriseKind, EnterpriseSize
from dajuan.enterprise.validation import credit_code_validator


class Enterprise(models.Model):
    """企业: a company the district serves, identified by its unified social credit code."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[credit_code_validator])
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    industry = models.ForeignKey("enterprise.Industry", models.PROTECT, null=True, blank=True,
                                 related_name="enterprises", verbose_name=_("industry"))
    kind = models.CharField(_("kind"), max_length=20, choices=EnterpriseKind.choices, default=EnterpriseKind.OTHER)
    # 四上: above-size industry, qualified construction, wholesale/retail/hotel/catering above quota, and
    # above-size services — the enterprises the breakfast meetings must reach every quarter.
    is_four_above = models.BooleanField(_("\"four above\" enterprise"), default=False)
    size = models.CharField(_("size"), max_length=10, choices=EnterpriseSize.choices, blank=True)
    town = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("town"))

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseUser(models.Model):
    """企业用户: an account that acts for one enterprise (submits, sees and evaluates its cases)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="enterprise_link",
                                verbose_name=_("user"))
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="users", verbose_name=_("enterprise"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise user")
        verbose_name_plural = _("enterprise users")

    def __str__(self) -> str:
        return f"{self.user} · {self.enterprise}"


class Industry(models.Model):
    """行业: an industry the district groups enterprises by (高新, 战新, 药业, 花茶, 商务, 农业产业化 …);
    administrators add and retire them, nothing in code lists them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CareTeam(models.Model):
    """包保服务队: the team that looks after one enterprise or project — a district leader, a mid-level
    cadre (中层干部) and staff. A member sees the cases of the objects in their care (access)."""

    enterprise = models.OneToOneField(Enterprise, models.CASCADE, related_name="care_team",
                                      verbose_name=_("enterprise"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                               verbose_name=_("leader"))
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                              verbose_name=_("mid-level cadre"))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("staff"))
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("care team")
        verbose_name_plural = _("care teams")
        indexes = [
            # access.case_rules: the enterprises in a leader's or cadre's care.
            models.Index(fields=["leader"], name="careteam_leader"),
            models.Index(fields=["cadre"], name="careteam_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.leader}"


class Visit(models.Model):
    """走访: one visit of a care team to its enterprise — what was delivered (送政策; policies handed
    over are policies.PolicyPush rows of channel "visit") and the problems found (解难题), each of which
    became a case (VisitProblem)."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="visits", verbose_name=_("enterprise"))
    visited_on = models.DateField(_("visited on"))
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("visitors"))
    delivered = models.TextField(_("policies and services delivered"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["visited_on"], name="visit_on")]  # selectors.care_coverage

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"


class VisitProblem(models.Model):
    """A problem found on a visit: the case it became (written in the case's REGISTERED transaction)."""

    visit = models.ForeignKey(Visit, models.PROTECT, related_name="problems", verbose_name=_("visit"))
    case = models.OneToOneField("cases.Case", models.PROTECT, related_name="visit_problem", verbose_name=_("case"))

    class Meta:
        verbose_name = _("visit problem")
        verbose_name_plural = _("visit problems")

    def __str__(self) -> str:
        return f"{self.visit} → {self.case_id}"


class VisitCallback(models.Model):
    """电话回访: the joint inspection group's phone call checking that a visit happened."""

    visit = models.ForeignKey(Visit, models.PROTECT, related_name="callbacks", verbose_name=_("visit"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallbackOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("visit callback")
        verbose_name_plural = _("visit callbacks")

    def __str__(self) -> str:
        return f"{self.visit} {self.outcome}"
