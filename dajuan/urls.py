from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("dajuan.core.urls")),
    path("accounts/", include("dajuan.accounts.urls")),
    path("org/", include("dajuan.org.urls")),
    path("calendar/", include("dajuan.worktime.urls")),
    path("dashboard/", include("dajuan.dashboard.urls")),
    path("assessment/", include("dajuan.assessment.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
