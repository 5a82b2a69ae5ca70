from django.urls import path

from dajuan.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.period_list, name="period-list"),
]
