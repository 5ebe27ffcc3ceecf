"""Signed, expiring, single-purpose links for people who are not signed in.

Each purpose has its own salt, so a guest-access link can never be replayed as an
RSVP answer and the other way round. RSVP links also carry the invitation's current
nonce: answering replaces it, so a used link (and its siblings) stops working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing

RSVP_SALT = "peerassist.invitations.rsvp"
GUEST_ACCESS_SALT = "peerassist.invitations.guest-access"
RSVP_MAX_AGE = timedelta(days=45)
GUEST_ACCESS_MAX_AGE = timedelta(days=60)
RSVP_ACTIONS = ("accept", "decline", "suggest")


class TokenRefused(Exception):
    """The link is forged, expired, used already or meant for something else."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RsvpClaim:
    invitation_id: int
    action: str
    nonce: str


@dataclass(frozen=True)
class GuestClaim:
    invitation_id: int
    key: str


def rsvp_token(*, invitation_id: int, action: str, nonce: str) -> str:
    if action not in RSVP_ACTIONS:
        raise ValueError(action)
    return signing.dumps({"i": invitation_id, "a": action, "n": nonce}, salt=RSVP_SALT)


def rsvp_read(token: str) -> RsvpClaim:
    """What an RSVP link says, if its signature holds and it is young enough."""
    data = _load(token, RSVP_SALT, RSVP_MAX_AGE)
    try:
        claim = RsvpClaim(int(data["i"]), str(data["a"]), str(data["n"]))
    except (KeyError, TypeError, ValueError):
        raise TokenRefused("forged") from None
    if claim.action not in RSVP_ACTIONS:
        raise TokenRefused("forged")
    return claim


def guest_token(*, invitation_id: int, key: str) -> str:
    return signing.dumps({"i": invitation_id, "k": key}, salt=GUEST_ACCESS_SALT)


def guest_read(token: str) -> GuestClaim:
    """What a guest-access link says, if its signature holds and it is young enough."""
    data = _load(token, GUEST_ACCESS_SALT, GUEST_ACCESS_MAX_AGE)
    try:
        return GuestClaim(int(data["i"]), str(data["k"]))
    except (KeyError, TypeError, ValueError):
        raise TokenRefused("forged") from None


def _load(token: str, salt: str, max_age: timedelta) -> dict[str, Any]:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise TokenRefused("expired") from None
    except signing.BadSignature:
        raise TokenRefused("forged") from None
    if not isinstance(data, dict):
        raise TokenRefused("forged")
    return data
