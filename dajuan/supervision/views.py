"""Staff pages of supervision (督查). Thin: require → selector or service → render or redirect; a
DomainError goes back to the form at its field."""

from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require, visible_inspections, visible_notices
from dajuan.core.errors import DomainError
from dajuan.supervision import config, inspections, notices, selectors, spot_checks
from dajuan.supervision.forms import (
    CallbackForm,
    DrawForm,
    NoticeForm,
    OpenCaseForm,
    RuleForm,
    SettingsForm,
    VisitForm,
)
from dajuan.supervision.models import Finding, SpotCheck, SupervisionRule, VisitPhoto
from dajuan.worktime.forms import add_domain_error


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_SUPERVISION)
    since = timezone.now() - timedelta(days=7)
    return render(request, "supervision/overview.html", {
        "runs": selectors.recent_runs(), "flags": selectors.unit_flags(since=since),
        "cases": selectors.supervised_cases(request.user),
        "can_configure": decide(request.user, Action.CONFIGURE_SUPERVISION),
    })


# --- configuration ---------------------------------------------------------------------------------


@require_safe
def rule_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_SUPERVISION)
    return render(request, "supervision/rule_list.html", {
        "rules": selectors.rules(), "settings_form": SettingsForm(instance=config.supervision_settings()),
        "can_configure": decide(request.user, Action.CONFIGURE_SUPERVISION)})


@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Action.CONFIGURE_SUPERVISION)
    rule = get_object_or_404(SupervisionRule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            config.rule_save(rule, values=form.cleaned_data, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The rule is saved."))
            return redirect("supervision:rule-list")
    return render(request, "supervision/rule_edit.html", {"form": form, "rule": rule},
                  status=400 if form.errors else 200)


@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.CONFIGURE_SUPERVISION)
    config.rule_delete(get_object_or_404(SupervisionRule, pk=pk), by=request.user)
    messages.success(request, _("The rule is deleted; the default rule applies to its cases."))
    return redirect("supervision:rule-list")


@require_POST
def settings_save(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CONFIGURE_SUPERVISION)
    form = SettingsForm(request.POST, instance=config.supervision_settings())
    if form.is_valid():
        try:
            config.settings_save(values=form.cleaned_data, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The sampling settings are saved."))
            return redirect("supervision:rule-list")
    return render(request, "supervision/rule_list.html", {
        "rules": selectors.rules(), "settings_form": form, "can_configure": True}, status=400)


# --- spot-check callbacks ----------------------------------------------------------------------------


def _callbacks_page(request, *, draw_form=None, forms=None, status=200) -> HttpResponse:
    forms = forms or {}
    rows = selectors.callback_queue(request.user)
    for row in rows:
        row["form"] = forms.get(row["check"].pk) or CallbackForm(prefix=f"c{row['check'].pk}")
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    return render(request, "supervision/callbacks.html", {
        "rows": rows, "done": selectors.recent_callbacks(request.user),
        "draw_form": draw_form or DrawForm(initial={"week": monday})}, status=status)


@require_safe
def callbacks(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SPOT_CHECK)
    return _callbacks_page(request)


@require_POST
def callback_draw(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SPOT_CHECK)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            batch = spot_checks.spot_check_draw(week=form.cleaned_data["week"], by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(n)s cases drawn from %(population)s for the week of %(week)s.") % {
                "n": batch.checks.count(), "population": batch.population, "week": batch.week})
            return redirect("supervision:callbacks")
    return _callbacks_page(request, draw_form=form, status=400)


@require_POST
def callback_record(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SPOT_CHECK)
    check = get_object_or_404(SpotCheck.objects.select_related("case"), pk=pk)
    require(request.user, Action.SPOT_CHECK, check.case)
    form = CallbackForm(request.POST, prefix=f"c{pk}")
    if form.is_valid():
        try:
            spot_checks.spot_check_record(check, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The callback on %(number)s is recorded.") % {"number": check.case.number})
            return redirect("supervision:callbacks")
    return _callbacks_page(request, forms={pk: form}, status=400)


# --- field visits (联合督查, 暗访) --------------------------------------------------------------------


@require_safe
def visit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_INSPECTIONS)
    return render(request, "supervision/visit_list.html", {
        "visits": selectors.visit_list(request.user), "can_record": decide(request.user, Action.RECORD_INSPECTION)})


@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RECORD_INSPECTION)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["findings"] = data["findings"].splitlines()
        try:
            visit = inspections.visit_record(**data, photos=request.FILES.getlist("photos"), by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The visit is recorded."))
            return redirect("supervision:visit-detail", pk=visit.pk)
    return render(request, "supervision/visit_new.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_INSPECTIONS)
    visit = get_object_or_404(visible_inspections(request.user).select_related("unit", "created_by"), pk=pk)
    return render(request, "supervision/visit_detail.html", {
        "visit": visit, "findings": visit.findings.select_related("case"), "photos": visit.photos.all(),
        "open_form": OpenCaseForm(), "can_record": decide(request.user, Action.RECORD_INSPECTION)})


@require_safe
def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A visit photo, only for those who may see inspections (暗访 photos are not public media)."""
    require(request.user, Action.VIEW_INSPECTIONS)
    photo = get_object_or_404(VisitPhoto.objects.filter(visit__in=visible_inspections(request.user)), pk=pk)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type, filename=photo.original_name)


@require_POST
def finding_open_case(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RECORD_INSPECTION)
    finding = get_object_or_404(Finding.objects.select_related("visit__unit"), pk=pk)
    form = OpenCaseForm(request.POST)
    category = form.cleaned_data["category"] if form.is_valid() else None
    try:
        case = inspections.finding_open_case(finding, category=category, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Case %(number)s is registered from the finding.") % {"number": case.number})
    return redirect("supervision:visit-detail", pk=finding.visit_id)


# --- notices (通报) ----------------------------------------------------------------------------------


@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_NOTICE)
    return render(request, "supervision/notice_list.html", {
        "notices": selectors.notice_list(request.user), "can_compose": decide(request.user, Action.COMPOSE_NOTICE)})


@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.COMPOSE_NOTICE)
    form = NoticeForm(request.POST or None, initial={"cases": request.GET.get("cases", "")})
    if request.method == "POST" and form.is_valid():
        numbers, comments = form.case_lines()
        try:
            notice = notices.notice_create(title=form.cleaned_data["title"], kind=form.cleaned_data["kind"],
                                           commentary=form.cleaned_data["commentary"], case_numbers=numbers,
                                           comments=comments, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("supervision:notice-detail", pk=notice.pk)
    return render(request, "supervision/notice_new.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(visible_notices(request.user).select_related("created_by", "published_by"), pk=pk)
    require(request.user, Action.VIEW_NOTICE, notice)
    template = "supervision/notice_print.html" if request.GET.get("print") else "supervision/notice_detail.html"
    return render(request, template, {
        "notice": notice, "items": notice.items.select_related("case__lead_unit", "case__category"),
        "units": notice.units.all(), "can_compose": decide(request.user, Action.COMPOSE_NOTICE)})


@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.COMPOSE_NOTICE)
    notice = get_object_or_404(visible_notices(request.user), pk=pk)
    try:
        notices.notice_publish(notice, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The notice is published to its units and the district leaders."))
    return redirect("supervision:notice-detail", pk=pk)
