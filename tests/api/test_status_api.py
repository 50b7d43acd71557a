"""A recommendation's follow-up status in the API: derived from published updates only,
overall and per place, stale after the period; the status, stale and country filters of
the list, both sides and strictly; query counts that do not grow with the page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.publication import PublicationState
from recommendations.models import Recommendation, UpdateScope
from tests.api.conftest import ID_17B
from tests.api.test_filters_api import assert_same_rows
from tests.factories import make_update

pytestmark = pytest.mark.usefixtures("data")

RECORD = f"/api/v1/recommendations/{ID_17B}/"
LIST = "/api/v1/recommendations/"
# After the dataset was loaded (its timestamps are the real clock's), so that the
# validators' dates move forward as they would in production.
TODAY = datetime.datetime(2035, 6, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def status_of(client, public_id: str = ID_17B) -> dict:
    response = client.get(f"/api/v1/recommendations/{public_id}/")
    assert response.status_code == 200
    return response.json()["status"]


def test_no_published_update_is_no_update_yet_not_not_started(client, rec_17b):
    make_update(recommendation=rec_17b, publication_state=PublicationState.DRAFT)
    make_update(recommendation=rec_17b, publication_state=PublicationState.IN_REVIEW)
    assert status_of(client) == {
        "code": "none",
        "label": "No update yet",
        "as_of": None,
        "stale": False,
        "by_country": [],
    }


def test_the_status_is_the_latest_published_update_with_the_breakdown_beside_it(client, rec_17b):
    make_update(
        recommendation=rec_17b, country="PH", status="planned", as_of=datetime.date(2034, 1, 1)
    )
    make_update(
        recommendation=rec_17b, country="PH", status="in_progress", as_of=datetime.date(2035, 2, 1)
    )
    make_update(
        recommendation=rec_17b, country="NP", status="not_started", as_of=datetime.date(2033, 5, 1)
    )
    make_update(
        recommendation=rec_17b,
        scope=UpdateScope.REGIONAL,
        status="partially_implemented",
        as_of=datetime.date(2035, 3, 1),
    )
    # Newer, but not published: changes nothing.
    make_update(
        recommendation=rec_17b,
        country="NP",
        status="implemented",
        as_of=datetime.date(2035, 6, 1),
        publication_state=PublicationState.IN_REVIEW,
    )
    make_update(
        recommendation=rec_17b,
        country="PH",
        status="implemented",
        as_of=datetime.date(2035, 6, 1),
        publication_state=PublicationState.DRAFT,
    )

    assert status_of(client) == {
        "code": "partially_implemented",
        "label": "Partially implemented",
        "as_of": "2035-03-01",
        "stale": False,
        "by_country": [
            {
                "country": "NP",
                "country_name": "Nepal",
                "scope": "country",
                "code": "not_started",
                "label": "Not started",
                "as_of": "2033-05-01",
                "stale": True,
            },
            {
                "country": "PH",
                "country_name": "Philippines",
                "scope": "country",
                "code": "in_progress",
                "label": "In progress",
                "as_of": "2035-02-01",
                "stale": False,
            },
            {
                "country": None,
                "country_name": None,
                "scope": "regional",
                "code": "partially_implemented",
                "label": "Partially implemented",
                "as_of": "2035-03-01",
                "stale": False,
            },
        ],
    }


def test_the_list_embeds_the_same_status_as_the_record(client, rec_17b):
    make_update(recommendation=rec_17b, country="PH", status="implemented")
    record = client.get(RECORD).json()
    page = client.get(LIST, {"page_size": 100}).json()
    assert record in page["results"]
    others = [item for item in page["results"] if item["id"] != ID_17B]
    assert {item["status"]["code"] for item in others} == {"none"}


def test_a_status_older_than_the_period_is_stale(client, rec_17b, settings):
    make_update(recommendation=rec_17b, as_of=datetime.date(2034, 6, 14))
    assert status_of(client)["stale"] is True
    with time_machine.travel(datetime.datetime(2035, 6, 14, 12, tzinfo=datetime.UTC)):
        assert status_of(client)["stale"] is False
    settings.FOLLOW_UP_STALE_MONTHS = 24
    assert status_of(client)["stale"] is False


def test_staleness_changes_the_validators_at_midnight(client, rec_17b):
    make_update(recommendation=rec_17b, as_of=datetime.date(2034, 6, 15))
    first = client.get(RECORD)
    assert first.json()["status"]["stale"] is False
    assert client.get(RECORD, headers={"If-None-Match": first["ETag"]}).status_code == 304
    with time_machine.travel(datetime.datetime(2035, 6, 16, 0, 1, tzinfo=datetime.UTC)):
        again = client.get(RECORD, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 200
        assert again.json()["status"]["stale"] is True
        since = client.get(RECORD, headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 200


def test_publishing_an_update_changes_the_recommendation_etag(client, rec_17b):
    update = make_update(recommendation=rec_17b, publication_state=PublicationState.IN_REVIEW)
    etag = client.get(RECORD)["ETag"]
    assert client.get(RECORD, headers={"If-None-Match": etag}).status_code == 304
    update.publication_state = PublicationState.PUBLISHED
    update.save()
    response = client.get(RECORD, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "in_progress"


def test_updates_url_lists_the_recommendations_updates(client, rec_17b):
    update = make_update(recommendation=rec_17b)
    make_update(recommendation=Recommendation.objects.public().exclude(pk=rec_17b.pk).first())
    url = client.get(RECORD).json()["updates_url"]
    page = client.get(url).json()
    assert [item["id"] for item in page["results"]] == [str(update.public_id)]


# Filters of the list -----------------------------------------------------------------------------


@pytest.fixture
def followed_up(rec_17b):
    others = list(Recommendation.objects.public().exclude(pk=rec_17b.pk)[:3])
    recent = datetime.date(2035, 3, 1)
    make_update(recommendation=rec_17b, country="PH", status="implemented", as_of=recent)
    make_update(recommendation=others[0], country="NP", status="in_progress", as_of=recent)
    make_update(
        recommendation=others[1],
        scope=UpdateScope.REGIONAL,
        status="implemented",
        as_of=datetime.date(2033, 1, 1),
    )
    # Drafts and updates in review count for nothing.
    make_update(
        recommendation=others[2],
        country="PH",
        status="implemented",
        publication_state=PublicationState.IN_REVIEW,
    )
    return {"17b": rec_17b, "np": others[0], "regional": others[1], "in review": others[2]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ([("status", "implemented")], {"17b", "regional"}),
        ([("status", "in_progress")], {"np"}),
        ([("country", "PH")], {"17b"}),
        ([("stale", "true")], {"regional"}),
        ([("stale", "false"), ("status", "implemented")], {"17b"}),
    ],
)
def test_status_country_and_stale_filters_keep_what_matches(client, followed_up, query, expected):
    items = assert_same_rows(client, "recommendations", query)
    names = {record.public_id: name for name, record in followed_up.items()}
    assert {names[item["id"]] for item in items} == expected


def test_status_none_lists_the_recommendations_without_published_update(client, followed_up):
    items = assert_same_rows(client, "recommendations", [("status", "none")])
    ids = {item["id"] for item in items}
    assert followed_up["in review"].public_id in ids
    assert not {followed_up[name].public_id for name in ("17b", "np", "regional")} & ids
    assert all(item["status"]["code"] == "none" for item in items)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "done"}, "Status done does not exist"),
        ({"country": "XX"}, "XX is not an ISO 3166 country code"),
        ({"stale": "maybe"}, "Use true or false."),
    ],
)
def test_bad_status_country_or_stale_is_a_400(client, query, expected):
    response = client.get(LIST, query)
    assert response.status_code == 400
    [(name, messages)] = response.json().items()
    assert name == next(iter(query))
    assert expected in messages[0]


def test_the_schema_lists_the_values_of_the_new_filters(client):
    import yaml

    schema = yaml.safe_load(
        client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi"}).content
    )
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
    }
    assert set(parameters["status"]["schema"]["enum"]) == {
        "not_started",
        "planned",
        "in_progress",
        "partially_implemented",
        "implemented",
        "no_longer_relevant",
        "none",
    }
    assert parameters["stale"]["schema"]["enum"] == ["false", "true"]
    assert {"PH", "NP", "TH"} <= set(parameters["country"]["schema"]["enum"])
    for name in ("status", "stale", "country"):
        assert parameters[name]["description"]
        assert "example" in parameters[name] or "examples" in parameters[name]


# Query counts --------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_page_when_there_are_updates(client):
    for recommendation in Recommendation.objects.public()[:30]:
        make_update(recommendation=recommendation, country="PH")
        make_update(recommendation=recommendation, country="NP", status="planned")

    def queries(size: int) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"page_size": size}).status_code == 200
        return len(captured)

    assert queries(1) == queries(50)
    cache.clear()
    with CaptureQueriesContext(connection) as filtered_one:
        client.get(LIST, {"page_size": 1, "status": "in_progress", "country": "PH"})
    cache.clear()
    with CaptureQueriesContext(connection) as filtered_many:
        client.get(LIST, {"page_size": 30, "status": "in_progress", "country": "PH"})
    assert len(filtered_one) == len(filtered_many)
