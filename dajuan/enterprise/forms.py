from django import forms
from django.utils.translation import gettext_lazy as _

from dajuan.cases.models import Category
from dajuan.intake.forms import MultipleFileField


class EnterpriseSubmissionForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False, empty_label=_("Not sure"),
                                      label=_("What is it about?"))
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Describe the problem"), max_length=20000, widget=forms.Textarea)
    address = forms.CharField(label=_("Where (address)"), max_length=200, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    files = MultipleFileField(label=_("Attachments (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("code")
        self.fields["files"].widget.attrs.pop("accept", None)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name == "category" else "form-control")
