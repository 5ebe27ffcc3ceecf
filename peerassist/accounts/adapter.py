from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Accounts come from organisation admins unless ALLOW_SIGNUP is on."""
        return settings.ALLOW_SIGNUP

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails (address confirmation, password reset…) in the language the
        address's owner saved, not the language of whoever's browser asked for them."""
        from peerassist.accounts.models import User

        saved = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
        if not saved:
            return super().send_mail(template_prefix, email, context)
        with translation.override(saved):
            return super().send_mail(template_prefix, email, context)

    def pre_authenticate(self, request, **credentials):
        """allauth's lockout after wrong passwords, recorded in the audit log when it refuses;
        no password at all for the members of an organisation that uses single sign-on only."""
        from peerassist.accounts.sso import password_refused_for

        email = str(credentials.get("email") or "")
        config = password_refused_for(email) if email else None
        if config is not None:
            raise ValidationError(
                _(
                    "%(org)s signs its members in through single sign-on only: use the "
                    "“Use single sign-on” button."
                )
                % {"org": config.organisation.name}
            )
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from peerassist.audit.signals import record_lockout

            record_lockout(request=request, email=email)
            raise
