"""一图全览 pages: thin views over dashboard.selectors."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.policy import decide, visible_figure_units
from dajuan.dashboard.forms import PeriodForm
from dajuan.dashboard.selectors import dashboard_data
from dajuan.org.choices import Role, UnitKind
from dajuan.org.models import Unit
from dajuan.routing.hotspots import hotspots_for_unit

# Units offered in the picker; villages and grids are reached by drilling down through the rankings.
PICKER_KINDS = (UnitKind.DISTRICT, UnitKind.DEPARTMENT, UnitKind.TOWN, UnitKind.SERVICE_CENTRE)


def home_unit(user) -> Unit | None:
    """Where a user's figures open: the district for jurisdiction roles, else the first led or own unit."""
    if scope.has_jurisdiction(user):
        return Unit.objects.filter(depth=1).order_by("path").first()
    led = scope.units_with_role(user, Role.UNIT_LEADER)
    return led[0] if led else next((m.unit for m in scope.memberships_of(user)), None)


def _context(request: HttpRequest) -> tuple[dict, int]:
    form = PeriodForm(request.GET)
    valid = form.is_valid()
    unit = (form.cleaned_data.get("unit") if valid else None) or home_unit(request.user)
    decision = decide(request.user, Action.VIEW_DASHBOARD, unit)
    if unit is None or not decision:
        raise PermissionDenied(decision.reason or "")
    context = {
        "form": form, "unit": unit,
        "picker": visible_figure_units(request.user).filter(kind__in=PICKER_KINDS).order_by("path")
        .values("code", "name", "depth"),
    }
    if not valid:
        return context, 400
    context["data"] = dashboard_data(request.user, unit=unit, period=form.cleaned_data["period"])
    context["hotspots"] = hotspots_for_unit(request.user, unit)
    return context, 200


def overview(request: HttpRequest) -> HttpResponse:
    context, status = _context(request)
    return render(request, "dashboard/overview.html", context, status=status)


def overview_print(request: HttpRequest) -> HttpResponse:
    context, status = _context(request)
    return render(request, "dashboard/print.html", context, status=status)
