"""ETag and Last-Modified: a repeated conditional GET is a 304, and any change that shows
in the body changes the validators."""

from __future__ import annotations

import pytest
from django.utils.http import http_date

from consultations.models import Consultation, Organization
from recommendations.models import Challenge, Recommendation

pytestmark = pytest.mark.usefixtures("data")

ITEM_URLS = [
    "/api/v1/recommendations/?objective=6",
    "/api/v1/recommendations/?objective=6&format=csv",
    "/api/v1/challenges/escap-gcm-2021-crp-2-challenge-15e/",
]
REFERENCE_URLS = ["/api/v1/objectives/", "/api/v1/organizations/migrant-forum-asia/"]


@pytest.mark.parametrize("url", ITEM_URLS + REFERENCE_URLS)
def test_a_repeated_conditional_get_is_a_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"')

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


@pytest.mark.parametrize("url", ITEM_URLS)
def test_items_also_answer_if_modified_since(client, url):
    first = client.get(url)
    last_modified = first["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": http_date(0)}).status_code == 200


def test_a_304_costs_no_filtering_and_no_serializing(client, django_assert_max_num_queries):
    url = "/api/v1/recommendations/?objective=6"
    etag = client.get(url)["ETag"]
    with django_assert_max_num_queries(1):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_validators_differ_between_formats_and_queries(client):
    etags = {client.get(url)["ETag"] for url in ITEM_URLS}
    assert len(etags) == len(ITEM_URLS)
    assert client.get("/api/v1/recommendations/?objective=7")["ETag"] not in etags


def test_editing_a_record_invalidates_the_lists_and_the_record(client):
    list_url = "/api/v1/recommendations/?objective=6"
    record_url = "/api/v1/recommendations/escap-gcm-2021-crp-2-recommendation-17b/"
    etags = {url: client.get(url)["ETag"] for url in (list_url, record_url)}
    recommendation = Recommendation.objects.get(reference="17(b)")
    recommendation.text += " (corrected)"
    recommendation.save()
    for url, etag in etags.items():
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag


def test_retitling_a_consultation_invalidates_its_items(client):
    url = "/api/v1/recommendations/escap-gcm-2021-crp-2-recommendation-17b/"
    etag = client.get(url)["ETag"]
    consultation = Consultation.objects.get(slug="asia-pacific-2020-21-1")
    consultation.title = "Renamed"
    consultation.save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["consultation"]["title"] == "Renamed"


def test_unpublishing_a_linked_challenge_invalidates_the_recommendation(client):
    url = "/api/v1/recommendations/escap-gcm-2021-crp-2-recommendation-17b/"
    etag = client.get(url)["ETag"]
    challenge = Challenge.objects.get(reference="15(e)")
    challenge.publication_state = "draft"
    challenge.save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["challenges"] == []


def test_renaming_an_organization_changes_the_reference_etag(client):
    url = "/api/v1/organizations/"
    etag = client.get(url)["ETag"]
    Organization.objects.filter(name="Migrant Forum Asia").update(acronym="MFA!")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("url", ITEM_URLS + REFERENCE_URLS)
def test_copies_must_be_revalidated(client, url):
    response = client.get(url)
    assert response["Cache-Control"] == "no-cache"
    assert "Accept" in response["Vary"]


def test_an_error_has_no_validators(client):
    response = client.get("/api/v1/recommendations/?objective=99")
    assert response.status_code == 400
    assert not response.has_header("ETag")
