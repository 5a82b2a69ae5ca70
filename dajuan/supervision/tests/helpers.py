from datetime import datetime

from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import Priority, RequesterKind, Source


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def make_case(test, *, dispatched: datetime, priority=Priority.NORMAL, claimed: datetime | None = None,
              replied: datetime | None = None, title="路灯不亮", confidential=False):
    """A case of test.property_mgmt dispatched to the housing bureau at `dispatched` (and claimed and
    replied at the times given), all through the transitions."""
    case = transitions.register(title=title, content="东关路路灯连续一周不亮。", source=Source.HOTLINE,
                                requester_kind=RequesterKind.CITIZEN, requester_name="刘群众",
                                requester_phone="13900000000", requester_user=test.requester,
                                category=test.property_mgmt, priority=priority, confidential=confidential,
                                by=test.inspector if confidential else test.dispatcher, at=dispatched)
    if confidential:
        return case
    transitions.dispatch(case, lead_unit=test.housing, by=test.dispatcher, at=dispatched)
    if claimed:
        transitions.claim(case.assignments.get(), by=test.handler, at=claimed)
    if replied:
        transitions.reply(test.reload(case), text="已修复。", by=test.handler, at=replied)
    return test.reload(case)
