from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "peerassist.search"
    label = "search"
