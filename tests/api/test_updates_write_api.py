"""Writing follow-up updates: partners with a key submit updates, which enter review; the
reporting organization changes its unpublished updates; only reviewers publish. Bad input
is a 400 naming the field (415 for a body that is not JSON), never a 500."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.test import Client

from consultations.publication import PublicationState
from recommendations.models import EvidenceLink, Update
from tests.api.conftest import ID_17B
from tests.api.personas import api_client, make_user
from tests.factories import make_recommendation, make_update

pytestmark = pytest.mark.usefixtures("data")

LIST = "/api/v1/updates/"
TODAY = datetime.datetime(2025, 4, 2, 9, 0, tzinfo=datetime.UTC)


def body(**fields) -> dict:
    return {
        "recommendation": ID_17B,
        "status": "in_progress",
        "as_of": "2025-03-31",
        "description": "A zero-fee recruitment policy was adopted.",
        "country": "PH",
        "evidence": [{"title": "Department Order No. 1", "url": "https://example.gov.ph/do-1"}],
        **fields,
    }


def post(client: Client, data: object, **kwargs):
    return client.post(LIST, json.dumps(data), content_type="application/json", **kwargs)


def patch(client: Client, update: Update, data: object):
    return client.patch(
        f"{LIST}{update.public_id}/", json.dumps(data), content_type="application/json"
    )


@pytest.fixture
def focal_point(org_a):
    return make_user("focal point", organization=org_a)


@pytest.fixture
def focal_client(focal_point):
    return api_client(focal_point)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


# Creating ------------------------------------------------------------------------------------


def test_a_focal_point_submits_an_update_for_their_organization(focal_client, focal_point, org_a):
    response = post(focal_client, body())

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["publication_state"] == "in_review"
    assert created["reported_by"]["id"] == "partner-network-a"
    assert created["recommendation"]["id"] == ID_17B
    assert created["evidence"] == body()["evidence"]
    update = Update.objects.get(public_id=created["id"])
    assert update.reported_by == org_a
    assert update.created_by == focal_point
    assert update.publication_state == PublicationState.IN_REVIEW
    # History records who did it, for the update and its evidence.
    assert update.history.get().history_user == focal_point
    assert EvidenceLink.history.get(update_id=update.pk).history_user == focal_point


def test_a_submitted_update_is_not_public(client, focal_client):
    created = post(focal_client, body()).json()
    assert client.get(f"{LIST}{created['id']}/").status_code == 404
    assert client.get(LIST).json()["count"] == 0
    assert focal_client.get(f"{LIST}{created['id']}/").status_code == 404
    recommendation = client.get(f"/api/v1/recommendations/{ID_17B}/").json()
    assert recommendation["status"]["code"] == "none"


def test_a_focal_point_may_name_their_own_organization(focal_client):
    response = post(focal_client, body(reported_by="partner-network-a"))
    assert response.status_code == 201


def test_a_focal_point_cannot_report_for_another_organization(focal_client, org_b):
    response = post(focal_client, body(reported_by="partner-network-b"))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You can report updates only on behalf of your own organization."
    }
    assert not Update.objects.exists()


def test_anonymous_clients_cannot_write(client):
    response = post(client, body())
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'
    assert not Update.objects.exists()


def test_a_bad_key_is_a_401_before_anything_else():
    client = Client(headers={"Authorization": "Api-Key nonsense"})
    assert post(client, body()).status_code == 401


def test_a_key_without_a_reporting_role_is_a_403(partner_client):
    response = post(partner_client, body())
    assert response.status_code == 403
    assert "may not report follow-up updates" in response.json()["detail"]


@pytest.mark.parametrize("persona", ["editor", "reviewer", "administrator"])
def test_staff_report_for_any_organization_and_the_update_still_enters_review(persona, org_b):
    client = api_client(make_user(persona))
    response = post(client, body(reported_by="partner-network-b"))
    assert response.status_code == 201
    assert response.json()["publication_state"] == "in_review"


def test_staff_must_say_which_organization_reports(org_b):
    client = api_client(make_user("editor"))
    response = post(client, body())
    assert response.status_code == 400
    assert "reported_by" in response.json()


def test_a_regional_update_without_country(focal_client):
    response = post(focal_client, body(scope="regional", country=None))
    assert response.status_code == 201
    assert (response.json()["scope"], response.json()["country"]) == ("regional", None)
    response = post(focal_client, {**body(scope="multi_country"), "country": ""})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"as_of": "2025-04-03"}, "as_of", "An update cannot describe a date in the future."),
        ({"as_of": "31/03/2025"}, "as_of", "Use a date such as 2025-01-31."),
        ({"country": None}, "country", "Give the country (ISO 3166 code) of a one-country update."),
        ({"country": "XX"}, "country", "XX is not an ISO 3166 country code (e.g. PH, NP)."),
        ({"country": "PHL"}, "country", "Ensure this field has no more than 2 characters."),
        (
            {"scope": "regional"},
            "country",
            "A regional or multi-country update has no country: send null or leave it out.",
        ),
        ({"scope": "world"}, "scope", "Scope “world” does not exist"),
        ({"status": "done"}, "status", "Status “done” does not exist"),
        ({"status": None}, "status", "This field may not be null."),
        (
            {"recommendation": "escap-gcm-2021-crp-2-recommendation-99z"},
            "recommendation",
            "No published recommendation has this id",
        ),
        ({"recommendation": ["x"]}, "recommendation", "Give the id of a recommendation"),
        ({"recommendation": 17}, "recommendation", "Give the id of a recommendation"),
        ({"description": "   "}, "description", "This field may not be blank."),
        ({"description": "x" * 10_001}, "description", "no more than 10000 characters"),
        ({"description": "nul\x00"}, "description", "Null characters are not allowed."),
        ({"reported_by": "nobody"}, "reported_by", "No organization has this id"),
        ({"as_off": "2025-01-01"}, "as_off", "Unknown field. Accepted: as_of, country"),
        ({"publication_state": "published"}, "publication_state", "Unknown field."),
    ],
)
def test_a_refused_field_is_a_400_naming_it(focal_client, fields, field, message):
    response = post(focal_client, body(**fields))
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Update.objects.exists()


def test_missing_fields_are_named(focal_client):
    response = post(focal_client, {})
    assert response.status_code == 400
    assert set(response.json()) == {"recommendation", "status", "as_of", "description"}


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ([{"title": "A law", "url": "not a url"}], {"0": {"url": ["Enter a valid URL."]}}),
        (
            [{"title": "A", "url": "https://example.org"}, {"title": "", "url": "https://e.org"}],
            {"1": {"title": ["This field may not be blank."]}},
        ),
        ([{"url": "https://example.org"}], {"0": {"title": ["This field is required."]}}),
        (
            [{"title": "A", "url": "https://example.org", "note": "x"}],
            {"0": {"note": ["Unknown field. Accepted: title, url."]}},
        ),
        (
            "https://example.org",
            {"non_field_errors": ['Expected a list of items but got type "str".']},
        ),
    ],
)
def test_bad_evidence_is_named_link_by_link(focal_client, evidence, expected):
    response = post(focal_client, body(evidence=evidence))
    assert response.status_code == 400
    assert response.json() == {"evidence": expected}


def test_too_many_evidence_links_are_refused(focal_client):
    links = [{"title": f"Link {n}", "url": f"https://example.org/{n}"} for n in range(21)]
    response = post(focal_client, body(evidence=links))
    assert response.status_code == 400
    assert "evidence" in response.json()


def test_a_hidden_recommendation_cannot_be_followed_up(focal_client, rec_17b):
    draft = make_recommendation(
        consultation=rec_17b.consultation, publication_state=PublicationState.DRAFT
    )
    response = post(focal_client, body(recommendation=draft.public_id))
    assert response.status_code == 400
    assert "No published recommendation has this id" in response.json()["recommendation"][0]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "detail"),
    [
        ("{not json", "application/json", 400, "The body is not valid JSON"),
        ('{"a": NaN}', "application/json", 400, "The body is not valid JSON"),
        ('{"description": "\\ud800"}', "application/json", 400, "The body is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400, "The body is not valid JSON"),
        ("status=implemented", "application/x-www-form-urlencoded", 415, "Send the body as JSON"),
        ("status=implemented", "text/plain", 415, "Send the body as JSON"),
        ("<update/>", "application/xml", 415, "Send the body as JSON"),
    ],
)
def test_a_body_that_is_not_json_is_refused_clearly(
    focal_client, content, content_type, status, detail
):
    response = focal_client.post(LIST, content, content_type=content_type)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith(detail)


def test_a_body_without_content_type_is_a_415(focal_client):
    response = focal_client.generic("POST", LIST, json.dumps(body()), content_type="")
    assert response.status_code == 415


@pytest.mark.parametrize("payload", [[], "text", 12, None])
def test_a_json_body_that_is_not_an_object_is_a_400(focal_client, payload):
    response = post(focal_client, payload)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Send one JSON object, with the update's fields."]
    }


def test_unknown_query_parameters_are_refused_on_writes_too(focal_client):
    response = focal_client.post(
        f"{LIST}?dry_run=1", json.dumps(body()), content_type="application/json"
    )
    assert response.status_code == 400
    assert "dry_run" in response.json()
    assert not Update.objects.exists()


def test_put_and_delete_are_not_offered(focal_client, rec_17b):
    update = make_update(recommendation=rec_17b)
    url = f"{LIST}{update.public_id}/"
    assert focal_client.put(url, "{}", content_type="application/json").status_code == 405
    assert focal_client.delete(url).status_code == 405
    assert focal_client.patch(LIST, "{}", content_type="application/json").status_code == 405


# Changing, submitting and publishing -------------------------------------------------------------


@pytest.fixture
def own_draft(focal_client) -> Update:
    created = post(focal_client, body()).json()
    update = Update.objects.get(public_id=created["id"])
    update.publication_state = PublicationState.DRAFT
    update.save()
    return update


def test_the_author_changes_an_unpublished_update(focal_client, focal_point, own_draft):
    response = patch(
        focal_client,
        own_draft,
        {"status": "implemented", "evidence": [{"title": "Law", "url": "https://example.org/l"}]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "implemented"
    assert response.json()["evidence"] == [{"title": "Law", "url": "https://example.org/l"}]
    assert response.json()["publication_state"] == "draft"
    own_draft.refresh_from_db()
    assert own_draft.status == "implemented"
    assert own_draft.history.first().history_user == focal_point


def test_the_author_submits_a_draft_for_review(focal_client, own_draft):
    response = patch(focal_client, own_draft, {"publication_state": "in_review"})
    assert response.status_code == 200
    assert response.json()["publication_state"] == "in_review"


@pytest.mark.parametrize("persona", ["focal point", "editor"])
@pytest.mark.parametrize("state", ["published", "withdrawn"])
def test_only_reviewers_publish(own_draft, persona, state):
    author = own_draft.created_by
    client = api_client(author if persona == "focal point" else make_user(persona))
    response = patch(client, own_draft, {"publication_state": state})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only reviewers publish, unpublish or withdraw records."}
    own_draft.refresh_from_db()
    assert own_draft.publication_state == PublicationState.DRAFT


def test_a_reviewer_publishes_and_the_public_then_sees_the_status(client, focal_client, own_draft):
    reviewer = make_user("reviewer")
    response = patch(api_client(reviewer), own_draft, {"publication_state": "published"})
    assert response.status_code == 200
    assert response.json()["publication_state"] == "published"
    assert own_draft.history.first().history_user == reviewer

    assert client.get(f"{LIST}{own_draft.public_id}/").status_code == 200
    status = client.get(f"/api/v1/recommendations/{ID_17B}/").json()["status"]
    assert (status["code"], status["as_of"]) == ("in_progress", "2025-03-31")
    assert status["by_country"][0]["country"] == "PH"
    # The status the database keeps moved with the API's write: filters and facets see it.
    listed = client.get("/api/v1/recommendations/", {"status": "in_progress"}).json()
    assert [row["id"] for row in listed["results"]] == [ID_17B]


def test_a_published_update_is_changed_only_by_reviewers(focal_client, own_draft):
    own_draft.publication_state = PublicationState.PUBLISHED
    own_draft.save()
    response = patch(focal_client, own_draft, {"description": "Changed."})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Published records are changed by reviewers")
    response = patch(focal_client, own_draft, {"publication_state": "draft"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Only reviewers publish, unpublish or withdraw records."
    reviewer = api_client(make_user("reviewer"))
    assert patch(reviewer, own_draft, {"description": "Changed."}).status_code == 200
    response = patch(reviewer, own_draft, {"publication_state": "draft"})
    assert response.status_code == 200
    assert response.json()["publication_state"] == "draft"


def test_another_organizations_update_is_not_found(org_b, own_draft):
    other = api_client(make_user("focal point", organization=org_b, username="other-focal"))
    response = patch(other, own_draft, {"description": "Mine now."})
    assert response.status_code == 404
    own_draft.refresh_from_db()
    assert own_draft.description != "Mine now."


def test_the_author_cannot_hand_the_update_to_another_organization(focal_client, own_draft, org_b):
    response = patch(focal_client, own_draft, {"reported_by": "partner-network-b"})
    assert response.status_code == 403


def test_a_change_is_validated_against_what_is_stored(focal_client, own_draft):
    response = patch(focal_client, own_draft, {"scope": "regional"})
    assert response.status_code == 400
    assert "country" in response.json()
    response = patch(focal_client, own_draft, {"scope": "regional", "country": None})
    assert response.status_code == 200
    response = patch(focal_client, own_draft, {"as_of": "2030-01-01"})
    assert response.status_code == 400


def test_an_unknown_or_malformed_id_is_a_404(focal_client):
    for value in ("3f1c2a9e-8d4b-4c7a-9e2f-5b6a7c8d9e0f", "nope"):
        response = focal_client.patch(f"{LIST}{value}/", "{}", content_type="application/json")
        assert response.status_code == 404
