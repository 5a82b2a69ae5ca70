"""Staff pages of the enterprise service: the registry (contacts masked), 包保 coverage of the quarter,
the objects in the viewer's own care, and the figures per mechanism."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.enterprise import figures, selectors
from dajuan.enterprise.choices import EnterpriseKind


def service_overview(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    today = timezone.localdate()
    year, quarter = selectors.quarter_of(today)
    try:
        year = int(request.GET.get("year", year))
    except ValueError:
        year = today.year
    four = {"1": True, "0": False}.get(request.GET.get("four_above", ""))
    rows = selectors.enterprise_rows(q=request.GET.get("q", "").strip()[:100], kind=request.GET.get("kind", ""),
                                     four_above=four)
    return render(request, "enterprise/service_overview.html", {
        "rows": rows, "kinds": EnterpriseKind.choices, "year": year, "quarter": quarter,
        "figures": figures.all_figures(date(year, 1, 1), date(year, 12, 31)),
        "coverage": selectors.care_coverage(*selectors.quarter_of(today)),
        "my_care": selectors.care_for(request.user), "query": request.GET})


def group_list(request: HttpRequest) -> HttpResponse:
    """微信矩阵群: the groups with their staffing and problems; the office pushes an answered problem's
    answer to every member of the same profile."""
    from dajuan.access.policy import decide
    from dajuan.intake.groups import answered_group_cases, group_rows

    require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    groups = list(group_rows())
    selected = next((g for g in groups if str(g.pk) == request.GET.get("group")), groups[0] if groups else None)
    return render(request, "enterprise/group_list.html", {
        "groups": groups, "selected": selected,
        "cases": answered_group_cases(selected) if selected else [],
        "can_push": bool(decide(request.user, Action.MANAGE_POLICIES))})


@require_POST
def group_answer_push(request: HttpRequest, number: str) -> HttpResponse:
    from dajuan.access.policy import visible_cases
    from dajuan.core.errors import DomainError
    from dajuan.intake.groups import answer_push

    case = get_object_or_404(visible_cases(request.user).select_related("intake"), number=number)
    try:
        answer_push(case, by=request.user)
    except DomainError as error:
        return HttpResponse(error.message, status=error.http_status)
    return redirect(f"{request.path.rsplit('/cases/', 1)[0]}/?group={case.intake.group_id}")
