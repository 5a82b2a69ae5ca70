from django.urls import path

from dajuan.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_portal, name="portal"),
    path("<int:pk>/", views.policy_portal_detail, name="portal-detail"),
    path("all/", views.policy_list, name="list"),
    path("all/<int:pk>/", views.policy_detail, name="detail"),
    path("all/<int:pk>/push/", views.policy_push_view, name="push"),
]
