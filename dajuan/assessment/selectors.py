"""Scores per unit and quarter (分层分档考核), computed from the rollups of the ledger plus manual scores.

How a line scores (its `weight` is the quarter's IndicatorWeight, in points):
- a rate, higher is better (响应率, 按时办结率, 办结率, 满意率, 当日认领占比): weight × rate;
- a rate, lower is better (重办率, 退回率): weight × (1 − min(rate, 1));
- a rate with nothing due (denominator 0) scores the full weight and says so (无件不扣分): a unit is not
  punished for having had no cases, and no figure pretends to be "100% of nothing";
- a count (抽查回访不合格 = REOPENED with cause spot_check; 督查升级 = SUPERVISED events): weight − count ×
  points_per_occurrence, never below 0;
- manual: weight × score / 100; a missing manual score scores 0 and is flagged.
Every rate is cases.figures' (figures_from_counts over cases.facts counters): no second definition.

Rankings (competition ranking: equal totals share a rank): by total among the units of the same kind
(分层); within the leadership team among its units of the same kind (双排名 ①); by the points of key-work
indicators among all units of the kind, district-wide (双排名 ②). Villages get 1–5 stars by StarThreshold.
Unit figures are subtree figures (a town counts its villages' and grids' lead cases).
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.utils import timezone

from dajuan.assessment.models import (
    AssessedKind,
    Indicator,
    IndicatorWeight,
    ManualScore,
    Metric,
    Snapshot,
    StarThreshold,
    TeamUnit,
)
from dajuan.cases.figures import figures_from_counts
from dajuan.org.models import Unit
from dajuan.rollups.selectors import period_rows, summed_by

HIGHER_BETTER = (Metric.CLAIM_RATE, Metric.ON_TIME_REPLY_RATE, Metric.CLOSURE_RATE, Metric.SATISFACTION_RATE)
LOWER_BETTER = (Metric.REOPEN_RATE, Metric.RETURN_RATE)
COUNT_COLUMNS = {Metric.SPOT_CHECK_FAILURES: "spot_check_failures", Metric.ESCALATIONS: "supervised"}


def quarter_days(year: int, quarter: int) -> tuple[date, date]:
    """[first day, first day of the next quarter)."""
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def weights_for(year: int, quarter: int) -> dict[int, Decimal]:
    """Indicator id → its weight in the quarter (indicators without one are not scored)."""
    return dict(IndicatorWeight.objects.filter(year=year, quarter=quarter).values_list("indicator_id", "weight"))


def _line(indicator: Indicator, weight: Decimal, counts: Counter, manual: dict) -> dict:
    figures = figures_from_counts("", counts)
    line = {"code": indicator.code, "name": indicator.name, "metric": indicator.metric,
            "key_work": indicator.key_work, "weight": float(weight), "numerator": None, "denominator": None,
            "value": None, "note": ""}
    w = float(weight)
    if indicator.metric in (*HIGHER_BETTER, *LOWER_BETTER):
        rate = getattr(figures, indicator.metric)
        line |= {"numerator": rate.numerator, "denominator": rate.denominator, "value": rate.value,
                 "formula": rate.formula}
        if rate.value is None:
            points, line["note"] = w, "nothing_due"
        elif indicator.metric in HIGHER_BETTER:
            points = w * rate.value
        else:
            points = w * (1 - min(rate.value, 1.0))
    elif indicator.metric == Metric.SAME_DAY_CLAIM_SHARE:
        line |= {"numerator": counts["same_day_claims"], "denominator": counts["claims"],
                 "formula": "当日认领占比 = 派发当日认领的主办件次 ÷ 主办认领件次"}
        if counts["claims"]:
            line["value"] = counts["same_day_claims"] / counts["claims"]
            points = w * line["value"]
        else:
            points, line["note"] = w, "nothing_due"
    elif indicator.metric in COUNT_COLUMNS:
        count = counts[COUNT_COLUMNS[indicator.metric]]
        line["value"] = count
        points = max(0.0, w - count * float(indicator.points_per_occurrence))
    else:
        entry = manual.get(indicator.pk)
        if entry is None:
            points, line["note"] = 0.0, "missing"
        else:
            line |= {"value": float(entry[0]), "evidence": entry[1]}
            points = w * float(entry[0]) / 100
    line["points"] = round(points, 2)
    return line


def _rank(rows: list[dict], key: str, target: str) -> None:
    """Competition ranking (1, 2, 2, 4) of rows by row[key], descending, into row[target]."""
    ordered = sorted(rows, key=lambda row: -row[key])
    previous, rank = None, 0
    for position, row in enumerate(ordered, start=1):
        if row[key] != previous:
            rank, previous = position, row[key]
        row[target] = rank


def compute(year: int, quarter: int, *, today: date | None = None) -> dict:
    """Scores, breakdowns, rankings and stars of every assessed unit for a quarter (a fixed number of
    queries, whatever the number of cases: the ledger is read through the rollups)."""
    today = today or timezone.localdate()
    start, end = quarter_days(year, quarter)
    weights = weights_for(year, quarter)
    indicators = [i for i in Indicator.objects.all() if i.pk in weights]
    units = list(Unit.objects.filter(kind__in=AssessedKind.values, is_active=True)
                 .values_list("pk", "code", "name", "kind", "path").order_by("path"))
    assessed_by_path = {path: code for _pk, code, _n, _k, path in units}
    paths = dict(Unit.objects.values_list("code", "path"))
    per_unit: dict[str, Counter] = defaultdict(Counter)
    for code, counts in summed_by(period_rows(start=start, end=end), "unit_code", today=today).items():
        path = paths.get(code, "")
        for cut in range(4, len(path) + 1, 4):
            if (ancestor := assessed_by_path.get(path[:cut])) is not None:
                per_unit[ancestor].update(counts)
    manual: dict[int, dict] = defaultdict(dict)
    for unit_id, indicator_id, score, evidence in ManualScore.objects.filter(year=year, quarter=quarter) \
            .values_list("unit_id", "indicator_id", "score", "evidence"):
        manual[unit_id][indicator_id] = (score, evidence)
    teams = dict(TeamUnit.objects.values_list("unit_id", "team__name"))
    thresholds = list(StarThreshold.objects.order_by("-min_score").values_list("min_score", "stars"))

    rows = []
    for pk, code, name, kind, _path in units:
        lines = [_line(i, weights[i.pk], per_unit[code], manual[pk]) for i in indicators if i.kind == kind]
        total = round(sum(line["points"] for line in lines), 2)
        row = {"code": code, "name": name, "kind": kind, "team": teams.get(pk, ""), "lines": lines,
               "total": total, "key_work": round(sum(li["points"] for li in lines if li["key_work"]), 2),
               "registered": per_unit[code]["registered"], "stars": None}
        if kind == AssessedKind.VILLAGE and thresholds:
            row["stars"] = next((stars for minimum, stars in thresholds if total >= float(minimum)), 0)
        rows.append(row)
    for kind in AssessedKind.values:
        peers = [row for row in rows if row["kind"] == kind]
        _rank(peers, "total", "rank")
        _rank(peers, "key_work", "rank_key_work")
        for team in {row["team"] for row in peers if row["team"]}:
            members = [row for row in peers if row["team"] == team]
            _rank(members, "total", "rank_team")
            for row in members:
                row["team_size"] = len(members)
    rows.sort(key=lambda row: (AssessedKind.values.index(row["kind"]), row["rank"], row["code"]))
    return {"year": year, "quarter": quarter, "start": start.isoformat(), "end": end.isoformat(),
            "computed_at": timezone.now().isoformat(), "units": rows,
            "kinds": {kind: str(label) for kind, label in AssessedKind.choices}}


def snapshots(year: int, quarter: int) -> list[Snapshot]:
    """The published versions of a quarter, newest first."""
    return list(Snapshot.objects.filter(year=year, quarter=quarter).select_related("published_by")
                .order_by("-version"))


def results(year: int, quarter: int) -> tuple[dict, Snapshot | None]:
    """What a quarter shows: the latest published snapshot, frozen; else a live computation (unpublished)."""
    latest = Snapshot.objects.filter(year=year, quarter=quarter).order_by("-version").first()
    if latest is not None:
        return latest.data, latest
    return compute(year, quarter), None
