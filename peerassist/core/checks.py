"""System checks for production: `peerassist check --deploy` runs them."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register

from peerassist.core.health import static_manifest_problem


@register(Tags.staticfiles, deploy=True)
def static_manifest_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the static files manifest is missing: every page would be a 500."""
    problem = static_manifest_problem()
    if problem is None:
        return []
    return [Warning(problem, hint="peerassist collectstatic --no-input", id="peerassist.W001")]
