"""抽查回访 services: draw a week's stratified sample, record a callback.

A disputed resolution reopens the case through transitions.reopen (cause SPOT_CHECK), which counts
against the unit in the figures (reopen rate by REOPENED events); a confirmed one on a case still
waiting for its evaluation can record the requester's grade through transitions.evaluate (source
CALLBACK). The SpotCheck row changes only by a conditional update from an open status, so a call is
recorded once."""

import math
import random
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import transitions
from dajuan.cases.choices import SATISFIED_VALUES, CaseStatus, ClosureKind, EvaluationSource, ReopenCause, Satisfaction
from dajuan.cases.models import Case
from dajuan.core.errors import Conflict, ValidationFailed
from dajuan.supervision.choices import CallResolution, SpotCheckStatus
from dajuan.supervision.config import supervision_settings
from dajuan.supervision.models import SpotCheck, SpotCheckBatch

OPEN = (SpotCheckStatus.QUEUED, SpotCheckStatus.UNREACHED)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def spot_check_population(week: date):
    """Cases the week's sample is drawn from: closed (not administratively) or replied during the
    previous seven days, not confidential, with a lead unit, not yet sampled in their current round."""
    start, end = _midnight(week - timedelta(days=7)), _midnight(week)
    closed = Q(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end) & ~Q(
        closure_kind=ClosureKind.ADMINISTRATIVE)
    replied = Q(status=CaseStatus.REPLIED, replied_at__gte=start, replied_at__lt=end)
    return Case.objects.filter(closed | replied, confidential=False, lead_unit__isnull=False)


def spot_check_draw(*, week: date, by) -> SpotCheckBatch:
    """Draw the sample for the week starting `week` (a Monday): per lead unit, the configured share of
    its eligible cases, at least the configured minimum (or all it has). Raises NotPermitted,
    ValidationFailed (field "week"), Conflict if the week is already drawn."""
    require(by, Action.SPOT_CHECK)
    if not isinstance(week, date) or week.weekday() != 0:
        raise ValidationFailed(_("Choose the Monday that starts the week."), field="week")
    if week > timezone.localdate() + timedelta(days=7):
        raise ValidationFailed(_("A week in the future has no cases yet; choose this week or an earlier one."),
                               field="week")
    config = supervision_settings()
    by_unit: dict[int, list[tuple[int, int]]] = {}
    for pk, unit_id, round_ in spot_check_population(week).order_by("pk").values_list("pk", "lead_unit_id",
                                                                                       "reopen_count"):
        by_unit.setdefault(unit_id, []).append((pk, round_))
    already = set(SpotCheck.objects.filter(case_id__in=[pk for rows in by_unit.values() for pk, _r in rows])
                  .values_list("case_id", "round"))
    rng = random.Random(week.toordinal())  # the same week always draws the same sample
    chosen = []
    for unit_id in sorted(by_unit):
        rows = [row for row in by_unit[unit_id] if row not in already]
        share = math.ceil(len(rows) * config.spot_check_percent / 100)
        size = min(len(rows), max(config.spot_check_min_per_unit, share))
        chosen += [(unit_id, pk, round_) for pk, round_ in rng.sample(rows, size)]
    try:
        with transaction.atomic():
            batch = SpotCheckBatch.objects.create(week=week, drawn_at=timezone.now(), drawn_by=by,
                                                  percent=config.spot_check_percent,
                                                  min_per_unit=config.spot_check_min_per_unit,
                                                  population=sum(len(rows) for rows in by_unit.values()))
            SpotCheck.objects.bulk_create([SpotCheck(batch=batch, case_id=pk, round=round_, unit_id=unit_id)
                                           for unit_id, pk, round_ in chosen])
    except IntegrityError:
        raise Conflict(_("The sample of the week of %(week)s has already been drawn.") % {"week": week},
                       field="week") from None
    return batch


def spot_check_record(check: SpotCheck, *, reached: bool, resolution: str = "", satisfaction: str = "",
                      note: str = "", by, at: datetime | None = None) -> SpotCheck:
    """Record one callback. Not reached: the check stays open for another try. Disputed: the case is
    reopened (cause SPOT_CHECK; the note is the reason, required). Confirmed on a case still waiting for
    its evaluation, with a satisfaction: the grade is recorded as the requester's (source CALLBACK).
    Raises NotPermitted, ValidationFailed naming the field, Conflict if already recorded or the case
    moved on."""
    case = Case.objects.select_related("lead_unit").get(pk=check.case_id)
    require(by, Action.SPOT_CHECK, case)
    if check.status not in OPEN:
        raise Conflict(_("This callback has already been recorded."))
    note = (note or "").strip()
    at = at or timezone.now()
    outcome = ""
    if reached:
        if resolution not in CallResolution.values:
            raise ValidationFailed(_("Say whether the requester confirms or disputes the resolution."),
                                   field="resolution")
        if satisfaction and satisfaction not in Satisfaction.values:
            raise ValidationFailed(_("Choose 满意, 基本满意 or 不满意."), field="satisfaction")
        if resolution == CallResolution.DISPUTED:
            if not note:
                raise ValidationFailed(_("Write down what the requester says is still unsolved; it becomes the "
                                         "reason for reopening."), field="note")
            if case.status not in (CaseStatus.CLOSED, CaseStatus.EVALUATED, CaseStatus.REPLIED):
                raise Conflict(_("Case %(number)s is no longer closed or replied; it is already being worked on.")
                               % {"number": case.number})
            transitions.reopen(case, reason=_("Spot-check callback: %(note)s") % {"note": note},
                               cause=ReopenCause.SPOT_CHECK, by=by, at=at)
            outcome = "reopened"
        elif satisfaction and case.status == CaseStatus.REPLIED:
            if satisfaction not in SATISFIED_VALUES:
                raise ValidationFailed(_("A requester who confirms the problem is solved is 满意 or 基本满意; "
                                         "if not, record the resolution as disputed."), field="satisfaction")
            transitions.evaluate(case, satisfaction=satisfaction, comment=note, source=EvaluationSource.CALLBACK,
                                 by=by, at=at)
            outcome = "evaluated"
        else:
            outcome = "confirmed"
    status = SpotCheckStatus.DONE if reached else SpotCheckStatus.UNREACHED
    won = SpotCheck.objects.filter(pk=check.pk, status__in=OPEN).update(
        status=status, calls=F("calls") + 1, called_at=at, called_by=by, resolution=resolution if reached else "",
        satisfaction=satisfaction if reached else "", note=note, outcome=outcome)
    if not won:
        raise Conflict(_("This callback has already been recorded."))
    check.refresh_from_db()
    return check
