from django.urls import path

from dajuan.worktime import views

app_name = "worktime"
urlpatterns = [
    path("holidays/", views.holiday_list, name="holiday-list"),
]
