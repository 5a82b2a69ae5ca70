"""Who a user is in the organisation: memberships loaded once per user object, and the unit scopes
built from them. Pure lookups; the decisions live in policy.py."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from dajuan.core.fastread import Lookup
from dajuan.org.choices import JURISDICTION_ROLES, Role
from dajuan.org.models import Membership, Unit

_CACHE_ATTR = "_dajuan_memberships"
# Read on every request of every signed-in user: SQL written once (core.fastread), not a queryset.
_MEMBERSHIPS = Lookup((Membership, "m"), (Unit, "u"), tables="{Membership} m JOIN {Unit} u ON u.id = m.unit_id",
                      where="m.user_id = %s AND u.is_active", order="m.id")
_UNIT_SCOPE_ATTR = "_dajuan_unit_scope"


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their units, cached on the user object (one query per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = []
        for membership, unit in _MEMBERSHIPS.rows([user.pk]):
            membership.unit = unit
            cached.append(membership)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user) -> None:
    """Drop the caches after a grant, a revoke or an enterprise link in the same request."""
    for attr in (_CACHE_ATTR, _REQUESTER_ATTR, _UNIT_SCOPE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


# --- requesters: people outside the government who raise cases -----------------------------------

_REQUESTER_ATTR = "_dajuan_requester"


def _requester_identity(user) -> tuple[int | None, bool]:
    """(the enterprise this account acts for, whether it is a public requester), cached on the user.
    A public requester (公众) is the account intake keeps for a citizen who submitted without logging in;
    it never logs in itself: the tracking page acts for it after checking the tracking code and phone."""
    if not getattr(user, "is_authenticated", False):
        return None, False
    cached = getattr(user, _REQUESTER_ATTR, None)
    if cached is None and is_staff_member(user):
        cached = (None, False)  # staff never act for an enterprise (enterprise.services refuses the link)
        setattr(user, _REQUESTER_ATTR, cached)
    if cached is None:
        from dajuan.enterprise.models import EnterpriseUser
        from dajuan.intake.models import PublicRequester

        enterprise_id = (EnterpriseUser.objects.filter(user=user, enterprise__is_active=True)
                         .values_list("enterprise_id", flat=True).first())
        public = enterprise_id is None and PublicRequester.objects.filter(user=user).exists()
        cached = (enterprise_id, public)
        setattr(user, _REQUESTER_ATTR, cached)
    return cached


def enterprise_id_of(user) -> int | None:
    """The enterprise an enterprise user (企业用户) acts for, or None."""
    return _requester_identity(user)[0]


def is_public_requester(user) -> bool:
    return _requester_identity(user)[1]


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
    """The units of unit_scope_q, built once per user object (a page's inboxes use it a dozen times as a
    subquery; a QuerySet is immutable, so sharing it is safe). Dropped by forget_memberships."""
    cached = getattr(user, _UNIT_SCOPE_ATTR, None)
    if cached is None:
        cached = Unit.objects.filter(unit_scope_q(user))
        if getattr(user, "is_authenticated", False):
            setattr(user, _UNIT_SCOPE_ATTR, cached)
    return cached


def in_led_subtree(user, unit: Unit) -> bool:
    return any(unit.path.startswith(led.path) for led in units_with_role(user, Role.UNIT_LEADER))


def works_in(user, unit: Unit) -> bool:
    return any(m.unit_id == unit.pk for m in memberships_of(user))
