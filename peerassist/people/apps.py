from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "peerassist.people"
    label = "people"
