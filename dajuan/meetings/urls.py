from django.urls import path

from dajuan.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_public_list, name="public-list"),
    path("<int:pk>/book/", views.meeting_book, name="book"),
    path("mine/", views.meeting_mine, name="mine"),
    path("bookings/<int:pk>/answer/", views.invitation_answer, name="answer"),
    path("all/", views.meeting_list, name="list"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/act/", views.meeting_act, name="act"),
]
