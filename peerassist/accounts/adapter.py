from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Accounts come from organisation admins unless ALLOW_SIGNUP is on."""
        return settings.ALLOW_SIGNUP

    def pre_authenticate(self, request, **credentials):
        """allauth's lockout after wrong passwords, recorded in the audit log when it refuses."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from peerassist.audit.signals import record_lockout

            record_lockout(request=request, email=str(credentials.get("email") or ""))
            raise
