from django.urls import path

from dajuan.intake import import_views, views, webhook

app_name = "intake"
urlpatterns = [
    path("", views.public_submit, name="public-submit"),
    path("submitted/", views.public_submitted, name="public-submitted"),
    path("track/", views.track_lookup, name="track-lookup"),
    path("track/<str:code>/", views.track_detail, name="track-detail"),
    path("track/<str:code>/evaluate/", views.track_evaluate, name="track-evaluate"),
    path("import/", import_views.case_import, name="import"),
    path("import/progress/", import_views.case_import_progress, name="import-progress"),
    path("webhook/groups/<slug:code>/", webhook.group_message, name="group-webhook"),
]
