from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Accounts come from organisation admins unless ALLOW_SIGNUP is on."""
        return settings.ALLOW_SIGNUP
