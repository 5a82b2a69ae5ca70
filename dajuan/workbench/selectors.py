"""Reads of the staff workbench: the inboxes (待办) and their counts.

An inbox is a named condition over the cases a user may see (access.visible_cases), shown to the
people whose role it serves. Counts of one group of inboxes come from ONE aggregate query
(COUNT … FILTER per inbox), so the navigation costs one query per group a user belongs to, whatever
the number of cases; the list of an inbox is cases.selectors.case_page with the inbox's condition.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dajuan.access import scope
from dajuan.access.policy import visible_cases, visible_unit_work
from dajuan.cases.choices import (
    ENDED_STATUSES,
    WITH_UNIT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    SupervisionLevel,
)
from dajuan.cases.models import Assignment, ExtensionRequest
from dajuan.org.choices import Role
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import add_working_days

LIVE = (AssignmentStatus.PENDING, AssignmentStatus.CLAIMED)
# 待回访: a reply the requester has not graded for this long is called back by the supervision group.
CALLBACK_AFTER = timedelta(days=3)


@dataclass(frozen=True)
class Moment:
    """The instants an inbox condition compares with, computed once per request."""

    now: datetime
    soon: datetime  # end of the next working day: 即将超期 means due before then

    @classmethod
    def at(cls, now: datetime | None = None) -> "Moment":
        now = now or timezone.now()
        return cls(now=now, soon=add_working_days(now, 1, WorkCalendar.current()).at)


@dataclass(frozen=True)
class Inbox:
    key: str
    label: Promise
    group: str
    where: Callable[[object, Moment], Q]  # (user, moment) → condition on Case
    hint: Promise | str = ""
    badge: bool = True  # counted in the navigation's total (False: a view of work already counted)


@dataclass(frozen=True)
class Group:
    key: str
    label: Promise
    roles: frozenset[Role]
    # A condition every inbox of the group implies, as one indexable IN (default: the OR of the inboxes).
    base: Callable[[object, "Moment"], Q] | None = None
    # The cases the group's inboxes draw from, when access has a cheaper equal of visible_cases ∩ base.
    scope: Callable[[object], object] | None = None

    def cases(self, user, moment: "Moment"):
        """The cases of the user's inboxes in this group: visible to the user (access) and in the base."""
        if self.scope is not None:
            return self.scope(user)
        cases = visible_cases(user)
        return cases.filter(self.base(user, moment)) if self.base else cases


GROUPS = [
    Group("dispatch", _("Dispatch"), frozenset({Role.DISPATCHER, Role.ADMIN})),
    Group("unit", _("My unit"), frozenset({Role.HANDLER, Role.UNIT_LEADER, Role.GRID_WORKER}),
          base=lambda u, m: _unit_assignments(u, status__in=LIVE),
          scope=lambda u: visible_unit_work(u, status__in=LIVE)),
    Group("supervision", _("Supervision"), frozenset({Role.SUPERVISOR})),
    Group("leader", _("Leadership"), frozenset({Role.DISTRICT_LEADER})),
    Group("integrity", _("Discipline inspection"), frozenset({Role.INSPECTOR})),
]


def _unit_assignments(user, **conditions) -> Q:
    """Cases with an assignment of the user's units (a leader: the subtree) matching `conditions`."""
    units = scope.unit_scope(user).values("pk")
    return Q(pk__in=Assignment.objects.filter(unit__in=units, **conditions).values("case_id"))


def _running(m: Moment) -> Q:
    return Q(suspended_at=None)


# Unit inboxes are driven by the unit's live assignments alone: a live (pending/claimed) assignment
# exists only while its case is dispatched, in progress or suspended (transitions end them on return,
# merge, transfer and reply), so a condition on the case's status would add nothing but would tempt the
# database into scanning cases by status instead of looking up the unit's few assignments.

