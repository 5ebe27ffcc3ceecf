from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peerassist.audit"
    label = "audit"

    def ready(self) -> None:
        from peerassist.audit import signals  # noqa: F401  (sign-in receivers)
