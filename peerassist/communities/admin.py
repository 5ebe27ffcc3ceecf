from django.contrib import admin

from peerassist.communities.models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["members", "leads"]
