from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RouterModel(models.Model):
    """One trained version of the router (分派模型): the serialised model, what it was trained on and its
    held-out evaluation. Stored in the database so every app server picks up a new active version
    without a restart or a shared disk. At most one row is active."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("trained at"))
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("trained by"))
    examples = models.PositiveIntegerField(_("examples"))
    evaluation = models.JSONField(_("evaluation"), default=dict)
    blob = models.BinaryField(_("model"))
    sha256 = models.CharField(max_length=64)
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("router model")
        verbose_name_plural = _("router models")
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                               name="routermodel_one_active")]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def category_macro_f1(self):
        return (self.evaluation.get("category") or {}).get("macro_f1")

    @property
    def unit_macro_f1(self):
        return (self.evaluation.get("unit") or {}).get("macro_f1")


class Answer(models.Model):
    """标准答复: a standard answer to one class of problems (一类问题), reusable for similar cases and
    pushable to every enterprise of the same profile."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    category = models.ForeignKey("cases.Category", models.PROTECT, related_name="answers",
                                 verbose_name=_("category"))
    source_case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("from case"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("standard answer")
        verbose_name_plural = _("standard answers")
        indexes = [models.Index(fields=["category", "is_active"], name="answer_category")]  # answers_for

    def __str__(self) -> str:
        return self.title


class HotspotDimension(models.TextChoices):
    GRID = "grid", _("Grid")
    CATEGORY = "category", _("Category")
    PLACE = "place", _("Place")


class Hotspot(models.Model):
    """热点预警: more cases than usual in one grid, category or place within the window, compared with
    that key's own baseline (主动治理). Raised by hotspots.detect; acknowledged by the unit."""

    dimension = models.CharField(_("dimension"), max_length=12, choices=HotspotDimension.choices)
    key = models.CharField(_("key"), max_length=200)
    label = models.CharField(_("where / what"), max_length=200)
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    count = models.PositiveIntegerField(_("cases in window"))
    baseline = models.FloatField(_("baseline per window"))
    score = models.FloatField(_("burst score"))
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("responsible unit"))
    cases = models.ManyToManyField("cases.Case", related_name="+", verbose_name=_("cases"))
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["dimension", "key", "window_end"], name="hotspot_once")]
        indexes = [models.Index(fields=["unit", "acknowledged_at"], name="hotspot_unit_open")]  # visible_hotspots

    def __str__(self) -> str:
        return f"{self.get_dimension_display()} {self.label}: {self.count}"

    @property
    def window_days(self) -> int:
        return round((self.window_end - self.window_start).total_seconds() / 86400)


class AnswerPush(models.Model):
    """One delivery of a standard answer to one enterprise (推送记录): who got it, when, from whom."""

    answer = models.ForeignKey(Answer, models.CASCADE, related_name="pushes", verbose_name=_("answer"))
    enterprise = models.ForeignKey("enterprise.Enterprise", models.PROTECT, related_name="+",
                                   verbose_name=_("enterprise"))
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("pushed by"))
    pushed_at = models.DateTimeField(_("pushed at"))

    class Meta:
        verbose_name = _("answer push")
        verbose_name_plural = _("answer pushes")
        constraints = [models.UniqueConstraint(fields=["answer", "enterprise"], name="answerpush_once")]

    def __str__(self) -> str:
        return f"{self.answer} → {self.enterprise}"
