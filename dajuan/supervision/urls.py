from django.urls import path

from dajuan.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/new/", views.rule_edit, name="rule-new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
    path("settings/", views.settings_save, name="settings-save"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("callbacks/draw/", views.callback_draw, name="callback-draw"),
    path("callbacks/<int:pk>/record/", views.callback_record, name="callback-record"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/new/", views.visit_new, name="visit-new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("photos/<int:pk>/", views.visit_photo, name="visit-photo"),
    path("findings/<int:pk>/open-case/", views.finding_open_case, name="finding-open-case"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/new/", views.notice_new, name="notice-new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice-publish"),
]
