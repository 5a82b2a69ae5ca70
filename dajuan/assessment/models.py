"""分层分档考核: indicators per kind of unit with quarterly weights, manual scores with evidence, leadership
teams for the dual ranking, star thresholds for villages, and published snapshots (frozen, versioned)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessedKind(models.TextChoices):
    """The tiers (分层): each kind of unit is scored on its own indicators and ranked among its peers."""

    DEPARTMENT = "department", _("Departments")
    TOWN = "town", _("Towns and streets")
    VILLAGE = "village", _("Villages and communities")


class Metric(models.TextChoices):
    """Where an indicator's value comes from. Rates come from the ledger (cases.figures through the
    rollups); counts deduct points per occurrence; manual ones are entered with evidence."""

    CLAIM_RATE = "claim_rate", _("Claim rate (响应率)")
    ON_TIME_REPLY_RATE = "on_time_reply_rate", _("On-time reply rate (按时办结率)")
    CLOSURE_RATE = "closure_rate", _("Closure rate (办结率)")
    SATISFACTION_RATE = "satisfaction_rate", _("Satisfaction rate (满意率)")
    REOPEN_RATE = "reopen_rate", _("Reopen rate (重办率, lower is better)")
    RETURN_RATE = "return_rate", _("Return rate (退回率, lower is better)")
    SAME_DAY_CLAIM_SHARE = "same_day_claim_share", _("Claimed the same day (当日认领占比)")
    SPOT_CHECK_FAILURES = "spot_check_failures", _("Failed spot checks (抽查回访不合格, deduction)")
    ESCALATIONS = "escalations", _("Supervision actions (催办/督办/挂牌, deduction)")
    MANUAL = "manual", _("Entered by the assessment office")


class Indicator(models.Model):
    """考核指标: one line of the score sheet of one kind of unit."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("assessed kind"), max_length=12, choices=AssessedKind.choices)
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices)
    key_work = models.BooleanField(_("key work (全区重点工作)"), default=False)
    points_per_occurrence = models.DecimalField(_("points deducted per occurrence"), max_digits=6,
                                                decimal_places=2, default=1)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class IndicatorWeight(models.Model):
    """The weight (points) of an indicator in one quarter (每季度动态调整). No row: not scored that quarter."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="weights", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")
        constraints = [models.UniqueConstraint(fields=["indicator", "year", "quarter"], name="weight_one_per_quarter")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}Q{self.quarter}: {self.weight}"


class LeadershipTeam(models.Model):
    """分管领导团队: the units one district leader is in charge of. The first of the dual rankings (双排名)
    ranks each unit among the other units of its team and kind; a unit belongs to at most one team."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("district leader in charge"))

    class Meta:
        verbose_name = _("leadership team")
        verbose_name_plural = _("leadership teams")

    def __str__(self) -> str:
        return self.name


class TeamUnit(models.Model):
    team = models.ForeignKey(LeadershipTeam, models.CASCADE, related_name="members", verbose_name=_("team"))
    unit = models.OneToOneField("org.Unit", models.CASCADE, related_name="leadership_team", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("team unit")
        verbose_name_plural = _("team units")

    def __str__(self) -> str:
        return f"{self.team} · {self.unit}"


class ManualScore(models.Model):
    """A manual indicator's score (0–100) for a unit and quarter, with the evidence it rests on."""

    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="manual_scores",
                                  verbose_name=_("indicator"))
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    score = models.DecimalField(_("score (0–100)"), max_digits=5, decimal_places=2)
    evidence = models.TextField(_("evidence"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("manual score")
        verbose_name_plural = _("manual scores")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "year", "quarter"],
                                               name="manual_score_one_per_quarter")]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator} {self.year}Q{self.quarter}: {self.score}"


class StarThreshold(models.Model):
    """星级村: the minimum total score for a village to earn `stars` (1–5) stars."""

    stars = models.PositiveSmallIntegerField(_("stars"), unique=True)
    min_score = models.DecimalField(_("minimum score"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("star threshold")
        verbose_name_plural = _("star thresholds")
        ordering = ["stars"]

    def __str__(self) -> str:
        return f"{self.stars}★ ≥ {self.min_score}"


class Snapshot(models.Model):
    """A published quarter, frozen: the scores, breakdowns, rankings and stars as published. Later events or
    manual scores never change it; a correction is a new version with its reason (the history keeps both)."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    version = models.PositiveSmallIntegerField(_("version"))
    reason = models.TextField(_("reason for the correction"), blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"))
    data = models.JSONField(_("results"))

    class Meta:
        verbose_name = _("published assessment")
        verbose_name_plural = _("published assessments")
        constraints = [models.UniqueConstraint(fields=["year", "quarter", "version"], name="snapshot_one_per_version")]
        ordering = ["-year", "-quarter", "-version"]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} v{self.version}"
