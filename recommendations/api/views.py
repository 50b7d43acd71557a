"""Challenges, good practices and recommendations: lists with the site's filters, records,
in JSON or CSV; and the addressees vocabulary."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import ModelChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from gcm_review.api import examples
from gcm_review.api.conditional import Validators, item_validators
from gcm_review.api.formats import CSVRenderer, is_csv
from gcm_review.api.parameters import normalized_date_time
from gcm_review.api.schema import document_items, document_reference
from gcm_review.api.viewsets import PublicReadOnlyViewSet, ReferenceViewSet
from recommendations.api.serializers import (
    AddresseeSerializer,
    ChallengeSerializer,
    GoodPracticeSerializer,
    RecommendationSerializer,
)
from recommendations.exports import export_response
from recommendations.filters import (
    NON_FILTER_PARAMETERS,
    ChallengeFilterSet,
    GoodPracticeFilterSet,
    ItemFilterSet,
    RecommendationFilterSet,
    with_spelling_fallback,
)
from recommendations.models import Actor, Challenge, GoodPractice, Item, Recommendation, Update

# Beyond this many choices an error message points to the endpoint instead of listing them.
MAX_LISTED_CHOICES = 30


def accepted_values(filterset: ItemFilterSet, name: str, *, limit: int) -> list[str]:
    """The values a model-choice filter accepts, as the API's errors and schema list them;
    none when there are more than ``limit`` (20,000 consultation slugs list nothing useful,
    and reading them all would cost every error and the schema seconds)."""
    field = filterset.filters[name]
    if not isinstance(field, ModelChoiceFilter):
        return []
    queryset = field.get_queryset(filterset.request)
    values = [
        str(value)
        for value in queryset.values_list(field.extra["to_field_name"], flat=True)[: limit + 1]
    ]
    if len(values) > limit:
        return []
    if field.extra.get("null_label") is not None:
        values.append(field.extra.get("null_value", "null"))
    return values


class ItemFilterBackend(DjangoFilterBackend):
    """The site's FilterSet, fed strictly: dates read as the schema says, every refusal
    a 400 that names the parameter and what it accepts."""

    def get_filterset_kwargs(self, request: Request, queryset: QuerySet, view: Any) -> dict:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = normalized_date_time(request.query_params, "updated_since")
        return kwargs

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            errors: dict[str, list[str]] = {}
            for name, messages in filterset.errors.items():
                errors[name] = [str(message) for message in messages]
                values = accepted_values(filterset, name, limit=MAX_LISTED_CHOICES)
                if values:
                    errors[name].append(_("Accepted: %(values)s.") % {"values": ", ".join(values)})
            raise ValidationError(errors)
        if isinstance(filterset, ItemFilterSet):
            # The site's list falls back to close spellings: the API returns its rows.
            filterset = with_spelling_fallback(filterset)
        # The paginator asks it for the (kept) count.
        view.filterset = filterset
        return filterset.qs


class ItemViewSet(PublicReadOnlyViewSet):
    """Public items of one kind, filtered by the FilterSet the site's list uses."""

    model: ClassVar[type[Item]]
    filterset_class: ClassVar[type[ItemFilterSet]]
    lookup_field = "public_id"
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [ItemFilterBackend]
    # The body changes with the date alone (a recommendation's status turns stale).
    daily_validators: ClassVar[bool] = False

    def get_queryset(self) -> QuerySet:
        return self.model.objects.public().for_export()

    def validators(self, request: Request) -> Validators:
        return item_validators(
            request, request.accepted_renderer.format, daily=self.daily_validators
        )

    def accepted_parameters(self) -> set[str]:
        if self.action == "list":
            return set(self.filterset_class.base_filters) | NON_FILTER_PARAMETERS
        return super().accepted_parameters()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queryset = self.filter_queryset(self.get_queryset())
        # Malformed paging is a 400 even for CSV, which ignores paging.
        self.paginator.get_page_size(request)
        self.paginator.get_page_number_value(request)
        validators = self.validators(request)
        not_modified = validators.not_modified(request)
        if not_modified is not None:
            return not_modified
        if is_csv(request):
            return validators.apply(export_response(request, queryset, "csv"))
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        return validators.apply(response)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        value = self.kwargs[self.lookup_url_kwarg]
        if not self.lookup_pattern.fullmatch(value):
            raise NotFound(self.not_found_message)
        # A client can only hold this address's ETag if the record was public under the
        # data version in it: a record gone since changed the version, so checking the
        # validators before reading the record never answers 304 for a missing one.
        validators = self.validators(request)
        not_modified = validators.not_modified(request)
        if not_modified is not None:
            return not_modified
        queryset = self.get_queryset().filter(public_id=value)
        if is_csv(request):
            if not queryset.exists():
                raise NotFound(self.not_found_message)
            return validators.apply(export_response(request, queryset, "csv"))
        record = queryset.first()
        if record is None:
            raise NotFound(self.not_found_message)
        return validators.apply(Response(self.get_serializer(record).data))


@document_items(Recommendation, RecommendationSerializer, examples.RECOMMENDATION)
class RecommendationViewSet(ItemViewSet):
    """Published recommendations, with the filters of the site's list; JSON or CSV."""

    model = Recommendation
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilterSet
    not_found_message = gettext_lazy("No published recommendation has this id.")
    daily_validators = True

    def get_queryset(self) -> QuerySet:
        # The status's per-place breakdown: only the fields it reads, one query per page.
        published = (
            Update.objects.published()
            .only("pk", "recommendation_id", "status", "as_of", "scope", "country", "created_at")
            .order_by()
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("updates", queryset=published, to_attr="published_updates"))
        )


@document_items(Challenge, ChallengeSerializer, examples.CHALLENGE)
class ChallengeViewSet(ItemViewSet):
    """Published challenges, with the filters of the site's list; JSON or CSV."""

    model = Challenge
    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilterSet
    not_found_message = gettext_lazy("No published challenge has this id.")


@document_items(GoodPractice, GoodPracticeSerializer, examples.GOOD_PRACTICE)
class GoodPracticeViewSet(ItemViewSet):
    """Published good practices, with the filters of the site's list; JSON or CSV."""

    model = GoodPractice
    serializer_class = GoodPracticeSerializer
    filterset_class = GoodPracticeFilterSet
    not_found_message = gettext_lazy("No published good practice has this id.")


@document_reference(Actor, AddresseeSerializer, examples.ADDRESSEE)
class AddresseeViewSet(ReferenceViewSet):
    """Whom recommendations are addressed to."""

    queryset = Actor.objects.all()
    serializer_class = AddresseeSerializer
    lookup_field = "slug"
    not_found_message = gettext_lazy("No addressee has this id.")
