"""The outbox receiver of the ledger: for each event, the people who must hear of it get one message,
written in the event's own transaction (cases.signals.event_recorded)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from dajuan.cases.choices import SupervisionLevel, Verb
from dajuan.notify import recipients
from dajuan.notify.services import outbox_add

_history = ContextVar("dajuan_notify_history", default=False)


@contextmanager
def history_recorded() -> Iterator[None]:
    """Events recorded inside are past history being entered (a ledger import), not news: nobody is
    told of them — a spreadsheet of last year's work orders would otherwise message every unit again."""
    token = _history.set(True)
    try:
        yield
    finally:
        _history.reset(token)


def _units(*entries) -> list[str]:
    codes = []
    for entry in entries:
        if isinstance(entry, dict):
            codes.append(entry.get("unit"))
        elif isinstance(entry, list):
            codes.extend(e.get("unit") for e in entry if isinstance(e, dict))
        elif isinstance(entry, str):
            codes.append(entry)
    return [c for c in codes if c]


def people_for(event, case) -> set[int]:
    """The recipients of one event (before removing its actor)."""
    p, verb = event.payload, event.verb
    if verb == Verb.DISPATCHED:
        return recipients.unit_people(_units(p.get("lead"), p.get("assist")))
    if verb in (Verb.TRANSFERRED, Verb.REOPENED):
        return recipients.unit_people(_units(p.get("lead")))
    if verb == Verb.ASSIST_ADDED:
        return recipients.unit_people(_units(p.get("assist")))
    if verb == Verb.SUPERVISED:  # the lead unit's handlers and leaders; 挂牌督办 also the named leader
        people = recipients.unit_people(_units(p.get("unit")))
        if p.get("escalated_to"):
            people.add(p["escalated_to"])
        return people
    if verb == Verb.REPLY_SUBMITTED:  # 待审核: the lead unit's leaders review it (or the nearest above)
        return recipients.reviewers(p.get("unit"))
    if verb == Verb.REPLY_SENT_BACK:  # back to the handler who submitted it
        return {p["submitted_by"]} if p.get("submitted_by") else set()
    if verb == Verb.REPLIED:
        return {case.requester_user_id} if case.requester_user_id else set()
    if verb in (Verb.EVALUATED, Verb.CLOSED, Verb.EXTENSION_APPROVED, Verb.EXTENSION_DENIED):
        return recipients.unit_people_by_id([case.lead_unit_id])
    if verb in (Verb.RETURNED, Verb.EXTENSION_REQUESTED):
        return recipients.role_holders(recipients.Role.DISPATCHER)
    return set()


def on_event_recorded(sender, event, case, **kwargs) -> None:
    if _history.get():
        return
    people = people_for(event, case) - {event.actor_id}
    if not people:
        return
    with translation.override(settings.LANGUAGE_CODE):
        label = str(Verb(event.verb).label)
        if event.verb == Verb.SUPERVISED:
            label = str(SupervisionLevel(event.payload.get("level", 1)).label)
        subject = _("Case %(number)s: %(what)s") % {"number": case.number, "what": label}
        title = _("(confidential case)") if case.confidential else case.title
        note = event.payload.get("note") or event.payload.get("reason") or ""
        body = f"{title}\n{note}".strip() if not case.confidential else title
    outbox_add(people, key=f"event:{event.pk}", kind=f"case_{event.verb}", subject=subject, body=body,
               event_pk=event.pk, case=case, at=event.at)
