"""Reads for the case page: the case with what the page shows, the timeline from the ledger, deadlines
as remaining working time, the dispatch preview and the unit picker's options."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import decide, visible_case, visible_units
from dajuan.cases import deadlines
from dajuan.cases.choices import Satisfaction, SupervisionLevel, Verb
from dajuan.cases.models import Assignment, Attachment, Case
from dajuan.cases.selectors import requester_phone_for
from dajuan.org.models import Unit
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.deadlines import office_hours, working_time_between

# What a requester sees of the ledger: the public steps, never internal notes or supervision.
PUBLIC_VERBS = frozenset({
    Verb.REGISTERED, Verb.REJECTED, Verb.MERGED, Verb.DISPATCHED, Verb.CLAIMED, Verb.TRANSFERRED,
    Verb.EXTENSION_APPROVED, Verb.SUSPENDED, Verb.RESUMED, Verb.REPLIED, Verb.EVALUATED, Verb.CLOSED,
    Verb.REOPENED,
})
# Payload keys shown as the event's text, first found wins.
TEXT_KEYS = ("text", "reason", "note", "comment")


def case_for(user, number: str) -> Case:
    """The case if `user` may see it, with what the page and access rules read; 404 otherwise."""
    case = visible_case(
        user, number=number,
        select_related=("category", "lead_unit", "grid", "requester_unit", "duplicate_of", "intake"),
        prefetch_related=(Prefetch("assignments", queryset=Assignment.objects.select_related(
            "unit", "claimed_by", "replied_by").order_by("pk")), "extension_requests"))
    if case is None:
        raise Http404(_("No such case."))
    return case


@dataclass(frozen=True)
class DeadlineView:
    at: datetime
    overdue: bool
    text: str
    covered: bool


def deadline_view(due: datetime | None, *, now: datetime, calendar: WorkCalendar,
                  paused: bool = False) -> DeadlineView | None:
    """“还剩 2 个工作日 3 小时” / “已超期 5 小时” in office time (a working day = the office day)."""
    if due is None:
        return None
    span = working_time_between(now, due, calendar)
    hours = office_hours()
    day = datetime.combine(now.date(), hours.closes) - datetime.combine(now.date(), hours.opens)
    amount = abs(span.duration)
    days, rest = divmod(amount, day)
    hours_left = int(rest / timedelta(hours=1))
    parts = []
    if days:
        parts.append(_("%(n)s working days") % {"n": days})
    if hours_left or not days:
        parts.append(_("%(n)s hours") % {"n": hours_left})
    amount_text = " ".join(parts)
    overdue = due < now and not paused
    if paused:
        text = _("paused (suspended)")
    elif overdue:
        text = _("overdue by %(amount)s") % {"amount": amount_text}
    else:
        text = _("%(amount)s left") % {"amount": amount_text}
    return DeadlineView(due, overdue, text, span.covered)


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    verb: str
    verb_label: str
    actor: str
    at: datetime
    text: str
    unit: str  # the unit the event concerns (its name)
    detail: str  # e.g. the satisfaction grade, the supervision level
    attachments: list


def timeline(user, case: Case) -> list[TimelineEntry]:
    """The ledger as the page shows it: two queries (events, attachments) however long the history."""
    internal = decide(user, Action.VIEW_CASE_INTERNALS, case)
    events = case.events.order_by("seq")
    if not internal:
        events = events.filter(verb__in=PUBLIC_VERBS)
    files = defaultdict(list)
    for attachment in Attachment.objects.filter(case=case).order_by("pk"):
        files[attachment.event_seq].append(attachment)
    # "case" too: the related manager sets each event's case from case_id, which must not be deferred
    # (else one query per event).
    events = list(events.only("case", "seq", "verb", "actor_name", "at", "payload"))
    codes = {_unit_code(e.payload or {}) for e in events} - {None}
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    entries = []
    for event in events:
        payload = event.payload or {}
        text = next((str(payload[k]) for k in TEXT_KEYS if payload.get(k)), "")
        code = _unit_code(payload)
        entries.append(TimelineEntry(event.seq, event.verb, Verb(event.verb).label, event.actor_name, event.at,
                                     text, names.get(code, code or ""), _detail(payload),
                                     files.get(event.seq, [])))
    return entries


def _unit_code(payload: dict) -> str | None:
    lead = payload.get("lead")
    return lead.get("unit") if isinstance(lead, dict) else payload.get("unit")


def _detail(payload: dict) -> str:
    if payload.get("satisfaction") in Satisfaction.values:
        return str(Satisfaction(payload["satisfaction"]).label)
    if payload.get("level") in SupervisionLevel.values:
        return str(SupervisionLevel(payload["level"]).label)
    if payload.get("working_days"):
        return _("+%(n)s working days") % {"n": payload["working_days"]}
    return ""


def case_context(user, case: Case, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    calendar = WorkCalendar.current()
    paused = case.suspended_at is not None
    phone, masked = requester_phone_for(user, case)
    assignments = [
        {"a": a, "claim": deadline_view(a.claim_due, now=now, calendar=calendar) if a.status == "pending" else None,
         "reply": deadline_view(a.reply_due, now=now, calendar=calendar, paused=paused)
         if a.status in ("pending", "claimed") else None}
        for a in case.assignments.all()
    ]
    live = case.is_open and case.status not in ("received", "returned")
    return {
        "case": case,
        "now": now,
        "requester_phone": phone,
        "phone_masked": masked,
        # The sender's link, shown as a plain link (the browser opens it, never the server).
        "media_url": getattr(getattr(case, "intake", None), "media_url", ""),
        "internal": decide(user, Action.VIEW_CASE_INTERNALS, case).allowed,
        "claim_deadline": deadline_view(case.claim_due, now=now, calendar=calendar) if case.status == "dispatched"
        else None,
        "reply_deadline": deadline_view(case.reply_due, now=now, calendar=calendar, paused=paused) if live else None,
        "assignments": assignments,
        "timeline": timeline(user, case),
    }


@dataclass(frozen=True)
class DispatchPreview:
    claim_due: datetime
    reply_due: datetime
    assist_due: datetime
    limit: deadlines.Limit
    covered: bool


def dispatch_preview(category, priority: str, *, at: datetime | None = None) -> DispatchPreview:
    """The deadlines `transitions.dispatch` would set now (computed the same way, nothing written)."""
    at = at or timezone.now()
    calendar = WorkCalendar.current()
    lead = deadlines.assignment_deadlines(category, priority, lead=True, at=at, calendar=calendar)
    assist = deadlines.assignment_deadlines(category, priority, lead=False, at=at, calendar=calendar)
    return DispatchPreview(lead.claim_due, lead.reply_due, assist.reply_due, lead.limit,
                           lead.covered and assist.covered)


def unit_options(user) -> list[tuple[str, str]]:
    """(code, “parent › unit”) for every active unit that can take cases, in tree order: one query."""
    units = list(visible_units(user).filter(is_active=True).order_by("path").only("code", "name", "path", "kind"))
    by_path = {u.path: u for u in units}
    options = []
    for unit in units:
        if unit.kind == "district":
            continue
        parent = by_path.get(unit.path[: -unit.steplen])
        label = f"{parent.name} › {unit.name}" if parent and parent.kind != "district" else unit.name
        options.append((unit.code, label))
    return options
