from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "peerassist.invitations"
    label = "invitations"
