"""What the schema says of /api/v1/updates/: parameters, bodies, responses, examples."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from gcm_review.api import examples
from gcm_review.api.schema import (
    CSV,
    ETAG,
    IF_MODIFIED_SINCE,
    IF_NONE_MATCH,
    JSON,
    LAST_MODIFIED,
    RETRY_AFTER,
    format_parameter,
    read_examples,
    with_errors,
)
from gcm_review.api.write_schema import write_errors
from recommendations.api.update_input import UpdateChangeSerializer, UpdateInputSerializer
from recommendations.api.update_serializers import SubmittedUpdateSerializer, UpdateSerializer

TAG = "Follow-up updates"
EXAMPLE_ID = examples.UPDATE_ID

ID_PARAMETER = OpenApiParameter(
    "id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description=_("Id of the update (its `id` field, a UUID)."),
    examples=[OpenApiExample(EXAMPLE_ID, value=EXAMPLE_ID)],
)

UPDATE = examples.UPDATE.record
NEW_UPDATE = {
    "recommendation": UPDATE["recommendation"]["id"],
    "status": UPDATE["status"],
    "as_of": UPDATE["as_of"],
    "description": UPDATE["description"],
    "scope": UPDATE["scope"],
    "country": UPDATE["country"],
    "responsible_body": UPDATE["responsible_body"],
    "evidence": UPDATE["evidence"],
}
# Secretariat staff may report on behalf of an organization; a regional update has no country.
REGIONAL_UPDATE = {
    "recommendation": "escap-gcm-2021-crp-2-recommendation-17e",
    "status": "planned",
    "as_of": "2025-02-14",
    "description": "Governments of the region agreed to draft common guidelines on the "
    "regulation of recruitment agencies.",
    "scope": "regional",
    "country": None,
    "reported_by": "migrant-forum-asia",
    "responsible_body": "",
    "evidence": [],
}
CORRECTION = {
    **NEW_UPDATE,
    "status": "partially_implemented",
    "as_of": "2025-03-15",
    "reported_by": "migrant-forum-asia",
    "publication_state": "in_review",
}
SUBMITTED = {**UPDATE, "publication_state": "in_review"}

OTHER_ORGANIZATION = (
    "Another organization",
    "You can report updates only on behalf of your own organization.",
)
PUBLISH_REFUSED = ("Publishing", "Only reviewers publish, unpublish or withdraw records.")
NO_ROLE = (
    "No reporting role",
    "This account may not report follow-up updates: the secretariat gives that right to "
    "partner focal points.",
)


def document_updates(view: type) -> type:
    csv_body = OpenApiResponse(
        OpenApiTypes.STR, description=_("CSV (UTF-8 with a byte-order mark), one row per update.")
    )
    common = [format_parameter(["json", "csv"]), IF_NONE_MATCH, IF_MODIFIED_SINCE]
    headers = [ETAG, LAST_MODIFIED, RETRY_AFTER]
    decorate: Callable[[type], type] = extend_schema_view(
        list=extend_schema(
            summary=_("List follow-up updates"),
            description=_(
                "Published follow-up updates of public recommendations, latest as-of date "
                "first. Drafts and updates in review are never listed. Filter by "
                "recommendation, status, country, scope, reporting organization and dates; "
                "use `updated_since` (with `ordering=updated`) to sync, and /api/v1/changes/ "
                "to learn what was withdrawn."
            ),
            tags=[TAG],
            parameters=[*common, *headers],
            responses=with_errors(
                {
                    (200, JSON): OpenApiResponse(
                        UpdateSerializer,
                        description=_("One page of updates, or CSV of them all."),
                        examples=read_examples(examples.UPDATE, many=True),
                    ),
                    (200, CSV): csv_body,
                },
                media=True,
            ),
        ),
        retrieve=extend_schema(
            summary=_("One follow-up update"),
            description=_("A published update, by its `id`."),
            tags=[TAG],
            parameters=[ID_PARAMETER, *common, *headers],
            responses=with_errors(
                {
                    (200, JSON): OpenApiResponse(
                        UpdateSerializer,
                        description=_("The update, in JSON or CSV."),
                        examples=read_examples(examples.UPDATE, many=False),
                    ),
                    (200, CSV): csv_body,
                },
                media=True,
            ),
        ),
        create=extend_schema(
            summary=_("Submit a follow-up update"),
            description=_(
                "Needs a partner API key. The update is recorded on behalf of `reported_by` "
                "(a partner focal point may report only for their own organization, the "
                "default) and enters review: it is not public until a reviewer publishes it. "
                "The answer shows it with its `publication_state`."
            ),
            tags=[TAG],
            parameters=[format_parameter(["json"])],
            request=UpdateInputSerializer,
            examples=[
                OpenApiExample("A country update", value=NEW_UPDATE, request_only=True),
                OpenApiExample(
                    "A regional update, for an organization (secretariat)",
                    value=REGIONAL_UPDATE,
                    request_only=True,
                ),
            ],
            responses={
                201: OpenApiResponse(
                    SubmittedUpdateSerializer,
                    description=_("Recorded, in review."),
                    examples=[
                        OpenApiExample(
                            "Submitted", value=SUBMITTED, response_only=True, status_codes=["201"]
                        )
                    ],
                ),
                **write_errors(not_found=False, forbidden=[OTHER_ORGANIZATION, NO_ROLE]),
            },
        ),
        partial_update=extend_schema(
            summary=_("Change a follow-up update, submit or publish it"),
            description=_(
                "Needs a partner API key. Send only the fields to change; `evidence`, when "
                "sent, replaces all the links. The reporting organization may change its "
                "update while it is not published; `publication_state` `in_review` submits a "
                "draft for review; only reviewers publish (`published`), unpublish (`draft`) "
                "or withdraw (`withdrawn`)."
            ),
            tags=[TAG],
            parameters=[ID_PARAMETER, format_parameter(["json"])],
            request=UpdateChangeSerializer,
            examples=[
                OpenApiExample(
                    "Publish (reviewers)",
                    value={"publication_state": "published"},
                    request_only=True,
                ),
                OpenApiExample(
                    "Correct the date",
                    value={"as_of": "2025-03-15"},
                    request_only=True,
                ),
                OpenApiExample(
                    "Correct every field and submit for review",
                    value=CORRECTION,
                    request_only=True,
                ),
            ],
            responses={
                200: OpenApiResponse(
                    SubmittedUpdateSerializer,
                    description=_("Changed; with its publication state."),
                    examples=[
                        OpenApiExample(
                            "Published",
                            value={**SUBMITTED, "publication_state": "published"},
                            response_only=True,
                            status_codes=["200"],
                        )
                    ],
                ),
                **write_errors(
                    not_found=True,
                    forbidden=[
                        PUBLISH_REFUSED,
                        (
                            "Published",
                            "Published records are changed by reviewers; ask one to "
                            "unpublish it first.",
                        ),
                    ],
                ),
            },
        ),
    )
    return decorate(view)
