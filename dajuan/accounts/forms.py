from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from dajuan.accounts.models import User


class LoginForm(AuthenticationForm):
    """The same message for an unknown user, a wrong password and a deactivated account: a login
    never reveals whether an account exists. AuthenticationForm passes the request to
    authenticate(), which django-axes needs to count failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Check both and try again."),
        "inactive": _("The username or password is wrong. Check both and try again."),
    }
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))


class CodeField(forms.CharField):
    """Six digits; spaces are dropped, as apps show codes like "123 456"."""

    default_validators = [RegexValidator(r"^\d{6}$", _("Enter the 6 digits your authenticator app shows."))]

    def to_python(self, value) -> str:
        return super().to_python(value).replace(" ", "")


class CodeForm(forms.Form):
    code = CodeField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "autofocus": True}),
    )


class TotpDisableForm(forms.Form):
    proof = forms.CharField(
        label=_("Current code or your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class ApiTokenCreateForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
        ("", _("Never")),
    ]

    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("Which integration uses it, e.g. “12345 hotline bridge”."))
    expires_in_days = forms.TypedChoiceField(label=_("Expires after"), choices=EXPIRY_CHOICES, coerce=int,
                                             empty_value=None, required=False, initial="90")


# --- Django admin: the user forms, for our User (full_name/phone, no first/last name) --------------


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "phone", "email")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"
