"""One 包保 object's page: its team, visits with the cases their problems became and the callbacks;
a team member (or the business-environment office) records a visit here."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require
from dajuan.cases.models import Category
from dajuan.core.errors import DomainError
from dajuan.enterprise.care import Problem, visit_record
from dajuan.enterprise.models import Enterprise
from dajuan.enterprise.selectors import visits_of


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}))
    delivered = forms.CharField(label=_("Policies and services delivered"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    problem_title = forms.CharField(label=_("Problem found (title)"), required=False, max_length=200)
    problem_content = forms.CharField(label=_("Problem found (details)"), required=False, max_length=20000,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False, empty_label=_("Not sure"),
                                      label=_("Category"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("code")
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name == "category" else "form-control")

    def problems(self) -> list[Problem]:
        data = self.cleaned_data
        if not (data["problem_title"] or data["problem_content"]):
            return []
        return [Problem(data["problem_title"], data["problem_content"], data["category"])]


FIELD_FOR = {"visited_on": "visited_on", "problems.1.title": "problem_title", "problems.1.content": "problem_content"}


@require_http_methods(["GET", "POST"])
def care_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    enterprise = get_object_or_404(Enterprise.objects.select_related("industry", "town"), pk=pk)
    can_record = bool(decide(request.user, Action.RECORD_VISIT, enterprise))
    form = VisitForm(initial={"visited_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        require(request.user, Action.RECORD_VISIT, enterprise)
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                visit_record(enterprise, visited_on=form.cleaned_data["visited_on"], visitors=[request.user],
                             delivered=form.cleaned_data["delivered"], problems=form.problems(), by=request.user)
                return redirect("enterprise:care", pk=enterprise.pk)
            except DomainError as error:
                form.add_error(FIELD_FOR.get(error.field or ""), error.message)
        status = 400
    team = getattr(enterprise, "care_team", None)
    return render(request, "enterprise/care_detail.html", {
        "enterprise": enterprise, "team": team, "visits": visits_of(enterprise).prefetch_related("problems__case"),
        "form": form, "can_record": can_record}, status=status)
