"""The home page's sections: each app that shows something there declares it in its `home.py`
(discovered like the periodic jobs), so `core` names no stage app::

    from peerassist.core.home import home_section

    @home_section("assists")
    def upcoming(viewer): ...

A section receives the signed-in viewer and returns what the template shows under its name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import autodiscover_modules

from peerassist.core.scoping import Viewer

Section = Callable[[Viewer], Any]

_registry: dict[str, Section] = {}


def home_section(name: str) -> Callable[[Section], Section]:
    """Register `function` as the home page's `name` section."""

    def register(function: Section) -> Section:
        _registry[name] = function
        return function

    return register


def home_context(viewer: Viewer | None) -> dict[str, Any]:
    """Every section for the viewer (none for someone not in an organisation)."""
    autodiscover_modules("home")
    if viewer is None:
        return {}
    return {name: section(viewer) for name, section in sorted(_registry.items())}
