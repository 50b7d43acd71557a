"""JSON shapes of challenges, good practices and recommendations: the partners' contract.

Field names are fixed (tests/api asserts the exact JSON of one recommendation); add
fields, never rename or drop one. Every serializer reads only what ``for_export()``
prefetches (for a recommendation's status, with the view's prefetch of published
updates), so a page costs the same number of queries whatever its length.

The declared fields are the contract and the schema; ``to_representation`` writes the
same JSON directly (``Represent``), because DRF's generic path (a field object copied and
asked per value, a nested serializer per link and status) cost 2 ms a record, most of an
API page. tests/api/test_representation.py holds the two equal on every record.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse as django_reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from consultations.models import Consultation, SourceDocument
from gcm_review.api.links import RecordLink, address_pattern, fill
from recommendations.api.update_serializers import (
    StatusSerializer,
    place_status_data,
    stale_threshold,
    status_of,
    updates_url,
)
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
        url = RecordLink(
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


def _datetime(value: datetime.datetime | None) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the current time zone, UTC as Z."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class Represent:
    """What a page of items needs to write each one's JSON without DRF's field machinery:
    absolute addresses made once per page from a pattern, then filled in per record."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.request = context["request"]
        self.format = context.get("format")
        self.context = context

    def api_url(self, view_name: str, public_id: str) -> str:
        pattern = address_pattern(self.context, view_name, "id", self.request, self.format)
        if pattern is None:
            return reverse(
                view_name, kwargs={"id": public_id}, request=self.request, format=self.format
            )
        return fill(pattern, public_id)

    @cached_property
    def _html_pattern(self) -> str:
        return self.request.build_absolute_uri("/").rstrip("/")

    def html_url(self, item: Item) -> str:
        return self._html_pattern + item.get_absolute_url()

    @cached_property
    def stale_before(self) -> datetime.date:
        return stale_threshold(self.context)

    @cached_property
    def updates_base(self) -> str:
        return self.request.build_absolute_uri(django_reverse("api:update-list")) + "?"

    def links(self, items: Any, view_name: str) -> list[dict[str, str]]:
        return [
            {
                "id": item.public_id,
                "reference": item.reference,
                "url": self.api_url(view_name, item.public_id),
            }
            for item in items
        ]


class ItemSerializer(serializers.ModelSerializer):
    """Fields every kind of item has."""

    detail_view: str = ""

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

    @property
    def represent(self) -> Represent:
        # One per response: a list's child serializer is shared by every record.
        context = self.context
        if "represent" not in context:
            context["represent"] = Represent(context)
        return context["represent"]

    def to_representation(self, instance: Item) -> dict[str, Any]:
        values = self.values(instance, self.represent)
        return {name: values[name] for name in self.Meta.fields}

    def values(self, item: Item, represent: Represent) -> dict[str, Any]:
        """Every field of ``Meta.fields``, as the declared field would write it."""
        consultation = item.consultation
        document = item.source_document
        return {
            "id": item.public_id,
            "reference": item.reference,
            "text": item.text,
            "review": document.review.slug,
            "consultation": (
                {
                    "id": consultation.slug,
                    "title": consultation.title,
                    "date": consultation.date.isoformat() if consultation.date else None,
                }
                if consultation is not None
                else None
            ),
            "source_document": {"symbol": document.symbol, "title": document.title},
            "objectives": [objective.number for objective in item.objective_list],
            "guiding_principles": [principle.slug for principle in item.principle_list],
            "covid_related": item.covid_related,
            "html_url": represent.html_url(item),
            "url": represent.api_url(self.detail_view, item.public_id),
            "created_at": _datetime(item.created_at),
            "updated_at": _datetime(item.updated_at),
        }


def _url_field(view_name: str) -> RecordLink:
    return RecordLink(
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

    detail_view = "api:recommendation-detail"

    @extend_schema_field(StatusSerializer)
    def get_status(self, obj: Recommendation) -> dict:
        return StatusSerializer(status_of(obj), context=self.context).data

    def values(self, item: Item, represent: Represent) -> dict[str, Any]:
        assert isinstance(item, Recommendation)
        status = status_of(item)
        return {
            **super().values(item, represent),
            "addressed_to": [actor.slug for actor in item.addressee_list],
            "is_conclusion": item.is_conclusion,
            "challenges": represent.links(item.challenge_list, "api:challenge-detail"),
            "good_practices": represent.links(item.good_practice_list, "api:good-practice-detail"),
            "status": {
                "code": status.code,
                "label": str(status.label),
                "as_of": status.as_of.isoformat() if status.as_of else None,
                "stale": status.as_of is not None and status.as_of < represent.stale_before,
                "by_country": [
                    place_status_data(place, represent.context) for place in status.by_country
                ],
            },
            "updates_url": represent.updates_base + urlencode({"recommendation": item.public_id}),
        }

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
    detail_view = "api:challenge-detail"

    class Meta:
        model = Challenge
        fields = _ITEM_FIELDS

    def values(self, item: Item, represent: Represent) -> dict[str, Any]:
        return {
            **super().values(item, represent),
            "recommendations": represent.links(
                item.recommendation_list, "api:recommendation-detail"
            ),
        }


class GoodPracticeSerializer(ItemSerializer):
    """A practice stakeholders said shows the way."""

    recommendations = RecommendationLinkSerializer(
        many=True, read_only=True, help_text=_("The recommendations it supports.")
    )
    url = _url_field("api:good-practice-detail")
    detail_view = "api:good-practice-detail"

    class Meta:
        model = GoodPractice
        fields = _ITEM_FIELDS

    def values(self, item: Item, represent: Represent) -> dict[str, Any]:
        return {
            **super().values(item, represent),
            "recommendations": represent.links(
                item.recommendation_list, "api:recommendation-detail"
            ),
        }


class AddresseeSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(
        source="slug", read_only=True, help_text=_("Slug; the `addressed_to` filter.")
    )
    name = serializers.CharField(read_only=True, help_text=_("Who is addressed."))
    description = serializers.CharField(
        read_only=True, help_text=_("What the category covers; may be empty.")
    )
    url = RecordLink(
        view_name="api:addressee-detail",
        lookup_field="slug",
        lookup_url_kwarg="id",
        help_text=URL_HELP,
    )

    class Meta:
        model = Actor
        fields = ["id", "name", "description", "url"]
