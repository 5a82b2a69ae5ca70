"""Optional auto-dispatch (自动派单), off by default: when DAJUAN_ROUTER_AUTO_DISPATCH holds a
confidence (e.g. 0.95), a newly registered non-confidential case whose suggested lead unit (and, if the
registrar left it empty, category) reach that confidence is dispatched by the router's system account
right after the registration commits. The DISPATCHED event carries `auto` = {model version,
confidences}, so the ledger tells every automatic dispatch from a person's.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from dajuan.cases.choices import CaseStatus, Verb
from dajuan.cases.signals import event_recorded
from dajuan.core.errors import DomainError

log = logging.getLogger(__name__)


def threshold() -> float | None:
    raw = str(getattr(settings, "DAJUAN_ROUTER_AUTO_DISPATCH", "") or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        log.warning("DAJUAN_ROUTER_AUTO_DISPATCH=%r is not a number between 0 and 1; auto-dispatch is off.", raw)
        return None
    return value if 0 < value <= 1 else None


@receiver(event_recorded, dispatch_uid="routing.autodispatch")
def _after_registration(sender, event, case, **kwargs) -> None:
    if event.verb != Verb.REGISTERED or case.confidential or threshold() is None:
        return
    transaction.on_commit(lambda: auto_dispatch(case.pk))


def auto_dispatch(case_pk: int):
    """Dispatch the case if the router is confident enough; otherwise leave it for a dispatcher.
    Returns the case when it was dispatched, else None. Never raises: a refusal is logged."""
    from dajuan.cases import transitions
    from dajuan.cases.models import Case
    from dajuan.routing.actor import system_actor
    from dajuan.routing.suggestions import suggest_text
    from dajuan.routing.text import case_text

    minimum = threshold()
    case = Case.objects.filter(pk=case_pk, status=CaseStatus.RECEIVED, confidential=False).first()
    if minimum is None or case is None:
        return None
    suggestion = suggest_text(case_text(case.title, case.content), k=1)
    if suggestion.unit is None or suggestion.unit[1] < minimum:
        return None
    category = case.category
    auto = {"model": suggestion.version, "unit_confidence": round(suggestion.unit[1], 4)}
    if category is None:
        if suggestion.category is None or suggestion.category[1] < minimum:
            return None
        category = suggestion.category[0]
        auto["category_confidence"] = round(suggestion.category[1], 4)
    try:
        return transitions.dispatch(case, lead_unit=suggestion.unit[0], category=category, by=system_actor(),
                                    auto=auto)
    except DomainError as error:
        log.info("Auto-dispatch of %s left to a dispatcher: %s", case.number, error)
        return None
