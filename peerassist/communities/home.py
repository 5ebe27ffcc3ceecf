"""The home page's count of communities of practice."""

from __future__ import annotations

from peerassist.communities.models import Community
from peerassist.core.home import home_section
from peerassist.core.scoping import Viewer


@home_section("community_count")
def community_count(viewer: Viewer) -> int:
    return int(Community.objects.for_viewer(viewer).count())
