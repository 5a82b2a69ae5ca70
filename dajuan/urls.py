from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from dajuan.api.api import urls as api_urls

urlpatterns = [
    path("", include("dajuan.core.urls")),
    path("accounts/", include("dajuan.accounts.urls")),
    path("org/", include("dajuan.org.urls")),
    path("calendar/", include("dajuan.worktime.urls")),
    path("supervision/", include("dajuan.supervision.urls")),
    path("notifications/", include("dajuan.notify.urls")),
    path("routing/", include("dajuan.routing.urls")),
    path("", include("dajuan.workbench.urls")),
    path("report/", include("dajuan.intake.urls")),
    path("api/", api_urls()),
    path("open311/v2/", include("dajuan.open311.urls")),
    path("enterprise/", include("dajuan.enterprise.urls")),
    path("meetings/", include("dajuan.meetings.urls")),
    path("policies/", include("dajuan.policies.urls")),
    path("dashboard/", include("dajuan.dashboard.urls")),
    path("assessment/", include("dajuan.assessment.urls")),
    # Anyone may choose the language, the public pages' visitors included.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
