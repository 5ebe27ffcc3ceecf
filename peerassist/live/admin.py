from django.contrib import admin

from peerassist.live.models import Contribution, Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin[Room]):
    list_display = ["assist", "last_seq", "current_step", "timer_status"]
    exclude = ["projector_digest"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin[Contribution]):
    list_display = ["text", "kind", "assist", "author", "starred", "deleted_at"]
    list_filter = ["kind", "starred"]
    search_fields = ["text"]
