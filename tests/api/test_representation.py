"""The item serializers write their JSON directly (fast); DRF's generic path, field by
declared field, must give exactly the same on every record: the declared fields stay the
contract and the schema, the direct path only its faster writing."""

from __future__ import annotations

import datetime

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from consultations.api.serializers import ConsultationLinkSerializer, SourceDocumentLinkSerializer
from consultations.models import Consultation, SourceDocument
from recommendations.api.views import ChallengeViewSet, GoodPracticeViewSet, RecommendationViewSet
from recommendations.models import Recommendation
from tests.factories import make_update

pytestmark = pytest.mark.usefixtures("data")


def both(viewset_class, path: str = "/api/v1/recommendations/") -> list[tuple[dict, dict]]:
    request = Request(APIRequestFactory().get(path, HTTP_HOST="testserver"))
    view = viewset_class()
    view.request, view.format_kwarg, view.action = request, None, "list"
    serializer = view.get_serializer(many=True).child
    pairs = []
    for record in view.get_queryset():
        generic = serializers.ModelSerializer.to_representation(serializer, record)
        pairs.append((serializer.to_representation(record), generic))
    return pairs


@pytest.mark.parametrize(
    "viewset_class", [RecommendationViewSet, ChallengeViewSet, GoodPracticeViewSet]
)
def test_the_direct_json_equals_drfs_on_every_record(viewset_class):
    pairs = both(viewset_class)
    assert len(pairs) >= 25
    for fast, generic in pairs:
        assert fast == generic
        assert list(fast) == list(generic)  # the same keys in the same order


def test_statuses_with_places_stale_and_regional_are_written_the_same():
    recommendations = list(Recommendation.objects.public().order_by("pk")[:3])
    make_update(recommendation=recommendations[0], country="PH", status="planned")
    make_update(
        recommendation=recommendations[0],
        country="NP",
        status="implemented",
        as_of=datetime.date(2019, 1, 1),
    )
    make_update(recommendation=recommendations[1], scope="regional", status="in_progress")
    make_update(recommendation=recommendations[2], scope="multi_country", publication_state="draft")
    pairs = both(RecommendationViewSet)
    with_places = [fast for fast, _generic in pairs if fast["status"]["by_country"]]
    assert len(with_places) == 2
    assert any(place["stale"] for fast in with_places for place in fast["status"]["by_country"])
    for fast, generic in pairs:
        assert fast == generic


@pytest.mark.parametrize(
    ("serializer_class", "model"),
    [(ConsultationLinkSerializer, Consultation), (SourceDocumentLinkSerializer, SourceDocument)],
)
def test_a_reviews_links_are_written_as_drf_writes_them(serializer_class, model):
    """A review's consultations and documents (a thousand each at scale) are written
    directly too; a consultation without a date among them."""
    records = list(model.objects.order_by("pk"))
    if model is Consultation:
        records.append(Consultation(pk=10_000, slug="undated", title="Undated", date=None))
    request = Request(APIRequestFactory().get("/api/v1/reviews/", HTTP_HOST="testserver"))
    serializer = serializer_class(many=True, context={"request": request}).child
    assert records
    for record in records:
        fast = serializer.to_representation(record)
        generic = serializers.ModelSerializer.to_representation(serializer, record)
        assert fast == generic
        assert list(fast) == list(generic)
        assert fast["url"].startswith("http://testserver/api/v1/")
