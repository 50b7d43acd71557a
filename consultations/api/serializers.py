"""JSON shapes of the framework, reviews, source documents, organizations and consultations.

Every record's ``id`` is the value its URL and the filters use (a number for objectives
and clusters, a slug otherwise); database keys never leave the server.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse as api_reverse

from consultations.api.organizations import OrganizationSlugField, slug_of
from consultations.models import (
    Cluster,
    Consultation,
    CoOrganizer,
    GuidingPrinciple,
    Objective,
    Organization,
    ParticipantShare,
    Review,
    SourceDocument,
    StakeholderGroup,
)
from gcm_review.api.links import RecordLink

URL_HELP = _("This record in the API.")


class OptionalURLField(serializers.URLField):
    """A web address that may be missing: null rather than an empty string, which is not
    a URI."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: str) -> str | None:
        return value or None


class ClusterSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="number", read_only=True, help_text=_("1 to 4."))
    title = serializers.CharField(read_only=True, help_text=_("The cluster's theme."))
    slug = serializers.SlugField(read_only=True, help_text=_("A readable name for addresses."))
    objectives = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="number",
        help_text=_("Numbers of the objectives this cluster reviews."),
    )
    url = RecordLink(
        view_name="api:cluster-detail",
        lookup_field="number",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )

    class Meta:
        model = Cluster
        fields = ["id", "title", "slug", "objectives", "url"]


class ObjectiveSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        source="number",
        read_only=True,
        help_text=_("The objective's number in the Compact, 1 to 23; the `objective` filter."),
    )
    title = serializers.CharField(read_only=True, help_text=_("The official title."))
    short_label = serializers.CharField(
        read_only=True, help_text=_("A few words for chips and table headers.")
    )
    slug = serializers.SlugField(read_only=True, help_text=_("A readable name for addresses."))
    cluster = serializers.IntegerField(
        source="cluster.number",
        read_only=True,
        help_text=_("Number of the review cluster it belongs to (resolution 73/326)."),
    )
    html_url = serializers.SerializerMethodField(
        help_text=_("The objective's page on the public site.")
    )
    url = RecordLink(
        view_name="api:objective-detail",
        lookup_field="number",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )

    class Meta:
        model = Objective
        fields = ["id", "title", "short_label", "slug", "cluster", "html_url", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, obj: Objective) -> str:
        path = reverse("consultations:objective-detail", kwargs={"number": obj.number})
        return self.context["request"].build_absolute_uri(path)


class GuidingPrincipleSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(
        source="slug", read_only=True, help_text=_("Slug; the `principle` filter.")
    )
    name = serializers.CharField(read_only=True, help_text=_("The principle's name."))
    description = serializers.CharField(read_only=True, help_text=_("What the Compact says of it."))
    compact_paragraph = serializers.CharField(
        read_only=True, help_text=_("Its paragraph in the Compact, e.g. 15(g).")
    )
    url = RecordLink(
        view_name="api:principle-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )

    class Meta:
        model = GuidingPrinciple
        fields = ["id", "name", "description", "compact_paragraph", "url"]


class StakeholderGroupSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug", read_only=True, help_text=_("Slug."))
    name = serializers.CharField(
        read_only=True, help_text=_("The group, as paragraph 44 of the Compact names it.")
    )
    url = RecordLink(
        view_name="api:stakeholder-group-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )

    class Meta:
        model = StakeholderGroup
        fields = ["id", "name", "url"]


class OrganizationSerializer(serializers.ModelSerializer):
    id = serializers.SerializerMethodField(
        help_text=_("Slug derived from the name; it does not change when others are added.")
    )
    name = serializers.CharField(read_only=True, help_text=_("Full name."))
    acronym = serializers.CharField(read_only=True, help_text=_("Acronym; may be empty."))
    kind = serializers.ChoiceField(
        choices=Organization.Kind.choices,
        read_only=True,
        help_text=_("A United Nations entity or a stakeholder organization."),
    )
    stakeholder_group = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=_("For stakeholder organizations: the group of paragraph 44 (slug)."),
    )
    countries = serializers.SerializerMethodField(
        help_text=_("Where it is based, as ISO 3166-1 alpha-2 codes.")
    )
    website = OptionalURLField(help_text=_("Its website; null when unknown."))
    url = serializers.SerializerMethodField(help_text=URL_HELP)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "acronym",
            "kind",
            "stakeholder_group",
            "countries",
            "website",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_id(self, obj: Organization) -> str:
        return slug_of(self, obj.pk) or ""

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_countries(self, obj: Organization) -> list[str]:
        return [country.code for country in obj.countries]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Organization) -> str:
        return api_reverse(
            "api:organization-detail",
            kwargs={"id": self.get_id(obj)},
            request=self.context["request"],
        )


class ConsultationLinkSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug", read_only=True, help_text=_("Slug."))
    title = serializers.CharField(read_only=True, help_text=_("The consultation's theme."))
    date = serializers.DateField(read_only=True, help_text=_("When it was held."))
    url = RecordLink(
        view_name="api:consultation-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )

    class Meta:
        model = Consultation
        fields = ["id", "title", "date", "url"]

    def to_representation(self, instance: Consultation) -> dict[str, Any]:
        # The declared fields' JSON, written directly: a review lists a thousand of these
        # at scale, and DRF's generic path was most of its time (tests/api holds the two
        # equal).
        return {
            "id": instance.slug,
            "title": instance.title,
            "date": instance.date.isoformat() if instance.date else None,
            "url": self.fields["url"].to_representation(instance),
        }


class SourceDocumentLinkSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug", read_only=True, help_text=_("Slug."))
    symbol = serializers.CharField(
        read_only=True, help_text=_("The UN symbol, e.g. ESCAP/GCM/2021/CRP.2.")
    )
    url = RecordLink(
        view_name="api:source-document-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )

    class Meta:
        model = SourceDocument
        fields = ["id", "symbol", "url"]

    def to_representation(self, instance: SourceDocument) -> dict[str, Any]:
        # As ConsultationLinkSerializer: written directly, held equal to DRF's by a test.
        return {
            "id": instance.slug,
            "symbol": instance.symbol,
            "url": self.fields["url"].to_representation(instance),
        }


class ReviewSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(
        source="slug", read_only=True, help_text=_("Slug; the `review` filter.")
    )
    title = serializers.CharField(read_only=True, help_text=_("The review's title."))
    region = serializers.ChoiceField(
        choices=Review._meta.get_field("region").choices,
        read_only=True,
        help_text=_("The region reviewed."),
    )
    cycle = serializers.CharField(
        read_only=True, help_text=_("The two years of the review cycle, e.g. 2020-21.")
    )
    meeting_start = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("First day of the review meeting.")
    )
    meeting_end = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("Last day of the review meeting.")
    )
    venue = serializers.CharField(read_only=True, help_text=_("Where it met; may be empty."))
    consultations = ConsultationLinkSerializer(
        many=True, read_only=True, help_text=_("Its published stakeholder consultations.")
    )
    source_documents = SourceDocumentLinkSerializer(
        many=True, read_only=True, help_text=_("The documents its records come from.")
    )
    url = RecordLink(
        view_name="api:review-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When it was entered."))
    updated_at = serializers.DateTimeField(read_only=True, help_text=_("When it last changed."))

    class Meta:
        model = Review
        fields = [
            "id",
            "title",
            "region",
            "cycle",
            "meeting_start",
            "meeting_end",
            "venue",
            "consultations",
            "source_documents",
            "url",
            "created_at",
            "updated_at",
        ]


class SourceDocumentSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug", read_only=True, help_text=_("Slug."))
    symbol = serializers.CharField(
        read_only=True, help_text=_("The UN symbol, e.g. ESCAP/GCM/2021/CRP.2.")
    )
    title = serializers.CharField(read_only=True, help_text=_("The document's title."))
    issuing_body = serializers.CharField(read_only=True, help_text=_("Who issued it."))
    date = serializers.DateField(read_only=True, help_text=_("Date of issue."))
    review = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("The review it belongs to (slug).")
    )
    document_url = OptionalURLField(
        source="url",
        help_text=_("Where the document can be read, e.g. on the UN website; null when unknown."),
    )
    url = RecordLink(
        view_name="api:source-document-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When it was entered."))
    updated_at = serializers.DateTimeField(read_only=True, help_text=_("When it last changed."))

    class Meta:
        model = SourceDocument
        fields = [
            "id",
            "symbol",
            "title",
            "issuing_body",
            "date",
            "review",
            "document_url",
            "url",
            "created_at",
            "updated_at",
        ]


