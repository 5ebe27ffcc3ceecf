"""Schemas and types every API module shares: the one error body (mapped in api/api.py),
bounded ids and pages, and optional fields that may be left out but not sent as null."""

from datetime import date
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AwareDatetime, BeforeValidator, ConfigDict, Strict

NO_SUCH_ASSIST = "No such assist, or you may not see it."

#: Database ids are 64-bit signed integers: anything outside 1…2^63−1 can name nothing.
MAX_ID = 2**63 - 1
#: The last page any list or search serves; documented in every `page` parameter.
MAX_PAGE = 10_000

#: An id in the path or the query string (text there, so read leniently).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: An id in a JSON body: a JSON integer, not "12" or 12.0 (the schema says integer).
BodyId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]


def _text(value: Any) -> Any:
    # pydantic would read a number as a Unix time; the schema says a date is a string.
    if not isinstance(value, str):
        raise ValueError(_("Send dates and times as text, e.g. 2026-09-30 or 2026-09-30T09:00Z."))
    return value


#: A date or an aware date-time in a JSON body: ISO 8601 text only.
BodyDate = Annotated[date, BeforeValidator(_text)]
BodyDateTime = Annotated[AwareDatetime, BeforeValidator(_text)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description=f"1 to {MAX_PAGE}.")]


class BoundedPages(PageNumberPagination):
    """Page-number pagination whose page and page size are bounded in the schema."""

    class Input(Schema):
        page: Page = 1
        page_size: int | None = Field(None, ge=1, le=100, description="At most 100.")


class FindingOut(Schema):
    """What a rule found in a brief, a plan, a topic or a write-up (peerassist.core.findings)."""

    level: str
    code: str
    message: str
    field: str | None


class PersonRefOut(Schema):
    """A person named in an answer: who owns an action, leads a community, raised a topic."""

    id: int
    name: str


class ErrorItemOut(Schema):
    """One problem with the request: where (`loc`), what (`msg`), and a machine code."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(
        ..., description='Where, e.g. ["body", "payload", "title"] or ["query", "page"].'
    )
    msg: str
    type: str | None = Field(None, description="The validator's error type, when there is one.")
    code: str | None = Field(None, description="The method rule's code, when a rule said no.")


class ErrorOut(Schema):
    """Every error answer (4xx and 5xx): a sentence, or one entry per problem."""

    detail: str | list[ErrorItemOut]
    code: str | None = Field(None, description="A machine code for a single refusal, if any.")


#: Field errors (422) have the same shape as every other error: one schema for all.
FieldErrorOut = ErrorOut


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def Omittable(**constraints: Any) -> Any:
    """A field of a partial update: leave it out to keep the value; null is refused (422)."""
    # The default None is never validated, so only a null that was sent fails the type; the
    # schema shows no default so that clients do not read "null" as allowed.
    return Field(None, json_schema_extra=_no_default, **constraints)
