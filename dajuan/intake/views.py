"""The public side (no login): the H5 submission form and the tracking page. Views stay thin: intake
services register, access decides (the evaluation goes through transitions.evaluate, which asks access
whether the requester's account may evaluate this case)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, RequesterKind, Source
from dajuan.core.errors import DomainError
from dajuan.intake import ratelimit, selectors
from dajuan.intake.forms import FORM_FIELD_FOR, EvaluationForm, PublicSubmissionForm, TrackingForm
from dajuan.intake.models import Intake
from dajuan.intake.services import case_register

TRACKED_SESSION_KEY = "intake_tracked"  # intake ids this browser proved (tracking code + phone digits)
SUBMITTED_SESSION_KEY = "intake_submitted"


def _limit(name: str, default: int) -> int:
    return getattr(settings, name, default)


def title_from(content: str) -> str:
    first = content.strip().splitlines()[0].strip() if content.strip() else ""
    return first[:40] + ("…" if len(first) > 40 else "")


def _remember(request: HttpRequest, intake: Intake) -> None:
    tracked = [pk for pk in request.session.get(TRACKED_SESSION_KEY, []) if pk != intake.pk][-19:]
    request.session[TRACKED_SESSION_KEY] = [*tracked, intake.pk]


@login_not_required
@require_http_methods(["GET", "POST"])
def public_submit(request: HttpRequest) -> HttpResponse:
    """我要反映: describe a problem, get a tracking code."""
    if request.method == "GET":
        return render(request, "intake/public_submit.html", {"form": PublicSubmissionForm()})
    form = PublicSubmissionForm(request.POST, request.FILES)
    if request.POST.get("website"):  # the honeypot: people never see it, bots fill it
        return render(request, "intake/public_submit.html", {"form": PublicSubmissionForm(),
                      "refused": _("The form could not be accepted. Reload the page and try again.")}, status=400)
    window = 3600
    if not ratelimit.allow("submit-ip", ratelimit.client_ip(request),
                           limit=_limit("DAJUAN_PUBLIC_SUBMITS_PER_IP_HOUR", 20), window_seconds=window):
        return render(request, "intake/public_submit.html", {"form": form, "refused": _(
            "Too many submissions from this network in the last hour. Please try again later, or call 12345.")},
            status=429)
    if not form.is_valid():
        return render(request, "intake/public_submit.html", {"form": form}, status=400)
    data = form.cleaned_data
    if not ratelimit.allow("submit-phone", data["phone"], limit=_limit("DAJUAN_PUBLIC_SUBMITS_PER_PHONE_HOUR", 5),
                           window_seconds=window):
        form.add_error("phone", _("Too many submissions with this phone number in the last hour; try again later."))
        return render(request, "intake/public_submit.html", {"form": form}, status=429)
    try:
        case = case_register(
            by=None, channel=Source.WEB, title=title_from(data["content"]), content=data["content"],
            category=data["category"], requester_kind=RequesterKind.CITIZEN, requester_name=data["name"],
            requester_phone=data["phone"], address=data["address"], latitude=data["latitude"],
            longitude=data["longitude"], files=data["photos"])
    except DomainError as error:
        form.add_error(FORM_FIELD_FOR.get(error.field or "", None), error.message)
        return render(request, "intake/public_submit.html", {"form": form}, status=error.http_status)
    intake = case.intake
    _remember(request, intake)
    request.session[SUBMITTED_SESSION_KEY] = intake.pk
    return redirect("intake:public-submitted")


@login_not_required
def public_submitted(request: HttpRequest) -> HttpResponse:
    intake = Intake.objects.filter(pk=request.session.get(SUBMITTED_SESSION_KEY)).select_related("case").first()
    if intake is None:
        return redirect("intake:public-submit")
    return render(request, "intake/public_submitted.html", {"intake": intake, "case": intake.case})


@login_not_required
@require_http_methods(["GET", "POST"])
def track_lookup(request: HttpRequest) -> HttpResponse:
    """查询进度: the tracking code and the last four digits of the phone open the case's public page."""
    if request.method == "GET":
        return render(request, "intake/track_lookup.html", {"form": TrackingForm(initial={
            "code": request.GET.get("code", "")})})
    form = TrackingForm(request.POST)
    if not ratelimit.allow("track-ip", ratelimit.client_ip(request),
                           limit=_limit("DAJUAN_TRACKING_LOOKUPS_PER_IP_HOUR", 30), window_seconds=3600):
        return render(request, "intake/track_lookup.html", {"form": form, "refused": _(
            "Too many look-ups from this network in the last hour. Please try again later.")}, status=429)
    if not form.is_valid():
        return render(request, "intake/track_lookup.html", {"form": form}, status=400)
    intake = selectors.intake_by_tracking(form.cleaned_data["code"], form.cleaned_data["phone_last4"])
    if intake is None:
        return render(request, "intake/track_lookup.html", {"form": form, "refused": _(
            "No request matches this tracking code and these phone digits. Check both and try again.")},
            status=404)
    _remember(request, intake)
    return redirect("intake:track-detail", code=intake.tracking_code)


def _proven_intake(request: HttpRequest, code: str) -> Intake | None:
    intake = Intake.objects.select_related("case", "case__lead_unit").filter(tracking_code=code).first()
    if intake is None or intake.pk not in request.session.get(TRACKED_SESSION_KEY, []):
        return None
    return intake


def _detail(request: HttpRequest, intake: Intake, *, form=None, error: str = "", status: int = 200) -> HttpResponse:
    case = intake.case
    requester = case.requester_user
    evaluation = decide(requester, Action.EVALUATE_CASE, case) if requester else None
    can_evaluate = case.status == CaseStatus.REPLIED and bool(evaluation)
    return render(request, "intake/track_detail.html", {
        "intake": intake, "case": case, "timeline": selectors.public_timeline(case),
        "reply": selectors.latest_reply(case), "can_evaluate": can_evaluate,
        "form": form or EvaluationForm(), "error": error}, status=status)


@login_not_required
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    intake = _proven_intake(request, code)
    if intake is None:
        return redirect(reverse("intake:track-lookup") + "?code=" + code)
    return _detail(request, intake)


@login_not_required
@require_POST
def track_evaluate(request: HttpRequest, code: str) -> HttpResponse:
    """评价: the requester grades the reply; access decides for the requester's account."""
    intake = _proven_intake(request, code)
    if intake is None:
        return redirect(reverse("intake:track-lookup") + "?code=" + code)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return _detail(request, intake, form=form, status=400)
    case = intake.case
    if case.requester_user is None:
        return _detail(request, intake, error=_("This request cannot be evaluated online; call 12345."), status=403)
    try:
        transitions.evaluate(case, satisfaction=form.cleaned_data["satisfaction"],
                             comment=form.cleaned_data["comment"], by=case.requester_user)
    except DomainError as error:
        intake.case.refresh_from_db()
        return _detail(request, intake, form=form, error=error.message, status=error.http_status)
    return redirect("intake:track-detail", code=intake.tracking_code)
