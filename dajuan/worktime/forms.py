"""HTML input shape for the holiday page; the business checks live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dajuan.worktime.models import CalendarYear, Holiday

STATUS_CHOICES = [("0", _("Day off")), ("1", _("Working day (make-up)"))]


class MarksInvalidFields:
    """Adds Bootstrap's is-invalid class to a field's widget whenever the field gets an error."""

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class HolidayForm(MarksInvalidFields, forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    is_workday = forms.TypedChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, coerce=lambda value: value == "1",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=Holiday._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("e.g. Spring Festival")}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Holiday._meta.get_field("note").max_length,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class CalendarYearForm(MarksInvalidFields, forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        # Shares the page with HolidayForm, which has a "note" too: keep the HTML ids apart.
        kwargs.setdefault("auto_id", "mark_%s")
        super().__init__(*args, **kwargs)

    year = forms.IntegerField(label=_("Year"), widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Source of the schedule"),
        required=False,
        max_length=CalendarYear._meta.get_field("note").max_length,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("e.g. the State Council notice")}
        ),
    )


def add_domain_error(form: forms.Form, error) -> None:
    """Show a DomainError at its field when the form has that field, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, str(error.message))
