from django.urls import path

from dajuan.enterprise import care_views, import_views, service_views, views

app_name = "enterprise"
urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("submit/", views.portal_submit, name="portal-submit"),
    path("cases/<str:number>/", views.portal_case, name="portal-case"),
    path("cases/<str:number>/evaluate/", views.portal_evaluate, name="portal-evaluate"),
    path("service/", service_views.service_overview, name="service"),
    path("service/import/", import_views.registry_import, name="registry-import"),
    path("service/<int:pk>/", care_views.care_detail, name="care"),
    path("service/groups/", service_views.group_list, name="groups"),
    path("service/groups/cases/<str:number>/push/", service_views.group_answer_push, name="group-answer-push"),
]
