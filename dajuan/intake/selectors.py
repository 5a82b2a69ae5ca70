"""Reads for the public side: a case found by its tracking code, and the public timeline."""

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import Verb
from dajuan.cases.models import Case
from dajuan.intake.models import Intake
from dajuan.intake.services import normalise_tracking_code

# What a requester sees of the ledger: never internal notes, progress notes, supervision, extensions,
# assisting units, nor who did it (no staff names).
PUBLIC_VERBS = {
    Verb.REGISTERED: _("Your request was received"),
    Verb.REJECTED: _("Your request was not accepted"),
    Verb.MERGED: _("Your request was joined with an earlier one on the same problem"),
    Verb.DISPATCHED: _("Handed to the responsible unit"),
    Verb.TRANSFERRED: _("Handed to another unit"),
    Verb.CLAIMED: _("The unit took up your request"),
    Verb.SUSPENDED: _("Paused while waiting for something outside the unit's control"),
    Verb.RESUMED: _("Work resumed"),
    Verb.REPLIED: _("The unit replied"),
    Verb.EVALUATED: _("The reply was evaluated"),
    Verb.CLOSED: _("Closed"),
    Verb.REOPENED: _("Reopened for another round of work"),
}


@dataclass(frozen=True)
class PublicEntry:
    at: datetime
    verb: str
    label: str
    text: str = ""
    unit: str = ""


def intake_by_tracking(code: str, phone_last4: str) -> Intake | None:
    """The intake whose tracking code and requester phone match, or None — the same None whichever of
    the two was wrong, so the answer gives no hint."""
    code = normalise_tracking_code(code)
    digits = "".join(ch for ch in (phone_last4 or "") if ch.isdigit())
    intake = Intake.objects.select_related("case").filter(tracking_code=code).first() if code else None
    expected = intake.case.requester_phone[-4:] if intake and len(intake.case.requester_phone) >= 4 else "----"
    # Compare in constant time even when the code is unknown, so timing tells nothing either.
    matched = hmac.compare_digest(expected.encode(), digits.encode()) and len(digits) == 4
    return intake if intake is not None and matched else None


def public_timeline(case: Case) -> list[PublicEntry]:
    """The case's public history, oldest first, from the ledger."""
    from dajuan.org.models import Unit

    events = list(case.events.filter(verb__in=[str(v) for v in PUBLIC_VERBS]).order_by("seq"))
    codes = {e.payload.get("lead", {}).get("unit") for e in events if isinstance(e.payload.get("lead"), dict)}
    names = dict(Unit.objects.filter(code__in=codes - {None}).values_list("code", "name"))
    entries = []
    for event in events:
        verb = Verb(event.verb)
        text, unit = "", ""
        if verb in (Verb.DISPATCHED, Verb.TRANSFERRED):
            unit = names.get(event.payload.get("lead", {}).get("unit"), "")
        elif verb == Verb.REPLIED:
            text = event.payload.get("text", "")
        elif verb == Verb.REJECTED:
            text = event.payload.get("reason", "")
        elif verb == Verb.EVALUATED:
            text = event.payload.get("comment", "")
        entries.append(PublicEntry(at=event.at, verb=verb, label=str(PUBLIC_VERBS[verb]), text=text, unit=unit))
    return entries


def latest_reply(case: Case) -> str:
    event = case.events.filter(verb=Verb.REPLIED).order_by("-seq").first()
    return event.payload.get("text", "") if event else ""


@dataclass(frozen=True)
class ChannelFigures:
    """One channel's figures for a period, from the ledger (formulas as the dashboard shows them)."""

    source: str
    label: str
    received: int  # REGISTERED events in the period
    closed: int  # CLOSED events in the period
    evaluated: int  # EVALUATED events in the period
    satisfied: int  # of which 满意 or 基本满意

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率 = (满意 + 基本满意) ÷ 本期评价数; None when nothing was evaluated."""
        return self.satisfied / self.evaluated if self.evaluated else None


def channel_figures(user, *, start: datetime, end: datetime) -> list[ChannelFigures]:
    """Per source channel (受理渠道), over the cases `user` may see, for events in [start, end)."""
    from django.db.models import Count, Q

    from dajuan.access.policy import visible_cases
    from dajuan.cases.choices import SATISFIED_VALUES, Source
    from dajuan.cases.models import Event

    events = Event.objects.filter(case__in=visible_cases(user).values("pk"), at__gte=start, at__lt=end)
    rows = events.values("case__source").annotate(
        received=Count("pk", filter=Q(verb=Verb.REGISTERED)),
        closed=Count("pk", filter=Q(verb=Verb.CLOSED)),
        evaluated=Count("pk", filter=Q(verb=Verb.EVALUATED)),
        satisfied=Count("pk", filter=Q(verb=Verb.EVALUATED,
                                       payload__satisfaction__in=[str(v) for v in SATISFIED_VALUES])),
    )
    by_source = {r["case__source"]: r for r in rows}
    return [ChannelFigures(source=s.value, label=str(s.label), received=r["received"], closed=r["closed"],
                           evaluated=r["evaluated"], satisfied=r["satisfied"])
            for s in Source if (r := by_source.get(s.value))]
