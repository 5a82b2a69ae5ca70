from django import forms
from django.utils.translation import gettext_lazy as _

from dajuan.enterprise.choices import EnterpriseKind, EnterpriseSize
from dajuan.enterprise.models import Industry
from dajuan.org.choices import UnitKind
from dajuan.org.models import Unit


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    issuing_unit = forms.ModelChoiceField(label=_("Issuing unit"), queryset=Unit.objects.none())
    issued_on = forms.DateField(label=_("Issued"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_to = forms.DateField(label=_("Effective until"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("Attachment"), required=False)
    industries = forms.ModelMultipleChoiceField(label=_("Industries (none: any)"), required=False,
                                                queryset=Industry.objects.none())
    kinds = forms.MultipleChoiceField(label=_("Kinds (none: any)"), required=False, choices=EnterpriseKind.choices)
    sizes = forms.MultipleChoiceField(label=_("Sizes (none: any)"), required=False, choices=EnterpriseSize.choices)
    towns = forms.ModelMultipleChoiceField(label=_("Towns (none: any)"), required=False, queryset=Unit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = Unit.objects.filter(is_active=True, depth__lte=2).order_by("path")
        self.fields["industries"].queryset = Industry.objects.filter(is_active=True)
        self.fields["towns"].queryset = Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("path")
        for name, field in self.fields.items():
            multi = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            field.widget.attrs.setdefault("class", "form-select" if multi or name == "issuing_unit"
                                          else "form-control")
