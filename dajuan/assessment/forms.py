from django import forms
from django.utils.translation import gettext_lazy as _

from dajuan.assessment.models import AssessedKind, Indicator, Metric
from dajuan.org.models import Unit


class ManualScoreForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.filter(metric=Metric.MANUAL))
    unit = forms.CharField(label=_("Unit code"), max_length=40)
    score = forms.CharField(label=_("Score (0–100)"), max_length=10)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_unit(self):
        unit = Unit.objects.filter(code=self.cleaned_data["unit"].strip()).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has this code: copy it from the table below."))
        return unit


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))


class WeightForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.all())
    weight = forms.CharField(label=_("Weight (points)"), max_length=10)


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Assessed kind"), choices=AssessedKind.choices)
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    key_work = forms.BooleanField(label=_("Key work"), required=False)
    points_per_occurrence = forms.CharField(label=_("Points deducted per occurrence"), max_length=10, initial="1")


class StarForm(forms.Form):
    stars_1 = forms.CharField(label="★", max_length=10)
    stars_2 = forms.CharField(label="★★", max_length=10)
    stars_3 = forms.CharField(label="★★★", max_length=10)
    stars_4 = forms.CharField(label="★★★★", max_length=10)
    stars_5 = forms.CharField(label="★★★★★", max_length=10)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)
    leader = forms.CharField(label=_("Leader's user name (optional)"), max_length=150, required=False)
    units = forms.CharField(label=_("Unit codes, separated by spaces or commas"),
                            widget=forms.Textarea(attrs={"rows": 2}))

    def clean_leader(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["leader"].strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("No user has this user name."))
        return user

    def clean_units(self):
        codes = [c for c in self.cleaned_data["units"].replace(",", " ").replace("，", " ").split() if c]
        units = list(Unit.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {u.code for u in units})
        if missing:
            raise forms.ValidationError(_("No unit has the code(s): %(codes)s."), params={"codes": ", ".join(missing)})
        if not units:
            raise forms.ValidationError(_("List at least one unit code."))
        return units
