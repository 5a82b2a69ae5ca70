from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Everything a person can be allowed or refused. Each has exactly one rule in policy.RULES."""

    VIEW_UNIT = "view_unit", _("View a unit")
    MANAGE_UNIT = "manage_unit", _("Create or change units")
    IMPORT_ORG = "import_org", _("Import units and people")
    VIEW_MEMBERS = "view_members", _("View a unit's people")
    GRANT_ROLE = "grant_role", _("Grant or revoke roles in a unit")
    MANAGE_CALENDAR = "manage_calendar", _("Edit the holiday calendar")
    VIEW_AUDIT = "view_audit", _("View the audit log")
