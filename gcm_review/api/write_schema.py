"""Schema of the operations that change data: their error responses, with examples."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse

from gcm_review.api.schema import ERRORS, ErrorDetail, response_example

WRITE_VALIDATION_ERROR = {
    "type": "object",
    "description": str(
        _(
            "Each refused field with what was wrong and what is accepted (a list of messages; "
            "for the evidence, the refused links by position, from 0); `non_field_errors` for "
            "the body as a whole; `detail` when the body is not JSON."
        )
    ),
    "additionalProperties": {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {}}, {"type": "object"}]
    },
}


def write_errors(*, not_found: bool, forbidden: list[tuple[str, str]]) -> dict[int, Any]:
    """The error responses of an operation that changes data, with examples."""
    responses: dict[int, Any] = {
        400: OpenApiResponse(
            WRITE_VALIDATION_ERROR,
            description=_("The body is not valid JSON, or a field is missing or refused."),
            examples=[
                response_example(
                    "Refused fields",
                    {
                        "as_of": ["An update cannot describe a date in the future."],
                        "status": [
                            "Status “done” does not exist: use one of not_started, planned, "
                            "in_progress, partially_implemented, implemented, no_longer_relevant."
                        ],
                    },
                    400,
                ),
                response_example(
                    "No country",
                    {"country": ["Give the country (ISO 3166 code) of a one-country update."]},
                    400,
                ),
                response_example(
                    "Unknown recommendation",
                    {
                        "recommendation": [
                            "No published recommendation has this id "
                            "(see /api/v1/recommendations/)."
                        ]
                    },
                    400,
                ),
                response_example(
                    "Not JSON",
                    {"detail": "The body is not valid JSON (JSON parse error - Expecting value)."},
                    400,
                ),
            ],
        ),
        401: OpenApiResponse(
            ErrorDetail,
            description=_(
                "No API key, or one that is not valid, revoked or expired: changing data needs "
                "a partner key."
            ),
            examples=[
                response_example(
                    "No key", {"detail": "Authentication credentials were not provided."}, 401
                ),
                response_example("Bad key", {"detail": "This API key is not valid."}, 401),
            ],
        ),
        403: OpenApiResponse(
            ErrorDetail,
            description=_("The key is valid, but its account's role does not allow this."),
            examples=[
                response_example(title, {"detail": message}, 403) for title, message in forbidden
            ],
        ),
        415: OpenApiResponse(
            ErrorDetail,
            description=_("The body is not sent as JSON (`Content-Type: application/json`)."),
            examples=[
                response_example(
                    "Form data",
                    {
                        "detail": "Send the body as JSON, with the header Content-Type: "
                        "application/json (not multipart/form-data)."
                    },
                    415,
                )
            ],
        ),
        429: ERRORS[429],
    }
    if not_found:
        responses[404] = OpenApiResponse(
            ErrorDetail,
            description=_("No update this account may change has this id."),
            examples=[
                response_example(
                    "Unknown id", {"detail": "No update you may change has this id."}, 404
                )
            ],
        )
    return responses


def close_request_bodies(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Request bodies accept only the fields they list (the API refuses unknown fields,
    so that a misspelt one is not silently dropped): say so with ``additionalProperties``."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def close(reference: str | None) -> None:
        name = (reference or "").rpartition("/")[2]
        if not name or name in seen or name not in components:
            return
        seen.add(name)
        component = components[name]
        component["additionalProperties"] = False
        for definition in component.get("properties", {}).values():
            close(definition.get("$ref"))
            close(definition.get("items", {}).get("$ref"))

    for path in result.get("paths", {}).values():
        for operation in path.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                close(content.get("schema", {}).get("$ref"))
    return result
