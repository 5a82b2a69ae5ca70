"""Inboxes, the case list with its filters and keyset pages, and the xlsx export."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases.choices import CaseStatus, Priority, Satisfaction, Source, SupervisionLevel
from dajuan.cases.models import Category
from dajuan.cases.selectors import CaseFilters, case_list, case_page
from dajuan.core.errors import DomainError
from dajuan.workbench import export, selectors
from dajuan.workbench.casepage import unit_options
from dajuan.workbench.rows import list_rows

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request, filters, where=None, within=None) -> tuple[object, DomainError | None]:
    try:
        return case_page(request.user, filters, after=request.GET.get("after") or None, limit=PAGE_SIZE,
                         where=where, within=within), None
    except DomainError as error:
        return None, error


def _next_url(request, cursor: str | None) -> str | None:
    if not cursor:
        return None
    query = request.GET.copy()
    query["after"] = cursor
    return f"{request.path}?{query.urlencode()}"


def inbox_home(request: HttpRequest) -> HttpResponse:
    """The first inbox with work in it (or the first inbox, or the case list for roles without any)."""
    require(request.user, Action.USE_WORKBENCH)
    groups = selectors.inbox_counts(request.user)
    boxes = [c for _g, counts in groups for c in counts]
    if not boxes:
        return redirect("workbench:case_list")
    first = next((c for c in boxes if c.count and c.inbox.badge), boxes[0])
    return redirect("workbench:inbox", key=first.inbox.key)


def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The navigation's count of waiting work, loaded by htmx after the page (so other pages pay nothing)."""
    require(request.user, Action.USE_WORKBENCH)
    return render(request, "workbench/_nav_badge.html", {"total": selectors.inbox_total(request.user)})


def inbox(request: HttpRequest, key: str) -> HttpResponse:
    require(request.user, Action.USE_WORKBENCH)
    box = selectors.BY_KEY.get(key)
    if box is None or box not in selectors.inboxes_for(request.user):
        raise Http404(_("No such inbox."))
    moment = selectors.Moment.at()  # one reading of the clock and the calendar for the counts and the list
    groups = selectors.inbox_counts(request.user, moment)
    group = selectors.GROUP_BY_KEY[box.group]
    page, error = _page(request, None, where=box.where(request.user, moment),
                        within=group.cases(request.user, moment) if group.scope else None)
    figures = selectors.leader_figures(request.user, now=moment.now) if box.group == "leader" else None
    return render(request, "workbench/inbox.html", {
        "groups": groups, "inbox": box, "page": page, "error": error, "figures": figures,
        "rows": list_rows(page.rows, now=moment.now) if page else [],
        "next_url": _next_url(request, page.next_cursor if page else None),
    })


def _filter_context(request, filters, error) -> dict:
    return {
        "statuses": CaseStatus.choices, "sources": Source.choices, "priorities": Priority.choices,
        "satisfactions": Satisfaction.choices, "levels": [c for c in SupervisionLevel.choices if c[0]],
        "categories": Category.objects.filter(is_active=True).order_by("code").only("code", "name"),
        "unit_options": unit_options(request.user), "query": request.GET, "filters": filters, "error": error,
        "selected": {name: request.GET.getlist(name) for name in ("status", "source", "priority")},
    }


def case_list_view(request: HttpRequest) -> HttpResponse:
    """Every case the user may see, narrowed by the contract's GET parameters (CaseFilters.from_query)."""
    require(request.user, Action.USE_WORKBENCH)
    page, error, filters = None, None, None
    try:
        filters = CaseFilters.from_query(request.GET)
    except DomainError as exc:
        error = exc
    if error is None:
        page, error = _page(request, filters)
    context = _filter_context(request, filters, error)
    query = request.GET.copy()
    query.pop("after", None)
    context |= {"page": page, "rows": list_rows(page.rows, now=timezone.now()) if page else [],
                "next_url": _next_url(request, page.next_cursor if page else None),
                "export_query": query.urlencode(), "groups": selectors.inbox_counts(request.user)}
    return render(request, "workbench/case_list.html", context, status=error.http_status if error else 200)


def case_export(request: HttpRequest) -> HttpResponse:
    """台账 xlsx of the filtered list; refused with a message above DAJUAN_EXPORT_MAX_ROWS."""
    require(request.user, Action.USE_WORKBENCH)
    try:
        filters = CaseFilters.from_query(request.GET)
        data = export.export_cases(request.user, case_list(request.user, filters))
    except DomainError as error:
        context = _filter_context(request, None, error) | {"page": None, "groups": selectors.inbox_counts(request.user),
                                                           "export_query": request.GET.urlencode()}
        return render(request, "workbench/case_list.html", context, status=error.http_status)
    name = f"dajuan-cases-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