INBOXES = [
    Inbox("received", _("To dispatch"), "dispatch", lambda u, m: Q(status=CaseStatus.RECEIVED),
          _("Registered cases waiting for a lead unit.")),
    Inbox("returned", _("Returned"), "dispatch", lambda u, m: Q(status=CaseStatus.RETURNED),
          _("Cases a unit handed back: dispatch them again or reject them.")),
    Inbox("extensions", _("Extensions to decide"), "dispatch",
          lambda u, m: Q(status__in=(CaseStatus.IN_PROGRESS, CaseStatus.SUSPENDED, CaseStatus.REVIEWING),
                         pk__in=ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
                         .values("case_id")),
          _("Lead units asking for more working days.")),
    Inbox("to_claim", _("To claim"), "unit",
          lambda u, m: _unit_assignments(u, status=AssignmentStatus.PENDING),
          _("Claim on the day they arrive (当日认领).")),
    Inbox("in_progress", _("In progress"), "unit",
          lambda u, m: _unit_assignments(u, status=AssignmentStatus.CLAIMED, role=AssignmentRole.LEAD),
          _("Cases your unit leads and has claimed."), badge=False),
    Inbox("to_review", _("Awaiting review"), "unit",
          lambda u, m: Q(status=CaseStatus.REVIEWING)
          & _unit_assignments(u, status=AssignmentStatus.CLAIMED, role=AssignmentRole.LEAD),
          _("Replies submitted for the leader's review (答复审核): approve them or send them back.")),
    Inbox("due_soon", _("Due soon"), "unit",
          lambda u, m: _running(m) & _unit_assignments(u, status__in=LIVE, reply_due__gte=m.now,
                                                       reply_due__lte=m.soon),
          _("Due before the end of the next working day."), badge=False),
    Inbox("overdue", _("Overdue"), "unit",
          lambda u, m: _running(m) & _unit_assignments(u, status__in=LIVE, reply_due__lt=m.now),
          _("Past the reply (or assisting report) deadline.")),
    Inbox("assisting", _("Assisting"), "unit",
          lambda u, m: _unit_assignments(u, status__in=LIVE, role=AssignmentRole.ASSIST),
          _("Cases your unit was summoned to assist (协办).")),
    Inbox("all_overdue", _("Overdue in the district"), "supervision",
          lambda u, m: Q(status__in=WITH_UNIT_STATUSES, suspended_at=None, reply_due__lt=m.now),
          _("Every overdue case; the level column shows how far supervision has gone.")),
    Inbox("supervised", _("Under supervision"), "supervision",
          lambda u, m: Q(supervision_level__gte=SupervisionLevel.SUPERVISED) & ~Q(status__in=ENDED_STATUSES)
          & ~Q(status=CaseStatus.EVALUATED),
          _("督办 and 挂牌督办 cases not yet closed."), badge=False),
    Inbox("callbacks", _("Callbacks to make"), "supervision",
          lambda u, m: Q(status=CaseStatus.REPLIED, replied_at__lt=m.now - CALLBACK_AFTER),
          _("Replies the requester has not graded for three days: call back and record the grade.")),
    Inbox("listed", _("Listed for supervision"), "leader",
          lambda u, m: Q(supervision_level=SupervisionLevel.LISTED) & ~Q(status__in=ENDED_STATUSES),
          _("挂牌督办 cases escalated to the district leadership.")),
    Inbox("confidential", _("Confidential leads"), "integrity",
          lambda u, m: Q(confidential=True) & ~Q(status__in=ENDED_STATUSES),
          _("Open cases about officials' conduct; only inspectors see them.")),
]
BY_KEY = {inbox.key: inbox for inbox in INBOXES}
GROUP_BY_KEY = {group.key: group for group in GROUPS}


def groups_for(user) -> list[Group]:
    roles = scope.roles_of(user)
    return [g for g in GROUPS if not roles.isdisjoint(g.roles)]


def inboxes_for(user) -> list[Inbox]:
    keys = {g.key for g in groups_for(user)}
    return [inbox for inbox in INBOXES if inbox.group in keys]


@dataclass(frozen=True)
class InboxCount:
    inbox: Inbox
    count: int


_CACHE_ATTR = "_dajuan_inbox_counts"


def inbox_counts(user, moment: Moment | None = None) -> list[tuple[Group, list[InboxCount]]]:
    """Every inbox of the user with its count: one aggregate query per group. Cached on the user
    object, so the navigation and the inbox page of one request share the queries."""
    if moment is None and (cached := getattr(user, _CACHE_ATTR, None)) is not None:
        return cached
    result = []
    moment_used = moment or Moment.at()
    for group in groups_for(user):
        boxes = [inbox for inbox in INBOXES if inbox.group == group.key]
        conditions = {inbox.key: inbox.where(user, moment_used) for inbox in boxes}
        # Only rows in some inbox are read (the group's base, or the OR of its inboxes), each counted per inbox.
        cases = group.cases(user, moment_used) if group.base else visible_cases(user).filter(
            reduce(or_, conditions.values()))
        counts = cases.aggregate(
            **{key: Count("pk", filter=q) for key, q in conditions.items()})
        result.append((group, [InboxCount(inbox, counts[inbox.key]) for inbox in boxes]))
    if moment is None:
        setattr(user, _CACHE_ATTR, result)
    return result


def inbox_total(user) -> int | None:
    """The navigation badge: cases waiting in the user's inboxes (None for people without inboxes)."""
    if not groups_for(user):
        return None
    return sum(c.count for _group, counts in inbox_counts(user) for c in counts if c.inbox.badge)


RATE_NAMES = [("claim_rate", "响应率"), ("on_time_reply_rate", "按时办结率"), ("closure_rate", "办结率"),
              ("satisfaction_rate", "满意率"), ("reopen_rate", "重办率"), ("return_rate", "退回率")]


@dataclass(frozen=True)
class FigureRow:
    unit: object
    rates: list  # cases.figures.Rate, in RATE_NAMES order


def leader_figures(user, *, now: datetime | None = None) -> dict:
    """The district leader's view of the units under the district this quarter (each with its subtree):
    the six rates computed from the ledger by cases.figures, with their formulas."""
    from dajuan.cases.figures import unit_figures
    from dajuan.org.models import Unit

    now = timezone.localtime(now or timezone.now())
    start = now.replace(month=(now.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)
    units = [u for u in Unit.objects.filter(depth=2, is_active=True).order_by("path")
             if u.kind in ("department", "town")]
    figures = unit_figures(user=user, units=units, start=start, end=now, subtree=True)
    rows = [FigureRow(u, [getattr(figures[u.code], name) for name, _label in RATE_NAMES])
            for u in units if u.code in figures]
    headers = [(label, rate.formula) for (_name, label), rate in zip(RATE_NAMES, rows[0].rates, strict=True)] \
        if rows else []
    return {"since": start, "headers": headers, "rows": rows}
