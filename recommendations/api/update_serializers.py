"""JSON shapes of follow-up: an update as partners read it, and a recommendation's status
derived from its published updates.

Like the item serializers, these read only what the views' querysets select and prefetch,
so a page costs the same number of queries whatever its length.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultations.api.organizations import slug_of
from consultations.models import Organization
from consultations.publication import PublicationState
from gcm_review.api.links import RecordLink
from recommendations.models import (
    NO_UPDATE,
    NO_UPDATE_LABEL,
    DerivedStatus,
    EvidenceLink,
    FollowUpStatus,
    Recommendation,
    Update,
    UpdateScope,
    derive_status,
    stale_before,
)
from recommendations.models.follow_up import country_name

# The overall status: a FollowUpStatus value, or NO_UPDATE.
STATUS_CODE_CHOICES = [*FollowUpStatus.choices, (NO_UPDATE, NO_UPDATE_LABEL)]


def stale_threshold(context: dict[str, Any]) -> datetime.date:
    """The staleness threshold, computed once per response."""
    if "stale_before" not in context:
        context["stale_before"] = stale_before()
    return context["stale_before"]


def _country_code(update_or_status: Any) -> str | None:
    country = getattr(update_or_status, "country", None)
    return country.code if country else None


def _country_name(update_or_status: Any) -> str | None:
    country = getattr(update_or_status, "country", None)
    return country_name(country.code) if country else None


# Reading an update ------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        max_length=300, help_text=_("What the link shows, e.g. the title of a law or report.")
    )
    url = serializers.URLField(
        max_length=500, help_text=_("A public web address (http or https) of the evidence.")
    )

    class Meta:
        model = EvidenceLink
        fields = ["title", "url"]


class OrganizationSummarySerializer(serializers.ModelSerializer):
    id = serializers.SerializerMethodField(
        help_text=_("Slug of the organization, as /api/v1/organizations/ gives it.")
    )
    name = serializers.CharField(read_only=True, help_text=_("Full name."))
    url = serializers.SerializerMethodField(help_text=_("The organization in the API."))

    class Meta:
        model = Organization
        fields = ["id", "name", "url"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_id(self, obj: Organization) -> str:
        return slug_of(self, obj.pk) or ""

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Organization) -> str:
        path = reverse("api:organization-detail", kwargs={"id": slug_of(self, obj.pk)})
        return self.context["request"].build_absolute_uri(path)


class RecommendationSummarySerializer(serializers.ModelSerializer):
    id = serializers.SlugField(
        source="public_id", read_only=True, help_text=_("Stable public identifier.")
    )
    reference = serializers.CharField(
        read_only=True, help_text=_("Paragraph reference as printed, e.g. 17(b).")
    )
    url = RecordLink(
        view_name="api:recommendation-detail",
        lookup_field="public_id",
        lookup_url_kwarg="id",
        help_text=_("The recommendation in the API."),
    )
    html_url = serializers.SerializerMethodField(
        help_text=_("The recommendation's page on the public site.")
    )

    class Meta:
        model = Recommendation
        fields = ["id", "reference", "url", "html_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, obj: Recommendation) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class UpdateSerializer(serializers.ModelSerializer):
    """A published follow-up update: what was done about a recommendation, as of a date."""

    id = serializers.UUIDField(
        source="public_id",
        read_only=True,
        help_text=_("Stable public identifier of the update (a UUID)."),
    )
    url = RecordLink(
        view_name="api:update-detail",
        lookup_field="public_id",
        lookup_url_kwarg="id",
        help_text=_("This update in the API."),
    )
    recommendation = RecommendationSummarySerializer(
        read_only=True, help_text=_("The recommendation it follows up.")
    )
    status = serializers.ChoiceField(
        choices=FollowUpStatus.choices,
        read_only=True,
        help_text=_("Where implementation stands as of `as_of`."),
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text=_("The status, in words.")
    )
    as_of = serializers.DateField(
        read_only=True, help_text=_("The date the status describes (not when it was entered).")
    )
    description = serializers.CharField(read_only=True, help_text=_("What was done."))
    scope = serializers.ChoiceField(
        choices=UpdateScope.choices,
        read_only=True,
        help_text=_(
            "`country`: one country (see `country`); `multi_country`: several countries; "
            "`regional`: the region as a whole."
        ),
    )
    country = serializers.SerializerMethodField(
        help_text=_("ISO 3166 code of the country for a one-country update; null otherwise.")
    )
    country_name = serializers.SerializerMethodField(
        help_text=_("The country's name; null when there is no country.")
    )
    reported_by = OrganizationSummarySerializer(
        read_only=True, help_text=_("The organization that reported the update.")
    )
    responsible_body = serializers.CharField(
        read_only=True,
        help_text=_("The ministry, agency or body responsible for the action; may be empty."),
    )
    evidence = EvidenceSerializer(
        many=True, read_only=True, help_text=_("Public sources that show what it says.")
    )
    html_url = serializers.SerializerMethodField(
        help_text=_("The update in the timeline of the recommendation's page.")
    )
    created_at = serializers.DateTimeField(
        read_only=True, help_text=_("When it was entered (ISO 8601, UTC).")
    )
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text=_("When it last changed (ISO 8601, UTC); what `updated_since` compares."),
    )

    class Meta:
        model = Update
        fields = [
            "id",
            "url",
            "recommendation",
            "status",
            "status_label",
            "as_of",
            "description",
            "scope",
            "country",
            "country_name",
            "reported_by",
            "responsible_body",
            "evidence",
            "html_url",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "nullable": True, "pattern": "^[A-Z]{2}$"})
    def get_country(self, obj: Update) -> str | None:
        return _country_code(obj)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_country_name(self, obj: Update) -> str | None:
        return _country_name(obj)

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, obj: Update) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class SubmittedUpdateSerializer(UpdateSerializer):
    """An update as its author sees it after writing: with its publication state."""

    publication_state = serializers.ChoiceField(
        choices=PublicationState.choices,
        read_only=True,
        help_text=_(
            "`in_review` until a reviewer publishes it; only `published` updates are public."
        ),
    )

    class Meta(UpdateSerializer.Meta):
        fields = [*UpdateSerializer.Meta.fields, "publication_state"]


# A recommendation's derived status ------------------------------------------------------------


class PlaceStatusSerializer(serializers.Serializer):
    country = serializers.SerializerMethodField(
        help_text=_("ISO 3166 code; null for a regional or multi-country status.")
    )
    country_name = serializers.SerializerMethodField(
        help_text=_("The country's name; null when there is no country.")
    )
    scope = serializers.SerializerMethodField(
        help_text=_("`country`, `multi_country` or `regional`, as the update says.")
    )
    code = serializers.ChoiceField(
        choices=FollowUpStatus.choices,
        read_only=True,
        help_text=_("Status of the latest published update for this place."),
    )
    label = serializers.CharField(read_only=True, help_text=_("The status, in words."))
    as_of = serializers.DateField(read_only=True, help_text=_("Its as-of date."))
    stale = serializers.SerializerMethodField(
        help_text=_("true when the as-of date is older than the staleness period.")
    )

    @extend_schema_field({"type": "string", "nullable": True, "pattern": "^[A-Z]{2}$"})
    def get_country(self, obj: DerivedStatus) -> str | None:
        return _country_code(obj)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_country_name(self, obj: DerivedStatus) -> str | None:
        return _country_name(obj)

    @extend_schema_field(serializers.ChoiceField(choices=UpdateScope.choices))
    def get_scope(self, obj: DerivedStatus) -> str:
        return obj.update.scope if obj.update is not None else UpdateScope.COUNTRY

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_stale(self, obj: DerivedStatus) -> bool:
        return obj.as_of is not None and obj.as_of < stale_threshold(self.context)


class StatusSerializer(serializers.Serializer):
    """Overall status of a recommendation, with the per-place breakdown beside it."""

    code = serializers.ChoiceField(
        choices=STATUS_CODE_CHOICES,
        read_only=True,
        help_text=_(
            "Status of the latest published update of any place, or `none`: no published "
            "update yet (which is not `not_started`)."
        ),
    )
    label = serializers.CharField(read_only=True, help_text=_("The status, in words."))
    as_of = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("As-of date of that update; null when there is none."),
    )
    stale = serializers.SerializerMethodField(
        help_text=_(
            "true when the latest published update is older than the staleness period "
            "(12 months by default): the status may no longer hold."
        )
    )
    by_country = PlaceStatusSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "Per place (country, or the region, or several countries): the status of its "
            "latest published update."
        ),
    )

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_stale(self, obj: Any) -> bool:
        return obj.as_of is not None and obj.as_of < stale_threshold(self.context)


def place_status_data(status: Any, context: dict[str, Any]) -> dict[str, Any]:
    """A place's status as PlaceStatusSerializer writes it, without the serializer: the
    item serializers' fast path (recommendations/api/serializers.py) writes one per place."""
    update = getattr(status, "update", None)
    return {
        "country": _country_code(status),
        "country_name": _country_name(status),
        "scope": update.scope if update is not None else UpdateScope.COUNTRY,
        "code": status.code,
        "label": str(status.label),
        "as_of": status.as_of.isoformat() if status.as_of else None,
        "stale": status.as_of is not None and status.as_of < stale_threshold(context),
    }


class _Status:
    def __init__(self, overall: DerivedStatus, breakdown: list[DerivedStatus]) -> None:
        self.code = overall.code
        self.label = overall.label
        self.as_of = overall.as_of
        self.by_country = breakdown


def status_of(recommendation: Recommendation) -> _Status:
    """The derived status: overall from the ``with_status()`` annotations when the queryset
    has them, the breakdown from the prefetched published updates."""
    published = getattr(recommendation, "published_updates", None)
    if published is None:
        published = list(recommendation.updates.published())
    overall, breakdown = derive_status(published)
    if hasattr(recommendation, "current_status"):
        overall = DerivedStatus(
            code=recommendation.current_status, as_of=recommendation.status_as_of
        )
    return _Status(overall, breakdown)


def updates_url(request: Any, recommendation: Recommendation) -> str:
    return (
        request.build_absolute_uri(reverse("api:update-list"))
        + "?"
        + urlencode({"recommendation": recommendation.public_id})
    )
