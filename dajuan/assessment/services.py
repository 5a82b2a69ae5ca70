"""Writes of the assessment (分层分档考核). Invariants: every write is allowed by access.MANAGE_ASSESSMENT
and audited; a published quarter is never changed — publishing stores a Snapshot (version 1), and a
correction stores the next version with its reason, keeping the earlier ones as history.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.assessment.models import (
    AssessedKind,
    Indicator,
    IndicatorWeight,
    LeadershipTeam,
    ManualScore,
    Metric,
    Snapshot,
    StarThreshold,
    TeamUnit,
)
from dajuan.assessment.selectors import compute
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, ValidationFailed


class AssessmentInvalid(ValidationFailed):
    code = "assessment_invalid"


class AlreadyPublished(Conflict):
    code = "assessment_published"


def check_quarter(year, quarter) -> tuple[int, int]:
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        raise AssessmentInvalid(_("Give the year and quarter as numbers, e.g. 2026 and 1."), field="quarter") from None
    if not 2000 <= year <= 2100:
        raise AssessmentInvalid(_("The year must lie between 2000 and 2100."), field="year")
    if quarter not in (1, 2, 3, 4):
        raise AssessmentInvalid(_("The quarter must be 1, 2, 3 or 4."), field="quarter")
    return year, quarter


def _decimal(value, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AssessmentInvalid(_("Enter a number."), field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise AssessmentInvalid(_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
                                field=field)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def indicator_define(*, code: str, name: str, kind: str, metric: str, key_work: bool = False,
                     points_per_occurrence=1, by) -> Indicator:
    """Create or change an indicator of a kind of unit. Raises NotPermitted, AssessmentInvalid."""
    require(by, Action.MANAGE_ASSESSMENT)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 40:
        raise AssessmentInvalid(_("Give the indicator a code of 1–40 characters."), field="code")
    if not name:
        raise AssessmentInvalid(_("Give the indicator a name."), field="name")
    if kind not in AssessedKind.values:
        raise AssessmentInvalid(_("Choose department, town or village."), field="kind")
    if metric not in Metric.values:
        raise AssessmentInvalid(_("Choose one of the listed metrics."), field="metric")
    ppo = _decimal(points_per_occurrence, "points_per_occurrence", low=Decimal(0), high=Decimal(100))
    indicator, created = Indicator.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "metric": metric, "key_work": bool(key_work),
                             "points_per_occurrence": ppo})
    audit_record(indicator, "indicator_define", by=by, after={"name": name, "kind": kind, "metric": metric,
                                                              "key_work": bool(key_work), "created": created})
    return indicator


@transaction.atomic
def weight_set(*, indicator: Indicator, year, quarter, weight, by) -> IndicatorWeight:
    """Set an indicator's weight (points) for one quarter; 0 removes it from the quarter's sheet."""
    require(by, Action.MANAGE_ASSESSMENT)
    year, quarter = check_quarter(year, quarter)
    weight = _decimal(weight, "weight", low=Decimal(0), high=Decimal(1000))
    previous = IndicatorWeight.objects.filter(indicator=indicator, year=year, quarter=quarter).first()
    if weight == 0:
        if previous:
            previous.delete()
        row = IndicatorWeight(indicator=indicator, year=year, quarter=quarter, weight=weight)
    else:
        row, _created = IndicatorWeight.objects.update_or_create(
            indicator=indicator, year=year, quarter=quarter, defaults={"weight": weight})
    audit_record(indicator, "weight_set", by=by, before={"weight": str(previous.weight) if previous else None},
                 after={"year": year, "quarter": quarter, "weight": str(weight)})
    return row


@transaction.atomic
def weights_copy(*, from_year, from_quarter, to_year, to_quarter, by) -> int:
    """Start a quarter's sheet from another's weights (existing weights of the target are kept)."""
    require(by, Action.MANAGE_ASSESSMENT)
    from_year, from_quarter = check_quarter(from_year, from_quarter)
    to_year, to_quarter = check_quarter(to_year, to_quarter)
    copied = 0
    for row in IndicatorWeight.objects.filter(year=from_year, quarter=from_quarter):
        _obj, created = IndicatorWeight.objects.get_or_create(
            indicator_id=row.indicator_id, year=to_year, quarter=to_quarter, defaults={"weight": row.weight})
        copied += created
    return copied


@transaction.atomic
def manual_score_set(*, indicator: Indicator, unit, year, quarter, score, evidence: str, by) -> ManualScore:
    """Enter a manual indicator's score with its evidence. After the quarter is published it still may be
    entered, but it changes the published results only through a correction (a new version)."""
    require(by, Action.MANAGE_ASSESSMENT)
    year, quarter = check_quarter(year, quarter)
    if indicator.metric != Metric.MANUAL:
        raise AssessmentInvalid(_("%(name)s is computed from the ledger; only manual indicators take scores.")
                                % {"name": indicator.name}, field="indicator")
    if unit is None or unit.kind != indicator.kind:
        raise AssessmentInvalid(_("This indicator applies to %(kind)s only: pick a unit of that kind.")
                                % {"kind": AssessedKind(indicator.kind).label}, field="unit")
    score = _decimal(score, "score", low=Decimal(0), high=Decimal(100))
    evidence = (evidence or "").strip()
    if not evidence:
        raise AssessmentInvalid(_("Describe the evidence the score rests on (documents, inspection notes)."),
                                field="evidence")
    row, _created = ManualScore.objects.update_or_create(
        indicator=indicator, unit=unit, year=year, quarter=quarter,
        defaults={"score": score, "evidence": evidence, "entered_by": by, "entered_at": timezone.now()})
    audit_record(row, "manual_score_set", by=by, after={"score": str(score), "evidence": evidence})
    return row


@transaction.atomic
def team_set(*, name: str, units, leader=None, by) -> LeadershipTeam:
    """Define a leadership team (分管领导团队) and its units; a unit moves out of any other team."""
    require(by, Action.MANAGE_ASSESSMENT)
    name = (name or "").strip()
    if not name:
        raise AssessmentInvalid(_("Give the team a name, e.g. the leader in charge."), field="name")
    team, _created = LeadershipTeam.objects.update_or_create(name=name, defaults={"leader": leader})
    units = list(units)
    TeamUnit.objects.filter(unit__in=units).exclude(team=team).delete()
    TeamUnit.objects.filter(team=team).exclude(unit__in=units).delete()
    for unit in units:
        TeamUnit.objects.get_or_create(unit=unit, defaults={"team": team})
    audit_record(team, "team_set", by=by, after={"units": [u.code for u in units]})
    return team


@transaction.atomic
def star_thresholds_set(*, thresholds: dict, by) -> None:
    """Set the minimum score for each of 1–5 stars; more stars need a higher score."""
    require(by, Action.MANAGE_ASSESSMENT)
    if set(thresholds) != {1, 2, 3, 4, 5}:
        raise AssessmentInvalid(_("Give a minimum score for each of 1 to 5 stars."), field="thresholds")
    values = {stars: _decimal(v, f"stars_{stars}", low=Decimal(0), high=Decimal(1000))
              for stars, v in thresholds.items()}
    if any(values[s] >= values[s + 1] for s in range(1, 5)):
        raise AssessmentInvalid(_("Each star needs a higher minimum score than the one below it."),
                                field="thresholds")
    for stars, minimum in values.items():
        StarThreshold.objects.update_or_create(stars=stars, defaults={"min_score": minimum})


@transaction.atomic
def assessment_publish(*, year, quarter, by, today=None) -> Snapshot:
    """Publish a quarter: freeze its results as version 1. Raises AlreadyPublished if it was published."""
    require(by, Action.MANAGE_ASSESSMENT)
    year, quarter = check_quarter(year, quarter)
    if Snapshot.objects.filter(year=year, quarter=quarter).exists():
        raise AlreadyPublished(_("%(year)sQ%(quarter)s is already published; publish a correction with a reason "
                                 "instead.") % {"year": year, "quarter": quarter})
    return _store(year, quarter, version=1, reason="", by=by, today=today)


@transaction.atomic
def assessment_correct(*, year, quarter, reason: str, by, today=None) -> Snapshot:
    """Publish a correction: recompute the quarter and store it as the next version with its reason."""
    require(by, Action.MANAGE_ASSESSMENT)
    year, quarter = check_quarter(year, quarter)
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentInvalid(_("Say why the published results are corrected."), field="reason")
    latest = Snapshot.objects.select_for_update().filter(year=year, quarter=quarter).order_by("-version").first()
    if latest is None:
        raise AssessmentInvalid(_("%(year)sQ%(quarter)s is not published yet: publish it first.")
                                % {"year": year, "quarter": quarter}, field="quarter")
    return _store(year, quarter, version=latest.version + 1, reason=reason, by=by, today=today)


def _store(year: int, quarter: int, *, version: int, reason: str, by, today) -> Snapshot:
    data = compute(year, quarter, today=today)
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(year=year, quarter=quarter, version=version, reason=reason,
                                               published_by=by, published_at=timezone.now(), data=data)
    except IntegrityError:
        raise AlreadyPublished(_("Someone published this quarter at the same moment; reload and try again.")) \
            from None
    audit_record(snapshot, "assessment_publish", by=by, after={"version": version, "reason": reason})
    return snapshot
