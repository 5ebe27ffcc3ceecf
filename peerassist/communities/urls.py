from django.urls import path

from peerassist.communities import views

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="list"),
    path("new/", views.community_create, name="create"),
    path("<int:community_id>/", views.community_detail, name="detail"),
    path("<int:community_id>/edit/", views.community_edit, name="edit"),
    path("<int:community_id>/members/", views.member_add, name="member_add"),
    path(
        "<int:community_id>/members/<int:person_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<int:community_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/delete/", views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:meeting_id>/round-robin/", views.round_robin_add, name="round_robin_add"),
    path("meetings/<int:meeting_id>/gives/", views.give_add, name="give_add"),
    path("meetings/<int:meeting_id>/takes/", views.take_add, name="take_add"),
    path("meetings/<int:meeting_id>/mini-assist/", views.mini_assist_create, name="mini_assist"),
    path("takes/<int:take_id>/topic/", views.take_to_topic, name="take_to_topic"),
    path("topics/", views.topic_board, name="topics"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:topic_id>/", views.topic_detail, name="topic"),
    path("topics/<int:topic_id>/edit/", views.topic_edit, name="topic_edit"),
    path("topics/<int:topic_id>/vote/", views.topic_vote, name="topic_vote"),
    path("topics/<int:topic_id>/status/", views.topic_status, name="topic_status"),
    path("topics/<int:topic_id>/assist/", views.topic_to_assist, name="topic_to_assist"),
]
