"""Forms of the case page's actions. They only shape input; the transitions validate the rules and
raise DomainErrors whose `field` the view puts back on the form (nothing typed is lost)."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dajuan.access.policy import visible_cases, visible_units
from dajuan.cases.choices import AssignmentRole, Priority, ReopenCause, Satisfaction, SupervisionLevel
from dajuan.cases.models import Category
from dajuan.cases.selectors import submitted_reply
from dajuan.org.choices import Role
from dajuan.routing.suggestions import initial_for

SEPARATORS = re.compile(r"[\s,，、;；]+")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files; the transitions check count, size and type (validation.attachments)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ActionForm(forms.Form):
    """Every action form knows who acts on which case, and carries the case version the page showed,
    so acting on a case someone changed meanwhile is refused instead of silently applied."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, case, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", case.version)
        super().__init__(*args, **kwargs)
        self.user, self.case = user, case
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.Textarea | forms.ClearableFileInput):
                field.widget.attrs.setdefault("class", "form-control form-control-sm")


def text_field(label, *, required=True, rows=3):
    return forms.CharField(label=label, required=required, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": rows}))


class UnitField(forms.CharField):
    """A unit picked by code from the searchable list (a <datalist> over the tree)."""

    def __init__(self, *args, many=False, **kwargs):
        self.many = many
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def resolve(self, value: str, user):
        codes = [c.split(" ", 1)[0] for c in SEPARATORS.split(value or "") if c]
        if not codes:
            return [] if self.many else None
        units = {u.code: u for u in visible_units(user).filter(code__in=codes)}
        unknown = [c for c in codes if c not in units]
        if unknown:
            raise forms.ValidationError(_("Unknown unit code: %(codes)s. Pick units from the list."),
                                        params={"codes": "、".join(unknown)}, code="unknown_unit")
        if not self.many and len(codes) > 1:
            raise forms.ValidationError(_("Choose one unit."), code="one_unit")
        return [units[c] for c in codes] if self.many else units[codes[0]]


class UnitFormMixin:
    unit_fields: tuple[str, ...] = ()

    def _clean_units(self):
        for name in self.unit_fields:
            if name in self.cleaned_data:
                try:
                    self.cleaned_data[name] = self.fields[name].resolve(self.cleaned_data[name], self.user)
                except forms.ValidationError as error:
                    self.add_error(name, error)


class DispatchForm(UnitFormMixin, ActionForm):
    unit_fields = ("lead_unit", "assist_units")
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True),
                                      to_field_name="code")
    lead_unit = UnitField(label=_("Lead unit"))
    assist_units = UnitField(label=_("Assisting units"), many=True, required=False,
                             help_text=_("Unit codes separated by commas; leave empty for none."))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)

    def __init__(self, *args, user, case, **kwargs):
        kwargs.setdefault("initial", {})
        for key, value in initial_for(user, case).items():  # the router's suggestion fills empty fields
            kwargs["initial"].setdefault(key, value)
        category = case.category
        kwargs["initial"].setdefault("category", category.code if category else None)
        kwargs["initial"].setdefault("priority", case.priority)
        if category and category.default_lead_unit_id:
            kwargs["initial"].setdefault("lead_unit", category.default_lead_unit.code)
        super().__init__(*args, user=user, case=case, **kwargs)

    def clean(self):
        self._clean_units()
        return self.cleaned_data


class TransferForm(UnitFormMixin, ActionForm):
    unit_fields = ("to_unit",)
    to_unit = UnitField(label=_("New lead unit"))
    reason = text_field(_("Reason"))

    def clean(self):
        self._clean_units()
        return self.cleaned_data


class SummonForm(UnitFormMixin, ActionForm):
    unit_fields = ("units",)
    units = UnitField(label=_("Units to summon"), many=True,
                      help_text=_("Unit codes separated by commas."))

    def clean(self):
        self._clean_units()
        return self.cleaned_data


class ReleaseForm(ActionForm):
    assignment = forms.ModelChoiceField(label=_("Assisting unit"), queryset=None)

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, user=user, case=case, **kwargs)
        self.fields["assignment"].queryset = case.assignments.filter(
            role=AssignmentRole.ASSIST, status__in=("pending", "claimed")).select_related("unit")
        self.fields["assignment"].label_from_instance = lambda a: a.unit.name


class ReasonForm(ActionForm):
    reason = text_field(_("Reason"))


class NoteForm(ActionForm):
    note = text_field(_("Note"), required=False, rows=2)


class ConfirmForm(ActionForm):
    """Actions without input (claim, resume): only the version."""


class TextFilesForm(ActionForm):
    text = text_field(_("Text"), rows=4)
    files = MultipleFileField(label=_("Attachments"))


class ReplyForm(TextFilesForm):
    override_assist = forms.BooleanField(
        label=_("Reply without waiting for the assisting units"), required=False,
        help_text=_("Only the lead unit's leader or a dispatcher may; the units still pending are recorded."))


class SubmitReplyForm(TextFilesForm):
    """提交审核: after a send-back the last submitted text is offered again, to edit rather than retype."""

    override_assist = forms.BooleanField(
        label=_("Ask the leader to send it without the assisting units"), required=False,
        help_text=_("The leader's approval withdraws the assisting units still pending; they are recorded."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if (last := submitted_reply(self.case)) is not None:
            self.fields["text"].initial = last.payload.get("text", "")


class ApproveReplyForm(ActionForm):
    """审核通过: the submitted reply, shown read-only, goes out as it is."""

    submitted = forms.CharField(label=_("Submitted reply"), required=False, disabled=True,
                                widget=forms.Textarea(attrs={"rows": 4, "readonly": True}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = submitted_reply(self.case)
        self.fields["submitted"].initial = last.payload.get("text", "") if last else ""
        if last is not None:
            self.fields["submitted"].help_text = _("Submitted by %(name)s.") % {"name": last.actor_name}


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Merge into case number"), max_length=20,
                           widget=forms.TextInput(attrs={"placeholder": "2026-000123"}))

    def clean_into(self):
        number = self.cleaned_data["into"].strip()
        target = visible_cases(self.user).filter(number=number).first()
        if target is None:
            raise forms.ValidationError(_("No case %(number)s that you can see; check the number."),
                                        params={"number": number}, code="unknown_case")
        return target


class ExtensionRequestForm(ActionForm):
    working_days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=60)
    reason = text_field(_("Reason"))


class ExtensionDecisionForm(ActionForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("deny", _("Deny"))])
    note = text_field(_("Note"), required=False, rows=2)


class EvaluationForm(ActionForm):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), widget=forms.RadioSelect, choices=Satisfaction.choices)
    comment = text_field(_("Comment"), required=False, rows=2)


class ReopenForm(ActionForm):
    cause = forms.ChoiceField(label=_("Cause"), choices=ReopenCause.choices, initial=ReopenCause.SPOT_CHECK)
    reason = text_field(_("Reason"))


class SuperviseForm(ActionForm):
    level = forms.TypedChoiceField(label=_("Level"), coerce=int,
                                   choices=[c for c in SupervisionLevel.choices if c[0]])
    note = text_field(_("Note"))
    escalated_to = forms.ModelChoiceField(label=_("Escalated to (挂牌督办)"), required=False, queryset=None)

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, user=user, case=case, **kwargs)
        self.fields["escalated_to"].queryset = get_user_model().objects.filter(
            memberships__role=Role.DISTRICT_LEADER, is_active=True).distinct().order_by("pk")
