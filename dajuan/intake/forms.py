from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dajuan.accounts.models import mobile_validator
from dajuan.cases.choices import Satisfaction
from dajuan.cases.models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; their types are checked from the content by cases.validation."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def category_choices():
    return Category.objects.filter(is_active=True).order_by("code")


class PublicSubmissionForm(forms.Form):
    """The public H5 form (no login). `website` is a honeypot: hidden from people, filled by bots."""

    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False,
                                      empty_label=_("Not sure"), label=_("What is it about?"))
    content = forms.CharField(label=_("Describe the problem"), max_length=2000, min_length=5,
                              widget=forms.Textarea(attrs={"rows": 5}))
    address = forms.CharField(label=_("Where (address)"), max_length=200, required=False)
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput)
    photos = MultipleFileField(label=_("Photos (optional)"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, validators=[mobile_validator],
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_choices()
        max_count = getattr(settings, "DAJUAN_ATTACHMENT_MAX_COUNT", 9)
        self.fields["photos"].help_text = _("Up to %(n)s photos, %(mb)s MB each.") % {
            "n": max_count, "mb": getattr(settings, "DAJUAN_ATTACHMENT_MAX_MB", 10)}


class TrackingForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
    phone_last4 = forms.RegexField(label=_("Last four digits of your phone"), regex=r"^\d{4}$",
                                   error_messages={"invalid": _("Enter exactly four digits.")},
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}))


class EvaluationForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Are you satisfied with the reply?"), choices=Satisfaction.choices,
                                     widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


# Where a CaseInvalid's field is shown on the public form.
FORM_FIELD_FOR = {
    "title": "content", "content": "content", "requester_phone": "phone", "requester_name": "name",
    "latitude": "address", "longitude": "address", "files": "photos", "category": "category",
    "address": "address",
}
