"""audit_record: the one way to write an AuditEntry. Called inside the service's transaction."""

from typing import Any

from django.db import models
from django.utils import timezone

from dajuan.core.models import AuditEntry


def audit_record(
    obj: models.Model,
    action: str,
    *,
    by: Any,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=by,
        actor_name=str(by)[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before or {},
        after=after or {},
    )
