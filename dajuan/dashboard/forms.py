from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dajuan.dashboard.selectors import GRANULARITIES, Period, default_period
from dajuan.org.models import Unit

MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    """The dashboard's filter: a unit (its subtree), a period of registration days, a time grain."""

    unit = forms.CharField(label=_("Unit"), required=False, max_length=40)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To (inclusive)"), required=False)
    granularity = forms.ChoiceField(label=_("Group by"), required=False,
                                    choices=[("day", _("day")), ("week", _("week")), ("month", _("month"))])

    def clean_unit(self) -> Unit | None:
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has the code %(code)s: pick a unit from the list."),
                                        params={"code": code})
        return unit

    def clean(self):
        data = super().clean()
        default = default_period(timezone.localdate())
        start = data.get("start") or default.start
        last = data.get("end") or default.last_day
        if last < start:
            self.add_error("end", _("The end date is before the start date: pick an end on or after the start."))
        elif (last - start).days >= MAX_DAYS:
            self.add_error("start", _("Pick a period of at most three years."))
        granularity = data.get("granularity") or ("month" if (last - start).days > 180 else default.granularity)
        if granularity not in GRANULARITIES:
            granularity = default.granularity
        data["period"] = Period(start, last + timedelta(days=1), granularity)
        return data
