"""The home page's upcoming assists, for members."""

from __future__ import annotations

from typing import Any

from peerassist.assists.page_data import upcoming_for_viewer
from peerassist.core.home import home_section
from peerassist.core.scoping import Viewer


@home_section("assists")
def upcoming(viewer: Viewer) -> Any:
    return upcoming_for_viewer(viewer=viewer) if viewer.is_member else []
