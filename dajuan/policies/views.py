"""Policy pages: an enterprise sees the policies that apply to it (opening one marks its pushes read);
staff see the registry with who received each policy."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require
from dajuan.access.scope import enterprise_id_of
from dajuan.core.errors import DomainError
from dajuan.enterprise.models import Enterprise
from dajuan.intake.models import MessageGroup
from dajuan.policies import selectors, services
from dajuan.policies.forms import PolicyForm
from dajuan.policies.models import Policy


def _enterprise(request) -> Enterprise:
    require(request.user, Action.USE_ENTERPRISE_PORTAL)
    return Enterprise.objects.select_related("industry", "town").get(pk=enterprise_id_of(request.user))


def policy_portal(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    policies = list(selectors.policies_for(enterprise))
    unread = set(enterprise.policy_pushes.filter(read_at__isnull=True).values_list("policy_id", flat=True))
    return render(request, "policies/portal_list.html", {"enterprise": enterprise, "policies": policies,
                                                         "unread": unread})


def policy_portal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request)
    policy = get_object_or_404(selectors.policies_for(enterprise), pk=pk)  # only policies that apply: else 404
    services.policies_read(policy, by=request.user)
    return render(request, "policies/portal_detail.html", {"enterprise": enterprise, "policy": policy})


@require_http_methods(["GET", "POST"])
def policy_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    can_manage = bool(decide(request.user, Action.MANAGE_POLICIES))
    form, status = PolicyForm(), 200
    if request.method == "POST":
        require(request.user, Action.MANAGE_POLICIES)
        form = PolicyForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                policy = services.policy_create(by=request.user, industries=data.pop("industries"),
                                                towns=data.pop("towns"), attachment=data.pop("attachment"), **data)
                return redirect("policies:detail", pk=policy.pk)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        status = 400
    policies = Policy.objects.select_related("issuing_unit").order_by("-issued_on", "-pk")[:200]
    return render(request, "policies/policy_list.html", {"policies": policies, "form": form,
                                                         "can_manage": can_manage}, status=status)


@require_POST
def policy_push_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Push to the portals of every matching enterprise, or publish in a 政企直通车 group."""
    policy = get_object_or_404(Policy, pk=pk)
    if request.POST.get("group"):
        group = get_object_or_404(MessageGroup, pk=request.POST["group"], is_active=True)
        services.policy_publish_to_group(policy, group, by=request.user)
    else:
        services.policy_push(policy, by=request.user)
    return redirect("policies:detail", pk=policy.pk)


def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    policy = get_object_or_404(Policy.objects.select_related("issuing_unit"), pk=pk)
    return render(request, "policies/policy_detail.html", {
        "policy": policy, "pushes": selectors.push_rows(policy)[:500], "cases": policy.cases.select_related("case"),
        "can_manage": bool(decide(request.user, Action.MANAGE_POLICIES)),
        "matching": selectors.matching_enterprises(policy).count(),
        "groups": MessageGroup.objects.filter(is_active=True).order_by("name")})
