"""Schemas every API module shares: the error bodies (mapped in api/api.py)."""

from typing import Any

from ninja import Schema

NO_SUCH_ASSIST = "No such assist, or you may not see it."


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    detail: list[dict[str, Any]]
