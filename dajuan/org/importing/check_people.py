"""Checks the people table: each row is one person holding one role in one unit. A username met on
several rows is one person (so the name, phone and e-mail must agree); an existing account is matched
by username and left as it is, and only its new roles are added."""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from dajuan.accounts.models import mobile_validator
from dajuan.org import rules
from dajuan.org.choices import Role, UnitKind
from dajuan.org.importing.check_units import StoredUnit, UnitPlan
from dajuan.org.importing.columns import Vocabulary, accepted_roles
from dajuan.org.importing.reading import Row, Table
from dajuan.org.importing.report import Problem
from dajuan.org.models import Membership

CHUNK = 500  # keeps `IN (…)` lists well under SQLite's parameter limit


class StoredUser(NamedTuple):
    username: str
    full_name: str
    phone: str
    email: str


@dataclass
class PersonLine:
    row: Row
    username: str
    full_name: str
    phone: str
    email: str
    unit_code: str
    role: str | None
    title: str


@dataclass
class PeoplePlan:
    new_users: list[PersonLine] = field(default_factory=list)  # the first row of each new person
    existing_users: int = 0
    memberships: list[PersonLine] = field(default_factory=list)
    existing_memberships: int = 0


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def check_people(table: Table | None, units: UnitPlan, stored_units: dict[str, StoredUnit],
                 vocabulary: Vocabulary, problems: list[Problem], notices: list[Problem]) -> PeoplePlan:
    plan = PeoplePlan()
    if table is None or not table.has("username"):
        return plan
    lines = [line for row in table.rows if (line := _read_line(table, row, vocabulary, problems))]
    users, held = _stored_people(sorted({line.username for line in lines}))
    first_row: dict[str, PersonLine] = {}
    known: dict[str, dict[str, PersonLine]] = {}  # username → column → the first row that filled it in
    seen: dict[tuple, PersonLine] = {}
    for line in lines:
        stored = users.get(line.username)
        first_row.setdefault(line.username, line)
        _check_same_person(table, line, known.setdefault(line.username, {}), stored, problems, notices)
        unit_ok = _check_unit_and_role(table, line, units, stored_units, problems)
        key = (line.username, line.unit_code, line.role)
        if line.role is not None and key in seen:
            problems.append(table.problem(
                "duplicate_membership", line.row, "role",
                _("This person already has this role in this unit on row %(row)s.")
                % {"row": seen[key].row.number},
                _("Delete one of the two rows.")))
            continue
        seen[key] = line
        if not unit_ok:
            continue
        if key in held:
            plan.existing_memberships += 1
        else:
            plan.memberships.append(line)
    for username, line in first_row.items():
        if username in users:
            plan.existing_users += 1
            continue
        # A new account takes each detail from the first row that gives it.
        filled = known[username]
        merged = {column: getattr(filled[column], column) if column in filled else ""
                  for column in ("full_name", "phone", "email")}
        plan.new_users.append(replace(line, **merged))
        if table.has("phone") and not merged["phone"]:
            problems.append(table.problem(
                "empty_cell", line.row, "phone",
                _("A new account needs a mobile number, and “phone” is empty."),
                _("Enter the person's 11-digit mobile number.")))
    return plan


def _read_line(table: Table, row: Row, vocabulary: Vocabulary, problems: list[Problem]) -> PersonLine | None:
    names = ("username", "full_name", "unit_code", "role", "email", "title")
    values = {name: row.get(name) for name in names}
    for column in ("username", "full_name", "unit_code", "role"):
        if table.has(column) and not values[column]:
            problems.append(table.problem("empty_cell", row, column,
                                          _("“%(column)s” is empty.") % {"column": column},
                                          _("Fill in the %(column)s of this person, or delete the row.")
                                          % {"column": column}))
    if not values["username"]:
        return None
    phone = "".join(row.get("phone").replace("-", "").split())
    line = PersonLine(row, values["username"], values["full_name"], phone, values["email"],
                      values["unit_code"], None, values["title"])
    _check_fields(table, line, problems)
    if values["role"]:
        line.role = vocabulary.role(values["role"])
        if line.role is None:
            problems.append(table.problem("unknown_role", row, "role",
                                          _("Role “%(role)s” is not known.") % {"role": values["role"]},
                                          _("Use one of: %(roles)s.") % {"roles": accepted_roles()}))
    return line


