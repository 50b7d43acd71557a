"""The item endpoints (recommendations/api): the partners' contract, lists and records."""

from __future__ import annotations

import datetime
import json

import pytest

from recommendations.models import Challenge, GoodPractice, Recommendation

pytestmark = pytest.mark.usefixtures("data")

ID_17B = "escap-gcm-2021-crp-2-recommendation-17b"
FROZEN = datetime.datetime(2025, 1, 31, 9, 30, tzinfo=datetime.UTC)

CONTRACT_17B = {
    "id": "escap-gcm-2021-crp-2-recommendation-17b",
    "reference": "17(b)",
    "text": (
        "There was a need to address the vulnerabilities created by high recruitment fees and "
        "to create mechanisms to lodge complaints and grievances against employers"
    ),
    "review": "asia-pacific-2020-21",
    "consultation": {
        "id": "asia-pacific-2020-21-1",
        "title": "Ensuring that migration is voluntary, orderly and regular",
        "date": "2020-10-28",
    },
    "source_document": {
        "symbol": "ESCAP/GCM/2021/CRP.2",
        "title": (
            "Implementing the Global Compact for Safe, Regular and Orderly Migration: summary "
            "of stakeholder consultations for Asia and the Pacific"
        ),
    },
    "objectives": [6, 7],
    "guiding_principles": ["rule-of-law-and-due-process"],
    "addressed_to": ["governments"],
    "covid_related": False,
    "is_conclusion": False,
    "challenges": [
        {
            "id": "escap-gcm-2021-crp-2-challenge-15e",
            "reference": "15(e)",
            "url": "http://testserver/api/v1/challenges/escap-gcm-2021-crp-2-challenge-15e/",
        }
    ],
    "good_practices": [
        {
            "id": "escap-gcm-2021-crp-2-practice-16b",
            "reference": "16(b)",
            "url": "http://testserver/api/v1/good-practices/escap-gcm-2021-crp-2-practice-16b/",
        },
        {
            "id": "escap-gcm-2021-crp-2-practice-16d",
            "reference": "16(d)",
            "url": "http://testserver/api/v1/good-practices/escap-gcm-2021-crp-2-practice-16d/",
        },
    ],
    "html_url": "http://testserver/recommendations/escap-gcm-2021-crp-2/17b/",
    "url": "http://testserver/api/v1/recommendations/escap-gcm-2021-crp-2-recommendation-17b/",
    "created_at": "2025-01-31T09:30:00Z",
    "updated_at": "2025-01-31T09:30:00Z",
    # Added with follow-up tracking: the status derived from published updates only (none
    # yet for 17(b) in the default dataset) and where its updates are listed.
    "status": {
        "code": "none",
        "label": "No update yet",
        "as_of": None,
        "stale": False,
        "by_country": [],
    },
    "updates_url": (
        "http://testserver/api/v1/updates/?recommendation=escap-gcm-2021-crp-2-recommendation-17b"
    ),
}


