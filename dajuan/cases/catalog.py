"""Writes to the catalogue of the loop: categories (诉求分类) and their deadline policies (办理时限).
The admin edits the same rows through its forms; imports, the demo and tests come through here."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from dajuan.cases.choices import LimitUnit, Priority
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Category, DeadlinePolicy
from dajuan.org.models import Unit


@transaction.atomic
def category_add(*, code: str, name: str, parent: Category | None = None, default_lead_unit: Unit | None = None,
                 external_code: str = "") -> Category:
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise CaseInvalid(_("A category needs a code and a name."), field="code" if not code else "name")
    if Category.objects.filter(code=code).exists():
        raise CaseInvalid(_("The category code %(code)s is taken; choose another.") % {"code": code}, field="code")
    if parent is not None and len(parent.lineage()) >= 3:
        raise CaseInvalid(_("Categories are at most three levels deep."), field="parent")
    return Category.objects.create(code=code, name=name, parent=parent, default_lead_unit=default_lead_unit,
                                   external_code=external_code.strip())


@transaction.atomic
def deadline_policy_set(*, category: Category | None, priority: str, reply_limit, limit_unit: str,
                        assist_report_limit=None) -> DeadlinePolicy:
    """Create or change the policy for (category, priority); category None is the district default."""
    if priority not in Priority.values:
        raise CaseInvalid(_("Priority must be one of: %(values)s.") % {"values": ", ".join(Priority.values)},
                          field="priority")
    if limit_unit not in LimitUnit.values:
        raise CaseInvalid(_("Choose working days or working hours."), field="limit_unit")
    limit = _positive(reply_limit, "reply_limit")
    assist = _positive(assist_report_limit, "assist_report_limit") if assist_report_limit is not None else None
    if assist is not None and assist > limit:
        raise CaseInvalid(_("Assisting units must report within the reply limit."), field="assist_report_limit")
    policy, _created = DeadlinePolicy.objects.update_or_create(
        category=category, priority=priority,
        defaults={"reply_limit": limit, "limit_unit": limit_unit, "assist_report_limit": assist},
    )
    return policy


def _positive(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise CaseInvalid(_("Enter a number."), field=field) from exc
    if not number.is_finite() or number <= 0 or number > 365:
        raise CaseInvalid(_("Enter a number greater than 0 and at most 365."), field=field)
    return number
