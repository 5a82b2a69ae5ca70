"""Hotspot warnings (热点预警, 主动治理): services and selectors.

`hotspots_detect(at)` counts the cases registered in the sliding window ending at `at` per grid, per
category and per place, and compares each count with the same key's own baseline: the counts of the
preceding windows of the same length. A key is a hotspot when its window holds at least
DAJUAN_HOTSPOT_MIN_CASES cases, at least twice its baseline mean, and lies at least BURST_SCORE
standard errors above it (score = (count − mean) / √max(mean, variance, 1), a Poisson-minded z).
A flat series never fires; a key with no history fires only on the minimum count.

A warning stays one row while it lasts: a later run inside the same window updates its count and cases
instead of raising another. New warnings go to the responsible unit's people through the notify outbox.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require, visible_cases, visible_hotspots
from dajuan.cases.choices import CaseStatus
from dajuan.cases.models import Case, Category
from dajuan.notify.recipients import unit_people_by_id
from dajuan.notify.services import outbox_add
from dajuan.org.models import Unit
from dajuan.routing.models import Hotspot, HotspotDimension

BURST_SCORE = 3.0
PLACE_CHARS = 40


@dataclass
class Burst:
    dimension: str
    key: str
    count: int
    baseline: float
    score: float
    case_ids: list[int]


def place_key(address: str) -> str:
    return "".join((address or "").split())[:PLACE_CHARS]


def burst_score(count: int, history: list[int]) -> tuple[float, float]:
    """(baseline mean, score) of `count` against the previous windows' counts."""
    mean = sum(history) / len(history) if history else 0.0
    variance = sum((h - mean) ** 2 for h in history) / len(history) if history else 0.0
    return mean, (count - mean) / math.sqrt(max(mean, variance, 1.0))


