"""The periodic sweep (督查巡检): reminders before claim and reply deadlines, same-day-claim flags,
overdue marks, escalation 催办 → 督办 → 挂牌督办, and closure of replies left unevaluated (未评价).

Idempotent and safe with several workers at once, on SQLite and PostgreSQL, without row locks held
across the sweep:
- reminders, flags and overdue marks are *claimed* by inserting a SweepMark whose unique
  (assignment, kind, deadline) constraint admits one winner; the mark and its outbox messages commit
  together, so a loser (IntegrityError) writes nothing and sends nothing;
- escalations and closures are transitions: they re-read the case, skip it when the level or status is
  already reached, and the ledger's optimistic lock (case.version) turns a concurrent second attempt into
  StaleCase, which the sweep counts as "done by someone else".
SELECT … FOR UPDATE SKIP LOCKED would only spread the work; correctness would still need the constraint
and the version check, and SQLite has neither SKIP LOCKED nor FOR UPDATE.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dajuan.cases import transitions
from dajuan.cases.choices import AssignmentStatus, CaseStatus, SupervisionLevel
from dajuan.cases.errors import InvalidTransition, StaleCase
from dajuan.cases.models import Assignment, Case
from dajuan.core.errors import DomainError
from dajuan.notify import recipients
from dajuan.notify.services import outbox_add
from dajuan.org.choices import Role
from dajuan.org.models import Membership
from dajuan.supervision.actor import system_actor
from dajuan.supervision.choices import MarkKind
from dajuan.supervision.models import SupervisionRule, SweepMark, SweepRun
from dajuan.supervision.rules import RuleSet
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import add_working_days, add_working_hours

RUNNING = (CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.REVIEWING)  # suspended: the clock is paused
LIVE = (AssignmentStatus.PENDING, AssignmentStatus.CLAIMED)
LOST_RACE = (StaleCase, InvalidTransition)


def overdue_cutoff(now: datetime, days: int, calendar: WorkCalendar) -> date:
    """The latest due date that is at least `days` working days overdue at `now`: a deadline on day d
    is that overdue once the office has closed on the `days`-th working day after d."""
    day = timezone.localdate(now)
    for _step in range(400):
        start = timezone.make_aware(datetime.combine(day, time(12)))
        if add_working_days(start, days, calendar).at <= now:
            return day
        day -= timedelta(days=1)
    return day


def _before_day_after(day: date) -> datetime:
    """The local midnight that ends `day`: `due < this` ⇔ due's local date ≤ day."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))


