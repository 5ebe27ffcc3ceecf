from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "peerassist.webhooks"
    label = "webhooks"
