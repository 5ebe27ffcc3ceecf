from django.contrib import admin

from peerassist.people.models import ExpertiseTag, Language, Person, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "unit", "job_title", "level", "is_external", "organisation"]
    list_filter = ["organisation", "level", "is_external", "languages"]
    search_fields = ["name", "email", "job_title"]
    autocomplete_fields = ["unit", "user", "expertise"]
    filter_horizontal = ["languages"]


@admin.register(ExpertiseTag)
class ExpertiseTagAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
