from django.urls import path

from peerassist.live.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/assists/<int:assist_id>/", RoomConsumer.as_asgi()),
]
