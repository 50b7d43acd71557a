"""Current status and staleness, derived from published updates only."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from recommendations.models import (
    NO_UPDATE,
    Recommendation,
    derive_status,
    stale_before,
)
from tests.factories import make_consultation, make_recommendation, make_update

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(
        datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


@pytest.fixture
def recommendation():
    return make_recommendation(consultation=make_consultation(), objectives=[20])


def status_of(recommendation, country=None):
    annotated = Recommendation.objects.with_status(country=country).get(pk=recommendation.pk)
    published = list(recommendation.updates.published())
    overall, breakdown = derive_status(published)
    return annotated, overall, breakdown


def test_no_published_update_means_no_update_yet_not_not_started(recommendation):
    make_update(recommendation=recommendation, status="not_started", publication_state="draft")
    annotated, overall, breakdown = status_of(recommendation)
    assert annotated.current_status == NO_UPDATE
    assert overall.code == NO_UPDATE
    assert overall.label == "No update yet"
    assert breakdown == []
    assert not overall.is_stale


def test_overall_is_the_latest_published_update_of_any_country(recommendation):
    make_update(
        recommendation=recommendation,
        status="planned",
        country="PH",
        as_of=datetime.date(2026, 3, 1),
    )
    make_update(
        recommendation=recommendation,
        status="implemented",
        country="NP",
        as_of=datetime.date(2026, 6, 1),
    )
    make_update(
        recommendation=recommendation,
        status="in_progress",
        country="PH",
        as_of=datetime.date(2025, 1, 1),
    )
    annotated, overall, breakdown = status_of(recommendation)
    assert (annotated.current_status, annotated.status_as_of) == (
        "implemented",
        datetime.date(2026, 6, 1),
    )
    assert (overall.code, overall.place) == ("implemented", "Nepal")
    assert [(s.place, s.code, s.as_of) for s in breakdown] == [
        ("Nepal", "implemented", datetime.date(2026, 6, 1)),
        ("Philippines", "planned", datetime.date(2026, 3, 1)),
    ]


def test_per_country_status(recommendation):
    make_update(
        recommendation=recommendation,
        status="planned",
        country="PH",
        as_of=datetime.date(2026, 3, 1),
    )
    make_update(
        recommendation=recommendation,
        status="implemented",
        country="NP",
        as_of=datetime.date(2026, 6, 1),
    )
    philippines = Recommendation.objects.with_status(country="PH").get(pk=recommendation.pk)
    assert philippines.current_status == "planned"
    thailand = Recommendation.objects.with_status(country="TH").get(pk=recommendation.pk)
    assert thailand.current_status == NO_UPDATE


@pytest.mark.parametrize("state", ["draft", "in_review", "withdrawn"])
def test_unpublished_updates_never_change_the_public_status(recommendation, state):
    make_update(
        recommendation=recommendation, status="in_progress", as_of=datetime.date(2026, 1, 1)
    )
    make_update(
        recommendation=recommendation,
        status="implemented",
        as_of=datetime.date(2026, 10, 1),
        publication_state=state,
    )
    annotated, overall, breakdown = status_of(recommendation)
    assert annotated.current_status == overall.code == "in_progress"
    assert [s.code for s in breakdown] == ["in_progress"]


def test_regional_and_multi_country_updates_count_overall(recommendation):
    make_update(
        recommendation=recommendation,
        status="planned",
        country="PH",
        as_of=datetime.date(2026, 1, 1),
    )
    make_update(
        recommendation=recommendation,
        status="in_progress",
        scope="regional",
        as_of=datetime.date(2026, 2, 1),
    )
    _annotated, overall, breakdown = status_of(recommendation)
    assert overall.code == "in_progress"
    assert overall.place == "The region as a whole"
    assert {s.place for s in breakdown} == {"Philippines", "The region as a whole"}


def test_same_day_updates_are_ordered_by_entry(recommendation):
    make_update(recommendation=recommendation, status="planned", as_of=datetime.date(2026, 5, 1))
    make_update(
        recommendation=recommendation, status="in_progress", as_of=datetime.date(2026, 5, 1)
    )
    annotated, overall, _breakdown = status_of(recommendation)
    assert annotated.current_status == overall.code == "in_progress"


def test_staleness_after_twelve_months(recommendation):
    assert stale_before() == datetime.date(2025, 11, 26)
    make_update(
        recommendation=recommendation, status="in_progress", as_of=datetime.date(2025, 11, 25)
    )
    _annotated, overall, breakdown = status_of(recommendation)
    assert overall.is_stale
    assert breakdown[0].is_stale
    make_update(
        recommendation=recommendation,
        status="in_progress",
        country="NP",
        as_of=datetime.date(2025, 11, 26),
    )
    _annotated, overall, breakdown = status_of(recommendation)
    assert not overall.is_stale
    assert [s.is_stale for s in breakdown] == [False, True]  # Nepal fresh, Philippines stale


def test_the_staleness_period_is_configurable(recommendation, settings):
    settings.FOLLOW_UP_STALE_MONTHS = 6
    assert stale_before() == datetime.date(2026, 5, 26)
    make_update(recommendation=recommendation, as_of=datetime.date(2026, 5, 1))
    assert status_of(recommendation)[1].is_stale


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 3, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2026, 1, 15), 12, datetime.date(2025, 1, 15)),
        (datetime.date(2026, 1, 15), 13, datetime.date(2024, 12, 15)),
    ],
)
def test_stale_before_counts_calendar_months(settings, today, months, expected):
    settings.FOLLOW_UP_STALE_MONTHS = months
    assert stale_before(today) == expected


def test_future_as_of_dates_are_refused_by_validation(recommendation):
    from django.core.exceptions import ValidationError

    update = make_update(recommendation=recommendation)
    update.as_of = datetime.date(2027, 1, 1)
    with pytest.raises(ValidationError, match="future"):
        update.full_clean()
