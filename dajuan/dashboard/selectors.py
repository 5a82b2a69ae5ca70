"""一图全览: the figures of a unit subtree over a period, read from the rollups (never a scan of every case).

Every number here comes with the link to the case list behind it (the workbench's `/cases/` contract:
status, category, unit, source, from/to, overdue, level, plus `grid`). The query count is fixed — it does
not grow with the number of cases or units (dashboard.tests.test_views holds it to that).

Scope: a user sees the figures of the units access.visible_figure_units gives them (the VIEW_DASHBOARD
rule); cases not yet with a unit count only for jurisdiction roles looking at the district root.
Confidential cases are never in the rollups. Period figures count the *lead* unit (主办).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dajuan.access import scope
from dajuan.access.policy import visible_cases, visible_figure_units
from dajuan.cases.choices import CaseStatus, Source, SupervisionLevel
from dajuan.cases.figures import RATE_FIELDS, figures_from_counts
from dajuan.cases.models import Case, Category
from dajuan.dashboard.geometry import grid_feature_collection
from dajuan.org.choices import UnitKind
from dajuan.org.models import Unit
from dajuan.rollups.selectors import grid_counts, period_rows, registered_by, summed_by

GRANULARITIES = ("day", "week", "month")
TOP_CATEGORIES = 10
REGISTERED = ("registered",)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive
    granularity: str = "week"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def default_period(today: date) -> Period:
    """The last 90 days up to today, by week."""
    return Period(today - timedelta(days=89), today + timedelta(days=1), "week")


@lru_cache(maxsize=1)
def _case_list_path() -> str:
    try:
        return reverse("workbench:case_list")
    except NoReverseMatch:  # the workbench (issue 4) is not installed: the agreed path
        return "/cases/"


def case_list_url(**params) -> str:
    """A link to the workbench's case list (URL name workbench:case_list, path /cases/)."""
    base = _case_list_path()
    clean = {k: v for k, v in params.items() if v not in (None, "", [])}
    return f"{base}?{urlencode(clean, doseq=True)}" if clean else base


def _bucket(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _bucket_end(first: date, granularity: str) -> date:
    """The last day of the bucket starting at `first`."""
    if granularity == "week":
        return first + timedelta(days=6)
    if granularity == "month":
        return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first


def _rate_dict(rate) -> dict:
    return {"numerator": rate.numerator, "denominator": rate.denominator, "value": rate.value,
            "percent": None if rate.value is None else round(rate.value * 100, 1), "formula": rate.formula}


def rates_of(counts) -> list[dict]:
    """The six rates with their formulas (cases.figures), plus the extra counts the dashboard shows."""
    figures = figures_from_counts("", counts)
    return [{"key": key, "name": name, **_rate_dict(getattr(figures, key))} for key, name in RATE_FIELDS]


def dashboard_data(user, *, unit: Unit, period: Period, today: date | None = None) -> dict:
    """Everything the dashboard draws for `unit`'s subtree over `period`, with the case-list links."""
    today = today or timezone.localdate()
    allowed = visible_figure_units(user)
    subtree = list(allowed.filter(path__startswith=unit.path).values_list("code", "path", "name", "kind", "pk"))
    codes = [row[0] for row in subtree]
    whole = unit.depth == 1 and scope.has_jurisdiction(user)
    if whole:
        codes.append("")  # cases not yet handed to a unit
    # The whole district needs no unit filter (a plain day-range scan); rates, timeline, status and rankings
    # read UnitDay (one row per unit and day), the channel and category charts DayBreakdown or the cube.
    rows = period_rows(start=period.start, end=period.end, unit_codes=None if whole else codes)
    base = {"from": period.start.isoformat(), "to": period.last_day.isoformat(),
            "unit": unit.code if unit.depth > 1 else None}

    by_unit = summed_by(rows, "unit_code", today=today)
    totals = sum(by_unit.values(), start=Counter())
    rates = rates_of(totals)
    for rate in rates:
        rate["url"] = case_list_url(**base)

    # Volumes over time: registrations per bucket.
    by_day = summed_by(rows, "day", today=today, columns=REGISTERED)
    buckets: dict[date, int] = {}
    day = _bucket(period.start, period.granularity)
    while day < period.end:
        buckets[day] = 0
        day = _bucket(_bucket_end(day, period.granularity) + timedelta(days=1), period.granularity)
    for day, counts in by_day.items():
        buckets[_bucket(day, period.granularity)] += counts["registered"]
    timeline = []
    for first, n in buckets.items():
        last = min(_bucket_end(first, period.granularity), period.last_day)
        url = case_list_url(**{**base, "from": max(first, period.start).isoformat(), "to": last.isoformat()})
        timeline.append({"label": max(first, period.start).isoformat(), "value": n, "url": url})

    channel_labels = dict(Source.choices)
    narrow = None if whole else codes
    by_channel = sorted(
        ({"label": str(channel_labels.get(ch, ch)), "value": n, "url": case_list_url(**base, source=ch)}
         for ch, n in registered_by("channel", start=period.start, end=period.end, unit_codes=narrow).items() if n),
        key=lambda item: -item["value"])

    by_category_counts = {cid: n for cid, n in registered_by("category", start=period.start, end=period.end,
                                                             unit_codes=narrow).items() if n}
    top = sorted(by_category_counts.items(), key=lambda item: -item[1])[:TOP_CATEGORIES]
    categories = dict(Category.objects.filter(pk__in=[cid for cid, _n in top]).values_list("pk", "code"))
    names = dict(Category.objects.filter(pk__in=[cid for cid, _n in top]).values_list("pk", "name"))
    by_category = [{"label": names.get(cid, "—"), "value": n,
                    "url": case_list_url(**base, category=categories.get(cid))} for cid, n in top]

    by_status = [{"label": str(label), "value": totals[f"status_{value}"],
                  "url": case_list_url(**base, status=value)}
                 for value, label in CaseStatus.choices if totals[f"status_{value}"]]

    return {
        "unit": unit,
        "period": period,
        "registered": {"value": totals["registered"], "url": case_list_url(**base)},
        "rates": rates,
        "counts": {
            "unevaluated": totals["unevaluated"],
            "spot_check_failures": totals["spot_check_failures"],
            "supervised": totals["supervised"],
            "same_day_claims": totals["same_day_claims"],
            "claims": totals["claims"],
        },
        "timeline": timeline,
        "by_channel": by_channel,
        "by_category": by_category,
        "by_status": by_status,
        "open": _open_figures(user, unit=unit, codes=codes, now=timezone.now()),
        "rankings": _rankings(unit, subtree, by_unit, base),
        "grid_map": _grid_map(subtree, period, whole=whole),
    }


def _open_figures(user, *, unit: Unit, codes: list[str], now) -> dict:
    """Current overdue cases and supervision levels of open cases (the open set is bounded, and both
    filters ride the case_open_reply_due / case_status_registered indexes): one query."""
    cases = visible_cases(user).filter(Case.is_open_condition())  # served by the case_open_status index
    if unit.depth > 1 or "" not in codes:
        cases = cases.filter(lead_unit__code__in=[c for c in codes if c])
    overdue_q = Q(reply_due__lt=now, suspended_at__isnull=True,
                  status__in=[CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.REVIEWING])
    figures = cases.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=overdue_q),
        **{f"level_{level}": Count("pk", filter=Q(supervision_level=level))
           for level in SupervisionLevel.values if level},
    )
    link = {"unit": unit.code if unit.depth > 1 else None}
    return {
        "open": figures["open"],
        "overdue": {"value": figures["overdue"], "url": case_list_url(**link, overdue=1)},
        "levels": [{"label": str(SupervisionLevel(level).label), "value": figures[f"level_{level}"],
                    "url": case_list_url(**link, level=level)}
                   for level in SupervisionLevel.values if level],
    }


