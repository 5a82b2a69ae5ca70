"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/, in JSON and XML.

Services are the active categories (service_code: the category's external code, else its code);
a service definition lists the category's Open311 attributes. Requests are cases: GET lists them
(with an api_key, what access lets that token's user see; without, the public feed of web and Open311
cases, never who filed them); POST registers one through intake (api_key required). Status is open or
closed; expected_datetime is the reply deadline; media_url is the link the sender gave (checked and
stored by intake, never fetched). Errors are the spec's error list with 400/403/404.
"""

from datetime import UTC, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from dajuan.access.policy import public_cases, visible_cases
from dajuan.access.scope import enterprise_id_of
from dajuan.accounts.services import api_token_authenticate
from dajuan.cases.choices import ENDED_STATUSES, RequesterKind, Source, Verb
from dajuan.cases.models import Case, Category
from dajuan.core.errors import DomainError
from dajuan.enterprise.models import Enterprise
from dajuan.intake.models import Intake
from dajuan.intake.services import case_register
from dajuan.open311.attributes import AttributeError_, attribute_lines, definition
from dajuan.open311.render import error, respond

WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000


def public(view):
    return login_not_required(csrf_exempt(view))


def service_code(category: Category) -> str:
    return category.external_code or category.code


def category_for(code: str) -> Category | None:
    return (Category.objects.filter(is_active=True)
            .filter(Q(external_code=code) | Q(code=code, external_code="")).first()) if code else None


@public
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/"
    data = {
        "changeset": "2026-11-29T00:00:00+08:00",
        "contact": _("The district's 12345 service centre"),
        "key_service": _("Ask the district's dispatch office for an API token; send it as api_key."),
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                       "changeset": "2026-11-29T00:00:00+08:00", "type": "production",
                       "formats": ["application/json", "text/xml"]}],
    }
    return respond(data, fmt, root="discovery")


@public
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    categories = (Category.objects.filter(is_active=True).select_related("parent")
                  .prefetch_related("open311_attributes").order_by("code"))
    data = [{"service_code": service_code(c), "service_name": c.name, "description": c.name,
             "metadata": bool(c.open311_attributes.all()), "type": "realtime", "keywords": [],
             "group": c.parent.name if c.parent else c.name} for c in categories]
    return respond(data, fmt, root="services", item="service")


@public
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = category_for(code)
    if category is None:
        return error(fmt, 404, _("There is no service with service_code %(code)s.") % {"code": code})
    return respond(definition(category, service_code(category)), fmt, root="service_definition")


def _user(request: HttpRequest, fmt: str, *, required: bool):
    """(user or None, error response or None) from the api_key parameter."""
    key = request.POST.get("api_key") if request.method == "POST" else request.GET.get("api_key")
    if not key:
        return None, (error(fmt, 403, _("api_key is required to submit a request.")) if required else None)
    user = api_token_authenticate(key)
    if user is None:
        return None, error(fmt, 403, _("The api_key is not valid (unknown, revoked or expired)."))
    return user, None


def _status(case: Case) -> str:
    return "closed" if case.status in ENDED_STATUSES else "open"


def _request_out(case: Case, notes: dict[int, str]) -> dict:
    """A request as GeoReport shows it: never who filed it."""
    updated = max(d for d in (case.registered_at, case.dispatched_at, case.replied_at, case.closed_at) if d)
    return {
        "service_request_id": case.number, "status": _status(case), "status_notes": notes.get(case.pk, ""),
        "service_name": case.category.name if case.category else "",
        "service_code": service_code(case.category) if case.category else "",
        "description": case.content, "agency_responsible": case.lead_unit.name if case.lead_unit else "",
        "service_notice": "", "requested_datetime": case.registered_at.isoformat(),
        "updated_datetime": updated.isoformat(),
        "expected_datetime": case.reply_due.isoformat() if case.reply_due else None,
        "address": case.address, "address_id": None, "zipcode": None,
        "lat": float(case.latitude) if case.latitude is not None else None,
        "long": float(case.longitude) if case.longitude is not None else None,
        "media_url": getattr(getattr(case, "intake", None), "media_url", "") or None,
    }


def _notes(cases: list[Case]) -> dict[int, str]:
    """The latest reply (or rejection reason) of each case: what the public is told."""
    from dajuan.cases.models import Event

    notes = {}
    events = (Event.objects.filter(case__in=cases, verb__in=[Verb.REPLIED, Verb.REJECTED])
              .order_by("case_id", "seq").values_list("case_id", "payload"))
    for case_id, payload in events:
        notes[case_id] = payload.get("text") or payload.get("reason") or ""
    return notes


def _render_requests(cases: list[Case], fmt: str) -> HttpResponse:
    notes = _notes(cases)
    data = [_request_out(c, notes) for c in cases]
    return respond(data, fmt, root="service_requests", item="request")


def _scope(user):
    return visible_cases(user) if user else public_cases()


def _parse_when(value: str, name: str):
    when = parse_datetime(value.strip().replace(" ", "+")) if value else None
    if value and when is None:
        raise ValueError(_("%(name)s must be a W3C date-time, e.g. 2026-01-01T00:00:00Z.") % {"name": name})
    if when is not None and timezone.is_naive(when):
        when = when.replace(tzinfo=UTC)
    return when


@public
def requests_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        return error(fmt, 400, _("Use GET to list requests or POST to submit one."))
    user, refused = _user(request, fmt, required=False)
    if refused:
        return refused
    qs = _scope(user).select_related("category", "lead_unit", "intake")
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        return _render_requests(list(qs.filter(number__in=ids[:MAX_REQUESTS]).order_by("-registered_at")), fmt)
    try:
        start = _parse_when(request.GET.get("start_date", ""), "start_date")
        end = _parse_when(request.GET.get("end_date", ""), "end_date")
    except ValueError as exc:
        return error(fmt, 400, str(exc))
    if start and end and end - start > WINDOW:
        return error(fmt, 400, _("start_date and end_date may not span more than 90 days."))
    if start and end and end < start:
        return error(fmt, 400, _("end_date is before start_date."))
    end = end or (start + WINDOW if start else timezone.now())
    start = start or end - WINDOW
    qs = qs.filter(registered_at__gte=start, registered_at__lte=end)
    if codes := [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]:
        qs = qs.filter(Q(category__external_code__in=codes) | Q(category__code__in=codes, category__external_code=""))
    if statuses := {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}:
        if not statuses <= {"open", "closed"}:
            return error(fmt, 400, _("status must be open, closed, or both (comma-separated)."))
        if statuses == {"open"}:
            qs = qs.exclude(status__in=ENDED_STATUSES)
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=ENDED_STATUSES)
    return _render_requests(list(qs.order_by("-registered_at", "-pk")[:MAX_REQUESTS]), fmt)


@public
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    user, refused = _user(request, fmt, required=False)
    if refused:
        return refused
    case = _scope(user).select_related("category", "lead_unit", "intake").filter(number=number).first()
    if case is None:
        return error(fmt, 404, _("There is no request %(id)s.") % {"id": number})
    return _render_requests([case], fmt)


@public
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    user, refused = _user(request, fmt, required=False)
    if refused:
        return refused
    intake = Intake.objects.filter(tracking_code=token, case__in=_scope(user)).select_related("case").first()
    if intake is None:
        return error(fmt, 404, _("There is no request with token %(token)s.") % {"token": token})
    return respond([{"service_request_id": intake.case.number, "token": intake.tracking_code}], fmt,
                   root="service_requests", item="request")


def _point(request: HttpRequest):
    lat, lng = request.POST.get("lat", "").strip(), request.POST.get("long", "").strip()
    if not (lat and lng):
        return None, None
    try:
        return Decimal(lat), Decimal(lng)
    except InvalidOperation:
        raise ValueError(_("lat and long must be decimal degrees, e.g. lat=33.8446&long=115.7794.")) from None


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    user, refused = _user(request, fmt, required=True)
    if refused:
        return refused
    post = request.POST
    code = post.get("service_code", "").strip()
    if not code:
        return error(fmt, 400, _("service_code is required."))
    category = category_for(code)
    if category is None:
        return error(fmt, 400, _("There is no service with service_code %(code)s; GET services.%(fmt)s lists them.")
                     % {"code": code, "fmt": fmt})
    try:
        lat, lng = _point(request)
    except ValueError as exc:
        return error(fmt, 400, str(exc))
    address = post.get("address_string", "").strip()
    if lat is None and not address:
        return error(fmt, 400, _("Give a location: lat and long, or address_string."))
    description = post.get("description", "").strip()
    if not description:
        return error(fmt, 400, _("description is required: say what the problem is."))
    try:
        lines = attribute_lines(category, post)
    except AttributeError_ as exc:
        return error(fmt, 400, str(exc))
    enterprise = None
    if (enterprise_id := enterprise_id_of(user)) is not None:
        enterprise = Enterprise.objects.get(pk=enterprise_id)
    name = " ".join(p for p in (post.get("last_name", "").strip(), post.get("first_name", "").strip()) if p)
    content = description + ("\n\n" + "\n".join(lines) if lines else "")
    try:
        case = case_register(
            by=user, channel=Source.OPEN311, title=description.splitlines()[0][:40], content=content,
            category=category, requester_kind=RequesterKind.ENTERPRISE if enterprise else RequesterKind.CITIZEN,
            requester_name=name or post.get("email", "").strip()[:100], requester_phone=post.get("phone", "").strip(),
            requester_user=user if enterprise else None, enterprise=enterprise, address=address,
            latitude=lat, longitude=lng, media_url=post.get("media_url", ""))
    except DomainError as exc:
        field = {"latitude": "lat", "longitude": "long", "requester_phone": "phone", "content": "description",
                 "title": "description", "requester_name": "first_name"}.get(exc.field or "", exc.field)
        return error(fmt, 403 if exc.http_status == 403 else 400,
                     f"{field}: {exc.message}" if field else exc.message)
    return respond([{"service_request_id": case.number, "token": case.intake.tracking_code, "service_notice": "",
                     "account_id": None}], fmt, root="service_requests", item="request", status=201)
