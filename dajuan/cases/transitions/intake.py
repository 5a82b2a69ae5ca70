"""受理: register, reject (不予受理), merge (合并)."""

from collections.abc import Callable, Sequence
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
from dajuan.core import fastwrite
from dajuan.core.errors import Conflict


def register(*, by, at: datetime | None = None, idempotency_key: str | None = None, files: Sequence = (),
             requester_account: Callable | None = None, **fields) -> Case:
    """受理: record a new case from any channel. `fields` are Case columns (title, content, source,
    requester_kind, …); validation.case_fields checks them and names the field at fault. A retry with
    the same idempotency key returns the first case. `requester_account()`, when given, is called inside
    the transaction for the requester's account (intake makes a citizen's account with their first
    case, both or neither); with `by=None` that account registers the case. Raises NotPermitted,
    CaseInvalid, Conflict (a key reused for a different request).

    Checks and reads come before the transaction: on SQLite the write lock is held from BEGIN to
    COMMIT, so every registration in the district waits for whatever runs inside it."""
    by = by or fields.get("requester_user")
    if by is not None or requester_account is None:
        require(by, Action.REGISTER_CASE)
    clean = validation.case_fields(fields)
    checked_files = validation.attachments(files)
    at = now_or(at)
    with transaction.atomic(durable=True):
        if requester_account is not None:
            clean["requester_user"] = requester_account()
            if by is None:
                by = clean["requester_user"]
                require(by, Action.REGISTER_CASE)
        if idempotency_key:
            # Insert first (the common case is a new key); a known key fails the unique index and the
            # savepoint takes the number back with it, so numbers stay gapless.
            try:
                with transaction.atomic():
                    case = _insert(clean, at, idempotency_key=idempotency_key)
            except IntegrityError:
                if existing := Case.objects.filter(idempotency_key=idempotency_key).first():
                    return _repeated(existing, clean)
                raise
        else:
            case = _insert(clean, at)
        ledger.open_chain(case, Verb.REGISTERED, by=by, at=at, payload={
            "source": case.source, "priority": case.priority, "category": case.category_id,
            "confidential": case.confidential, "attachments": attach(case, checked_files, by=by, at=at, seq=1),
        })
    return case


def _insert(clean: dict, at: datetime, **extra) -> Case:
    return fastwrite.insert(Case(number=next_number(at), registered_at=at, status=CaseStatus.RECEIVED, version=1,
                                 **clean, **extra))


def _repeated(existing: Case, clean: dict) -> Case:
    """A retry must repeat its request: a key reused for a different case is refused (409), never
    answered with the first case."""
    category = clean.get("category")
    sent = (clean["title"], clean["content"], category.pk if category else None,
            clean["requester_phone"], clean["address"])
    if sent != (existing.title, existing.content, existing.category_id, existing.requester_phone, existing.address):
        raise Conflict(_("This idempotency key was already used for a different request (case %(number)s). "
                         "Send a new key for a new case.") % {"number": existing.number}, field="idempotency_key")
    return existing


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
