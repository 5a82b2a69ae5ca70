from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dajuan.access.actions import Action
from dajuan.access.policy import require


def holiday_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_CALENDAR)
    return render(request, "worktime/holiday_list.html", {})
