from django import forms
from django.utils.translation import gettext_lazy as _

from dajuan.notify.choices import Channel


class PreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Also send my messages by"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(c.value, c.label) for c in Channel if c != Channel.CONSOLE])
    wecom_webhook = forms.CharField(label=_("Enterprise WeChat group bot webhook"), required=False, max_length=300,
                                    widget=forms.URLInput({"class": "form-control form-control-sm"}))
