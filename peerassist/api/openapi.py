"""The OpenAPI document's error answers, added to every operation in one place.

django-ninja documents only the statuses a handler declares, but every operation can
also answer what the framework and the exception mapping in `api.api` produce: 401 without
credentials, 403 when the viewer may not, 404 for an id in the path that names nothing
they may see, 422 for a value the schema or a rule refuses, 400 for a body that is not
JSON. This adds those to each operation (so new endpoints are covered without anyone
remembering) and points every error answer at the one `ErrorOut` schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ninja import Schema

from peerassist.api.schemas import ErrorOut
from peerassist.writeups.exports import FORMATS

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

DESCRIPTIONS = {
    "400": "The request could not be read: a body that is not a JSON object, or a NUL "
    "character in the address.",
    "401": "No valid credentials: send `Authorization: Bearer <token>`.",
    "403": "You may not do this (your role, or a missing CSRF token in a browser session).",
    "404": "Nothing you may see has this id.",
    "409": "The request conflicts with the current state.",
    "422": "A value was refused: one entry per problem, with where and why.",
    "429": "Too many requests: try again later.",
    "500": "The server failed; the body is JSON and the error is logged.",
}

WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": "How to authenticate: `Bearer`.",
        "schema": {"type": "string"},
    }
}


def _error_response(status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS.get(status, "Error."),
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if status == "401":
        response["headers"] = WWW_AUTHENTICATE
    return response


def expected_errors(path: str, method: str, operation: dict[str, Any]) -> set[str]:
    """The error statuses this operation can answer besides the ones it declares."""
    # Any address may carry a NUL character, refused with 400 before the operation runs.
    statuses = {"400", "500"}
    if operation.get("security"):
        statuses |= {"401", "403"}
    if "{" in path:
        statuses.add("404")
    if operation.get("parameters") or operation.get("requestBody") or method != "get":
        statuses.add("422")
    return statuses


#: No NUL character: the address may not carry one (400, `core.errors.RefuseNulMiddleware`).
NO_NUL = "^[^\\u0000]*$"


def _refuse_nul(schema: dict[str, Any]) -> None:
    """Say in a parameter's schema that its text may not hold NUL: a plain string (no
    pattern, format or list of values of its own) gets the NO_NUL pattern, also inside an
    optional parameter's `anyOf`. Without it the document allows what the server refuses,
    and a client generated from it (or schemathesis) sends it."""
    for option in schema.get("anyOf", []):
        _refuse_nul(option)
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(schema):
        schema["pattern"] = NO_NUL


def document_errors(schema: dict[str, Any]) -> None:
    """Add the common error answers to every operation; all errors use ErrorOut. Text in
    the address (query and path parameters) is documented as holding no NUL character."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorOut"] = error_schema
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            responses = {str(code): answer for code, answer in operation["responses"].items()}
            for status in expected_errors(path, method, operation) | set(responses):
                if status.startswith(("4", "5")):
                    responses[status] = _error_response(status)
            operation["responses"] = dict(sorted(responses.items()))
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in ("query", "path") and "schema" in parameter:
                    _refuse_nul(parameter["schema"])


def file_response(
    description: str, formats: Iterable[str], *, json_schema: type[Schema] | None = None
) -> dict[str, Any]:
    """`openapi_extra` for an operation whose 200 is a file in one of `formats` (or JSON)."""
    content: dict[str, Any] = {}
    if json_schema is not None:
        ref = f"#/components/schemas/{json_schema.__name__}"
        content["application/json"] = {"schema": {"$ref": ref}}
    for name in formats:
        media_type = FORMATS[name].content_type.split(";")[0]
        content[media_type] = {"schema": {"type": "string", "contentMediaType": media_type}}
    return {"responses": {200: {"description": description, "content": content}}}
