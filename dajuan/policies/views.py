"""Policy pages: an enterprise sees the policies that apply to it (opening one marks its pushes read);
staff see the registry with who received each policy."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.access.scope import enterprise_id_of
from dajuan.enterprise.models import Enterprise
from dajuan.policies import selectors, services
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


def policy_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    policies = Policy.objects.select_related("issuing_unit").order_by("-issued_on", "-pk")[:200]
    return render(request, "policies/policy_list.html", {"policies": policies})


def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    policy = get_object_or_404(Policy.objects.select_related("issuing_unit"), pk=pk)
    return render(request, "policies/policy_detail.html", {
        "policy": policy, "pushes": selectors.push_rows(policy)[:500], "cases": policy.cases.select_related("case")})
