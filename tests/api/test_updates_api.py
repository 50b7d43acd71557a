"""Reading follow-up updates (/api/v1/updates/): the shape of one update, only published
updates of public recommendations on every surface, filters both sides, strict errors,
CSV, conditional requests and query counts."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.publication import PublicationState
from recommendations.models import Recommendation, Update, UpdateScope
from tests.api.conftest import ID_17B
from tests.api.personas import api_client, make_user
from tests.factories import make_consultation, make_recommendation, make_update

pytestmark = pytest.mark.usefixtures("data")

LIST = "/api/v1/updates/"
FROZEN = datetime.datetime(2025, 4, 2, 8, 15, tzinfo=datetime.UTC)


def all_ids(client, query=None) -> tuple[int, list[str]]:
    page = client.get(LIST, {**(query or {}), "page_size": 100}).json()
    ids = [item["id"] for item in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        ids += [item["id"] for item in page["results"]]
    return page["count"], ids


def test_the_json_of_one_update(client, rec_17b, org_a):
    update = make_update(
        recommendation=rec_17b,
        reported_by=org_a,
        status="partially_implemented",
        as_of=datetime.date(2025, 3, 31),
        description="A zero-fee recruitment policy was adopted.",
        country="PH",
        responsible_body="Department of Migrant Workers",
        evidence=[("Department Order No. 1", "https://example.gov.ph/do-1")],
    )
    Update.objects.filter(pk=update.pk).update(created_at=FROZEN, updated_at=FROZEN)

    response = client.get(f"{LIST}{update.public_id}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(update.public_id),
        "url": f"http://testserver/api/v1/updates/{update.public_id}/",
        "recommendation": {
            "id": ID_17B,
            "reference": "17(b)",
            "url": f"http://testserver/api/v1/recommendations/{ID_17B}/",
            "html_url": "http://testserver/recommendations/escap-gcm-2021-crp-2/17b/",
        },
        "status": "partially_implemented",
        "status_label": "Partially implemented",
        "as_of": "2025-03-31",
        "description": "A zero-fee recruitment policy was adopted.",
        "scope": "country",
        "country": "PH",
        "country_name": "Philippines",
        "reported_by": {
            "id": "partner-network-a",
            "name": "Partner Network A",
            "url": "http://testserver/api/v1/organizations/partner-network-a/",
        },
        "responsible_body": "Department of Migrant Workers",
        "evidence": [{"title": "Department Order No. 1", "url": "https://example.gov.ph/do-1"}],
        "html_url": (
            f"http://testserver/recommendations/escap-gcm-2021-crp-2/17b/#update-{update.public_id}"
        ),
        "created_at": "2025-04-02T08:15:00Z",
        "updated_at": "2025-04-02T08:15:00Z",
    }
    assert client.get(LIST).json()["results"] == [response.json()]
    organization = client.get(response.json()["reported_by"]["url"])
    assert organization.status_code == 200


def test_a_regional_update_has_no_country(client, rec_17b):
    update = make_update(recommendation=rec_17b, scope=UpdateScope.REGIONAL)
    body = client.get(f"{LIST}{update.public_id}/").json()
    assert (body["scope"], body["country"], body["country_name"]) == ("regional", None, None)


# Visibility --------------------------------------------------------------------------------


@pytest.fixture
def hidden(rec_17b):
    """A published update, and updates the public must never see: draft, in review,
    withdrawn, and published ones of a draft recommendation and of a recommendation
    under a draft consultation."""
    draft_recommendation = make_recommendation(
        consultation=rec_17b.consultation, publication_state=PublicationState.DRAFT
    )
    under_draft_consultation = make_recommendation(
        consultation=make_consultation(publication_state=PublicationState.DRAFT)
    )
    return {
        "visible": make_update(recommendation=rec_17b, status="implemented"),
        "hidden": {
            "draft": make_update(recommendation=rec_17b, publication_state=PublicationState.DRAFT),
            "in review": make_update(
                recommendation=rec_17b,
                publication_state=PublicationState.IN_REVIEW,
                as_of=datetime.date(2025, 1, 1),
            ),
            "withdrawn": make_update(
                recommendation=rec_17b, publication_state=PublicationState.WITHDRAWN
            ),
            "draft recommendation": make_update(recommendation=draft_recommendation),
            "draft consultation": make_update(recommendation=under_draft_consultation),
        },
    }


@pytest.mark.parametrize("persona", [None, "partner", "focal point", "reviewer"])
def test_only_published_updates_of_public_recommendations_are_listed(hidden, org_a, persona):
    client = api_client(make_user(persona, organization=org_a) if persona else None)
    count, ids = all_ids(client)
    assert count == 1
    assert ids == [str(hidden["visible"].public_id)]
    for reason, update in hidden["hidden"].items():
        response = client.get(f"{LIST}{update.public_id}/")
        assert response.status_code == 404, reason
        assert response.json() == {"detail": "No published update has this id."}
        assert client.get(f"{LIST}{update.public_id}/", {"format": "csv"}).status_code == 404


def test_hidden_updates_are_in_no_csv(client, hidden):
    response = client.get(LIST, {"format": "csv"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [row["id"] for row in rows] == [str(hidden["visible"].public_id)]


def test_the_recommendation_filter_refuses_a_hidden_recommendation(client, hidden):
    hidden_recommendation = hidden["hidden"]["draft recommendation"].recommendation
    response = client.get(LIST, {"recommendation": hidden_recommendation.public_id})
    assert response.status_code == 400
    assert "recommendation" in response.json()


# Filters -------------------------------------------------------------------------------------


@pytest.fixture
def spread(rec_17b, org_a, org_b):
    other = Recommendation.objects.public().exclude(pk=rec_17b.pk).first()
    return {
        "ph-2024": make_update(
            recommendation=rec_17b,
            reported_by=org_a,
            country="PH",
            status="in_progress",
            as_of=datetime.date(2024, 3, 1),
        ),
        "np-2025": make_update(
            recommendation=rec_17b,
            reported_by=org_b,
            country="NP",
            status="implemented",
            as_of=datetime.date(2025, 2, 1),
        ),
        "regional-2023": make_update(
            recommendation=other,
            reported_by=org_a,
            scope=UpdateScope.REGIONAL,
            status="planned",
            as_of=datetime.date(2023, 6, 30),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"recommendation": ID_17B}, ["np-2025", "ph-2024"]),
        ({"status": "implemented"}, ["np-2025"]),
        ({"country": "PH"}, ["ph-2024"]),
        ({"scope": "regional"}, ["regional-2023"]),
        ({"reported_by": "partner-network-a"}, ["ph-2024", "regional-2023"]),
        ({"as_of_after": "2024-03-01"}, ["np-2025", "ph-2024"]),
        ({"as_of_before": "2024-03-01"}, ["ph-2024", "regional-2023"]),
        ({"as_of_after": "2024-01-01", "as_of_before": "2024-12-31"}, ["ph-2024"]),
        ({"ordering": "as_of"}, ["regional-2023", "ph-2024", "np-2025"]),
        ({}, ["np-2025", "ph-2024", "regional-2023"]),
    ],
)
def test_each_filter_keeps_what_matches_and_drops_the_rest(client, spread, query, expected):
    names = {str(update.public_id): name for name, update in spread.items()}
    _count, ids = all_ids(client, query)
    assert [names[i] for i in ids] == expected


def test_updated_since_and_ordering_updated_sync_updates(client, spread):
    old = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    Update.objects.filter(pk=spread["ph-2024"].pk).update(updated_at=old)
    _count, ids = all_ids(client, {"updated_since": "2025-01-01", "ordering": "updated"})
    assert str(spread["ph-2024"].public_id) not in ids
    assert {str(spread["np-2025"].public_id), str(spread["regional-2023"].public_id)} == set(ids)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "none"}, "Status none does not exist"),
        ({"status": "done"}, "Status done does not exist"),
        ({"country": "XX"}, "XX is not an ISO 3166 country code"),
        ({"country": "ph"}, "ph is not an ISO 3166 country code"),
        ({"scope": "world"}, "Scope world does not exist"),
        ({"recommendation": "nothing"}, "No published recommendation has this id"),
        ({"reported_by": "nobody"}, "No organization has this id"),
        ({"as_of_after": "10/25/24"}, "Use a date such as 2025-01-31."),
        ({"as_of_before": "2024-1-5"}, "Use a date such as 2025-01-31."),
        ({"as_of_before": "2024-02-30"}, "Use a date such as 2025-01-31."),
        ({"updated_since": "yesterday"}, "RFC 3339"),
        ({"ordering": "title"}, "Sort by one of: -as_of, as_of, -updated, updated."),
        ({"page_size": "1000"}, "Use a whole number from 1 to 100."),
        ({"format": "xml"}, "Unknown format. Accepted: json, csv."),
        ({"objective": "6"}, "Unknown parameter. Accepted: as_of_after, as_of_before, country"),
        ({"country": ""}, "Empty value"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter(client, query, expected):
    response = client.get(LIST, query)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == list(query)
    assert expected in " ".join(body[next(iter(query))])


def test_a_record_takes_only_format(client, spread):
    update = spread["ph-2024"]
    response = client.get(f"{LIST}{update.public_id}/", {"status": "implemented"})
    assert response.json() == {"status": ["Unknown parameter. Accepted: format."]}


@pytest.mark.parametrize("value", ["123", "not-a-uuid", "%00", "x" * 200])
def test_an_id_of_the_wrong_shape_is_a_404_without_a_query(
    client, value, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(f"{LIST}{value}/")
    assert response.status_code == 404


# Formats, conditional requests, queries ----------------------------------------------------------


def test_csv_has_one_row_per_update_of_every_json_page(client, spread):
    response = client.get(LIST, {"format": "csv", "country": "PH"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    _count, ids = all_ids(client, {"country": "PH"})
    assert [row["id"] for row in rows] == ids
    assert rows[0]["recommendation"] == ID_17B
    assert rows[0]["reported_by"] == "partner-network-a"
    assert rows[0]["country"] == "PH"
    with_accept = client.get(LIST, headers={"Accept": "text/csv"})
    assert with_accept["Content-Type"] == "text/csv; charset=utf-8"


def test_a_repeated_conditional_get_is_a_304_until_an_update_changes(client, spread):
    url = f"{LIST}?country=PH"
    first = client.get(url)
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    update = spread["ph-2024"]
    update.description += " (corrected)"
    update.save()
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert again.json()["results"][0]["description"].endswith("(corrected)")


def test_changing_evidence_alone_changes_the_etag(client, spread):
    update = spread["ph-2024"]
    link = update.evidence.create(title="A report", url="https://example.org/r", position=1)
    url = f"{LIST}{update.public_id}/"
    etag = client.get(url)["ETag"]
    link.title = "The report"
    link.save()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, query)
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_page(client, rec_17b, org_a, org_b):
    def add(count: int) -> None:
        for n in range(count):
            make_update(
                recommendation=rec_17b,
                reported_by=org_a if n % 2 else org_b,
                evidence=[("A", "https://example.org/a"), ("B", "https://example.org/b")],
            )

    def csv_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(LIST, {"format": "csv"}).streaming_content)
        return len(captured)

    add(2)
    few = csv_queries()
    add(10)
    assert _queries(client, {"page_size": 1}) == _queries(client, {"page_size": 12})
    assert csv_queries() == few


def test_the_list_is_json_with_paging(client, spread):
    body = json.loads(client.get(LIST, {"page_size": 2}).content)
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 3
    assert body["next"] == "http://testserver/api/v1/updates/?page=2&page_size=2"
