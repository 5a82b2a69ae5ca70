from django.urls import path

from dajuan.workbench.views import case, lists

app_name = "workbench"
urlpatterns = [
    path("inbox/", lists.inbox_home, name="inbox-home"),
    path("inbox/badge/", lists.inbox_badge, name="inbox-badge"),
    path("inbox/<slug:key>/", lists.inbox, name="inbox"),
    path("cases/", lists.case_list_view, name="case_list"),
    path("cases/export.xlsx", lists.case_export, name="case_export"),
    path("cases/<str:number>/", case.case_detail, name="case_detail"),
    path("cases/<str:number>/act/<slug:key>/", case.case_action, name="case_action"),
    path("cases/<str:number>/dispatch-preview/", case.dispatch_preview_view, name="dispatch_preview"),
]
