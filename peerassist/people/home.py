"""The home page's counts of the organisation's people and units."""

from __future__ import annotations

from peerassist.core.home import home_section
from peerassist.core.scoping import Viewer
from peerassist.people.selectors import Overview, organisation_overview


@home_section("overview")
def overview(viewer: Viewer) -> Overview:
    return organisation_overview(viewer=viewer)
