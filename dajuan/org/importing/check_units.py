"""Checks the units table against itself, the tree rules (org.rules) and the units already stored,
and plans the writes: new units parents-first, renames of existing ones.

An existing unit listed again with the same kind and parent is updated in name only; a different
kind or parent is a problem, because the import never changes a unit's kind or moves it.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dajuan.org import rules
from dajuan.org.choices import UnitKind
from dajuan.org.importing.columns import Vocabulary, accepted_kinds
from dajuan.org.importing.reading import Row, Table
from dajuan.org.importing.report import Problem
from dajuan.org.models import Unit, unit_code_validator

NAME_MAX = Unit._meta.get_field("name").max_length


class StoredUnit(NamedTuple):
    code: str
    name: str
    kind: str
    parent_code: str | None
    is_active: bool


@dataclass
class UnitLine:
    row: Row
    code: str
    name: str
    kind: str | None  # None: missing or not understood (already reported)
    parent_code: str


@dataclass
class UnitPlan:
    create: list[UnitLine] = field(default_factory=list)  # parents before children
    rename: list[UnitLine] = field(default_factory=list)
    unchanged: int = 0
    lines: dict[str, UnitLine] = field(default_factory=dict)  # by code, first occurrence
    usable: bool = True  # False when the table lacks its code column: people cannot lean on it

    def kind_of(self, code: str, stored: dict[str, StoredUnit]) -> str | None:
        """The kind a unit has after the import: a stored unit keeps its own (the import never changes it)."""
        if code in stored:
            return stored[code].kind
        return self.lines[code].kind if code in self.lines else None


def stored_units() -> dict[str, StoredUnit]:
    """Every unit with its parent's code, in one query (the tree of a district is small)."""
    rows = list(Unit.objects.values_list("code", "name", "kind", "path", "is_active"))
    code_by_path = {path: code for code, _name, _kind, path, _active in rows}
    step = Unit.steplen
    return {
        code: StoredUnit(code, name, kind, code_by_path.get(path[:-step]) if len(path) > step else None,
                         active)
        for code, name, kind, path, active in rows
    }


def check_units(table: Table | None, stored: dict[str, StoredUnit], vocabulary: Vocabulary,
                problems: list[Problem]) -> UnitPlan:
    plan = UnitPlan()
    if table is None:
        return plan
    if not table.has("code"):
        plan.usable = False
        return plan
    for row in table.rows:
        line = _read_line(table, row, vocabulary, problems)
        if line is None:
            continue
        if line.code in plan.lines:
            problems.append(table.problem(
                "duplicate_code", row, "code",
                _("Code “%(code)s” is already used on row %(row)s.")
                % {"code": line.code, "row": plan.lines[line.code].row.number},
                _("Give each unit its own code, or delete the repeated row.")))
            continue
        plan.lines[line.code] = line
    cyclic = _find_cycles(table, plan.lines, problems)
    for line in plan.lines.values():
        _check_place(table, line, plan, stored, problems)
    new_lines = [line for line in plan.lines.values() if line.code not in stored and line.code not in cyclic]
    depth = _depths(plan.lines, cyclic)
    plan.create = sorted(new_lines, key=lambda line: (depth[line.code], line.row.number))
    return plan


def _read_line(table: Table, row: Row, vocabulary: Vocabulary, problems: list[Problem]) -> UnitLine | None:
    code, name, kind_text, parent_code = (row.get(n) for n in ("code", "name", "kind", "parent_code"))
    for column, value in (("code", code), ("name", name), ("kind", kind_text)):
        if table.has(column) and not value:
            problems.append(table.problem("empty_cell", row, column,
                                          _("“%(column)s” is empty.") % {"column": column},
                                          _("Fill in the %(column)s of this unit, or delete the row.")
                                          % {"column": column}))
    if not code:
        return None
    try:
        unit_code_validator(code)
    except ValidationError as error:
        problems.append(table.problem("bad_code", row, "code",
                                      _("Code “%(code)s” is not a valid unit code.") % {"code": code},
                                      error.messages[0]))
    if len(name) > NAME_MAX:
        problems.append(table.problem("name_too_long", row, "name",
                                      _("The name has %(length)s characters; at most %(max)s are allowed.")
                                      % {"length": len(name), "max": NAME_MAX},
                                      _("Shorten the name.")))
    kind = vocabulary.kind(kind_text) if kind_text else None
    if kind_text and kind is None:
        problems.append(table.problem("unknown_kind", row, "kind",
                                      _("Kind “%(kind)s” is not known.") % {"kind": kind_text},
                                      _("Use one of: %(kinds)s.") % {"kinds": accepted_kinds()}))
    return UnitLine(row, code, name, kind, parent_code)


