"""Login (with the optional two-factor step), logout, and the account security page.

Failed logins are counted by django-axes (settings.AXES_*): after AXES_FAILURE_LIMIT failures for one
username from one address, the login answers with accounts/locked_out.html and HTTP 429 (axes'
AXES_HTTP_RESPONSE_CODE) until the cool-off passes; even the right password is refused meanwhile.
The page and status are the same whether or not the account exists. To unlock earlier, an
administrator runs one of django-axes' commands:

    dajuan axes_reset_username USERNAME         # that username, from every address
    dajuan axes_reset_ip_username IP USERNAME   # just that pair
    dajuan axes_reset_ip IP                     # every username from that address
    dajuan axes_reset                           # every lockout

or deletes the row under Axes → Access attempts in the Django admin.
"""

from datetime import timedelta

import django_otp
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.accounts import pending_login, selectors, services
from dajuan.accounts.forms import ApiTokenCreateForm, CodeForm, LoginForm, TotpDisableForm
from dajuan.accounts.models import ApiToken
from dajuan.core.errors import DomainError


class LoginView(auth_views.LoginView):
    """The password step. A user with two-factor login on is not logged in here: a pending-login
    marker sends them on to login_verify."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        if selectors.totp_device_for(user, confirmed=True) is None:
            return super().form_valid(form)
        pending_login.start(self.request, user, next_url=self.get_success_url())
        return redirect("accounts:login-verify")


login_view = LoginView.as_view()


@login_not_required
@sensitive_post_parameters("code")
@never_cache
def login_verify(request: HttpRequest) -> HttpResponse:
    """The code step: only a valid code from the user's confirmed device finishes the login."""
    marker = pending_login.current(request)
    user = selectors.user_for_pending_login(marker["user_id"]) if marker else None
    device = selectors.totp_device_for(user, confirmed=True) if user else None
    if device is None:
        pending_login.clear(request)
        messages.warning(request, _("Log in again: the code must follow the password within %(minutes)d "
                                    "minutes.") % {"minutes": pending_login.PENDING_LOGIN_SECONDS // 60})
        return redirect("accounts:login")
    form = CodeForm(request.POST) if request.method == "POST" else CodeForm()
    if form.is_valid():
        try:
            device = services.totp_verify(device, code=form.cleaned_data["code"])
        except DomainError as error:
            _form_error(form, error)
        else:
            pending_login.clear(request)
            auth_login(request, user, backend=marker["backend"])
            django_otp.login(request, device)
            # `next` was checked against the allowed hosts when the marker was set.
            return HttpResponseRedirect(marker["next"])
    return render(request, "accounts/login_verify.html", {"form": form})


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


@never_cache
def security(request: HttpRequest) -> HttpResponse:
    return _security_page(request)


@require_POST
def totp_start(request: HttpRequest) -> HttpResponse:
    try:
        services.totp_enrol_start(by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return _back_to_security("two-factor")


@require_POST
@sensitive_post_parameters("code")
@never_cache
def totp_confirm(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            device = services.totp_enrol_confirm(code=form.cleaned_data["code"], by=request.user)
        except DomainError as error:
            _form_error(form, error)
        else:
            # The code just proved the device: this session counts as verified from now on.
            django_otp.login(request, device)
            messages.success(request, _("Two-factor login is on. From now on you will be asked for a code "
                                        "after your password."))
            return _back_to_security("two-factor")
    return _security_page(request, code_form=form)


@require_POST
@sensitive_post_parameters("proof")
@never_cache
def totp_disable(request: HttpRequest) -> HttpResponse:
    form = TotpDisableForm(request.POST)
    if form.is_valid():
        try:
            services.totp_disable(proof=form.cleaned_data["proof"], by=request.user)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Two-factor login is off."))
            return _back_to_security("two-factor")
    return _security_page(request, disable_form=form)


@require_POST
@never_cache
def token_create(request: HttpRequest) -> HttpResponse:
    """Answers with the page itself, not a redirect: the secret appears in this one response only
    and is never kept, not even in the session."""
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        try:
            token, raw = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
                by=request.user,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            return _security_page(request, new_token=token, new_token_secret=raw)
    return _security_page(request, token_form=form)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if not decide(request.user, Action.REVOKE_API_TOKEN, token):
        raise Http404
    try:
        services.api_token_revoke(token, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Token “%(name)s” is revoked.") % {"name": token.name})
    return _back_to_security("api-tokens")


def _security_page(request: HttpRequest, **context) -> HttpResponse:
    user = request.user
    device = selectors.totp_device_for(user, confirmed=True)
    defaults = {
        "totp_device": device,
        "totp_pending": None if device else selectors.totp_device_for(user, confirmed=False),
        "tokens": selectors.api_token_list(user=user),
        "now": timezone.now(),
        "code_form": CodeForm(),
        "disable_form": TotpDisableForm(),
        "token_form": ApiTokenCreateForm(),
    }
    return render(request, "accounts/security.html", {**defaults, **context})


def _back_to_security(anchor: str) -> HttpResponse:
    return HttpResponseRedirect(f"{reverse('accounts:security')}#{anchor}")


def _form_error(form: Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)
