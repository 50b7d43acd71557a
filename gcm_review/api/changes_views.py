"""``/api/v1/changes/?since=``: the ids of the records created, updated and withdrawn
since a moment, for partners who keep a copy (see gcm_review/api/changes.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from gcm_review.api.changes import (
    CHANGE_CHOICES,
    TYPE_CHOICES,
    TYPES,
    WITHDRAWN,
    Change,
    TooManyChanges,
)
from gcm_review.api.changes import changes_since as compute_changes
from gcm_review.api.conditional import content_validators
from gcm_review.api.examples import API, CHANGES, first_page
from gcm_review.api.parameters import (
    FORMAT_PARAMETER,
    PAGING_PARAMETERS,
    parse_date_time,
)
from gcm_review.api.schema import (
    ETAG,
    IF_NONE_MATCH,
    RETRY_AFTER,
    format_parameter,
    response_example,
    with_errors,
)
from gcm_review.api.viewsets import StrictGenericViewSet

SINCE, TYPE = "since", "type"
DETAIL_VIEWS = {
    "recommendation": "api:recommendation-detail",
    "challenge": "api:challenge-detail",
    "good-practice": "api:good-practice-detail",
    "consultation": "api:consultation-detail",
    "review": "api:review-detail",
    "update": "api:update-detail",
}


class ChangeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=TYPE_CHOICES, read_only=True, help_text=_("The kind of record.")
    )
    id = serializers.CharField(
        read_only=True, help_text=_("The record's `id`, as its own endpoint gives it.")
    )
    change = serializers.ChoiceField(
        choices=CHANGE_CHOICES,
        read_only=True,
        help_text=_(
            "`created`: it became public (new, published, or shown again); `updated`: it "
            "changed while public (a recommendation also when its published updates, and so "
            "its status, changed); `withdrawn`: it is no longer public (unpublished, "
            "withdrawn, deleted, or its consultation or review was): delete your copy."
        ),
    )
    at = serializers.DateTimeField(read_only=True, help_text=_("When (ISO 8601, UTC)."))
    url = serializers.SerializerMethodField(
        help_text=_("The record in the API; null when it was withdrawn.")
    )

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, change: Change) -> str | None:
        if change.change == WITHDRAWN:
            return None
        path = reverse(DETAIL_VIEWS[change.type], kwargs={"id": change.id})
        return self.context["request"].build_absolute_uri(path)


SINCE_PARAMETER = OpenApiParameter(
    SINCE,
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    required=True,
    description=gettext_lazy(
        "Required. Changes since then: an RFC 3339 date-time such as 2025-01-31T00:00:00Z "
        "(the time of your last sync), or a date such as 2025-01-31 (midnight UTC). When "
        "more records than the site lists at once (20,000 by default) may have changed "
        "since then, the answer is a 400 that says so: take the whole dataset again (the "
        "data package, or the lists) and ask for the changes since you took it."
    ),
    examples=[OpenApiExample("A date-time", value="2025-01-31T00:00:00Z")],
)
TYPE_PARAMETER = OpenApiParameter(
    TYPE,
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    many=True,
    explode=True,
    enum=TYPES,
    description=gettext_lazy("Only these kinds of record; repeat to give several."),
    examples=[OpenApiExample("Recommendations", value=["recommendation"])],
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("What changed since a moment"),
        description=gettext_lazy(
            "The ids of the public records (recommendations, challenges, good practices, "
            "consultations, reviews, follow-up updates) that were created, updated or "
            "withdrawn since `since`, oldest first, read from the audit history. Sync with "
            "the lists' `updated_since`, and use this to learn what disappeared: a "
            "`withdrawn` record is no longer public, so delete your copy. A record that was "
            "never public never appears."
        ),
        tags=["Changes"],
        parameters=[
            SINCE_PARAMETER,
            TYPE_PARAMETER,
            format_parameter(["json"]),
            IF_NONE_MATCH,
            ETAG,
            RETRY_AFTER,
        ],
        responses=with_errors(
            {
                200: OpenApiResponse(
                    ChangeSerializer,
                    description=gettext_lazy("One page of changes, oldest first."),
                    examples=[
                        response_example(
                            "First page",
                            first_page(f"{API}/changes/", CHANGES, len(CHANGES)),
                            200,
                        )
                    ],
                )
            },
            media=False,
        ),
    ),
)
class ChangesViewSet(StrictGenericViewSet):
    """Records created, updated and withdrawn since a moment."""

    serializer_class = ChangeSerializer

    def accepted_parameters(self) -> set[str]:
        return {SINCE, TYPE, FORMAT_PARAMETER, *PAGING_PARAMETERS}

    def get_queryset(self) -> Any:  # for the schema generator; list() computes the changes
        return []

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw = request.query_params.get(SINCE)
        if raw is None:
            raise ValidationError(
                {
                    SINCE: [
                        _(
                            "Required: give the time of your last sync, e.g. "
                            "since=2025-01-31T00:00:00Z."
                        )
                    ]
                }
            )
        since = parse_date_time(raw)
        if since is None:
            raise ValidationError(
                {
                    SINCE: [
                        _(
                            "Use an RFC 3339 date-time such as 2025-01-31T00:00:00Z "
                            "(with Z or an offset such as +07:00, written %2B07:00 in a URL), "
                            "or a date such as 2025-01-31."
                        )
                    ]
                }
            )
        types = request.query_params.getlist(TYPE) or TYPES
        unknown = sorted(set(types) - set(TYPES))
        if unknown:
            raise ValidationError(
                {
                    TYPE: [
                        _("Unknown type %(values)s. Accepted: %(types)s.")
                        % {"values": ", ".join(unknown), "types": ", ".join(TYPES)}
                    ]
                }
            )
        self.paginator.get_page_size(request)
        self.paginator.get_page_number_value(request)
        try:
            changes = compute_changes(since, types, limit=settings.API_CHANGES_LIMIT)
        except TooManyChanges as error:
            raise ValidationError(
                {
                    SINCE: [
                        _(
                            "More than %(limit)s records may have changed since then: too "
                            "many to list. Take the whole dataset again (%(package)s, or the "
                            "lists) and ask for the changes since the moment you took it."
                        )
                        % {
                            "limit": f"{error.limit:,}",
                            "package": request.build_absolute_uri(
                                reverse("recommendations:data-download")
                            ),
                        }
                    ]
                }
            ) from error
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and isinstance(response, Response)
        ):
            response.render()
            validators = content_validators(response)
            not_modified = validators.not_modified(request)
            if not_modified is not None:
                not_modified["Vary"] = response.get("Vary", "Accept")
                not_modified["Cache-Control"] = "no-cache"
                return not_modified
            validators.apply(response)
        return response