def test_the_exact_json_of_recommendation_17b_is_the_contract(client):
    Recommendation.objects.filter(public_id=ID_17B).update(created_at=FROZEN, updated_at=FROZEN)

    response = client.get(f"/api/v1/recommendations/{ID_17B}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == CONTRACT_17B
    # The order of the keys is part of what partners see.
    assert list(json.loads(response.content)) == list(CONTRACT_17B)


def test_the_list_holds_the_same_object_as_the_record(client):
    record = client.get(f"/api/v1/recommendations/{ID_17B}/").json()
    page = client.get("/api/v1/recommendations/", {"page_size": 100}).json()
    assert record in page["results"]


def test_a_list_is_paged_with_count_next_previous_and_results(client):
    first = client.get("/api/v1/recommendations/", {"page_size": 20}).json()
    assert list(first) == ["count", "next", "previous", "results"]
    assert first["count"] == 44
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/recommendations/?page=2&page_size=20"

    last = client.get(first["next"].replace("page=2", "page=3")).json()
    assert len(last["results"]) == 4
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/v1/recommendations/?page=2&page_size=20"


def test_the_default_page_size_is_the_sites(client, settings):
    page = client.get("/api/v1/challenges/").json()
    assert len(page["results"]) == settings.LIST_PAGE_SIZE == 25
    assert page["count"] == 35


def test_paging_keeps_the_filters(client):
    page = client.get("/api/v1/recommendations/", {"objective": 6, "page_size": 1}).json()
    assert "objective=6" in page["next"]


def test_a_page_past_the_end_is_a_404_that_says_where_the_end_is(client):
    response = client.get("/api/v1/recommendations/", {"page": 3})
    assert response.status_code == 404
    assert response.json() == {"detail": "Page 3 does not exist: the last page is 2."}


def test_an_empty_result_is_one_empty_page(client):
    page = client.get("/api/v1/recommendations/", {"q": "zzzqqq"}).json()
    assert page == {"count": 0, "next": None, "previous": None, "results": []}


def test_challenges_link_to_the_recommendations_that_answer_them(client):
    challenge = client.get("/api/v1/challenges/escap-gcm-2021-crp-2-challenge-15e/").json()
    assert list(challenge) == [
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
    assert {
        "id": ID_17B,
        "reference": "17(b)",
        "url": f"http://testserver/api/v1/recommendations/{ID_17B}/",
    } in challenge["recommendations"]
    assert challenge["html_url"] == "http://testserver/challenges/escap-gcm-2021-crp-2/15e/"


def test_good_practices_have_the_same_shape(client):
    practice = client.get("/api/v1/good-practices/escap-gcm-2021-crp-2-practice-16b/").json()
    challenge = client.get("/api/v1/challenges/escap-gcm-2021-crp-2-challenge-15e/").json()
    assert list(practice) == list(challenge)
    assert ID_17B in {link["id"] for link in practice["recommendations"]}


def test_cross_cutting_items_have_no_consultation(client):
    page = client.get("/api/v1/challenges/", {"consultation": "none", "page_size": 100}).json()
    assert page["count"] == 7
    assert all(item["covid_related"] for item in page["results"])
    assert all(item["consultation"] is None for item in page["results"])
    conclusions = client.get("/api/v1/recommendations/", {"conclusion": "true"}).json()
    assert conclusions["count"] == 7
    assert all(item["is_conclusion"] for item in conclusions["results"])
    assert all(item["consultation"] is None for item in conclusions["results"])


@pytest.mark.parametrize(
    ("model", "prefix"),
    [
        (Recommendation, "recommendations"),
        (Challenge, "challenges"),
        (GoodPractice, "good-practices"),
    ],
)
def test_every_public_record_has_a_working_url_and_permalink(client, model, prefix):
    page = client.get(f"/api/v1/{prefix}/", {"page_size": 100}).json()
    assert page["count"] == model.objects.public().count()
    for item in page["results"][:5]:
        assert client.get(item["url"]).json() == item
        assert client.get(item["html_url"]).status_code == 200


def test_timestamps_are_iso_8601_in_utc(client):
    item = client.get(f"/api/v1/recommendations/{ID_17B}/").json()
    for name in ("created_at", "updated_at"):
        assert item[name].endswith("Z")
        assert datetime.datetime.fromisoformat(item[name]).tzinfo is not None


def test_an_unknown_id_is_a_404(client):
    response = client.get("/api/v1/recommendations/escap-gcm-2021-crp-2-recommendation-99z/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published recommendation has this id."}


@pytest.mark.parametrize("value", ["%00", "a%20b", "%C3%A9t%C3%A9", "x" * 200])
def test_an_id_of_the_wrong_shape_is_a_404_without_a_query(
    client, value, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(f"/api/v1/recommendations/{value}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_addressees_are_the_values_of_addressed_to(client):
    page = client.get("/api/v1/addressees/", {"page_size": 100}).json()
    slugs = {addressee["id"] for addressee in page["results"]}
    assert "governments-destination" in slugs
    one = client.get("/api/v1/addressees/governments-destination/").json()
    assert one["url"] == "http://testserver/api/v1/addressees/governments-destination/"
