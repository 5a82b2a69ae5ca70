from django.urls import path

from dajuan.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.period_list, name="period-list"),
    path("setup/", views.setup, name="setup"),
    path("<int:year>/q<int:quarter>/", views.period_detail, name="period-detail"),
    path("<int:year>/q<int:quarter>/report/", views.period_report, name="period-report"),
    path("<int:year>/q<int:quarter>/export.xlsx", views.period_export, name="period-export"),
    path("<int:year>/q<int:quarter>/publish/", views.period_publish, name="period-publish"),
    path("<int:year>/q<int:quarter>/correct/", views.period_correct, name="period-correct"),
    path("<int:year>/q<int:quarter>/manual/", views.manual_score, name="manual-score"),
    path("<int:year>/q<int:quarter>/weight/", views.weight, name="weight-set"),
]
