from django import forms
from django.utils.translation import gettext_lazy as _

from dajuan.assessment.models import Indicator, Metric
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
