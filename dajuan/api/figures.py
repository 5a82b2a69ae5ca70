"""Figures over the API: per source channel, from the ledger, within what the token's user may see."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from dajuan.api.schemas import ErrorOut
from dajuan.cases.errors import CaseInvalid
from dajuan.intake.selectors import channel_figures

router = Router(tags=["figures"])


class ChannelOut(Schema):
    source: str
    label: str
    received: int
    closed: int
    evaluated: int
    satisfied: int
    satisfaction_rate: float | None


@router.get("/figures/channels", response={200: list[ChannelOut], 400: ErrorOut, 401: ErrorOut},
            summary="Figures by channel")
def figures_by_channel(request, start: date = Query(..., alias="from"), end: date = Query(..., alias="to")):
    """Cases received, closed and evaluated per source channel for registered/closed/evaluated events
    between `from` and `to` (local dates, inclusive). 满意率 = (满意 + 基本满意) ÷ 本期评价数."""
    if end < start:
        raise CaseInvalid(_("end_date is before start_date."), field="to")
    if end - start > timedelta(days=366):
        raise CaseInvalid(_("Ask for at most a year at a time."), field="to")
    begin = timezone.make_aware(datetime.combine(start, time.min))
    finish = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return [{**vars(f), "satisfaction_rate": f.satisfaction_rate}
            for f in channel_figures(request.auth, start=begin, end=finish)]
