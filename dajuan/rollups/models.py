"""Rollups: the ledger's facts (cases.facts) counted per local day × lead unit × category × channel,
and the same counts per day × lead unit (UnitDay), registrations per day by channel and by category
(DayBreakdown) and per grid (GridDay) — coarser layers so that a reading touches a bounded number of rows.

A projection like the case row: maintained by a receiver of cases.signals.event_recorded inside the
event's transaction (services.on_event_recorded), rebuilt from the ledger by `dajuan rebuild_rollups`,
checked against a full recount by `dajuan check_rollups`. Confidential cases are never counted here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import CaseStatus
from dajuan.cases.facts import COUNTERS

STATUS_COLUMNS = tuple(f"status_{status}" for status in CaseStatus.values)
# Every summable column of DailyRollup and UnitDay: fact counters, registrations and their status now.
COLUMNS = (*COUNTERS, "registered", *STATUS_COLUMNS)


class Counters(models.Model):
    """The summable columns (COLUMNS): registrations and their current status, and the cases.facts counters."""

    # cases registered on the day (by their lead unit now), and how many of them are in each status now
    registered = models.IntegerField(default=0)
    status_received = models.IntegerField(default=0)
    status_returned = models.IntegerField(default=0)
    status_dispatched = models.IntegerField(default=0)
    status_in_progress = models.IntegerField(default=0)
    status_suspended = models.IntegerField(default=0)
    status_reviewing = models.IntegerField(default=0)
    status_replied = models.IntegerField(default=0)
    status_evaluated = models.IntegerField(default=0)
    status_closed = models.IntegerField(default=0)
    status_rejected = models.IntegerField(default=0)
    status_merged = models.IntegerField(default=0)
    # cases.facts counters (see that module for each definition)
    handed = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    spot_check_failures = models.IntegerField(default=0)
    closed_events = models.IntegerField(default=0)
    unevaluated = models.IntegerField(default=0)
    evaluated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    claims = models.IntegerField(default=0)
    same_day_claims = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)
    claim_den = models.IntegerField(default=0)
    claim_num = models.IntegerField(default=0)
    reply_den = models.IntegerField(default=0)
    reply_num = models.IntegerField(default=0)
    closed_num = models.IntegerField(default=0)
    claim_open = models.IntegerField(default=0)
    reply_open = models.IntegerField(default=0)
    closed_open = models.IntegerField(default=0)


    class Meta:
        abstract = True


class DailyRollup(Counters):
    """One day × lead unit × category × channel. `unit_code` is "" for cases not yet with a unit;
    `category_id` is 0 for uncategorised cases (no foreign key: a rollup row never blocks a change)."""

    day = models.DateField(_("day"))
    unit_code = models.CharField(_("unit"), max_length=40, blank=True)
    category_id = models.IntegerField(_("category"), default=0)
    channel = models.CharField(_("channel"), max_length=24)

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(fields=["day", "unit_code", "category_id", "channel"], name="rollup_one_per_key"),
        ]
        indexes = [
            # dashboard.selectors: the channel and category charts of a subtree, by days and unit codes.
            models.Index(fields=["day", "unit_code"], name="rollup_day_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_code} {self.category_id} {self.channel}"


class UnitDay(Counters):
    """The same counts summed per day × lead unit: what the rates, timelines, rankings and assessment read.
    At most one row per unit and day, however many cases there are."""

    day = models.DateField(_("day"))
    unit_code = models.CharField(_("unit"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("unit day")
        verbose_name_plural = _("unit days")
        constraints = [models.UniqueConstraint(fields=["day", "unit_code"], name="unitday_one_per_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_code}"


class DayBreakdown(models.Model):
    """Registrations per day by channel or by category, district-wide: the whole district's charts read
    at most (channels + categories) rows a day."""

    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=8)  # "channel" or "category"
    value = models.CharField(_("value"), max_length=24)  # a Source value, or a category id ("0": none)
    registered = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("day breakdown")
        verbose_name_plural = _("day breakdowns")
        constraints = [models.UniqueConstraint(fields=["day", "dimension", "value"], name="breakdown_one_per_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}"


class GridDay(models.Model):
    """Cases located in a grid (网格), registered per local day: the dashboard's grid map."""

    day = models.DateField(_("day"))
    grid = models.ForeignKey("org.Unit", models.CASCADE, related_name="+", verbose_name=_("grid"))
    registered = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("grid day")
        verbose_name_plural = _("grid days")
        constraints = [models.UniqueConstraint(fields=["day", "grid"], name="gridday_one_per_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_id}"


class CaseContribution(models.Model):
    """What one case currently adds to the rollups ({key: {column: n}}), so the receiver can apply
    exactly the difference a new event makes (a transfer moves counts from one unit to another)."""

    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="+")
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.case_id)
