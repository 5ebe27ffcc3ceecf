"""API: writeups."""

from ninja import Router

router = Router(tags=["writeups"])
