"""The home page of a guest: each assist they were invited to, with where to go for it."""

from __future__ import annotations

from peerassist.core.home import home_section
from peerassist.core.scoping import Viewer
from peerassist.invitations import emails
from peerassist.invitations import services as invitation_services
from peerassist.invitations.selectors import my_assist_list
from peerassist.invitations.views import writeup_link


@home_section("guest_assists")
def guest_assists(viewer: Viewer) -> list[dict[str, object]]:
    if viewer.is_member:
        return []
    rows = []
    for participation in my_assist_list(viewer=viewer):
        assist = participation.assist
        invitation = participation.invitation  # type: ignore[attr-defined]
        unanswered = (
            invitation is not None
            and invitation.status == "pending"
            and assist.status in invitation_services.INVITABLE_STATUSES
        )
        rows.append(
            {
                "assist": assist,
                "participation": participation,
                "invitation": invitation,
                "rsvp": emails.rsvp_links(invitation, absolute=False) if unanswered else {},
                "starts_local": emails.local_time(assist.starts_at, participation.person.time_zone),
                "live": assist.status == "live",
                "writeup_link": writeup_link(assist, viewer),
            }
        )
    return rows
