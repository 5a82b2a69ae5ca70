"""Reads of the enterprise registry and 包保: registry rows with contacts masked (手机号脱敏), quarters,
and care coverage (which objects were visited in a quarter, which were not)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dajuan.core.masking import mask_phone
from dajuan.enterprise.models import CareTeam, Enterprise, Visit


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter (1–4)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1-4")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class EnterpriseRow:
    pk: int
    name: str
    credit_code: str
    industry: str
    kind: str
    is_four_above: bool
    town: str
    contact_name: str
    contact_phone: str  # masked


def enterprise_rows(*, q: str = "", industry: str = "", kind: str = "", four_above: bool | None = None,
                    limit: int = 200) -> list[EnterpriseRow]:
    """The registry as a list: the contact's phone masked, as in every list."""
    enterprises = Enterprise.objects.select_related("industry", "town").filter(is_active=True)
    if q:
        enterprises = enterprises.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    if industry:
        enterprises = enterprises.filter(industry__code=industry)
    if kind:
        enterprises = enterprises.filter(kind=kind)
    if four_above is not None:
        enterprises = enterprises.filter(is_four_above=four_above)
    return [EnterpriseRow(pk=e.pk, name=e.name, credit_code=e.credit_code, industry=str(e.industry or ""),
                          kind=e.get_kind_display(), is_four_above=e.is_four_above, town=str(e.town or ""),
                          contact_name=e.contact_name, contact_phone=mask_phone(e.contact_phone))
            for e in enterprises.order_by("name")[:limit]]


@dataclass(frozen=True)
class Coverage:
    """Who was reached in a period: `covered` of `total`; `missing` lists the rest (by name)."""

    start: date
    end: date
    total: int
    covered: int
    missing: list

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None


def care_coverage(year: int, quarter: int) -> Coverage:
    """包保 coverage: of the objects with a care team, those visited at least once in the quarter."""
    start, end = quarter_bounds(year, quarter)
    visited = Visit.objects.filter(enterprise=OuterRef("enterprise"), visited_on__gte=start, visited_on__lte=end)
    teams = CareTeam.objects.annotate(visited=Exists(visited)).select_related("enterprise")
    rows = list(teams.order_by("enterprise__name"))
    missing = [t.enterprise for t in rows if not t.visited]
    return Coverage(start=start, end=end, total=len(rows), covered=len(rows) - len(missing), missing=missing)


def care_for(user) -> QuerySet[CareTeam]:
    """The care teams this person serves on (as leader, cadre or staff)."""
    return (CareTeam.objects.filter(Q(leader=user.pk) | Q(cadre=user.pk) | Q(staff=user.pk)).distinct()
            .select_related("enterprise", "leader", "cadre").order_by("enterprise__name"))


def visits_of(enterprise: Enterprise) -> QuerySet[Visit]:
    return (enterprise.visits.annotate(problem_count=Count("problems", distinct=True))
            .prefetch_related("visitors", "callbacks").order_by("-visited_on", "-pk"))
