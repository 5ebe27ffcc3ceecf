from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peerassist.core"
    label = "core"

    def ready(self) -> None:
        from peerassist.core import checks  # noqa: F401 - registers the deploy checks
