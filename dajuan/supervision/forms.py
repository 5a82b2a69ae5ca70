from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import Satisfaction
from dajuan.cases.models import Category
from dajuan.org.choices import Role
from dajuan.org.models import Unit
from dajuan.supervision.choices import CallResolution, NoticeKind, VisitKind
from dajuan.supervision.models import SupervisionRule, SupervisionSettings

WIDGET = {"class": "form-control form-control-sm"}


class RuleForm(forms.ModelForm):
    class Meta:
        model = SupervisionRule
        fields = ["category", "priority", "claim_remind_hours", "reply_remind_hours", "supervise_after_days",
                  "list_after_days", "close_after_days", "escalate_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalate_to"].queryset = get_user_model().objects.filter(
            memberships__role=Role.DISTRICT_LEADER).distinct()
        self.fields["category"].queryset = Category.objects.order_by("code")
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-select form-select-sm" if isinstance(
                field.widget, forms.Select) else "form-control form-control-sm"})

    def validate_unique(self):
        """Uniqueness is the service's to check (it names the field and the fix)."""


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SupervisionSettings
        fields = ["spot_check_percent", "spot_check_min_per_unit"]
        widgets = {"spot_check_percent": forms.NumberInput(WIDGET),
                   "spot_check_min_per_unit": forms.NumberInput(WIDGET)}


class DrawForm(forms.Form):
    week = forms.DateField(label=_("Week starting (Monday)"), widget=forms.DateInput({"type": "date", **WIDGET}))


class CallbackForm(forms.Form):
    reached = forms.TypedChoiceField(label=_("Reached the requester?"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Reached")), ("0", _("Not reached"))],
                                     widget=forms.Select({"class": "form-select form-select-sm"}))
    resolution = forms.ChoiceField(label=_("Resolution"), required=False,
                                   choices=[("", "—"), *CallResolution.choices],
                                   widget=forms.Select({"class": "form-select form-select-sm"}))
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), required=False,
                                     choices=[("", "—"), *Satisfaction.choices],
                                     widget=forms.Select({"class": "form-select form-select-sm"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2, **WIDGET}))


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices,
                             widget=forms.Select({"class": "form-select form-select-sm"}))
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(WIDGET))
    visited_on = forms.DateField(label=_("Visited on"), widget=forms.DateInput({"type": "date", **WIDGET}))
    place = forms.CharField(label=_("Place"), max_length=200, widget=forms.TextInput(WIDGET))
    unit = forms.ModelChoiceField(label=_("Unit concerned"), queryset=Unit.objects.filter(is_active=True),
                                  widget=forms.Select({"class": "form-select form-select-sm"}))
    team = forms.CharField(label=_("Team"), required=False, max_length=300, widget=forms.TextInput(WIDGET))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea({"rows": 3, **WIDGET}))
    findings = forms.CharField(label=_("Findings (one per line)"), widget=forms.Textarea({"rows": 4, **WIDGET}))


class OpenCaseForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.order_by("code"),
                                      required=False, widget=forms.Select({"class": "form-select form-select-sm"}))


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(WIDGET))
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices,
                             widget=forms.Select({"class": "form-select form-select-sm"}))
    commentary = forms.CharField(label=_("Commentary"), widget=forms.Textarea({"rows": 5, **WIDGET}))
    cases = forms.CharField(label=_("Case numbers (one per line, optionally followed by a comment after a space)"),
                            widget=forms.Textarea({"rows": 5, **WIDGET}))

    def case_lines(self) -> tuple[list[str], dict[str, str]]:
        numbers, comments = [], {}
        for line in self.cleaned_data["cases"].splitlines():
            number, _sep, comment = line.strip().partition(" ")
            if number:
                numbers.append(number)
                comments[number] = comment.strip()
        return numbers, comments
