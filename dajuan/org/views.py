from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require, visible_units
from dajuan.org import selectors


def unit_tree(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_UNIT)
    units = selectors.unit_tree(user=request.user)
    return render(request, "org/unit_tree.html", {"units": units})


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(visible_units(request.user), code=code)
    members_decision = decide(request.user, Action.VIEW_MEMBERS, unit)
    context = {
        "unit": unit,
        "ancestors": unit.get_ancestors(),
        "children": unit.get_children(),
        "members": selectors.unit_members(unit=unit) if members_decision else None,
        "members_decision": members_decision,
    }
    return render(request, "org/unit_detail.html", context)
