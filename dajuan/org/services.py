"""Writes to the unit tree and memberships. Every change is checked by access and leaves an AuditEntry.

Invariants: a unit sits only under a parent of an allowed kind (rules.ALLOWED_PARENT_KINDS); a role
is granted only in a kind of unit that has it (rules.ROLES_BY_UNIT_KIND); the ADMIN role and Django's
staff/superuser flags move together, so the admin site and the access module agree.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.policy import is_admin, require
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.org import rules
from dajuan.org.choices import Role, UnitKind
from dajuan.org.models import Membership, Unit, unit_code_validator


def validate_unit_fields(*, code: str, name: str, kind: str) -> None:
    """Field checks shared by unit_create and the importer; raises ValidationFailed naming the field."""
    try:
        unit_code_validator(code)
    except ValidationError as error:
        raise ValidationFailed(_("Code “%(code)s”: %(error)s") % {"code": code, "error": error.messages[0]},
                               field="code") from None
    if not name.strip():
        raise ValidationFailed(_("Name is required."), field="name")
    if len(name) > 100:
        raise ValidationFailed(_("Name is longer than 100 characters; shorten it."), field="name")
    if kind not in UnitKind.values:
        raise ValidationFailed(
            _("Kind “%(kind)s” does not exist; use one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(UnitKind.values)},
            field="kind",
        )


def check_parent(kind: str, parent_kind: str | None) -> None:
    if not rules.parent_allowed(kind, parent_kind):
        allowed = [k or _("(none: the root)") for k in rules.ALLOWED_PARENT_KINDS[UnitKind(kind)]]
        raise ValidationFailed(
            _("A unit of kind “%(kind)s” cannot sit under “%(parent)s”; its parent must be: %(allowed)s.")
            % {"kind": kind, "parent": parent_kind or _("(none: the root)"), "allowed": ", ".join(allowed)},
            field="parent",
        )


def unit_add(*, code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    """Create a unit without a permission check or audit: the building block of unit_create and of
    the importer, which checks and audits once for the whole file."""
    validate_unit_fields(code=code, name=name, kind=kind)
    check_parent(kind, parent.kind if parent else None)
    if Unit.objects.filter(code=code).exists():
        raise Conflict(_("A unit with code “%(code)s” already exists.") % {"code": code}, field="code")
    if parent is None:
        return Unit.objects.add_root({"code": code, "name": name.strip(), "kind": kind})
    parent.refresh_from_db()  # treebeard needs the parent's current child count
    return Unit.objects.add_child(parent, {"code": code, "name": name.strip(), "kind": kind})


def unit_update_name(unit: Unit, *, name: str) -> Unit:
    """Rename without a permission check or audit (see unit_add). Raises ValidationFailed."""
    validate_unit_fields(code=unit.code, name=name, kind=unit.kind)
    unit.name = name.strip()
    unit.save(update_fields=["name"])
    return unit


@transaction.atomic
def unit_create(*, code: str, name: str, kind: str, parent: Unit | None, by) -> Unit:
    """Create a unit under `parent` (None: the root district).
    Raises NotPermitted, ValidationFailed, Conflict."""
    require(by, Action.MANAGE_UNIT, parent)
    unit = unit_add(code=code, name=name, kind=kind, parent=parent)
    audit_record(unit, "unit_created", by=by, after={"code": code, "name": unit.name, "kind": kind,
                                                      "parent": parent.code if parent else None})
    return unit


@transaction.atomic
def unit_set_reply_review(unit: Unit, *, required: bool, by) -> Unit:
    """答复审核: whether the replies of cases this unit leads wait for its leader's approval. A reply
    already waiting keeps its course when the setting is turned off (the leader still decides it).
    Raises NotPermitted."""
    require(by, Action.MANAGE_UNIT, unit)
    before = Unit.objects.filter(pk=unit.pk).values_list("reply_review", flat=True).get()
    if before != required:
        Unit.objects.filter(pk=unit.pk).update(reply_review=required)
        audit_record(unit, "unit_reply_review_set", by=by, before={"reply_review": before},
                     after={"reply_review": required})
    unit.reply_review = required
    return unit


def person_add(*, username: str, full_name: str, phone: str = "", email: str = ""):
    """Create a login account with an unusable password (an administrator sets a password later),
    without a permission check or audit: the importer's building block. Raises ValidationFailed,
    Conflict."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise Conflict(_("A user with username “%(username)s” already exists.") % {"username": username},
                       field="username")
    user = User(username=username, full_name=full_name.strip(), phone=phone.strip(), email=email.strip())
    user.set_unusable_password()
    try:
        user.full_clean(validate_unique=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ValidationFailed(
            _("%(field)s: %(error)s") % {"field": field, "error": " ".join(messages)}, field=field
        ) from None
    user.save()
    return user


def membership_add(*, user, unit: Unit, role: str, title: str = "") -> Membership:
    """Grant without a permission check or audit (see unit_add). Raises ValidationFailed, Conflict."""
    if role not in Role.values:
        raise ValidationFailed(
            _("Role “%(role)s” does not exist; use one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    if not rules.role_allowed(role, unit.kind):
        allowed = ", ".join(sorted(rules.ROLES_BY_UNIT_KIND[UnitKind(unit.kind)]))
        raise ValidationFailed(
            _("Role “%(role)s” does not exist in a unit of kind “%(kind)s”; roles there: %(allowed)s.")
            % {"role": role, "kind": unit.kind, "allowed": allowed},
            field="role",
        )
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise Conflict(_("%(user)s already holds this role in %(unit)s.") % {"user": user, "unit": unit})
    membership = Membership.objects.create(user=user, unit=unit, role=role, title=title.strip())
    if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    scope.forget_memberships(user)
    return membership


@transaction.atomic
def membership_grant(*, user, unit: Unit, role: str, title: str = "", by) -> Membership:
    """任职: give `user` a role in `unit`. A unit leader may grant only handler and grid-worker roles
    within the units they lead. Raises NotPermitted, ValidationFailed, Conflict."""
    require(by, Action.GRANT_ROLE, unit)
    _require_grantable(by, role)
    membership = membership_add(user=user, unit=unit, role=role, title=title)
    audit_record(membership, "role_granted", by=by,
                 after={"user": user.username, "unit": unit.code, "role": role, "title": membership.title})
    return membership


@transaction.atomic
def membership_revoke(membership: Membership, *, by) -> None:
    require(by, Action.GRANT_ROLE, membership.unit)
    _require_grantable(by, membership.role)
    user = membership.user
    audit_record(membership, "role_revoked", by=by,
                 before={"user": user.username, "unit": membership.unit.code, "role": membership.role})
    membership.delete()
    if membership.role == Role.ADMIN and not user.memberships.filter(role=Role.ADMIN).exists():
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    scope.forget_memberships(user)


def _require_grantable(by, role: str) -> None:
    if not is_admin(by) and role not in {Role.HANDLER, Role.GRID_WORKER}:
        raise NotPermitted(_("A unit leader may grant only the handler and grid-worker roles."))


def system_account(*, username: str, full_name: str, role: str, title: str, purpose: str):
    """The account a job acts as (STYLE: jobs pass a system user, never None): no usable password, created
    on first use with `role` in the first unit where that role sits (else the district). Safe when
    several workers create it at once."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=username, full_name=full_name)
                user.set_unusable_password()
                user.save()
        except IntegrityError:  # another worker created it first
            user = User.objects.get(username=username)
    if not Membership.objects.filter(user=user, role=role).exists():
        holders = Membership.objects.filter(role=role, unit__is_active=True).select_related("unit").order_by("pk")
        unit = next((m.unit for m in holders[:1]), None)
        unit = unit or Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("pk").first()
        if unit is None:
            raise Conflict(f"Create the district unit before {purpose}.")
        try:
            with transaction.atomic():
                membership_add(user=user, unit=unit, role=role, title=title)
        except (Conflict, IntegrityError):
            pass
    return User.objects.get(pk=user.pk)
