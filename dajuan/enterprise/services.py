"""Writes to the enterprise registry: enterprises and the accounts that act for them. Each public
service checks access and leaves an AuditEntry; `enterprise_add` is the unchecked building block the
demo and importers share.

Invariant: an enterprise's credit code is stored compact and has passed its GB 32100-2015 check.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, ValidationFailed
from dajuan.enterprise.models import Enterprise, EnterpriseUser
from dajuan.enterprise.validation import clean_credit_code


def enterprise_add(*, credit_code: str, name: str, address: str = "", contact_name: str = "",
                   contact_phone: str = "") -> Enterprise:
    """Create an enterprise without a permission check. Raises ValidationFailed, Conflict."""
    try:
        code = clean_credit_code(credit_code)
    except ValidationError as error:
        raise ValidationFailed(error.messages[0], field="credit_code") from None
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("The enterprise's name is required."), field="name")
    if len(name) > 200:
        raise ValidationFailed(_("Name is longer than 200 characters; shorten it."), field="name")
    if Enterprise.objects.filter(credit_code=code).exists():
        raise Conflict(_("An enterprise with credit code %(code)s is already registered.") % {"code": code},
                       field="credit_code")
    return Enterprise.objects.create(credit_code=code, name=name, address=address.strip()[:200],
                                     contact_name=contact_name.strip()[:100],
                                     contact_phone=contact_phone.strip()[:20])


@transaction.atomic
def enterprise_create(*, by, **fields) -> Enterprise:
    """Register an enterprise. Raises NotPermitted, ValidationFailed, Conflict."""
    require(by, Action.MANAGE_ENTERPRISE)
    enterprise = enterprise_add(**fields)
    audit_record(enterprise, "enterprise_created", by=by,
                 after={"credit_code": enterprise.credit_code, "name": enterprise.name})
    return enterprise


def enterprise_user_add(*, user, enterprise: Enterprise) -> EnterpriseUser:
    """Link an account to an enterprise without a permission check (demo, tests, importers).
    Staff accounts cannot act for an enterprise: one person, one side of the table."""
    if scope.is_staff_member(user):
        raise ValidationFailed(_("%(user)s works for a unit; create a separate account for the enterprise.")
                               % {"user": user}, field="user")
    if EnterpriseUser.objects.filter(user=user).exists():
        raise Conflict(_("%(user)s already acts for an enterprise.") % {"user": user}, field="user")
    link = EnterpriseUser.objects.create(user=user, enterprise=enterprise)
    scope.forget_memberships(user)
    return link


@transaction.atomic
def enterprise_user_create(*, enterprise: Enterprise, username: str, full_name: str, phone: str = "",
                           password: str | None = None, by) -> EnterpriseUser:
    """Create a log-in for an enterprise's contact. Raises NotPermitted, ValidationFailed, Conflict."""
    require(by, Action.MANAGE_ENTERPRISE)
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("A user name is required."), field="username")
    if User.objects.filter(username=username).exists():
        raise Conflict(_("The user name %(name)s is taken; choose another.") % {"name": username}, field="username")
    user = User.objects.create_user(username=username, password=password, full_name=full_name.strip()[:100],
                                    phone=phone)
    link = enterprise_user_add(user=user, enterprise=enterprise)
    audit_record(enterprise, "enterprise_user_created", by=by, after={"user": username})
    return link
