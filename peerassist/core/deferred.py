"""Derived writes that a hot path asks to run just after its transaction, not inside it.

The search index is kept in step with the rows inside the transaction that changed them
(search/signals.py). A note posted in a live room of 500 people is the exception (issue 19):
it is published as it commits, and the index catches up a few milliseconds later, so that
nobody waits for it. The live room wraps the note's transaction::

    with deferred.after(), transaction.atomic():
        ...  # saves; a signal handler calls deferred.defer(...) instead of writing

and the deferred writes run, in order and each in its own transaction, once the block
ends without an exception (nothing runs if it raises: the transaction rolled back). One
that fails is logged, not raised: the change is committed, and whoever defers must have a
periodic job that redoes what a failed or lost write left out (search.jobs). Outside such
a block `defer` returns False and the caller writes at once, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

_pending: ContextVar[list[Callable[[], None]] | None] = ContextVar("deferred", default=None)


@contextmanager
def after() -> Iterator[None]:
    """Run the writes deferred inside the block when it ends (see the module)."""
    pending: list[Callable[[], None]] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for write in pending:
        try:
            with transaction.atomic():
                write()
        except Exception:
            logger.exception("A deferred write failed; its periodic job redoes it")


def defer(write: Callable[[], None]) -> bool:
    """Inside an `after` block: keep `write` for the block's end (True). Else False."""
    pending = _pending.get()
    if pending is None:
        return False
    pending.append(write)
    return True
