"""Staff pages of the enterprise service: the registry (contacts masked), 包保 coverage of the quarter,
the objects in the viewer's own care, and the figures per mechanism."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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
