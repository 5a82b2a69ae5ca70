from django import forms
from django.utils.translation import gettext_lazy as _

from dajuan.cases.models import Category


class ProblemForm(forms.Form):
    """A problem raised at a meeting, entered by the host's office."""

    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int, choices=())
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False, empty_label=_("Not sure"),
                                      label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Describe the problem"), max_length=20000, widget=forms.Textarea)

    def __init__(self, *args, attendees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in attendees]
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("code")
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name in ("enterprise", "category")
                                          else "form-control")


class MeetingPlanForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(label=_("Attended"), coerce=int, choices=(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label=_("Minutes"), required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def __init__(self, *args, bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(b.enterprise_id, b.enterprise.name) for b in bookings]
