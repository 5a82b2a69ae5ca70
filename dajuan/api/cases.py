"""Cases over the API: create (with Idempotency-Key), list (scoped by access, keyset cursor), get, and
the actions this token may take. Transitions are in api/transitions.py."""

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from dajuan.access.actions import Action
from dajuan.access.policy import available_actions, visible_cases
from dajuan.access.scope import enterprise_id_of
from dajuan.api.schemas import ActionOut, CaseIn, CaseOut, CasePageOut, ErrorOut, Text
from dajuan.cases.choices import CaseStatus, Priority, RequesterKind, Satisfaction, Source
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Case, Category
from dajuan.cases.selectors import CaseFilters, case_page, requester_phone_for
from dajuan.core.fastread import Lookup
from dajuan.enterprise.models import Enterprise
from dajuan.intake.services import case_register
from dajuan.org.models import Unit

router = Router(tags=["cases"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}

# The transitions a case page offers (object: the case). Assignment actions are decided per assignment.
CASE_ACTIONS = [
    Action.REJECT_CASE, Action.MERGE_CASE, Action.DISPATCH_CASE, Action.TRANSFER_CASE, Action.SUMMON_ASSIST,
    Action.REQUEST_EXTENSION, Action.DECIDE_EXTENSION, Action.SUSPEND_CASE, Action.NOTE_PROGRESS,
    Action.REPLY_CASE, Action.OVERRIDE_ASSIST, Action.EVALUATE_CASE, Action.RECORD_CALLBACK, Action.CLOSE_CASE,
    Action.REOPEN_CASE, Action.SUPERVISE_CASE, Action.COMMENT_CASE,
]
ASSIGNMENT_ACTIONS = [Action.CLAIM_ASSIGNMENT, Action.RETURN_ASSIGNMENT, Action.REPORT_ASSIST]


def case_out(user, case: Case, *, tracking_code: str | None = None) -> dict:
    phone, _masked = requester_phone_for(user, case)
    return {
        "number": case.number, "title": case.title, "content": case.content, "status": case.status,
        "source": case.source, "priority": case.priority, "category": case.category.code if case.category else None,
        "requester_kind": case.requester_kind, "requester_name": case.requester_name, "requester_phone": phone,
        "address": case.address, "latitude": case.latitude, "longitude": case.longitude,
        "lead_unit": case.lead_unit.code if case.lead_unit else None, "claim_due": case.claim_due,
        "reply_due": case.reply_due, "registered_at": case.registered_at, "replied_at": case.replied_at,
        "closed_at": case.closed_at, "satisfaction": case.satisfaction, "reopen_count": case.reopen_count,
        "supervision_level": case.supervision_level, "tracking_code": tracking_code,
    }


def visible_case(user, number: str) -> Case:
    """The case if this user may see it; 404 otherwise (invisible and missing look the same)."""
    case = (visible_cases(user).select_related("category", "lead_unit").prefetch_related("assignments__unit")
            .filter(number=number).first())
    if case is None:
        raise Http404
    return case


# Every registration names its category: SQL written once (core.fastread), not a queryset.
_ACTIVE_CATEGORY = Lookup((Category, "c"), tables="{Category} c", where="c.code = %s AND c.is_active")


def category_by_code(code: str | None, field: str = "category") -> Category | None:
    if not code:
        return None
    found = _ACTIVE_CATEGORY.first([code])
    category = found[0] if found else None
    if category is None:
        raise CaseInvalid(_("There is no category with code %(code)s; GET /open311/v2/services.json lists them.")
                          % {"code": code}, field=field)
    return category


def unit_by_code(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CaseInvalid(_("There is no unit with code %(code)s.") % {"code": code}, field=field)
    return unit


@router.post("/cases", response={201: CaseOut, **ERRORS}, summary="Register a case")
def case_create(request, payload: CaseIn,
                idempotency_key: Text = Header(..., alias="Idempotency-Key", min_length=8, max_length=64,
                                               description="A unique key per case; a retry with the same "
                                                           "key returns the first result.")):
    """受理 through the API: the token's user registers the case (source `api`). An enterprise account
    registers for its enterprise."""
    user = request.auth
    enterprise = None
    if (enterprise_id := enterprise_id_of(user)) is not None:
        enterprise = Enterprise.objects.get(pk=enterprise_id)
    case = case_register(
        by=user, channel=Source.API, title=payload.title, content=payload.content,
        category=category_by_code(payload.category), priority=payload.priority,
        requester_kind=RequesterKind.ENTERPRISE if enterprise else payload.requester_kind,
        requester_name=payload.requester_name, requester_phone=payload.requester_phone,
        requester_user=user if enterprise else None, enterprise=enterprise, address=payload.address,
        latitude=payload.latitude, longitude=payload.longitude, external_id=payload.external_id,
        idempotency_key=f"api:{user.pk}:{idempotency_key}")
    # The case as registered (a new case carries its intake row; a retry reads it).
    return Status(201, case_out(user, case, tracking_code=case.intake.tracking_code))


def _choices(values: list[str], allowed, field: str) -> tuple[str, ...]:
    for value in values:
        if value not in allowed:
            raise CaseInvalid(_("%(value)s is not one of: %(allowed)s.")
                              % {"value": value, "allowed": ", ".join(allowed)}, field=field)
    return tuple(values)


@router.get("/cases", response={200: CasePageOut, **ERRORS}, summary="List cases")
def case_list(request, status: list[Text] = Query([]), category: Text = Query("", max_length=40),
              unit: Text = Query("", max_length=40), source: list[Text] = Query([]),
              priority: list[Text] = Query([]), registered_from: date | None = Query(None, alias="from"),
              registered_to: date | None = Query(None, alias="to"), overdue: bool | None = None,
              level: int | None = Query(None, ge=1, le=3), satisfaction: Text = Query("", max_length=24),
              q: Text = Query("", max_length=200), cursor: Text = Query("", max_length=200),
              limit: int = Query(50, ge=1, le=500)):
    """The cases this token may see, newest first, filtered like the workbench; follow `next_cursor`."""
    if satisfaction and satisfaction not in Satisfaction.values:
        raise CaseInvalid(_("satisfaction must be one of: %(v)s.") % {"v": ", ".join(Satisfaction.values)},
                          field="satisfaction")
    filters = CaseFilters(
        statuses=_choices(status, CaseStatus.values, "status"), category=category_by_code(category),
        lead_unit=unit_by_code(unit, "unit"), sources=_choices(source, Source.values, "source"),
        priorities=_choices(priority, Priority.values, "priority"), registered_from=registered_from,
        registered_to=registered_to, overdue=overdue, min_supervision_level=level, satisfaction=satisfaction,
        text=q)
    page = case_page(request.auth, filters, after=cursor or None, limit=limit)
    return {"items": [case_out(request.auth, row.case) for row in page.rows], "next_cursor": page.next_cursor,
            "has_more": page.has_more}


@router.get("/cases/{number}", response={200: CaseOut, **ERRORS}, summary="Get a case")
def case_get(request, number: str):
    return case_out(request.auth, visible_case(request.auth, number))


@router.get("/cases/{number}/actions", response={200: list[ActionOut], **ERRORS},
            summary="What this token may do to the case")
def case_actions(request, number: str):
    """Each transition with whether this token's user may perform it now, and the reason if not
    (the status is checked when the transition runs)."""
    case = visible_case(request.auth, number)
    decisions = available_actions(request.auth, case, CASE_ACTIONS)
    out = [{"action": a.value, "allowed": bool(d), "reason": d.reason} for a, d in decisions.items()]
    live = [a for a in case.assignments.all() if a.is_active]
    for action in ASSIGNMENT_ACTIONS:
        found = [available_actions(request.auth, a, [action])[action] for a in live]
        allowed = any(found)
        reason = "" if allowed else (found[0].reason if found else _("No unit is working on this case now."))
        out.append({"action": action.value, "allowed": allowed, "reason": reason})
    return out
