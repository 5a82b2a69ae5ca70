from django.urls import path

from dajuan.worktime import views

app_name = "worktime"
urlpatterns = [
    path("holidays/", views.holiday_list, name="holiday-list"),
    path("holidays/set/", views.holiday_set, name="holiday-set"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday-delete"),
    path("years/mark/", views.calendar_year_mark, name="calendar-year-mark"),
    path("years/<int:pk>/unmark/", views.calendar_year_unmark, name="calendar-year-unmark"),
]
