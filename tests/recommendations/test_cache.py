"""Counts and facets kept under the data version (recommendations/cache.py): kept while
nothing changes, never served stale after a write, computed once when many want them."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from recommendations import cache as data_cache
from recommendations.filters import RecommendationFilterSet
from recommendations.models import Recommendation
from tests.factories import make_consultation, make_recommendation

pytestmark = pytest.mark.django_db


def bound(query: str = "objective=6") -> RecommendationFilterSet:
    filterset = RecommendationFilterSet(
        QueryDict(query), queryset=Recommendation.objects.public().for_list()
    )
    assert filterset.is_valid(), filterset.errors
    return filterset


def test_a_count_is_kept_until_the_data_changes():
    consultation = make_consultation()
    make_recommendation(consultation=consultation, objectives=[6])
    assert bound().count == 1
    with CaptureQueriesContext(connection) as captured:
        assert bound().count == 1
    assert len(captured) == 1  # the data version, not the count
    make_recommendation(consultation=consultation, objectives=[6])
    assert bound().count == 2


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda r: Recommendation.objects.filter(pk=r.pk).update(covid_related=True),
            id="bulk update",
        ),
        pytest.param(lambda r: r.objectives.clear(), id="tag removed"),
        pytest.param(
            lambda r: r.consultation.__class__.objects.update(publication_state="draft"),
            id="consultation unpublished",
        ),
    ],
)
def test_facets_follow_every_kind_of_write(change):
    recommendation = make_recommendation(consultation=make_consultation(), objectives=[6])
    before = {facet.parameter: facet for facet in bound("").facets()}
    change(recommendation)
    after = {facet.parameter: facet for facet in bound("").facets()}
    assert before != after


def test_a_value_being_computed_is_waited_for_not_computed_again(monkeypatch):
    calls = []
    key_parts = ("test", 1)
    digest_key = {}

    def spy_add(key, value, timeout):
        digest_key["key"] = key.removesuffix(":computing")
        return False  # another request holds the lock

    monkeypatch.setattr(cache, "add", spy_add)
    timer = threading.Timer(0.1, lambda: cache.set(digest_key["key"], "computed elsewhere"))
    timer.start()
    try:
        value = data_cache.cached("t", key_parts, lambda: calls.append(1) or "computed here")
    finally:
        timer.cancel()
    assert value == "computed elsewhere"
    assert calls == []


def test_a_request_that_waited_too_long_computes_itself(monkeypatch):
    monkeypatch.setattr(cache, "add", lambda *args: False)
    monkeypatch.setattr(data_cache, "WAIT_SECONDS", 0.05)
    assert data_cache.cached("t", ("late",), lambda: "computed here") == "computed here"


def test_zero_seconds_switches_it_off(settings):
    settings.DATA_CACHE_SECONDS = 0
    make_recommendation(consultation=make_consultation(), objectives=[6])
    bound().count  # noqa: B018
    with CaptureQueriesContext(connection) as captured:
        assert bound().count == 1
    assert len(captured) == 1  # the count itself, no version read
    assert "COUNT" in captured[0]["sql"].upper()
