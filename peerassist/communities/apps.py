from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "peerassist.communities"
    label = "communities"
