"""Error answers and how the OpenAPI schema describes them.

Every error is JSON. 400: the fields' errors, ``{"field": ["message", ...]}`` (nested for
nested bodies; ``non_field_errors`` for the whole body). 401, 403, 404, 405, 409, 429:
``{"detail": "message"}``. Messages are Vietnamese unless the language cookie chose English.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException


class Conflict(APIException):
    """409: the request conflicts with the resource's state (a stale version, a locked report,
    an illegal move, a record still referred to)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


Detail = inline_serializer("Error", fields={"detail": serializers.CharField()})

DESCRIPTIONS = {
    400: "Invalid request: the errors of each field, "
    '`{"field": ["message"]}`; `non_field_errors` for the whole body.',
    401: "Not authenticated: send `Authorization: Token <key>` (or log in for the session).",
    403: "The unit (or report) is visible to you but you may not do this to it.",
    404: "Not found, or outside your reach (its existence is not disclosed).",
    409: "Conflict: stale version, locked report, a move the workflow does not allow, "
    "or a record still referred to.",
    429: "Too many requests: wait the number of seconds in `Retry-After`.",
}


def errors(*codes: int) -> dict:
    """``extend_schema(responses=...)`` entries for the given error codes (401 and 429 are
    always possible and always added)."""
    found = {}
    for code in sorted({*codes, 401, 429}):
        body = OpenApiTypes.OBJECT if code == 400 else Detail
        found[code] = OpenApiResponse(body, description=DESCRIPTIONS[code])
    return found


REFUSED_INPUT = (
    "Invalid request: text the system cannot store (a NUL byte, a lone surrogate) in the "
    'address, the query string or the body, or a body it cannot parse: `{"detail": "message"}`.'
)


def document_refused_input(result: dict, generator, request, public) -> dict:
    """A drf-spectacular post-processing hook: every operation may answer 400 (the middleware
    refusing unstorable text in any address or query string, the parser any body it cannot
    take), so every operation documents it."""
    detail = {"$ref": "#/components/schemas/Error"}
    if "Error" not in result.get("components", {}).get("schemas", {}):
        detail = {"type": "object", "properties": {"detail": {"type": "string"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            if responses is not None and "400" not in responses:
                responses["400"] = {
                    "content": {"application/json": {"schema": detail}},
                    "description": REFUSED_INPUT,
                }
    return result