class CoOrganizerSerializer(serializers.ModelSerializer):
    organization = OrganizationSlugField(
        help_text=_("The organization's id (slug) in /organizations/.")
    )
    name = serializers.CharField(
        source="organization.name", read_only=True, help_text=_("The organization's name.")
    )
    countries = serializers.SerializerMethodField(
        help_text=_("The countries the report gives beside it, as ISO 3166-1 alpha-2 codes.")
    )

    class Meta:
        model = CoOrganizer
        fields = ["organization", "name", "countries"]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_countries(self, obj: CoOrganizer) -> list[str]:
        return [country.code for country in obj.countries]


class ParticipantShareSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(
        read_only=True, help_text=_("The share of participants, 1 to 100.")
    )
    approximate = serializers.BooleanField(read_only=True, help_text=_("The report says “about”."))
    stakeholder_groups = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="slug",
        help_text=_("The stakeholder groups this share covers together (slugs)."),
    )

    class Meta:
        model = ParticipantShare
        fields = ["percent", "approximate", "stakeholder_groups"]


class ConsultationSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(
        source="slug", read_only=True, help_text=_("Slug; the `consultation` filter.")
    )
    review = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("The review it was held for (slug).")
    )
    sequence = serializers.IntegerField(
        read_only=True, help_text=_("1 for the review's first consultation, 2 for the second...")
    )
    title = serializers.CharField(read_only=True, help_text=_("The theme of its cluster."))
    date = serializers.DateField(read_only=True, help_text=_("When it was held."))
    cluster = serializers.IntegerField(
        source="cluster.number", read_only=True, help_text=_("Number of its review cluster.")
    )
    objectives = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="number",
        help_text=_("Numbers of the objectives it addressed."),
    )
    co_organizers = CoOrganizerSerializer(
        source="co_organizer_links",
        many=True,
        read_only=True,
        help_text=_("Who organized it, in the report's order."),
    )
    supporting_entities = serializers.SerializerMethodField(
        help_text=_("United Nations entities that supported it (organization ids).")
    )
    participants = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Approximate number of participants.")
    )
    countries_represented = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Approximate number of countries participants came from."),
    )
    sectors = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="slug",
        help_text=_("Stakeholder groups participants came from (slugs)."),
    )
    participant_shares = ParticipantShareSerializer(
        many=True, read_only=True, help_text=_("Shares of participants by stakeholder group.")
    )
    gender_balance_note = serializers.CharField(
        read_only=True, help_text=_("What the report says about gender balance; may be empty.")
    )
    source_document = SourceDocumentLinkSerializer(
        read_only=True, help_text=_("The document that reports on it.")
    )
    paragraphs = serializers.CharField(
        read_only=True, help_text=_("Its paragraphs in the source document, e.g. 13-17.")
    )
    html_url = serializers.SerializerMethodField(
        help_text=_("The consultation's page on the public site.")
    )
    url = RecordLink(
        view_name="api:consultation-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When it was entered."))
    updated_at = serializers.DateTimeField(read_only=True, help_text=_("When it last changed."))

    class Meta:
        model = Consultation
        fields = [
            "id",
            "review",
            "sequence",
            "title",
            "date",
            "cluster",
            "objectives",
            "co_organizers",
            "supporting_entities",
            "participants",
            "countries_represented",
            "sectors",
            "participant_shares",
            "gender_balance_note",
            "source_document",
            "paragraphs",
            "html_url",
            "url",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_supporting_entities(self, obj: Consultation) -> list[str]:
        return [slug_of(self, entity.pk) or "" for entity in obj.supporting_entities.all()]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, obj: Consultation) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())
