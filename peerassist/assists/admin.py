from django.contrib import admin

from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    Format,
    FormatStep,
    JoinRequest,
    Participation,
    PeerAssist,
)


class FormatStepInline(admin.TabularInline):
    model = FormatStep
    extra = 0
    fields = ["order", "name", "phase", "duration_minutes", "optional"]


@admin.register(Format)
class FormatAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation"]
    list_filter = ["kind", "organisation"]
    inlines = [FormatStepInline]


class AssistStepInline(admin.TabularInline):
    model = AssistStep
    extra = 0
    fields = ["order", "name", "phase", "duration_minutes", "optional"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "group", "rsvp"]


@admin.register(PeerAssist)
class PeerAssistAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "format", "starts_at", "visibility"]
    list_filter = ["organisation", "status", "format", "visibility", "mode"]
    search_fields = ["title", "challenge"]
    inlines = [AssistStepInline, ParticipationInline]


@admin.register(BreakoutGroup)
class BreakoutGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "assist", "language"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["person", "assist", "role", "status", "created_at"]
    list_filter = ["status"]
