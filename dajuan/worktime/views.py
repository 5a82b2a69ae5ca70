"""The holiday page (administrators only): the effective calendar of one year and the forms that
change it. Thin: parse → require → one service → redirect, or re-render with the errors at the field."""

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.core.errors import DomainError, NotFound
from dajuan.worktime import selectors, services
from dajuan.worktime.calendar import WorkCalendar
from dajuan.worktime.forms import CalendarYearForm, HolidayForm, add_domain_error
from dajuan.worktime.models import YEAR_MAX, YEAR_MIN, CalendarYear, Holiday


@require_safe
def holiday_list(request: HttpRequest) -> HttpResponse:
    """?year= (default: this year) and ?edit=YYYY-MM-DD to load that day's row into the form."""
    require(request.user, Action.MANAGE_CALENDAR)
    year, year_problem = _year_param(request.GET.get("year"))
    initial = {}
    edit = _date_param(request.GET.get("edit"))
    holiday = Holiday.objects.filter(date=edit).first() if edit else None
    if holiday is not None:
        year = holiday.date.year
        initial = {"date": holiday.date, "is_workday": "1" if holiday.is_workday else "0",
                   "name": holiday.name, "note": holiday.note}
    return _render_page(request, year, holiday_form=HolidayForm(initial=initial), year_problem=year_problem)


@require_POST
def holiday_set(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_CALENDAR)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            holiday = services.holiday_set(**form.cleaned_data, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved: %(date)s %(name)s.")
                             % {"date": holiday.date, "name": holiday.name})
            return _to_year(holiday.date.year)
    year = form.cleaned_data["date"].year if form.cleaned_data.get("date") else None
    year, _problem = _year_param(year)
    return _render_page(request, year, holiday_form=form)


@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_CALENDAR)
    holiday = get_object_or_404(Holiday, pk=pk)
    return _remove(request, lambda: services.holiday_delete(holiday, by=request.user), year=holiday.date.year,
                   done=_("Removed: %(date)s %(name)s.") % {"date": holiday.date, "name": holiday.name})


@require_POST
def calendar_year_mark(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_CALENDAR)
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        try:
            marked = services.calendar_year_mark(**form.cleaned_data, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Year %(year)s is marked as covered.") % {"year": marked.year})
            return _to_year(marked.year)
    year, _problem = _year_param(form.cleaned_data.get("year"))
    return _render_page(request, year, year_form=form)


@require_POST
def calendar_year_unmark(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_CALENDAR)
    marked = get_object_or_404(CalendarYear, pk=pk)
    return _remove(request, lambda: services.calendar_year_unmark(marked, by=request.user), year=marked.year,
                   done=_("Year %(year)s is no longer marked as covered.") % {"year": marked.year})


def _remove(request, remove, *, year: int, done: str) -> HttpResponse:
    """Run a removal; one already removed by someone else since the page was fetched is a warning."""
    try:
        remove()
    except NotFound as error:
        messages.warning(request, str(error.message))
    else:
        messages.success(request, done)
    return _to_year(year)


def _render_page(request, year: int, *, holiday_form=None, year_form=None, year_problem="") -> HttpResponse:
    context = {
        "overview": selectors.year_overview(year, calendar=WorkCalendar.current()),
        "holiday_form": holiday_form or HolidayForm(),
        "year_form": year_form or CalendarYearForm(initial={"year": year}),
        "year_problem": year_problem,
        "previous_year": year - 1 if year > YEAR_MIN else None,
        "next_year": year + 1 if year < YEAR_MAX else None,
        "year_min": YEAR_MIN,
        "year_max": YEAR_MAX,
    }
    return render(request, "worktime/holiday_list.html", context)


def _year_param(value) -> tuple[int, str]:
    """The requested year, or this year with a message when it is missing, malformed or out of range."""
    this_year = timezone.localdate().year
    if value in (None, ""):
        return this_year, ""
    try:
        return services.validate_year(int(value)), ""
    except (TypeError, ValueError, DomainError):
        problem = _("Year “%(value)s” cannot be shown; showing %(year)s. "
                    "Choose a year from %(min)s to %(max)s.")
        return this_year, problem % {"value": value, "year": this_year, "min": YEAR_MIN, "max": YEAR_MAX}


def _date_param(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _to_year(year: int) -> HttpResponse:
    return redirect(f"{reverse('worktime:holiday-list')}?year={year}")
