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

from gcm_review.api.schema import (
    CSV,
    ETAG,
    IF_MODIFIED_SINCE,
    IF_NONE_MATCH,
    JSON,
    LAST_MODIFIED,
    RETRY_AFTER,
    format_parameter,
    with_errors,
)
from gcm_review.api.write_schema import write_errors
from recommendations.api.update_input import UpdateChangeSerializer, UpdateInputSerializer
from recommendations.api.update_serializers import SubmittedUpdateSerializer, UpdateSerializer

TAG = "Follow-up updates"
EXAMPLE_ID = "3f1c2a9e-8d4b-4c7a-9e2f-5b6a7c8d9e0f"

ID_PARAMETER = OpenApiParameter(
    "id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description=_("Id of the update (its `id` field, a UUID)."),
    examples=[OpenApiExample(EXAMPLE_ID, value=EXAMPLE_ID)],
)

NEW_UPDATE = {
    "recommendation": "escap-gcm-2021-crp-2-recommendation-17b",
    "status": "in_progress",
    "as_of": "2025-03-31",
    "description": "The Ministry of Labour adopted a zero-fee recruitment policy for domestic "
    "workers and set up a complaints hotline.",
    "scope": "country",
    "country": "PH",
    "responsible_body": "Department of Migrant Workers",
    "evidence": [
        {
            "title": "Department Order No. 1, series of 2025",
            "url": "https://www.example.gov.ph/orders/2025-1",
        }
    ],
}
SUBMITTED = {
    "id": EXAMPLE_ID,
    "url": f"https://gcm.example.org/api/v1/updates/{EXAMPLE_ID}/",
    "recommendation": {
        "id": "escap-gcm-2021-crp-2-recommendation-17b",
        "reference": "17(b)",
        "url": "https://gcm.example.org/api/v1/recommendations/"
        "escap-gcm-2021-crp-2-recommendation-17b/",
        "html_url": "https://gcm.example.org/recommendations/escap-gcm-2021-crp-2/17b/",
    },
    "status": "in_progress",
    "status_label": "In progress",
    "as_of": "2025-03-31",
    "description": NEW_UPDATE["description"],
    "scope": "country",
    "country": "PH",
    "country_name": "Philippines",
    "reported_by": {
        "id": "migrant-forum-asia",
        "name": "Migrant Forum Asia",
        "url": "https://gcm.example.org/api/v1/organizations/migrant-forum-asia/",
    },
    "responsible_body": "Department of Migrant Workers",
    "evidence": NEW_UPDATE["evidence"],
    "html_url": "https://gcm.example.org/recommendations/escap-gcm-2021-crp-2/17b/"
    f"#update-{EXAMPLE_ID}",
    "created_at": "2025-04-02T08:15:00Z",
    "updated_at": "2025-04-02T08:15:00Z",
    "publication_state": "in_review",
}

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
                        UpdateSerializer, description=_("One page of updates, or CSV of them all.")
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
                        UpdateSerializer, description=_("The update, in JSON or CSV.")
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
            examples=[OpenApiExample("A country update", value=NEW_UPDATE, request_only=True)],
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