def _check_fields(table: Table, line: PersonLine, problems: list[Problem]) -> None:
    User = get_user_model()
    limits = {name: User._meta.get_field(name).max_length for name in ("username", "full_name")}
    limits["title"] = Membership._meta.get_field("title").max_length
    for column, value in (("username", line.username), ("full_name", line.full_name), ("title", line.title)):
        if len(value) > limits[column]:
            problems.append(table.problem("too_long", line.row, column,
                                          _("This has %(length)s characters; at most %(max)s are allowed.")
                                          % {"length": len(value), "max": limits[column]},
                                          _("Shorten it.")))
    checks = (
        ("username", line.username, UnicodeUsernameValidator(), "bad_username",
         _("Username “%(value)s” contains characters a login name cannot have.")),
        ("phone", line.phone, mobile_validator, "bad_phone",
         _("“%(value)s” is not an 11-digit mainland mobile number.")),
        ("email", line.email, validate_email, "bad_email", _("“%(value)s” is not an e-mail address.")),
    )
    for column, value, validator, code, message in checks:
        if not value:
            continue
        try:
            validator(value)
        except ValidationError as error:
            problems.append(
                table.problem(code, line.row, column, message % {"value": value}, error.messages[0]))


def _check_same_person(table: Table, line: PersonLine, known: dict[str, PersonLine], stored: StoredUser | None,
                       problems: list[Problem], notices: list[Problem]) -> None:
    """One username is one person: the rows agree with each other, and the full name with the account
    already stored (a different phone or e-mail there is only noticed: existing accounts are kept)."""
    for column in ("full_name", "phone", "email"):
        here = getattr(line, column)
        if not here:
            continue
        if column in known:
            first = known[column]
            if getattr(first, column) != here:
                problems.append(table.problem(
                    "username_conflict", line.row, column,
                    _("Username “%(username)s” has %(column)s “%(there)s” on row %(row)s but “%(here)s” here.")
                    % {"username": line.username, "column": column, "there": getattr(first, column),
                       "row": first.row.number, "here": here},
                    _("One username is one person: make the rows agree, or give the other person another "
                      "username.")))
            continue
        known[column] = line
        there = getattr(stored, column) if stored else None
        if stored is None or here == there:
            continue
        if column == "full_name" and there:
            problems.append(table.problem(
                "existing_user_differs", line.row, column,
                _("Username “%(username)s” already belongs to %(stored)s in the system, not to %(name)s.")
                % {"username": line.username, "stored": there, "name": here},
                _("If this is another person, give them another username; if it is the same person, use "
                  "the name stored in the system.")))
        elif column != "full_name":
            notices.append(table.problem(
                "existing_user_kept", line.row, column,
                _("Account “%(username)s” already exists; its %(column)s stays as stored, not “%(here)s”.")
                % {"username": line.username, "column": column, "here": here},
                _("The import does not change existing accounts; change it on the account itself if "
                  "needed.")))


def _check_unit_and_role(table: Table, line: PersonLine, units: UnitPlan, stored_units: dict[str, StoredUnit],
                         problems: list[Problem]) -> bool:
    """True when the unit exists (in the file or the system) and takes this role."""
    if not line.unit_code:
        return False
    if line.unit_code not in units.lines and line.unit_code not in stored_units:
        if units.usable:
            problems.append(table.problem(
                "unknown_unit", line.row, "unit_code",
                _("Unit “%(code)s” is neither in the units list nor in the system.")
                % {"code": line.unit_code},
                _("Correct the code, or add the unit to the units sheet.")))
        return False
    if line.unit_code not in units.lines and not stored_units[line.unit_code].is_active:
        problems.append(table.problem(
            "unit_inactive", line.row, "unit_code",
            _("Unit “%(code)s” is no longer active.") % {"code": line.unit_code},
            _("Give the person a role in an active unit.")))
        return False
    kind = units.kind_of(line.unit_code, stored_units)
    if line.role is None or kind is None:
        return False
    if not rules.role_allowed(line.role, kind):
        allowed = sorted(str(Role(role).label) for role in rules.ROLES_BY_UNIT_KIND[UnitKind(kind)])
        problems.append(table.problem(
            "role_not_allowed", line.row, "role",
            _("The role “%(role)s” does not exist in a unit of kind “%(kind)s” (%(unit)s).")
            % {"role": Role(line.role).label, "kind": UnitKind(kind).label, "unit": line.unit_code},
            _("Roles there: %(allowed)s. Choose one of them, or another unit.")
            % {"allowed": ", ".join(allowed)}))
        return False
    return True


def _stored_people(usernames: list[str]) -> tuple[dict[str, StoredUser], set[tuple]]:
    """The accounts named in the file and the roles they hold, a few queries per 500 usernames."""
    User = get_user_model()
    users: dict[str, StoredUser] = {}
    held: set[tuple] = set()
    for chunk in chunks(usernames):
        accounts = User.objects.filter(username__in=chunk)
        for row in accounts.values_list("username", "full_name", "phone", "email"):
            users[row[0]] = StoredUser(*row)
        held.update(Membership.objects.filter(user__username__in=chunk)
                    .values_list("user__username", "unit__code", "role"))
    return users, held
