"""Supervision (督查): the rules the sweep applies, what it did (marks and runs), spot-check callbacks,
field inspections and notices. Cases themselves change only through cases.transitions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import Priority, Satisfaction
from dajuan.supervision.choices import CallResolution, MarkKind, NoticeKind, SpotCheckStatus, VisitKind


class SupervisionRule(models.Model):
    """督查规则: reminder lead times, escalation thresholds and the auto-closure delay for one category
    and/or priority (empty = any). The most specific rule wins: category and priority, then category,
    then priority, then the default (both empty)."""

    category = models.ForeignKey("cases.Category", models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    claim_remind_hours = models.PositiveSmallIntegerField(
        _("remind before the claim deadline (working hours)"), default=2, validators=[MaxValueValidator(72)])
    reply_remind_hours = models.PositiveSmallIntegerField(
        _("remind before the reply deadline (working hours)"), default=9, validators=[MaxValueValidator(200)])
    supervise_after_days = models.PositiveSmallIntegerField(
        _("督办 after this many working days overdue"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    list_after_days = models.PositiveSmallIntegerField(
        _("挂牌督办 after this many working days overdue"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(120)])
    close_after_days = models.PositiveSmallIntegerField(
        _("close unevaluated replies after this many working days"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    escalate_to = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("district leader for 挂牌督办"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supervision rule")
        verbose_name_plural = _("supervision rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="rule_one_per_category_priority"),
            models.UniqueConstraint(fields=["priority"], condition=Q(category__isnull=True),
                                    name="rule_one_per_priority_without_category"),
        ]

    def __str__(self) -> str:
        category = self.category.name if self.category_id else _("any category")
        priority = Priority(self.priority).label if self.priority else _("any priority")
        return f"{category} · {priority}"


class SupervisionSettings(models.Model):
    """The one row of district-wide supervision settings (pk=1): the spot-check sampling rate."""

    spot_check_percent = models.PositiveSmallIntegerField(
        _("share of cases called back each week (%)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    spot_check_min_per_unit = models.PositiveSmallIntegerField(
        _("at least this many per unit"), default=1, validators=[MaxValueValidator(50)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supervision settings")
        verbose_name_plural = _("supervision settings")

    def __str__(self) -> str:
        return f"{self.spot_check_percent}% / ≥{self.spot_check_min_per_unit}"


class SweepRun(models.Model):
    """One pass of the periodic sweep: when, by which worker, what it did and what it could not do."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100)
    counts = models.JSONField(default=dict)
    problems = models.JSONField(default=list)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.worker}"


class SweepMark(models.Model):
    """The sweep's claim on one (assignment, kind, deadline): the unique constraint makes each reminder,
    flag and overdue mark happen once, however many sweeps or workers run. A moved deadline (extension,
    resumption) is a new `due` and earns a new reminder."""

    kind = models.CharField(_("kind"), max_length=20, choices=MarkKind.choices)
    assignment = models.ForeignKey("cases.Assignment", models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="+", verbose_name=_("case"))
    unit = models.ForeignKey("org.Unit", models.CASCADE, related_name="+", verbose_name=_("unit"))
    due = models.DateTimeField(_("deadline"))
    at = models.DateTimeField(_("at"))
    run = models.ForeignKey(SweepRun, models.SET_NULL, null=True, blank=True, related_name="marks")

    class Meta:
        verbose_name = _("sweep mark")
        verbose_name_plural = _("sweep marks")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "due"], name="mark_once_per_deadline"),
        ]
        indexes = [
            # selectors.unit_flags: the flags of a period, by kind.
            models.Index(fields=["kind", "at"], name="mark_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id} {self.due:%Y-%m-%d %H:%M}"


class SpotCheckBatch(models.Model):
    """One week's stratified sample (抽查批次): drawn once per week."""

    week = models.DateField(_("week starting"), unique=True)
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("share (%)"))
    min_per_unit = models.PositiveSmallIntegerField(_("at least per unit"))
    population = models.PositiveIntegerField(_("cases eligible"))

    class Meta:
        verbose_name = _("spot-check batch")
        verbose_name_plural = _("spot-check batches")
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"{self.week:%Y-%m-%d}"


class SpotCheck(models.Model):
    """抽查回访: one sampled case to call back; the call's outcome; a disputed one reopened the case."""

    batch = models.ForeignKey(SpotCheckBatch, models.CASCADE, related_name="checks")
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+", verbose_name=_("case"))
    round = models.PositiveSmallIntegerField(_("round"))  # the case's reopen_count when sampled
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=10, choices=SpotCheckStatus.choices,
                              default=SpotCheckStatus.QUEUED)
    calls = models.PositiveSmallIntegerField(_("calls"), default=0)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    resolution = models.CharField(_("resolution"), max_length=10, choices=CallResolution.choices, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=24, choices=Satisfaction.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)  # reopened / evaluated / recorded

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="spot_check_once_per_round")]
        indexes = [
            # views.spot_check_queue: the open calls.
            models.Index(fields=["status", "batch"], name="spot_check_status_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.case_id}"


class FieldVisit(models.Model):
    """联合督查 / 暗访: a supervision visit with findings and photos about a unit."""

    kind = models.CharField(_("kind"), max_length=12, choices=VisitKind.choices)
    title = models.CharField(_("title"), max_length=200)
    visited_on = models.DateField(_("visited on"))
    place = models.CharField(_("place"), max_length=200)
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit concerned"))
    team = models.CharField(_("team"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """A problem found on a visit; opening a case from it registers a case of source 督查交办."""

    visit = models.ForeignKey(FieldVisit, models.CASCADE, related_name="findings")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    text = models.TextField(_("finding"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:50]


def photo_path(photo: "VisitPhoto", filename: str) -> str:
    return f"supervision/{photo.visit_id}/{photo.sha256[:16]}-{filename}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(FieldVisit, models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.original_name


class Notice(models.Model):
    """通报: typical cases with commentary, published to units and leaders."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=NoticeKind.choices, default=NoticeKind.TYPICAL)
    commentary = models.TextField(_("commentary"))
    units = models.ManyToManyField("org.Unit", related_name="+", blank=True, verbose_name=_("sent to units"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class NoticeItem(models.Model):
    notice = models.ForeignKey(Notice, models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+", verbose_name=_("case"))
    comment = models.TextField(_("comment"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "case"], name="notice_case_once")]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.case_id}"
