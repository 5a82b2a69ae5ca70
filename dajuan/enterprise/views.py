"""企业服务: the enterprise portal. An enterprise account submits for its enterprise, sees all of the
enterprise's cases (access.visible_cases includes them) and evaluates replies (access decides)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require, visible_cases
from dajuan.access.scope import enterprise_id_of
from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, RequesterKind, Source
from dajuan.cases.selectors import case_list
from dajuan.core.errors import DomainError
from dajuan.enterprise.forms import EnterpriseSubmissionForm
from dajuan.enterprise.models import Enterprise
from dajuan.intake import selectors as public
from dajuan.intake.forms import EvaluationForm
from dajuan.intake.services import case_register

FIELD_FOR = {"title": "title", "content": "content", "requester_phone": "phone", "address": "address",
             "files": "files", "category": "category"}


def _enterprise(request: HttpRequest) -> Enterprise:
    require(request.user, Action.USE_ENTERPRISE_PORTAL)
    return Enterprise.objects.get(pk=enterprise_id_of(request.user))


def portal_home(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    cases = case_list(request.user)[:200]
    return render(request, "enterprise/portal_home.html", {"enterprise": enterprise, "cases": cases})


@require_http_methods(["GET", "POST"])
def portal_submit(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    if request.method == "GET":
        form = EnterpriseSubmissionForm(initial={"phone": request.user.phone})
        return render(request, "enterprise/portal_submit.html", {"enterprise": enterprise, "form": form})
    form = EnterpriseSubmissionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = case_register(
                by=request.user, channel=Source.ENTERPRISE_PORTAL, title=data["title"], content=data["content"],
                category=data["category"], requester_kind=RequesterKind.ENTERPRISE,
                requester_name=request.user.get_full_name(), requester_phone=data["phone"],
                requester_user=request.user, enterprise=enterprise, address=data["address"], files=data["files"])
            return redirect("enterprise:portal-case", number=case.number)
        except DomainError as error:
            form.add_error(FIELD_FOR.get(error.field or ""), error.message)
    return render(request, "enterprise/portal_submit.html", {"enterprise": enterprise, "form": form}, status=400)


def _case_page(request, case, *, form=None, error="", status=200):
    can_evaluate = case.status == CaseStatus.REPLIED and bool(decide(request.user, Action.EVALUATE_CASE, case))
    return render(request, "enterprise/portal_case.html", {
        "case": case, "timeline": public.public_timeline(case), "reply": public.latest_reply(case),
        "can_evaluate": can_evaluate, "form": form or EvaluationForm(), "error": error}, status=status)


def portal_case(request: HttpRequest, number: str) -> HttpResponse:
    _enterprise(request)
    case = get_object_or_404(visible_cases(request.user).select_related("intake"), number=number)
    return _case_page(request, case)


@require_POST
def portal_evaluate(request: HttpRequest, number: str) -> HttpResponse:
    _enterprise(request)
    case = get_object_or_404(visible_cases(request.user), number=number)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, form=form, status=400)
    try:
        transitions.evaluate(case, satisfaction=form.cleaned_data["satisfaction"],
                             comment=form.cleaned_data["comment"], by=request.user)
    except DomainError as error:
        case.refresh_from_db()
        return _case_page(request, case, form=form, error=error.message, status=error.http_status)
    return redirect("enterprise:portal-case", number=case.number)
