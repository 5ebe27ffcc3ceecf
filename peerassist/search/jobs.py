"""The search index's periodic job (see core/periodic.py)."""

from __future__ import annotations

from datetime import datetime

from peerassist.core.periodic import periodic_job
from peerassist.search import services


@periodic_job("search.notes_catch_up")
def notes_catch_up(now: datetime) -> int:
    """Live notes whose indexing after their save did not happen (the process died)."""
    return services.notes_catch_up(now=now)
