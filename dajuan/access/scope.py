"""Who a user is in the organisation: memberships loaded once per user object, and the unit scopes
built from them. Pure lookups; the decisions live in policy.py."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from dajuan.org.choices import JURISDICTION_ROLES, Role
from dajuan.org.models import Membership, Unit

_CACHE_ATTR = "_dajuan_memberships"


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their units, cached on the user object (one query per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, unit__is_active=True).select_related("unit").order_by("pk")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user) -> None:
    """Drop the cache after a grant or revoke in the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> frozenset[Role]:
    roles = {Role(m.role) for m in memberships_of(user)}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    return frozenset(roles)


def has_role(user, *roles: Role) -> bool:
    return not roles_of(user).isdisjoint(roles)


def is_staff_member(user) -> bool:
    return bool(roles_of(user))


def has_jurisdiction(user) -> bool:
    """Dispatchers, supervisors, district leaders, inspectors and admins act across the district."""
    return not roles_of(user).isdisjoint(JURISDICTION_ROLES)


def units_with_role(user, *roles: Role) -> list[Unit]:
    return [m.unit for m in memberships_of(user) if m.role in roles]


def _paths_q(units: Iterable[Unit], *, subtree: bool) -> Q:
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(path__startswith=unit.path) if subtree else Q(pk=unit.pk)
    return q


def unit_scope_q(user) -> Q:
    """The units whose work this user handles: their own units, and a leader's whole subtree."""
    led = units_with_role(user, Role.UNIT_LEADER)
    own = units_with_role(user, Role.HANDLER, Role.GRID_WORKER, Role.UNIT_LEADER)
    return _paths_q(led, subtree=True) | _paths_q(own, subtree=False)


def unit_scope(user) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_scope_q(user))


def in_led_subtree(user, unit: Unit) -> bool:
    return any(unit.path.startswith(led.path) for led in units_with_role(user, Role.UNIT_LEADER))


def works_in(user, unit: Unit) -> bool:
    return any(m.unit_id == unit.pk for m in memberships_of(user))
