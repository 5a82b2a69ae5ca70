from django.urls import path

from dajuan.enterprise import views

app_name = "enterprise"
urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("submit/", views.portal_submit, name="portal-submit"),
    path("cases/<str:number>/", views.portal_case, name="portal-case"),
    path("cases/<str:number>/evaluate/", views.portal_evaluate, name="portal-evaluate"),
]
