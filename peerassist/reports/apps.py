from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "peerassist.reports"
    label = "reports"
