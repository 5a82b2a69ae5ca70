"""分层分档考核 pages: quarters, a quarter's results (frozen once published), publish, correct, manual
scores, weights, xlsx export, printable report. Thin: services write, selectors read, access decides."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require
from dajuan.assessment import services
from dajuan.assessment.exports import results_workbook
from dajuan.assessment.forms import CorrectionForm, IndicatorForm, ManualScoreForm, StarForm, TeamForm, WeightForm
from dajuan.assessment.models import AssessedKind, Indicator, IndicatorWeight, LeadershipTeam, Snapshot, StarThreshold
from dajuan.assessment.selectors import quarter_of, results, snapshots
from dajuan.core.errors import DomainError


def _quarter(year: int, quarter: int) -> tuple[int, int]:
    try:
        return services.check_quarter(year, quarter)
    except DomainError as error:
        raise Http404(error.message) from None


def period_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_ASSESSMENT)
    year, quarter = quarter_of(timezone.localdate())
    quarters = []
    for _i in range(8):
        quarters.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    published = {(s.year, s.quarter): s for s in Snapshot.objects.filter(
        year__gte=quarters[-1][0]).order_by("version")}
    rows = [{"year": y, "quarter": q, "snapshot": published.get((y, q))} for y, q in quarters]
    return render(request, "assessment/period_list.html", {"rows": rows})


def _detail_context(request, year: int, quarter: int) -> dict:
    data, snapshot = results(year, quarter)
    # In the tiers' own order (a snapshot's JSON object keys may come back reordered, e.g. by jsonb).
    kinds = [(kind, label, [row for row in data["units"] if row["kind"] == kind])
             for kind, label in AssessedKind.choices]
    return {"data": data, "snapshot": snapshot, "history": snapshots(year, quarter), "kinds": kinds,
            "year": year, "quarter": quarter, "can_manage": bool(decide(request.user, Action.MANAGE_ASSESSMENT))}


def period_detail(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    require(request.user, Action.VIEW_ASSESSMENT)
    year, quarter = _quarter(year, quarter)
    context = _detail_context(request, year, quarter)
    context |= {"manual_form": ManualScoreForm(), "correction_form": CorrectionForm(), "weight_form": WeightForm(),
                "weights": IndicatorWeight.objects.filter(year=year, quarter=quarter).select_related("indicator")
                .order_by("indicator__kind", "indicator__code"),
                "indicators": Indicator.objects.all()}
    return render(request, "assessment/period_detail.html", context)


def period_report(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    require(request.user, Action.VIEW_ASSESSMENT)
    year, quarter = _quarter(year, quarter)
    return render(request, "assessment/period_report.html", _detail_context(request, year, quarter))


def period_export(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    require(request.user, Action.VIEW_ASSESSMENT)
    year, quarter = _quarter(year, quarter)
    data, snapshot = results(year, quarter)
    response = HttpResponse(results_workbook(data, version=snapshot.version if snapshot else None),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    suffix = f"v{snapshot.version}" if snapshot else "draft"
    response["Content-Disposition"] = f'attachment; filename="assessment-{year}Q{quarter}-{suffix}.xlsx"'
    return response


def _post(request, year: int, quarter: int, action) -> HttpResponse:
    year, quarter = _quarter(year, quarter)
    try:
        message = action(year, quarter)
    except DomainError as error:
        messages.error(request, f"{error.field + ': ' if error.field else ''}{error.message}")
    else:
        messages.success(request, message)
    return redirect("assessment:period-detail", year=year, quarter=quarter)


@require_POST
def period_publish(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    def act(y, q):
        snapshot = services.assessment_publish(year=y, quarter=q, by=request.user)
        return f"{y}Q{q} v{snapshot.version}"
    return _post(request, year, quarter, act)


@require_POST
def period_correct(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    def act(y, q):
        snapshot = services.assessment_correct(year=y, quarter=q, reason=request.POST.get("reason", ""),
                                               by=request.user)
        return f"{y}Q{q} v{snapshot.version}"
    return _post(request, year, quarter, act)


@require_POST
def manual_score(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    form = ManualScoreForm(request.POST)

    def act(y, q):
        if not form.is_valid():
            raise services.AssessmentInvalid("; ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()))
        services.manual_score_set(indicator=form.cleaned_data["indicator"], unit=form.cleaned_data["unit"], year=y,
                                  quarter=q, score=form.cleaned_data["score"],
                                  evidence=form.cleaned_data["evidence"], by=request.user)
        return str(form.cleaned_data["unit"])
    return _post(request, year, quarter, act)


@require_POST
def weight(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    form = WeightForm(request.POST)

    def act(y, q):
        if not form.is_valid():
            raise services.AssessmentInvalid("; ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()))
        services.weight_set(indicator=form.cleaned_data["indicator"], year=y, quarter=q,
                            weight=form.cleaned_data["weight"], by=request.user)
        return str(form.cleaned_data["indicator"])
    return _post(request, year, quarter, act)


def _form_errors(form) -> str:
    return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())


def setup(request: HttpRequest) -> HttpResponse:
    """Indicators, star thresholds and leadership teams (the assessment office's settings)."""
    require(request.user, Action.MANAGE_ASSESSMENT)
    forms_by_name = {"indicator": IndicatorForm, "stars": StarForm, "team": TeamForm}
    bound = {}
    if request.method == "POST":
        which = request.POST.get("form")
        if which not in forms_by_name:
            messages.error(request, "form: ?")
            return redirect("assessment:setup")
        form = bound[which] = forms_by_name[which](request.POST)
        try:
            if not form.is_valid():
                raise services.AssessmentInvalid(_form_errors(form))
            data = form.cleaned_data
            if which == "indicator":
                services.indicator_define(code=data["code"], name=data["name"], kind=data["kind"],
                                          metric=data["metric"], key_work=data["key_work"],
                                          points_per_occurrence=data["points_per_occurrence"], by=request.user)
            elif which == "stars":
                services.star_thresholds_set(thresholds={n: data[f"stars_{n}"] for n in range(1, 6)},
                                             by=request.user)
            else:
                services.team_set(name=data["name"], units=data["units"], leader=data["leader"], by=request.user)
        except DomainError as error:
            messages.error(request, f"{error.field + ': ' if error.field else ''}{error.message}")
        else:
            messages.success(request, which)
            return redirect("assessment:setup")
    thresholds = {f"stars_{t.stars}": t.min_score for t in StarThreshold.objects.all()}
    context = {
        "indicator_form": bound.get("indicator") or IndicatorForm(),
        "star_form": bound.get("stars") or StarForm(initial=thresholds),
        "team_form": bound.get("team") or TeamForm(),
        "indicators": Indicator.objects.all(),
        "teams": LeadershipTeam.objects.prefetch_related("members__unit").select_related("leader"),
        "thresholds": StarThreshold.objects.all(),
    }
    return render(request, "assessment/setup.html", context, status=400 if bound else 200)
