"""Background work for the members area: invitation e-mails leave here, never in a request."""

from __future__ import annotations

from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from peerassist.accounts.models import Membership
from peerassist.accounts.sso import password_refused_for
from peerassist.core.languages import language_for_person, language_for_user
from peerassist.core.mail import absolute_url, send_email
from peerassist.members.tokens import invitation_token


@task()
def send_member_invitation(membership_id: int) -> bool:
    """E-mail the invited member a link that sets their password (or points to single sign-on)."""
    membership = (
        Membership.objects.select_related("user", "organisation", "invited_by")
        .filter(pk=membership_id, deactivated_at__isnull=True)
        .first()
    )
    if membership is None or membership.user.last_login is not None:
        return False
    user = membership.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = absolute_url(
        reverse(
            "members:welcome", kwargs={"uidb64": uid, "token": invitation_token.make_token(user)}
        )
    )
    inviter = membership.invited_by
    # An organisation that signs this address in through its provider only: no password link.
    sso = password_refused_for(user.email)
    sso_here = sso is not None and sso.organisation_id == membership.organisation_id
    # The invitee's language: their account's, else their directory entry's languages.
    entry = user.people.filter(organisation=membership.organisation).first()
    language = language_for_person(entry) if entry is not None else language_for_user(user)
    with translation.override(language):
        subject = _("You are invited to peerassist at %(org)s") % {
            "org": membership.organisation.name
        }
    send_email(
        to=[user.email],
        subject=subject,
        language=language,
        template="members/email/invitation",
        context={
            "membership": membership,
            "organisation": membership.organisation,
            "inviter": str(inviter) if inviter else "",
            "link": link,
            "login_url": absolute_url(reverse("account_login")),
            "sso": sso_here,
        },
    )
    return True