def _check_place(table: Table, line: UnitLine, plan: UnitPlan, stored: dict[str, StoredUnit],
                 problems: list[Problem]) -> None:
    """The unit against what is stored under its code, and its parent against the tree rules."""
    parent_code = line.parent_code or None
    existing = stored.get(line.code)
    if existing is not None:
        _check_existing(table, line, existing, plan, problems)
        return
    if parent_code == line.code:
        problems.append(table.problem(
            "self_parent", line.row, "parent_code",
            _("Unit “%(code)s” names itself as its parent.") % {"code": line.code},
            _("Enter the code of the unit directly above it; leave it empty only for the district.")))
        return
    if parent_code and parent_code not in plan.lines and parent_code not in stored:
        problems.append(table.problem(
            "unknown_parent", line.row, "parent_code",
            _("Parent “%(parent)s” is neither in this file nor in the system.") % {"parent": parent_code},
            _("Correct the code, add a row for the parent unit, or leave it empty for the district itself.")))
        return
    parent_kind = plan.kind_of(parent_code, stored) if parent_code else None
    if line.kind is None or (parent_code and parent_kind is None):
        return  # an unknown kind was reported already
    if not rules.parent_allowed(line.kind, parent_kind):
        allowed = [UnitKind(k).label if k else _("(none: the root)")
                   for k in rules.ALLOWED_PARENT_KINDS[UnitKind(line.kind)]]
        problems.append(table.problem(
            "kind_not_allowed", line.row, "parent_code",
            _("A unit of kind “%(kind)s” cannot sit under “%(parent)s”.")
            % {"kind": UnitKind(line.kind).label,
               "parent": f"{parent_code} ({UnitKind(parent_kind).label})" if parent_code
               else _("(none: the root)")},
            _("Its parent must be of kind: %(allowed)s. Correct the parent or the kind.")
            % {"allowed": ", ".join(sorted(str(a) for a in allowed))}))


def _check_existing(table: Table, line: UnitLine, existing: StoredUnit, plan: UnitPlan,
                    problems: list[Problem]) -> None:
    wrong = False
    if line.kind is not None and line.kind != existing.kind:
        wrong = True
        problems.append(table.problem(
            "existing_kind_differs", line.row, "kind",
            _("Unit “%(code)s” (%(name)s) already exists as a “%(existing)s”, not a “%(kind)s”.")
            % {"code": line.code, "name": existing.name, "existing": UnitKind(existing.kind).label,
               "kind": UnitKind(line.kind).label},
            _("Use the existing kind, or give the new unit another code: the import does not change "
              "a unit's kind.")))
    if (line.parent_code or None) != existing.parent_code:
        wrong = True
        problems.append(table.problem(
            "existing_parent_differs", line.row, "parent_code",
            _("Unit “%(code)s” (%(name)s) already exists under “%(existing)s”, not under “%(parent)s”.")
            % {"code": line.code, "name": existing.name,
               "existing": existing.parent_code or _("(none: the root)"),
               "parent": line.parent_code or _("(none: the root)")},
            _("Enter “%(existing)s” as its parent, or give the new unit another code: the import does not "
              "move units.") % {"existing": existing.parent_code or ""}))
    if wrong or not line.name:
        return
    if line.name != existing.name:
        plan.rename.append(line)
    else:
        plan.unchanged += 1


def _find_cycles(table: Table, lines: dict[str, UnitLine], problems: list[Problem]) -> set[str]:
    """Units whose chain of parents within the file comes back to itself (A → B → A)."""
    done: set[str] = set()
    cyclic: set[str] = set()
    for start in lines:
        trail: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node in lines and node not in done and node not in position:
            position[node] = len(trail)
            trail.append(node)
            parent = lines[node].parent_code
            node = parent if parent and parent != node else None  # a self-parent is reported apart
        if node is not None and node in position:
            cycle = trail[position[node]:]
            cyclic.update(cycle)
            first = min((lines[code] for code in cycle), key=lambda line: line.row.number)
            chain = " → ".join(_("%(code)s (row %(row)s)") % {"code": code, "row": lines[code].row.number}
                               for code in [*cycle, cycle[0]])
            problems.append(table.problem(
                "cycle", first.row, "parent_code",
                _("These units are each other's parents, in a loop: %(chain)s.") % {"chain": chain},
                _("Correct parent_code in one of these rows so that the chain of parents ends at the "
                  "district.")))
        done.update(trail)
    return cyclic


def _depths(lines: dict[str, UnitLine], cyclic: set[str]) -> dict[str, int]:
    """Steps from a unit up to its first parent outside the file: parents get created first."""
    depth: dict[str, int] = {}
    for start in lines:
        chain = []
        node = start
        while node in lines and node not in depth and node not in cyclic and node not in chain:
            chain.append(node)
            parent = lines[node].parent_code
            node = parent if parent != node else ""
        base = depth.get(node, 0) + 1 if node in lines else 0
        for offset, code in enumerate(reversed(chain)):
            depth[code] = base + offset
    return depth
