from django.urls import path

from dajuan.routing import views

app_name = "routing"
urlpatterns = [
    path("cases/<str:number>/panel/", views.case_panel, name="case-panel"),
    path("cases/<str:number>/dispatch-hint/", views.dispatch_hint, name="dispatch-hint"),
    path("cases/<str:number>/merge/", views.duplicate_merge, name="duplicate-merge"),
    path("cases/<str:number>/answer/", views.answer_from_reply, name="answer-from-reply"),
    path("answers/", views.answer_list, name="answer-list"),
    path("answers/<int:pk>/", views.answer_detail, name="answer-detail"),
    path("hotspots/", views.hotspot_list, name="hotspot-list"),
    path("hotspots/<int:pk>/", views.hotspot_detail, name="hotspot-detail"),
    path("router/", views.router_versions, name="versions"),
]
