"""One-time links in invitation e-mails: valid until the password is set or a sign-in happens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt, so a password-reset link is not an invitation link and vice versa.
    key_salt = "peerassist.members.InvitationTokenGenerator"

    def check_token(self, user: Any, token: Any) -> bool:
        """Like a reset token, but valid for MEMBER_INVITATION_DAYS: people are on leave."""
        if not (user and isinstance(token, str)) or token.count("-") != 1:
            return False
        ts_b36 = token.split("-")[0]
        try:
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, s), token)
            for s in secrets
        ):
            return False
        limit: int = settings.MEMBER_INVITATION_DAYS * 24 * 3600
        return (self._num_seconds(self._now()) - ts) <= limit


invitation_token = InvitationTokenGenerator()
