"""Reads of the policy registry: which policies apply to an enterprise, which enterprises a policy
applies to, and the figures. Eligibility: an empty list means "any" (industries, kinds, sizes, towns);
a policy applies while `effective_from <= day <= effective_to` (no end: open-ended)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dajuan.enterprise.models import Enterprise
from dajuan.policies.models import Policy, PolicyCase, PolicyPush


def in_force(day: date) -> Q:
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def policies_for(enterprise: Enterprise, *, day: date | None = None) -> QuerySet[Policy]:
    """The policies in force on `day` whose eligibility the enterprise's profile meets."""
    day = day or timezone.localdate()
    policies = Policy.objects.filter(in_force(day))
    no_industry = ~Exists(Policy.industries.through.objects.filter(policy=OuterRef("pk")))
    no_town = ~Exists(Policy.towns.through.objects.filter(policy=OuterRef("pk")))
    policies = policies.filter(no_industry | Q(industries=enterprise.industry_id) if enterprise.industry_id
                               else no_industry)
    policies = policies.filter(no_town | Q(towns=enterprise.town_id) if enterprise.town_id else no_town)
    # JSON lists: filtered in Python below (portable across SQLite and PostgreSQL without JSON lookups).
    ids = [p.pk for p in policies.distinct().only("pk", "kinds", "sizes")
           if (not p.kinds or enterprise.kind in p.kinds) and (not p.sizes or enterprise.size in p.sizes)]
    return Policy.objects.filter(pk__in=ids).select_related("issuing_unit").order_by("-issued_on", "-pk")


def matching_enterprises(policy: Policy) -> QuerySet[Enterprise]:
    """The active enterprises whose profile meets the policy's eligibility."""
    enterprises = Enterprise.objects.filter(is_active=True)
    industries = list(policy.industries.values_list("pk", flat=True))
    towns = list(policy.towns.values_list("pk", flat=True))
    if industries:
        enterprises = enterprises.filter(industry__in=industries)
    if towns:
        enterprises = enterprises.filter(town__in=towns)
    if policy.kinds:
        enterprises = enterprises.filter(kind__in=policy.kinds)
    if policy.sizes:
        enterprises = enterprises.filter(size__in=policy.sizes)
    return enterprises.order_by("name")


def push_rows(policy: Policy) -> QuerySet[PolicyPush]:
    """Who received a policy, through which channel, read or not."""
    return policy.pushes.select_related("enterprise", "group").order_by("enterprise__name", "channel")


def policy_figures(*, start: date, end: date) -> dict:
    """惠企政策 figures for issue dates in [start, end]: policies published; pushes and reads (read rate =
    pushes read / pushes); 政策奖补 cases and how many are closed."""
    policies = Policy.objects.filter(issued_on__gte=start, issued_on__lte=end)
    pushes = PolicyPush.objects.filter(policy__in=policies).aggregate(
        total=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))
    cases = PolicyCase.objects.filter(policy__in=policies).aggregate(
        total=Count("pk"), closed=Count("pk", filter=Q(case__status="closed")))
    return {"policies": policies.count(), "pushes": pushes["total"], "read": pushes["read"],
            "cases": cases["total"], "closed": cases["closed"]}
