from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "peerassist.search"
    label = "search"

    def ready(self) -> None:
        from peerassist.search import signals

        signals.connect()
