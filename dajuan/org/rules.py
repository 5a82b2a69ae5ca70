"""The shape of the unit tree: which kind of unit may sit under which. Pure data, no queries."""

from dajuan.org.choices import Role, UnitKind

ALLOWED_PARENT_KINDS: dict[UnitKind, frozenset[UnitKind | None]] = {
    UnitKind.DISTRICT: frozenset({None}),
    # A department may have its own offices (e.g. 住建局 → 房产服务中心).
    UnitKind.DEPARTMENT: frozenset({UnitKind.DISTRICT, UnitKind.DEPARTMENT}),
    UnitKind.TOWN: frozenset({UnitKind.DISTRICT}),
    UnitKind.VILLAGE: frozenset({UnitKind.TOWN}),
    # Urban grids may hang directly under a street; rural grids under a village.
    UnitKind.GRID: frozenset({UnitKind.VILLAGE, UnitKind.TOWN}),
    UnitKind.SERVICE_CENTRE: frozenset({UnitKind.DISTRICT, UnitKind.DEPARTMENT, UnitKind.TOWN}),
}

# Which roles make sense in which kind of unit; an import or a grant outside this table is refused.
ROLES_BY_UNIT_KIND: dict[UnitKind, frozenset[Role]] = {
    UnitKind.DISTRICT: frozenset({Role.ADMIN, Role.DISTRICT_LEADER, Role.DISPATCHER, Role.SUPERVISOR}),
    UnitKind.DEPARTMENT: frozenset(
        {Role.ADMIN, Role.DISPATCHER, Role.SUPERVISOR, Role.INSPECTOR, Role.HANDLER, Role.UNIT_LEADER}
    ),
    UnitKind.TOWN: frozenset({Role.HANDLER, Role.UNIT_LEADER, Role.DISPATCHER}),
    UnitKind.VILLAGE: frozenset({Role.HANDLER, Role.UNIT_LEADER}),
    UnitKind.GRID: frozenset({Role.GRID_WORKER}),
    UnitKind.SERVICE_CENTRE: frozenset({Role.HANDLER, Role.UNIT_LEADER}),
}


def parent_allowed(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in ALLOWED_PARENT_KINDS[UnitKind(kind)]


def role_allowed(role: str, unit_kind: str) -> bool:
    return Role(role) in ROLES_BY_UNIT_KIND[UnitKind(unit_kind)]
