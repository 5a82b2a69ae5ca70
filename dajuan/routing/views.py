"""Pages and htmx partials of dispatch intelligence. Thin: access decides, services write, selectors read."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require, visible_cases
from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus
from dajuan.core.errors import DomainError
from dajuan.routing import answers, hotspots, similar, suggestions
from dajuan.routing.models import Answer, RouterModel
from dajuan.routing.training import router_activate

MERGEABLE = (CaseStatus.RECEIVED, CaseStatus.RETURNED, CaseStatus.DISPATCHED)


def _case(request, number: str):
    cases = visible_cases(request.user).select_related("category", "lead_unit", "grid").prefetch_related("assignments")
    return get_object_or_404(cases, number=number)


def _back(case) -> str:
    return reverse("workbench:case_detail", args=[case.number])


@require_GET
def case_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The case page's panel: possible duplicates, similar cases with replies, standard answers."""
    case = _case(request, number)
    user = request.user
    context = {"case": case, "similar": [], "duplicates": [], "answers": [], "can_answer": False}
    if decide(user, Action.VIEW_SIMILAR, case):
        context["similar"] = similar.similar_cases(user, case, k=5)
    if case.status in MERGEABLE and decide(user, Action.MERGE_CASE, case):
        context["duplicates"] = similar.duplicates_for(user, case)
    if decide(user, Action.VIEW_ANSWERS):
        context["answers"] = answers.answers_for(case)
    context["can_answer"] = bool(case.replied_at and decide(user, Action.MANAGE_ANSWERS, case))
    return render(request, "routing/_case_panel.html", context)


@require_GET
def dispatch_hint(request: HttpRequest, number: str) -> HttpResponse:
    """The router's suggestion shown inside the dispatch form (empty for those who may not see it)."""
    case = _case(request, number)
    if not decide(request.user, Action.VIEW_ROUTING, case):
        return HttpResponse("")
    return render(request, "routing/_dispatch_hint.html",
                  {"case": case, "suggestion": suggestions.suggestion_for(request.user, case)})


@require_POST
def duplicate_merge(request: HttpRequest, number: str) -> HttpResponse:
    """One click: merge this case into the flagged earlier case, through the loop's merge."""
    case = _case(request, number)
    into = get_object_or_404(visible_cases(request.user), number=request.POST.get("into", ""))
    try:
        transitions.merge(case, into=into, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_back(case))
    messages.success(request, _("%(case)s was merged into %(into)s.") % {"case": case.number, "into": into.number})
    return redirect(_back(into))


@require_POST
def answer_from_reply(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    try:
        answer = answers.answer_from_reply(case, by=request.user, title=request.POST.get("title", ""))
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_back(case))
    messages.success(request, _("Standard answer saved."))
    return redirect("routing:answer-detail", pk=answer.pk)


@require_GET
def answer_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_ANSWERS)
    rows = Answer.objects.filter(is_active=True).select_related("category", "source_case").order_by("-created_at")
    return render(request, "routing/answer_list.html", {"answers": rows[:200]})


def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_ANSWERS)
    answer = get_object_or_404(Answer.objects.select_related("category", "source_case", "created_by"), pk=pk)
    if request.method == "POST":
        try:
            count = answers.answer_push(answer, enterprises=answers.push_targets(answer), by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Pushed to %(n)d enterprises.") % {"n": count})
        return redirect("routing:answer-detail", pk=answer.pk)
    context = {"answer": answer}
    context |= answers.push_context(request, answer)
    return render(request, "routing/answer_detail.html", context)


@require_GET
def hotspot_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_HOTSPOT)
    show_all = request.GET.get("all") == "1"
    return render(request, "routing/hotspot_list.html",
                  {"hotspots": hotspots.hotspot_list(request.user, open_only=not show_all)[:200], "show_all": show_all})


def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = get_object_or_404(hotspots.hotspot_list(request.user, open_only=False), pk=pk)
    if request.method == "POST":
        try:
            hotspots.hotspot_acknowledge(hotspot, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("routing:hotspot-detail", pk=hotspot.pk)
    return render(request, "routing/hotspot_detail.html", {
        "hotspot": hotspot, "cases": hotspots.hotspot_cases(request.user, hotspot)[:200],
        "can_acknowledge": decide(request.user, Action.ACKNOWLEDGE_HOTSPOT, hotspot)})


def router_versions(request: HttpRequest) -> HttpResponse:
    """The router's versions with their evaluation; switch the active one (rollback)."""
    require(request.user, Action.TRAIN_ROUTER)
    if request.method == "POST":
        model = get_object_or_404(RouterModel, pk=request.POST.get("model"))
        router_activate(model, by=request.user)
        messages.success(request, _("Router v%(version)s is now active.") % {"version": model.version})
        return redirect("routing:versions")
    rows = RouterModel.objects.defer("blob").select_related("trained_by").order_by("-version")[:50]
    return render(request, "routing/versions.html", {"models": rows})


