from django.urls import path

from dajuan.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_tree, name="unit-tree"),
    path("units/<str:code>/", views.unit_detail, name="unit-detail"),
    path("import/", views.import_upload, name="import"),
    path("import/commit/", views.import_commit, name="import-commit"),
    path("import/template.xlsx", views.import_template, name="import-template"),
]
