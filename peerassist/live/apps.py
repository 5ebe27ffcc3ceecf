from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "peerassist.live"
    label = "live"
