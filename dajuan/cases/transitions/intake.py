"""受理: register, reject (不予受理), merge (合并)."""

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases import ledger, validation
from dajuan.cases.choices import (
    AssignmentStatus,
    CaseStatus,
    ClosureKind,
    Verb,
)
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Case
from dajuan.cases.transitions.base import attach, end_live, next_number, now_or, start


@transaction.atomic(durable=True)
def register(*, by, at: datetime | None = None, idempotency_key: str | None = None, files: Sequence = (),
             **fields) -> Case:
    """受理: record a new case from any channel. `fields` are Case columns (title, content, source,
    requester_kind, …); validation.case_fields checks them and names the field at fault. A retry with
    the same idempotency key returns the first case. Raises NotPermitted, CaseInvalid."""
    require(by, Action.REGISTER_CASE)
    if idempotency_key and (existing := Case.objects.filter(idempotency_key=idempotency_key).first()):
        return existing
    clean = validation.case_fields(fields)
    checked_files = validation.attachments(files)
    at = now_or(at)
    row = {"number": next_number(at), "registered_at": at, "status": CaseStatus.RECEIVED, **clean}
    if idempotency_key:
        # A concurrent retry with the same key may commit first: then return its case.
        try:
            with transaction.atomic():
                case = Case.objects.create(idempotency_key=idempotency_key, **row)
        except IntegrityError:
            if existing := Case.objects.filter(idempotency_key=idempotency_key).first():
                return existing
            raise
    else:
        case = Case.objects.create(**row)
    ledger.record(case, Verb.REGISTERED, by=by, at=at, payload={
        "source": case.source, "priority": case.priority, "category": case.category_id,
        "confidential": case.confidential, "attachments": attach(case, checked_files, by=by, at=at, seq=1),
    })
    return case


@transaction.atomic(durable=True)
def reject(case: Case, *, reason: str, by, at: datetime | None = None) -> Case:
    """不予受理: the case is not the government's to answer (reason required)."""
    require(by, Action.REJECT_CASE, case)
    start(case, Verb.REJECTED)
    reason = validation.required_text(reason, "reason")
    at = now_or(at)
    ledger.record(case, Verb.REJECTED, by=by, at=at, payload={"reason": reason},
                  changes={"status": CaseStatus.REJECTED, "closed_at": at,
                           "closure_kind": ClosureKind.ADMINISTRATIVE})
    return case


@transaction.atomic(durable=True)
def merge(case: Case, *, into: Case, by, at: datetime | None = None) -> Case:
    """合并: a duplicate joins the case it repeats; its live assignments are withdrawn."""
    require(by, Action.MERGE_CASE, case)
    start(case, Verb.MERGED)
    if into.pk == case.pk or into.status in (CaseStatus.MERGED, CaseStatus.REJECTED):
        raise CaseInvalid(_("Merge into another case that is neither merged nor rejected."), field="into")
    if into.confidential != case.confidential:
        raise CaseInvalid(_("A confidential case can only be merged with another confidential case."), field="into")
    at = now_or(at)
    withdrawn = end_live(case, AssignmentStatus.WITHDRAWN, at)
    ledger.record(case, Verb.MERGED, by=by, at=at, payload={"into": into.number, "withdrawn": withdrawn},
                  changes={"status": CaseStatus.MERGED, "duplicate_of": into, "closed_at": at,
                           "closure_kind": ClosureKind.ADMINISTRATIVE})
    return case
