from django.urls import path

from dajuan.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("print/", views.overview_print, name="print"),
]