def find_bursts(rows, *, at: datetime, window: timedelta, windows: int, min_cases: int) -> list[Burst]:
    """Pure detection over (case_id, registered_at, {dimension: key}) rows: window 0 ends at `at`."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    current: dict[tuple[str, str], list[int]] = defaultdict(list)
    for case_id, registered_at, keys in rows:
        slot = int((at - registered_at) / window)
        if not 0 <= slot <= windows:
            continue
        for dimension, key in keys.items():
            if key:
                counts[(dimension, key)][slot] += 1
                if slot == 0:
                    current[(dimension, key)].append(case_id)
    bursts = []
    for (dimension, key), ids in current.items():
        count = len(ids)
        history = [counts[(dimension, key)][slot] for slot in range(1, windows + 1)]
        mean, score = burst_score(count, history)
        if count >= min_cases and count >= 2 * mean and score >= BURST_SCORE:
            bursts.append(Burst(dimension, key, count, round(mean, 2), round(score, 2), sorted(ids)))
    return sorted(bursts, key=lambda b: (-b.score, b.dimension, b.key))


def hotspots_detect(*, at: datetime | None = None) -> list[Hotspot]:
    """Find the bursts in the window ending at `at` and raise (or refresh) their warnings. A job: no
    actor, it writes warnings, not cases. Returns the warnings raised or refreshed."""
    at = at or timezone.now()
    window = timedelta(days=settings.DAJUAN_HOTSPOT_WINDOW_DAYS)
    windows = settings.DAJUAN_HOTSPOT_BASELINE_WINDOWS
    since = at - window * (windows + 1)
    cases = (Case.objects.filter(registered_at__gte=since, registered_at__lt=at, confidential=False)
             .exclude(status=CaseStatus.REJECTED)
             .values_list("pk", "registered_at", "grid_id", "category_id", "address"))
    rows = [(pk, registered, {HotspotDimension.GRID: str(grid or ""), HotspotDimension.CATEGORY: str(cat or ""),
                              HotspotDimension.PLACE: place_key(address)})
            for pk, registered, grid, cat, address in cases.iterator(chunk_size=5000)]
    bursts = find_bursts(rows, at=at, window=window, windows=windows,
                         min_cases=settings.DAJUAN_HOTSPOT_MIN_CASES)
    return [_raise(b, at=at, window=window) for b in bursts]


def _label_and_unit(burst: Burst, case_ids: list[int]) -> tuple[str, Unit | None]:
    if burst.dimension == HotspotDimension.GRID:
        grid = Unit.objects.get(pk=int(burst.key))
        return grid.name, grid
    if burst.dimension == HotspotDimension.CATEGORY:
        category = Category.objects.select_related("default_lead_unit").get(pk=int(burst.key))
        if category.default_lead_unit_id:
            return category.name, category.default_lead_unit
        label = category.name
    else:
        label = burst.key
    led = Case.objects.filter(pk__in=case_ids, lead_unit__isnull=False).values_list("lead_unit_id", flat=True)
    leads = Counter(led)
    unit = Unit.objects.get(pk=leads.most_common(1)[0][0]) if leads else None
    return label, unit


@transaction.atomic
def _raise(burst: Burst, *, at: datetime, window: timedelta) -> Hotspot:
    label, unit = _label_and_unit(burst, burst.case_ids)
    hotspot = (Hotspot.objects.select_for_update()
               .filter(dimension=burst.dimension, key=burst.key, acknowledged_at__isnull=True,
                       window_end__gt=at - window).order_by("-window_end").first())
    fresh = hotspot is None
    if fresh:
        hotspot = Hotspot(dimension=burst.dimension, key=burst.key, raised_at=at)
    hotspot.label, hotspot.unit = label[:200], unit
    hotspot.window_start, hotspot.window_end = at - window, at
    hotspot.count, hotspot.baseline, hotspot.score = burst.count, burst.baseline, burst.score
    hotspot.save()
    hotspot.cases.set(burst.case_ids)
    if fresh and unit is not None:
        outbox_add(unit_people_by_id([unit.pk]), key=f"hotspot:{hotspot.pk}", kind="hotspot_raised",
                   subject=_("Hotspot warning: %(label)s") % {"label": hotspot.label},
                   body=_("%(count)d cases in %(days)d days (usually %(baseline)s). Look at them together before "
                          "more arrive.") % {"count": burst.count, "days": window.days, "baseline": burst.baseline},
                   at=at)
    return hotspot


def hotspot_acknowledge(hotspot: Hotspot, *, by) -> Hotspot:
    """The responsible unit (or a dispatcher) has seen the warning. Raises NotPermitted."""
    require(by, Action.ACKNOWLEDGE_HOTSPOT, hotspot)
    now = timezone.now()
    Hotspot.objects.filter(pk=hotspot.pk, acknowledged_at__isnull=True).update(acknowledged_at=now, acknowledged_by=by)
    hotspot.refresh_from_db()
    return hotspot


def hotspot_list(user, *, open_only: bool = True):
    rows = visible_hotspots(user).select_related("unit")
    return rows.filter(acknowledged_at__isnull=True) if open_only else rows


def hotspots_for_unit(user, unit: Unit, *, limit: int = 10) -> list[Hotspot]:
    """The open warnings this user may see whose responsible unit lies in `unit`'s subtree, strongest first
    (the dashboard's panel). At the district root, warnings without a responsible unit are included."""
    within = Q(unit__path__startswith=unit.path)
    rows = hotspot_list(user).filter(within | Q(unit__isnull=True) if unit.depth == 1 else within)
    return list(rows.order_by("-score", "-raised_at", "pk")[:limit])


def hotspot_cases(user, hotspot: Hotspot):
    """The cases behind a warning that this user may see. Raises NotPermitted."""
    require(user, Action.VIEW_HOTSPOT, hotspot)
    return (visible_cases(user).filter(pk__in=hotspot.cases.values("pk"))
            .select_related("category", "lead_unit").order_by("-registered_at"))
