from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peerassist.notifications"
    label = "notifications"
