from django.urls import path

from peerassist.assists import views

app_name = "assists"

urlpatterns = [
    path("", views.assist_list, name="list"),
    path("new/", views.assist_create, name="create"),
    path("shared/", views.shared_plans, name="shared"),
    path("<int:assist_id>/", views.overview, name="overview"),
    path("<int:assist_id>/status/", views.transition, name="transition"),
    path("<int:assist_id>/delete/", views.assist_delete, name="delete"),
    path("<int:assist_id>/brief/", views.brief, name="brief"),
    path("<int:assist_id>/brief/print/", views.brief_print, name="brief_print"),
    path("<int:assist_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<int:assist_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:assist_id>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:assist_id>/agenda/", views.agenda, name="agenda"),
    path("<int:assist_id>/logistics/", views.logistics, name="logistics"),
    path("<int:assist_id>/people/", views.people, name="people"),
    path("<int:assist_id>/people/add/", views.participation_add, name="participation_add"),
    path(
        "<int:assist_id>/people/<int:participation_id>/role/",
        views.participation_role,
        name="participation_role",
    ),
    path(
        "<int:assist_id>/people/<int:participation_id>/remove/",
        views.participation_remove,
        name="participation_remove",
    ),
    path(
        "<int:assist_id>/people/<int:participation_id>/group/",
        views.group_assign,
        name="group_assign",
    ),
    path("<int:assist_id>/groups/propose/", views.groups_propose, name="groups_propose"),
    path(
        "<int:assist_id>/groups/<int:group_id>/spokesperson/",
        views.group_spokesperson,
        name="group_spokesperson",
    ),
    path(
        "<int:assist_id>/requests/<int:request_id>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("<int:assist_id>/join/", views.join_request_create, name="join"),
]
