"""Who hears about what: the people of a unit, a case's requester, the dispatchers. Pure reads."""

from collections.abc import Iterable

from dajuan.org.choices import Role
from dajuan.org.models import Membership, Unit

WORKERS = (Role.HANDLER, Role.UNIT_LEADER)


def unit_people(unit_codes: Iterable[str], roles: Iterable[str] = WORKERS) -> set[int]:
    """Ids of the people holding one of `roles` in the units with these codes (active units only)."""
    codes = [c for c in unit_codes if c]
    if not codes:
        return set()
    return set(Membership.objects.filter(unit__code__in=codes, unit__is_active=True, role__in=list(roles))
               .values_list("user_id", flat=True))


def unit_people_by_id(unit_ids: Iterable[int], roles: Iterable[str] = WORKERS) -> set[int]:
    ids = [i for i in unit_ids if i]
    if not ids:
        return set()
    return set(Membership.objects.filter(unit_id__in=ids, unit__is_active=True, role__in=list(roles))
               .values_list("user_id", flat=True))


def role_holders(*roles: str) -> set[int]:
    return set(Membership.objects.filter(role__in=roles, unit__is_active=True).values_list("user_id", flat=True))


def reviewers(unit_code: str) -> set[int]:
    """Who is told that a reply waits for review: the lead unit's leaders or, where it has none, those of
    the nearest unit above that has any — each of them may approve it (access: REVIEW_REPLY)."""
    unit = Unit.objects.filter(code=unit_code).only("path").first() if unit_code else None
    if unit is None:
        return set()
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]  # root … unit
    rows = list(Membership.objects.filter(unit__path__in=paths, unit__is_active=True, role=Role.UNIT_LEADER)
                .values_list("user_id", "unit__depth"))
    nearest = max((depth for _user, depth in rows), default=None)
    return {user for user, depth in rows if depth == nearest}
