from django.contrib import admin
from django.urls import include, path

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
