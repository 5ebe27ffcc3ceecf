from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerassist.accounts"
    label = "accounts"
