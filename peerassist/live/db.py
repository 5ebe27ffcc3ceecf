"""Database work from the room's async code, typed."""

from collections.abc import Awaitable, Callable
from typing import cast

from channels.db import database_sync_to_async


def in_db_thread[**P, R](function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """channels' `database_sync_to_async` (runs `function` in the database thread and closes
    stale connections), typed: channels ships no type information."""
    return cast(Callable[P, Awaitable[R]], database_sync_to_async(function))