def _rankings(unit: Unit, subtree: list[tuple], by_code: dict, base: dict) -> list[dict]:
    """The units directly below `unit` (or the unit itself when it has none), each with its subtree's six
    rates, ranked by 按时办结率 then 满意率 (units with nothing due last)."""
    children = [row for row in subtree if row[1].startswith(unit.path) and len(row[1]) == len(unit.path) + 4
                and row[3] != UnitKind.GRID]
    targets = children or [row for row in subtree if row[0] == unit.code]
    # Each unit code counts toward the one target whose subtree holds it: one pass over the codes.
    target_of = {}
    target_paths = {path: code for code, path, *_rest in targets}
    for code, path, *_rest in subtree:
        for cut in range(len(unit.path), len(path) + 1, 4):
            if path[:cut] in target_paths:
                target_of[code] = target_paths[path[:cut]]
                break
    per_target: dict[str, Counter] = {code: Counter() for code, *_rest in targets}
    for unit_code, unit_counts in by_code.items():
        if unit_code in target_of:
            per_target[target_of[unit_code]].update(unit_counts)
    table = []
    for code, _path, name, kind, _pk in targets:
        counts = per_target[code]
        figures = figures_from_counts(code, counts)
        table.append({
            "code": code, "name": name, "kind": kind, "registered": counts["registered"],
            "rates": [_rate_dict(getattr(figures, key)) for key, _name in RATE_FIELDS],
            "sort": (figures.on_time_reply_rate.value if figures.on_time_reply_rate.value is not None else -1,
                     figures.satisfaction_rate.value if figures.satisfaction_rate.value is not None else -1),
            "url": case_list_url(**{**base, "unit": code}),
        })
    table.sort(key=lambda row: row["sort"], reverse=True)
    for rank, row in enumerate(table, start=1):
        row["rank"] = rank
    return table


def _grid_map(subtree: list[tuple], period: Period, *, whole: bool) -> dict:
    """Grids of the subtree as GeoJSON polygons, coloured by cases registered in the period."""
    grids = [(code, name, pk) for code, _path, name, kind, pk in subtree if kind == UnitKind.GRID]
    counts = grid_counts(start=period.start, end=period.end, grid_ids=None if whole else [g[2] for g in grids])
    base = {"from": period.start.isoformat(), "to": period.last_day.isoformat()}
    return {
        "geojson": grid_feature_collection([(code, name) for code, name, _pk in grids]),
        "values": [{"name": code, "label": name, "value": counts.get(pk, 0),
                    "url": case_list_url(**base, grid=code)} for code, name, pk in grids],
    }
