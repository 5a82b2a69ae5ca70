from datetime import datetime

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    OPEN_STATUS_LIST,
    OPEN_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    ClosureKind,
    EvaluationSource,
    Priority,
    RequesterKind,
    Satisfaction,
    Source,
    SupervisionLevel,
)


class CaseNumberSequence(models.Model):
    """The last number given out per year: `2026-000123` comes from a conditional increment here."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CaseQuerySet(models.QuerySet):
    """Named filters (interface only: who may see what is decided in access)."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, at: datetime):
        return self.filter(status__in=OPEN_STATUSES, reply_due__lt=at)

    def confidential(self):
        return self.filter(confidential=True)


class Case(models.Model):
    """诉求/工单: one request, task or problem, from registration to closure. Its columns are a
    projection of its ledger (Event rows), written only by cases.transitions in the same transaction."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    category = models.ForeignKey("cases.Category", models.PROTECT, null=True, blank=True, related_name="cases",
                                 verbose_name=_("category"))
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)

    requester_kind = models.CharField(_("requester kind"), max_length=12, choices=RequesterKind.choices)
    requester_name = models.CharField(_("requester name"), max_length=100, blank=True)
    requester_phone = models.CharField(_("requester phone"), max_length=20, blank=True)
    requester_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                       related_name="requested_cases", verbose_name=_("requester account"))
    requester_unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("requesting unit"))

    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    grid = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="grid_cases",
                             verbose_name=_("grid"))

    lead_unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="led_cases",
                                  verbose_name=_("lead unit"))
    claim_due = models.DateTimeField(_("claim due"), null=True, blank=True)
    reply_due = models.DateTimeField(_("reply due"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)

    registered_at = models.DateTimeField(_("registered at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    satisfaction = models.CharField(_("satisfaction"), max_length=24, choices=Satisfaction.choices, blank=True)
    evaluation_source = models.CharField(_("evaluated"), max_length=12, choices=EvaluationSource.choices,
                                         blank=True)
    closure_kind = models.CharField(_("closure"), max_length=16, choices=ClosureKind.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    supervision_level = models.PositiveSmallIntegerField(_("supervision level"), choices=SupervisionLevel.choices,
                                                         default=SupervisionLevel.NONE)
    confidential = models.BooleanField(_("confidential"), default=False)
    duplicate_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="duplicates",
                                     verbose_name=_("merged into"))
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=0)  # the optimistic lock, equal to the last event's seq

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # cases.selectors.case_list default order and the dispatcher's inbox.
            models.Index(fields=["status", "registered_at"], name="case_status_registered"),
            # overdue sweeps and 即将超期 inboxes: open cases by reply deadline (WITH_UNIT_STATUSES).
            models.Index(fields=["reply_due"], name="case_open_reply_due",
                         condition=Q(status__in=["dispatched", "in_progress", "suspended", "reviewing"])),
            # figures per unit and period.
            models.Index(fields=["lead_unit", "registered_at"], name="case_lead_registered"),
            # dashboard.selectors._open_figures: the open cases (a few thousand of a million). SQLite's
            # planner, after ANALYZE, reads `status IN (6 values)` on case_status_registered as most of the
            # table and scans it; a partial index is used when the query repeats its condition word for
            # word with the same literal values (Case.is_open_condition(); a bound parameter never matches).
            models.Index(fields=["status"], name="case_open_status", condition=Q(status__in=OPEN_STATUS_LIST)),
            # cases.selectors.case_list/case_page order and keyset (newest first): the unfiltered list,
            # deep pages and text searches read in this order and stop after one page of matches.
            models.Index(fields=["registered_at", "id"], name="case_registered_id"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @staticmethod
    def is_open_condition() -> RawSQL:
        """`status IN ('dispatched', …)` over the open statuses, written out as the case_open_status index's
        condition is, so SQLite can use that index (it matches literals, never bound parameters). The values
        are CaseStatus constants, never input."""
        values = ", ".join(f"'{status}'" for status in OPEN_STATUS_LIST)
        column = f"{connection.ops.quote_name(Case._meta.db_table)}.{connection.ops.quote_name('status')}"
        return RawSQL(f"{column} IN ({values})", [], output_field=models.BooleanField())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, at: datetime) -> bool:
        return self.is_open and self.reply_due is not None and self.suspended_at is None and self.reply_due < at


class Assignment(models.Model):
    """承办: one unit's share of a case — the lead unit (主办) or an assisting unit (协办) — with its own
    deadlines, claim and reply."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="assignments", verbose_name=_("case"))
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    status = models.CharField(_("status"), max_length=12, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.PENDING)
    round = models.PositiveSmallIntegerField(_("round"), default=0)  # the case's reopen_count when created
    created_at = models.DateTimeField(_("assigned at"))
    claim_due = models.DateTimeField(_("claim due"))
    reply_due = models.DateTimeField(_("reply due"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("claimed by"))
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("replied by"))
    reply_text = models.TextField(_("reply"), blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            # At most one live lead assignment per case: the backstop behind dispatch/transfer/reopen.
            models.UniqueConstraint(fields=["case"], condition=Q(role="lead", status__in=["pending", "claimed"]),
                                    name="assignment_one_live_lead"),
            models.UniqueConstraint(fields=["case", "unit"], condition=Q(status__in=["pending", "claimed"]),
                                    name="assignment_one_live_per_unit"),
        ]
        indexes = [
            # Unit inboxes (待认领, 办理中 …: unit, status and often role) and access.visible_unit_work. With
            # role and case in it, PostgreSQL no longer prefers the partial assignment_one_live_lead index
            # for "claimed lead assignments of a unit" (a 27,000-row walk at 200,000 cases), and the case
            # ids come from the index.
            models.Index(fields=["unit", "status", "role", "case"], name="assignment_unit_status"),
            # access.visible_cases for unit staff: every case of the user's units, read from the index
            # alone (a unit's whole history; 30 ms → 1 ms for 6,600 assignments on SQLite).
            models.Index(fields=["unit", "case"], name="assignment_unit_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.unit} · {self.get_role_display()}"

    @property
    def is_lead(self) -> bool:
        return self.role == AssignmentRole.LEAD

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT_STATUSES
