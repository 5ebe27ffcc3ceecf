from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "peerassist.members"
    label = "members"
