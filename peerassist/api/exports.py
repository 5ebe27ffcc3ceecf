"""API: exports of write-ups and quarterly reports."""

from ninja import Router

router = Router(tags=["exports"])
