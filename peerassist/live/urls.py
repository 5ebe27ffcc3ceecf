from django.urls import path

from peerassist.live import views

app_name = "live"

urlpatterns = [
    path("assists/<int:assist_id>/live/", views.room, name="room"),
    path(
        "assists/<int:assist_id>/live/projector-link/", views.projector_link, name="projector_link"
    ),
    path("projector/<str:token>/", views.projector, name="projector"),
]
