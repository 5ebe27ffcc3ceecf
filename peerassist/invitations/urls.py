from django.urls import path

from peerassist.invitations import views

app_name = "invitations"

urlpatterns = [
    path("assists/<int:assist_id>/invitations/", views.manage, name="manage"),
    path("assists/<int:assist_id>/invitations/send/", views.send, name="send"),
    path("assists/<int:assist_id>/invitations/guest/", views.guest, name="guest"),
    path(
        "assists/<int:assist_id>/invitations/<int:invitation_id>/resend/",
        views.resend,
        name="resend",
    ),
    path(
        "assists/<int:assist_id>/invitations/<int:invitation_id>/cancel/",
        views.cancel,
        name="cancel",
    ),
    path("assists/<int:assist_id>/invitation/", views.brief, name="brief"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("guest/<str:token>/", views.guest_access, name="guest_access"),
]