class Sweep:
    def __init__(self, *, now: datetime | None = None, worker: str = "") -> None:
        self.now = now or timezone.now()
        self.calendar = WorkCalendar.current()
        self.counts: Counter = Counter()
        self.problems: list[str] = []
        self.worker = worker
        self.actor = None
        self.run = None

    # --- marks: reminders, flags, overdue ---------------------------------------------------------

    def _assignments(self, scope: Q):
        return (Assignment.objects.filter(scope, status__in=LIVE, case__status__in=RUNNING, case__confidential=False)
                .select_related("case", "unit"))

    def _unmarked(self, qs, kind: str, due_field: str):
        marked = SweepMark.objects.filter(assignment=OuterRef("pk"), kind=kind, due=OuterRef(due_field))
        return qs.filter(~Exists(marked))

    def mark_all(self, rule: SupervisionRule, scope: Q) -> None:
        now = self.now
        if rule.claim_remind_hours:
            until = add_working_hours(now, rule.claim_remind_hours, self.calendar).at
            qs = self._assignments(scope).filter(status=AssignmentStatus.PENDING, claim_due__gt=now,
                                                 claim_due__lte=until)
            for a in self._unmarked(qs, MarkKind.CLAIM_REMINDER, "claim_due"):
                self._mark(a, MarkKind.CLAIM_REMINDER, a.claim_due, recipients.WORKERS)
        if rule.reply_remind_hours:
            until = add_working_hours(now, rule.reply_remind_hours, self.calendar).at
            qs = self._assignments(scope).filter(reply_due__gt=now, reply_due__lte=until)
            for a in self._unmarked(qs, MarkKind.REPLY_REMINDER, "reply_due"):
                self._mark(a, MarkKind.REPLY_REMINDER, a.reply_due, recipients.WORKERS)
        qs = self._assignments(scope).filter(status=AssignmentStatus.PENDING, claim_due__lt=now)
        for a in self._unmarked(qs, MarkKind.CLAIM_MISSED, "claim_due"):
            self._mark(a, MarkKind.CLAIM_MISSED, a.claim_due, recipients.WORKERS)
        qs = self._assignments(scope).filter(reply_due__lt=now)
        for a in self._unmarked(qs, MarkKind.OVERDUE, "reply_due"):
            self._mark(a, MarkKind.OVERDUE, a.reply_due, recipients.WORKERS)

    def _mark(self, assignment: Assignment, kind: str, due: datetime, roles) -> None:
        case = assignment.case
        subject, body = _mark_text(kind, case, assignment, due)
        try:
            with transaction.atomic():
                mark = SweepMark.objects.create(kind=kind, assignment=assignment, case=case, unit=assignment.unit,
                                                due=due, at=self.now, run=self.run)
                people = recipients.unit_people_by_id([assignment.unit_id], roles)
                outbox_add(people, key=f"mark:{mark.pk}", kind=kind, subject=subject, body=body, case=case,
                           at=self.now)
        except IntegrityError:  # another sweep claimed this (assignment, kind, deadline) first
            self.counts["already_marked"] += 1
            return
        self.counts[kind] += 1

    # --- transitions: escalation and closure --------------------------------------------------------

    def escalate_all(self, rule: SupervisionRule, scope: Q) -> None:
        d2 = overdue_cutoff(self.now, rule.supervise_after_days, self.calendar)
        d3 = overdue_cutoff(self.now, rule.list_after_days, self.calendar)
        before2, before3 = _before_day_after(d2), _before_day_after(d3)
        due_level = (Q(supervision_level__lt=SupervisionLevel.REMINDED)
                     | Q(supervision_level__lt=SupervisionLevel.SUPERVISED, reply_due__lt=before2)
                     | Q(supervision_level__lt=SupervisionLevel.LISTED, reply_due__lt=before3))
        ids = list(Case.objects.filter(scope, due_level, status__in=RUNNING, confidential=False,
                                       reply_due__lt=self.now).order_by("reply_due", "pk").values_list("pk", flat=True))
        for pk in ids:
            case = Case.objects.select_related("lead_unit").get(pk=pk)
            if case.status not in RUNNING or case.reply_due is None or case.reply_due >= self.now:
                continue
            target = (SupervisionLevel.LISTED if case.reply_due < before3
                      else SupervisionLevel.SUPERVISED if case.reply_due < before2 else SupervisionLevel.REMINDED)
            while case.supervision_level < target:
                if not self._escalate_once(case, case.supervision_level + 1, rule):
                    break

    def _escalate_once(self, case: Case, level: int, rule: SupervisionRule) -> bool:
        leader = None
        if level == SupervisionLevel.LISTED:
            leader = rule.escalate_to or default_leader()
            if leader is None:
                self.problems.append(_("%(number)s: no district leader to escalate 挂牌督办 to; name one in the "
                                       "supervision rules.") % {"number": case.number})
                return False
        due = timezone.localtime(case.reply_due).strftime("%Y-%m-%d %H:%M")
        note = _("Automatic %(level)s by the supervision sweep: the reply was due %(due)s.") % {
            "level": SupervisionLevel(level).label, "due": due}
        try:
            transitions.supervise(case, level=level, note=note, escalated_to=leader, by=self.actor)
        except LOST_RACE:
            self.counts["already_escalated"] += 1
            return False
        except DomainError as error:
            self.problems.append(f"{case.number}: {error.message}")
            return False
        self.counts[f"level_{level}"] += 1
        return True

    def close_all(self, rule: SupervisionRule, scope: Q) -> None:
        before = _before_day_after(overdue_cutoff(self.now, rule.close_after_days, self.calendar))
        ids = list(Case.objects.filter(scope, status=CaseStatus.REPLIED, confidential=False, replied_at__lt=before)
                   .order_by("replied_at", "pk").values_list("pk", flat=True))
        for pk in ids:
            case = Case.objects.select_related("lead_unit").get(pk=pk)
            if case.status != CaseStatus.REPLIED:
                continue
            note = _("Closed without an evaluation (未评价): none came within %(days)s working days of the reply.") % {
                "days": rule.close_after_days}
            try:
                transitions.close(case, note=note, by=self.actor)
            except LOST_RACE:
                self.counts["already_closed"] += 1
                continue
            except DomainError as error:
                self.problems.append(f"{case.number}: {error.message}")
                continue
            self.counts["closed_unevaluated"] += 1

    def execute(self) -> SweepRun:
        with translation.override(settings.LANGUAGE_CODE):
            return self._execute()

    def _execute(self) -> SweepRun:
        self.actor = system_actor()
        self.run = SweepRun.objects.create(started_at=timezone.now(), worker=self.worker[:100])
        rules = RuleSet.load()
        for rule, scope in rules.partition("case__"):
            self.mark_all(rule, scope)
        for rule, scope in rules.partition():
            self.escalate_all(rule, scope)
            self.close_all(rule, scope)
        SweepRun.objects.filter(pk=self.run.pk).update(finished_at=timezone.now(), counts=dict(self.counts),
                                                       problems=self.problems[:200])
        self.run.refresh_from_db()
        return self.run


def sweep(*, now: datetime | None = None, worker: str = "") -> SweepRun:
    """Run one sweep at `now` (default: the current time). Returns its SweepRun with the counts."""
    return Sweep(now=now, worker=worker).execute()


def default_leader():
    membership = (Membership.objects.filter(role=Role.DISTRICT_LEADER, unit__is_active=True, user__is_active=True)
                  .select_related("user").order_by("pk").first())
    return membership.user if membership else None


def _mark_text(kind: str, case: Case, assignment: Assignment, due: datetime) -> tuple[str, str]:
    when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
    title = _("(confidential case)") if case.confidential else case.title
    texts = {
        MarkKind.CLAIM_REMINDER: _("Claim case %(number)s by %(when)s"),
        MarkKind.REPLY_REMINDER: _("Reply to case %(number)s by %(when)s"),
        MarkKind.CLAIM_MISSED: _("Case %(number)s was not claimed by %(when)s"),
        MarkKind.OVERDUE: _("Case %(number)s is overdue: the reply was due %(when)s"),
    }
    subject = texts[MarkKind(kind)] % {"number": case.number, "when": when}
    return subject, f"{assignment.unit.name}: {title}"

