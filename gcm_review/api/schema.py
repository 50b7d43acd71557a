"""What drf-spectacular cannot guess: the security scheme, the error responses and their
bodies, the format and conditional-request parameters, response headers, the accepted
values of the slug filters (read from the database at generation time, so the schema says
exactly what a 400 would refuse), and the examples of every response, from
gcm_review/api/examples.py (schema_links.py derives the property examples and links)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from gcm_review.api.examples import Sample
from gcm_review.api.parameters import FORMAT_PARAMETER
from gcm_review.api.schema_links import complete_examples_and_links
from gcm_review.api.viewsets import SLUG

JSON = "application/json"
CSV = "text/csv"


class PartnerAPIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "gcm_review.api.authentication.PartnerAPIKeyAuthentication"
    name = "PartnerAPIKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "Optional for reading, required for submitting follow-up updates. Send "
                    "`Authorization: Api-Key <key>` with the key the secretariat issued to you: "
                    "it raises your rate limit, and what it may write depends on your role. A "
                    "key that is wrong, revoked or expired is refused with 401."
                )
            ),
        }


# Error bodies ---------------------------------------------------------------------------

ErrorDetail = inline_serializer(
    "ErrorDetail",
    {"detail": serializers.CharField(help_text=_("What went wrong, for a person to read."))},
)
VALIDATION_ERROR = {
    "type": "object",
    "description": str(
        _("Each refused query parameter, with what was wrong and what is accepted.")
    ),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def response_example(name: str, value: Any, status: int) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[str(status)])


ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(
        VALIDATION_ERROR,
        description=_("A query parameter is unknown, empty or has a value that is not accepted."),
        examples=[
            response_example(
                "Unknown objective",
                {"objective": ["Objective 99 does not exist: use a number from 1 to 23."]},
                400,
            ),
            response_example(
                "Misspelt parameter",
                {"objectve": ["Unknown parameter. Accepted: format, objective, page, page_size."]},
                400,
            ),
        ],
    ),
    401: OpenApiResponse(
        ErrorDetail,
        description=_("The API key sent is not valid, revoked or expired."),
        examples=[response_example("Bad key", {"detail": "This API key is not valid."}, 401)],
    ),
    403: OpenApiResponse(
        ErrorDetail,
        description=_(
            "Not allowed. Reading public data is always allowed: only operations that change "
            "data answer 403, to clients whose role does not allow the change."
        ),
        examples=[
            response_example(
                "Write without a partner key",
                {"detail": "Changing data needs a partner API key."},
                403,
            )
        ],
    ),
    404: OpenApiResponse(
        ErrorDetail,
        description=_("No public record has this id, or the page is past the last one."),
        examples=[
            response_example(
                "Unknown id", {"detail": "No published recommendation has this id."}, 404
            ),
            response_example(
                "Past the last page", {"detail": "Page 9 does not exist: the last page is 2."}, 404
            ),
        ],
    ),
    429: OpenApiResponse(
        ErrorDetail,
        description=_(
            "Too many requests. Wait the seconds `Retry-After` gives; an API key raises the limit."
        ),
        examples=[
            response_example(
                "Rate limit",
                {"detail": "Request was throttled. Expected available in 42 seconds."},
                429,
            )
        ],
    ),
}

NOT_MODIFIED = OpenApiResponse(
    None,
    description=_(
        "Not modified: your copy (from `If-None-Match` / `If-Modified-Since`) is current."
    ),
)


# Parameters -----------------------------------------------------------------------------


EXPORT_COLUMNS = _("with the columns of the site's export")
FIELD_COLUMNS = _(
    "with a column per field of the JSON: lists joined with “; ”, linked records by their "
    "`id`, other nested values as JSON"
)


def format_parameter(
    formats: list[str], *, columns: str | Promise = EXPORT_COLUMNS
) -> OpenApiParameter:
    description = (
        _(
            "Response format: `json` (default) or `csv`. CSV returns the whole filtered set, "
            "not one page, %(columns)s. `Accept: text/csv` and a `.csv` suffix do the same."
        )
        % {"columns": columns}
        if "csv" in formats
        else _("Response format: only `json` here.")
    )
    return OpenApiParameter(
        FORMAT_PARAMETER,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=formats,
        description=description,
        examples=[OpenApiExample(fmt, value=fmt) for fmt in formats],
    )


IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_("The `ETag` of your copy: 304 without a body if nothing changed."),
)
IF_MODIFIED_SINCE = OpenApiParameter(
    "If-Modified-Since",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        "The `Last-Modified` of your copy (an HTTP date): 304 without a body if nothing "
        "changed since."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    required=True,
    description=_("Validator of this response; send it back in `If-None-Match`."),
)
LAST_MODIFIED = OpenApiParameter(
    "Last-Modified",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    required=True,
    description=_("When the data behind this response last changed (an HTTP date)."),
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    required=True,
    description=_("Seconds to wait before the next request."),
)


def id_parameter(model: type[Model], example: Any, *, number: bool) -> OpenApiParameter:
    label = model._meta.verbose_name
    return OpenApiParameter(
        "id",
        OpenApiTypes.INT if number else OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=(
            _("Number of the %(label)s.") if number else _("Id of the %(label)s (its `id` field).")
        )
        % {"label": label},
        # What the endpoints look up (viewsets.SLUG): a `.` would read as a format suffix.
        pattern=None if number else f"^{SLUG.pattern}$",
        examples=[OpenApiExample(str(example), value=example)],
    )


# Decorators for the viewsets --------------------------------------------------------------


def with_errors(responses: dict[Any, Any], *, media: bool) -> dict[Any, Any]:
    for status, response in ERRORS.items():
        responses[(status, JSON) if media else status] = response
    responses[(304, JSON) if media else 304] = NOT_MODIFIED
    return responses


def read_examples(sample: Sample, *, many: bool) -> list[OpenApiExample]:
    """The 200 example of a list (its first page, shortened to the sample) or a record.

    drf-spectacular wraps a list's examples in a page of its own making, with the paging
    example values of every list: ``schema_links.unwrap_page_examples`` puts this page
    back."""
    if many:
        return [response_example("First page", sample.page(), 200)]
    return [response_example(str(sample.record["id"]), sample.record, 200)]


def csv_body(description: str | Promise) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.STR, description=description)


def document_items(
    model: type[Model], serializer: type[serializers.Serializer], sample: Sample
) -> Callable[[type], type]:
    """Schema of an item endpoint: the FilterSet's parameters (from django-filter), paging,
    ``format`` with CSV, conditional requests, every error; ``sample`` is the example."""
    plural = model._meta.verbose_name_plural
    singular = model._meta.verbose_name
    csv = csv_body(_("CSV (UTF-8 with a byte-order mark), one row per record."))
    common = [format_parameter(["json", "csv"]), IF_NONE_MATCH, IF_MODIFIED_SINCE]
    headers = [ETAG, LAST_MODIFIED, RETRY_AFTER]
    return extend_schema_view(
        list=extend_schema(
            summary=_("List %(plural)s") % {"plural": plural},
            description=_(
                "Published %(plural)s, filtered with the parameters of the site's list (the "
                "same names, values and results). Repeat `objective` to match any of several. "
                "Use `updated_since` to fetch only what changed since your last sync."
            )
            % {"plural": plural},
            tags=[str(plural).capitalize()],
            parameters=[*common, *headers],
            responses=with_errors(
                {
                    (200, JSON): OpenApiResponse(
                        serializer,
                        description=_("One page of %(plural)s, or CSV of them all.")
                        % {"plural": plural},
                        examples=read_examples(sample, many=True),
                    ),
                    (200, CSV): csv,
                },
                media=True,
            ),
        ),
        retrieve=extend_schema(
            summary=_("One %(singular)s") % {"singular": singular},
            description=_("A published %(singular)s, by its `id`.") % {"singular": singular},
            tags=[str(plural).capitalize()],
            parameters=[
                id_parameter(model, sample.record["id"], number=False),
                *common,
                *headers,
            ],
            responses=with_errors(
                {
                    (200, JSON): OpenApiResponse(
                        serializer,
                        description=_("The %(singular)s, in JSON or CSV.") % {"singular": singular},
                        examples=read_examples(sample, many=False),
                    ),
                    (200, CSV): csv,
                },
                media=True,
            ),
        ),
    )


def document_reference(
    model: type[Model],
    serializer: type[serializers.Serializer],
    sample: Sample,
    *,
    number: bool = False,
    tag: str | None = None,
) -> Callable[[type], type]:
    """Schema of a reference endpoint: paging, ``format`` with CSV (the JSON's fields as
    columns), an ETag that hashes the body, every error; ``sample`` is the example."""
    plural = model._meta.verbose_name_plural
    singular = model._meta.verbose_name
    common = [format_parameter(["json", "csv"], columns=FIELD_COLUMNS), IF_NONE_MATCH]
    headers = [ETAG, RETRY_AFTER]
    csv = csv_body(_("CSV (UTF-8 with a byte-order mark), one row per record."))
    tags = [tag or str(plural).capitalize()]
    return extend_schema_view(
        list=extend_schema(
            summary=_("List %(plural)s") % {"plural": plural},
            tags=tags,
            parameters=[*common, *headers],
            responses=with_errors(
                {
                    (200, JSON): OpenApiResponse(
                        serializer,
                        description=_("One page of %(plural)s, or CSV of them all.")
                        % {"plural": plural},
                        examples=read_examples(sample, many=True),
                    ),
                    (200, CSV): csv,
                },
                media=True,
            ),
        ),
        retrieve=extend_schema(
            summary=_("One %(singular)s") % {"singular": singular},
            tags=tags,
            parameters=[
                id_parameter(model, sample.record["id"], number=number),
                *common,
                *headers,
            ],
            responses=with_errors(
                {
                    (200, JSON): OpenApiResponse(
                        serializer,
                        description=_("The %(singular)s, in JSON or CSV.") % {"singular": singular},
                        examples=read_examples(sample, many=False),
                    ),
                    (200, CSV): csv,
                },
                media=True,
            ),
        ),
    )


# Post-processing hooks ----------------------------------------------------------------------

PARAMETER_EXAMPLES: dict[str, Any] = {
    "objective": ["6"],
    "cluster": "1",
    "review": "asia-pacific-2020-21",
    "consultation": "asia-pacific-2020-21-1",
    "principle": "gender-responsive",
    "addressed_to": "governments-destination",
    "conclusion": "false",
    "covid": "true",
    "q": "recruitment fees",
    "updated_since": "2025-01-31T00:00:00Z",
    "ordering": "-updated",
    "status": "in_progress",
    "stale": "false",
    "country": "PH",
    "recommendation": "escap-gcm-2021-crp-2-recommendation-17b",
    "scope": "country",
    "reported_by": "migrant-forum-asia",
    "as_of_after": "2024-01-01",
    "as_of_before": "2024-12-31",
    "since": "2025-01-31T00:00:00Z",
}
NO_NUL = "^[^\\u0000]*$"


def _parameters(result: dict[str, Any]) -> Any:
    for path in result.get("paths", {}).values():
        for operation in path.values():
            yield from operation.get("parameters", [])


# A vocabulary longer than this is not listed in the schema: its values are one request
# away (/api/v1/consultations/...), and 20,000 slugs in every list's schema help nobody.
MAX_SCHEMA_ENUM = 200


def filter_choices() -> dict[str, list[str]]:
    """The values each slug filter accepts now, as the FilterSets' querysets give them
    (none for a vocabulary longer than MAX_SCHEMA_ENUM)."""
    from django_filters import ChoiceFilter

    from recommendations.api.update_filters import UpdateFilterSet
    from recommendations.api.views import accepted_values
    from recommendations.filters import RecommendationFilterSet
    from recommendations.models import Recommendation, Update

    choices: dict[str, list[str]] = {}
    for filterset_class, model in (
        (RecommendationFilterSet, Recommendation),
        (UpdateFilterSet, Update),
    ):
        filterset = filterset_class({}, queryset=model.objects.none())
        for name, field in filterset.filters.items():
            try:
                values = accepted_values(filterset, name, limit=MAX_SCHEMA_ENUM)
                if not values and isinstance(field, ChoiceFilter):
                    # Choices drf-spectacular leaves out: those computed when asked.
                    given = field.extra.get("choices")
                    if callable(given):
                        values = [str(value) for value, _label in given()]
            except DatabaseError:
                values = []
            if values:
                choices[name] = values
    return choices


def tighten_query_parameters(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Make each query parameter's schema say exactly what the API accepts."""
    from recommendations.filters import MAX_QUERY_LENGTH

    choices = filter_choices()
    for parameter in _parameters(result):
        if parameter["in"] != "query":
            continue
        name, schema = parameter["name"], parameter.setdefault("schema", {})
        if name in choices and schema.get("type") == "string":
            schema["enum"] = choices[name]
        for values in (schema, schema.get("items", {})):
            if "enum" in values:
                # Query values are text: a choice of "1".."4" is a string enum, in order.
                values["type"] = "string"
                for keyword in ("format", "minimum", "maximum"):
                    values.pop(keyword, None)
                if all(str(value).isdigit() for value in values["enum"]):
                    values["enum"] = sorted(values["enum"], key=int)
                    parameter["description"] = parameter.get("description", "").partition(
                        "\n\n* `"
                    )[0]
        if "type" not in schema and "anyOf" not in schema:
            schema["type"] = "string"
        if name in ("updated_since", "since"):
            parameter["schema"] = {
                "anyOf": [
                    {"type": "string", "format": "date-time"},
                    {"type": "string", "format": "date"},
                ]
            }
            if name == "updated_since":
                parameter["description"] = str(
                    _(
                        "Records changed since then (for syncing): an RFC 3339 date-time such "
                        "as 2025-01-31T00:00:00Z, or a date such as 2025-01-31 (midnight UTC)."
                    )
                )
        elif name == "q":
            schema.update(minLength=1, maxLength=MAX_QUERY_LENGTH, pattern=NO_NUL)
        elif schema.get("type") == "string" and "enum" not in schema:
            schema.update(minLength=1, pattern=NO_NUL)
        if (
            name in PARAMETER_EXAMPLES
            and "example" not in parameter
            and "examples" not in parameter
        ):
            parameter["example"] = PARAMETER_EXAMPLES[name]
    # SPECTACULAR_SETTINGS lists this hook, after drf-spectacular's enum hook: the example
    # and link steps (schema_links.py), which need the enums' components, run from here.
    return complete_examples_and_links(result)
