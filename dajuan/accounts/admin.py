"""Django admin for accounts, and the admin site's way in.

The admin has no login form of its own: /admin/login/ sends people to accounts:login, so the
two-factor step cannot be skipped there, and the admin also refuses a session that has not
passed the code when the user has two-factor login on (e.g. one logged in before it was turned on).
An administrator resets a person's lost authenticator under OTP_TOTP → TOTP devices (delete it).
"""

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from dajuan.accounts import services
from dajuan.accounts.forms import AdminUserCreationForm, UserChangeForm
from dajuan.accounts.models import ApiToken, User
from dajuan.core.errors import DomainError


def admin_has_permission(request: HttpRequest) -> bool:
    """Active staff, and — when they have two-factor login on — a session that passed the code."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_verified() or not user_has_device(user, confirmed=True)


@login_not_required
@never_cache
def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """Replaces AdminSite.login: the one login form is accounts:login."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"),
                                 reverse("accounts:login"))
    if admin_has_permission(request):
        return HttpResponseRedirect(reverse("admin:index"))
    # Logged in, but not for the admin: a redirect to the login would only come straight back.
    if request.user.is_staff and request.user.is_active:
        raise PermissionDenied(
            gettext("Log out and in again with your two-factor code to use the admin site.")
        )
    raise PermissionDenied(gettext("Your account may not use the admin site."))


admin.site.login = admin_login
admin.site.has_permission = admin_has_permission


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Django's UserAdmin for our User: one full name (姓名) and a phone, no first/last name.
    Staff and superuser status follow the ADMIN role (org.services), so they are read-only here."""

    form = UserChangeForm
    add_form = AdminUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {
            "classes": ("wide",),
            "fields": (
                "username", "full_name", "phone", "email", "usable_password", "password1", "password2",
            ),
        }),
    )
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")
    list_display = ("username", "full_name", "phone", "email", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff")
    search_fields = ("username", "full_name", "phone", "email")
    ordering = ("username",)
    filter_horizontal = ()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are issued on the security page or by `create_api_token` (the secret is
    shown once, there); here an administrator can only revoke them."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), ("expires_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            try:
                services.api_token_revoke(token, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{token}: {error.message}", messages.ERROR)
            else:
                revoked += 1
        self.message_user(
            request, gettext("Tokens revoked: %(count)d.") % {"count": revoked}, messages.SUCCESS
        )
