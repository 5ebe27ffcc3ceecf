"""API: communities."""

from ninja import Router

router = Router(tags=["communities"])
