"""JSON shapes of challenges, good practices and recommendations: the partners' contract.

Field names are fixed (tests/api asserts the exact JSON of one recommendation); add
fields, never rename or drop one. Every serializer reads only what ``for_list()``
prefetches (for a recommendation's status, with the view's prefetch of published
updates), so a page costs the same number of queries whatever its length.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultations.models import Consultation, SourceDocument
from recommendations.api.update_serializers import StatusSerializer, status_of, updates_url
from recommendations.models import Actor, Challenge, GoodPractice, Item, Recommendation

URL_HELP = _("This record in the API.")


def _link_serializer(model: type[Item], view_name: str) -> type[serializers.ModelSerializer]:
    label = model._meta.verbose_name

    class Link(serializers.ModelSerializer):
        id = serializers.SlugField(
            source="public_id", read_only=True, help_text=_("Stable public identifier.")
        )
        reference = serializers.CharField(
            read_only=True, help_text=_("Paragraph reference as printed, e.g. 15(e).")
        )
        url = serializers.HyperlinkedIdentityField(
            view_name=view_name,
            lookup_field="public_id",
            lookup_url_kwarg="id",
            help_text=_("The %(label)s in the API.") % {"label": label},
        )

        class Meta:
            fields = ["id", "reference", "url"]

    Link.Meta.model = model
    Link.__name__ = Link.__qualname__ = f"{model.__name__}LinkSerializer"
    return Link


ChallengeLinkSerializer = _link_serializer(Challenge, "api:challenge-detail")
GoodPracticeLinkSerializer = _link_serializer(GoodPractice, "api:good-practice-detail")
RecommendationLinkSerializer = _link_serializer(Recommendation, "api:recommendation-detail")


class ConsultationSummarySerializer(serializers.ModelSerializer):
    id = serializers.SlugField(
        source="slug",
        read_only=True,
        help_text=_("Slug of the consultation; the `consultation` filter."),
    )
    title = serializers.CharField(read_only=True, help_text=_("The consultation's theme."))
    date = serializers.DateField(read_only=True, help_text=_("When it was held."))

    class Meta:
        model = Consultation
        fields = ["id", "title", "date"]


class SourceDocumentSummarySerializer(serializers.ModelSerializer):
    symbol = serializers.CharField(
        read_only=True, help_text=_("The UN symbol, e.g. ESCAP/GCM/2021/CRP.2.")
    )
    title = serializers.CharField(read_only=True, help_text=_("The document's title."))

    class Meta:
        model = SourceDocument
        fields = ["symbol", "title"]


class ItemSerializer(serializers.ModelSerializer):
    """Fields every kind of item has."""

    id = serializers.SlugField(
        source="public_id",
        read_only=True,
        help_text=_(
            "Stable public identifier, derived from the source document and the paragraph; "
            "it never changes."
        ),
    )
    reference = serializers.CharField(
        read_only=True, help_text=_("Paragraph reference as printed, e.g. 17(b).")
    )
    text = serializers.CharField(read_only=True, help_text=_("The text as the document gives it."))
    review = serializers.SlugField(
        source="source_document.review.slug",
        read_only=True,
        help_text=_("Slug of the regional review; the `review` filter."),
    )
    consultation = ConsultationSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The consultation it came from; null for cross-cutting items "
            "(the COVID-19 section, the conclusions of the review)."
        ),
    )
    source_document = SourceDocumentSummarySerializer(
        read_only=True, help_text=_("The document it is quoted from.")
    )
    objectives = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="number",
        help_text=_("Numbers of the GCM objectives it is tagged with (1 to 23)."),
    )
    guiding_principles = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="slug",
        help_text=_("Slugs of the guiding principles it is tagged with."),
    )
    covid_related = serializers.BooleanField(
        read_only=True, help_text=_("About the COVID-19 pandemic and its consequences.")
    )
    html_url = serializers.SerializerMethodField(
        help_text=_("Its permanent page on the public site, to cite or link to.")
    )
    created_at = serializers.DateTimeField(
        read_only=True, help_text=_("When it was entered (ISO 8601, UTC).")
    )
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text=_("When it last changed (ISO 8601, UTC); what `updated_since` compares."),
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, obj: Item) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


def _url_field(view_name: str) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(
        view_name=view_name, lookup_field="public_id", lookup_url_kwarg="id", help_text=URL_HELP
    )


class RecommendationSerializer(ItemSerializer):
    """A recommendation of a consultation, or an affirmation in the review's conclusions."""

    addressed_to = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="slug",
        help_text=_("Slugs of whom it asks to act (see /addressees/); the `addressed_to` filter."),
    )
    is_conclusion = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "true for an affirmation in the review's conclusions (no consultation), false for "
            "a recommendation of a consultation; the `conclusion` filter."
        ),
    )
    challenges = ChallengeLinkSerializer(
        many=True, read_only=True, help_text=_("The challenges it answers.")
    )
    good_practices = GoodPracticeLinkSerializer(
        many=True, read_only=True, help_text=_("The good practices that support it.")
    )
    url = _url_field("api:recommendation-detail")
    status = serializers.SerializerMethodField(
        help_text=_(
            "Follow-up status, derived from the published updates only: overall (the latest "
            "update of any place) and per place; `none` when there is no published update."
        )
    )
    updates_url = serializers.SerializerMethodField(
        help_text=_("The published follow-up updates of this recommendation, in the API.")
    )

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "reference",
            "text",
            "review",
            "consultation",
            "source_document",
            "objectives",
            "guiding_principles",
            "addressed_to",
            "covid_related",
            "is_conclusion",
            "challenges",
            "good_practices",
            "html_url",
            "url",
            "created_at",
            "updated_at",
            "status",
            "updates_url",
        ]

    @extend_schema_field(StatusSerializer)
    def get_status(self, obj: Recommendation) -> dict:
        return StatusSerializer(status_of(obj), context=self.context).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_updates_url(self, obj: Recommendation) -> str:
        return updates_url(self.context["request"], obj)


_ITEM_FIELDS = [
    "id",
    "reference",
    "text",
    "review",
    "consultation",
    "source_document",
    "objectives",
    "guiding_principles",
    "covid_related",
    "recommendations",
    "html_url",
    "url",
    "created_at",
    "updated_at",
]


class ChallengeSerializer(ItemSerializer):
    """A challenge stakeholders identified in implementing the Global Compact."""

    recommendations = RecommendationLinkSerializer(
        many=True, read_only=True, help_text=_("The recommendations that answer it.")
    )
    url = _url_field("api:challenge-detail")

    class Meta:
        model = Challenge
        fields = _ITEM_FIELDS


class GoodPracticeSerializer(ItemSerializer):
    """A practice stakeholders said shows the way."""

    recommendations = RecommendationLinkSerializer(
        many=True, read_only=True, help_text=_("The recommendations it supports.")
    )
    url = _url_field("api:good-practice-detail")

    class Meta:
        model = GoodPractice
        fields = _ITEM_FIELDS


class AddresseeSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(
        source="slug", read_only=True, help_text=_("Slug; the `addressed_to` filter.")
    )
    name = serializers.CharField(read_only=True, help_text=_("Who is addressed."))
    description = serializers.CharField(
        read_only=True, help_text=_("What the category covers; may be empty.")
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:addressee-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )

    class Meta:
        model = Actor
        fields = ["id", "name", "description", "url"]
