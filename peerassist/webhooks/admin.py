from django.contrib import admin

from peerassist.webhooks.models import Attempt, Delivery, Webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin[Webhook]):
    list_display = ["url", "organisation", "active", "created_at"]
    list_filter = ["active"]
    exclude = ["secret"]


class AttemptInline(admin.TabularInline[Attempt, Delivery]):
    model = Attempt
    extra = 0
    readonly_fields = ["number", "response_code", "error", "duration_ms", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ["event", "webhook", "status", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status", "event"]
    inlines = [AttemptInline]
