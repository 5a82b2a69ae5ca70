"""Configuration services: supervision rules and the sampling settings, every change audited."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, ValidationFailed
from dajuan.supervision.models import SupervisionRule, SupervisionSettings

RULE_FIELDS = ["category", "priority", "claim_remind_hours", "reply_remind_hours", "supervise_after_days",
               "list_after_days", "close_after_days", "escalate_to"]
SETTINGS_FIELDS = ["spot_check_percent", "spot_check_min_per_unit"]


def supervision_settings() -> SupervisionSettings:
    settings, _created = SupervisionSettings.objects.get_or_create(pk=1)
    return settings


def _snapshot(obj, fields) -> dict:
    return {k: (v if not hasattr(v, "pk") else v.pk) for k, v in model_to_dict(obj, fields=fields).items()}


@transaction.atomic
def rule_save(rule: SupervisionRule | None, *, values: dict, by) -> SupervisionRule:
    """Create (rule None) or change a rule from cleaned form values. Raises NotPermitted,
    ValidationFailed (field named), Conflict if another rule already covers the same category and priority."""
    require(by, Action.CONFIGURE_SUPERVISION)
    if values["list_after_days"] <= values["supervise_after_days"]:
        raise ValidationFailed(_("挂牌督办 must come after 督办: give it more working days."), field="list_after_days")
    leader = values.get("escalate_to")
    if leader is not None and not leader.memberships.filter(role="district_leader").exists():
        raise ValidationFailed(_("%(person)s is not a district leader.") % {"person": leader}, field="escalate_to")
    clash = SupervisionRule.objects.filter(category=values.get("category"), priority=values.get("priority") or "")
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise Conflict(_("A rule for this category and priority already exists; change that one."), field="category")
    before = _snapshot(rule, RULE_FIELDS) if rule else {}
    rule = rule or SupervisionRule()
    for field in RULE_FIELDS:
        setattr(rule, field, values.get(field) if field != "priority" else values.get(field) or "")
    rule.save()
    audit_record(rule, "supervision_rule_saved", by=by, before=before, after=_snapshot(rule, RULE_FIELDS))
    return rule


@transaction.atomic
def rule_delete(rule: SupervisionRule, *, by) -> None:
    require(by, Action.CONFIGURE_SUPERVISION)
    audit_record(rule, "supervision_rule_deleted", by=by, before=_snapshot(rule, RULE_FIELDS))
    rule.delete()


@transaction.atomic
def settings_save(*, values: dict, by) -> SupervisionSettings:
    require(by, Action.CONFIGURE_SUPERVISION)
    settings = supervision_settings()
    before = _snapshot(settings, SETTINGS_FIELDS)
    for field in SETTINGS_FIELDS:
        setattr(settings, field, values[field])
    try:
        settings.full_clean()
    except DjangoValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ValidationFailed(messages[0], field=field) from None
    settings.save()
    audit_record(settings, "supervision_settings_saved", by=by, before=before,
                 after=_snapshot(settings, SETTINGS_FIELDS))
    return settings
