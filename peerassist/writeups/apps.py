from django.apps import AppConfig


class WriteupsConfig(AppConfig):
    name = "peerassist.writeups"
    label = "writeups"
