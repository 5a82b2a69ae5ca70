from django.urls import path

from dajuan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify, name="login-verify"),
    path("logout/", views.logout_view, name="logout"),
    path("security/", views.security, name="security"),
    path("security/two-factor/start/", views.totp_start, name="totp-start"),
    path("security/two-factor/confirm/", views.totp_confirm, name="totp-confirm"),
    path("security/two-factor/disable/", views.totp_disable, name="totp-disable"),
    path("security/tokens/create/", views.token_create, name="token-create"),
    path("security/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
