"""CSV of the reference lists and records (gcm_review/api/reference_csv.py): the JSON's
fields as columns, every record of the list in one file, errors still in JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = pytest.mark.usefixtures("data")

REFERENCE_LISTS = [
    "objectives",
    "clusters",
    "principles",
    "stakeholder-groups",
    "addressees",
    "organizations",
    "reviews",
    "consultations",
    "source-documents",
]


def read_csv(response) -> list[dict[str, str]]:
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def all_of(client, path: str) -> list[dict]:
    page = client.get(path, {"page_size": 100}).json()
    assert page["next"] is None
    return page["results"]


@pytest.mark.parametrize("name", REFERENCE_LISTS)
def test_a_reference_list_as_csv_has_the_json_fields_and_every_record(client, name):
    path = f"/api/v1/{name}/"
    records = all_of(client, path)

    response = client.get(path, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = read_csv(response)
    assert list(rows[0]) == list(records[0])
    assert [row["id"] for row in rows] == [str(record["id"]) for record in records]
    # The links are the records' addresses, as in the JSON (not their CSV).
    assert [row["url"] for row in rows] == [record["url"] for record in records]


def test_the_whole_list_not_one_page(client):
    response = client.get("/api/v1/organizations/", {"format": "csv", "page_size": 5})
    assert len(read_csv(response)) == client.get("/api/v1/organizations/").json()["count"] > 5


def test_accept_text_csv_and_the_suffix_do_the_same_as_format_csv(client):
    by_parameter = client.get("/api/v1/objectives/", {"format": "csv"}).getvalue()
    by_header = client.get("/api/v1/objectives/", headers={"Accept": "text/csv"})
    assert by_header["Content-Type"] == "text/csv; charset=utf-8"
    assert by_header.getvalue() == by_parameter
    assert client.get("/api/v1/objectives.csv").getvalue() == by_parameter


def test_cells_flatten_lists_links_and_nested_values(client):
    consultation = client.get("/api/v1/consultations/asia-pacific-2020-21-1/").json()

    response = client.get("/api/v1/consultations/asia-pacific-2020-21-1/", {"format": "csv"})

    (row,) = read_csv(response)
    assert row["objectives"] == "; ".join(str(n) for n in consultation["objectives"])
    assert row["source_document"] == consultation["source_document"]["id"] == "escap-gcm-2021-crp-2"
    assert json.loads(row["co_organizers"]) == consultation["co_organizers"]
    assert json.loads(row["participant_shares"]) == consultation["participant_shares"]
    assert row["participants"] == str(consultation["participants"])
    assert row["created_at"] == consultation["created_at"]

    (review,) = read_csv(client.get("/api/v1/reviews/asia-pacific-2020-21/", {"format": "csv"}))
    assert review["consultations"].split("; ") == [f"asia-pacific-2020-21-{n}" for n in range(1, 5)]


def test_a_boolean_and_a_missing_value(client):
    (row,) = read_csv(client.get("/api/v1/organizations/migrant-forum-asia/", {"format": "csv"}))
    assert row["website"] == ""
    shares = read_csv(client.get("/api/v1/consultations/", {"format": "csv"}))[0]
    assert json.loads(shares["participant_shares"])[0]["approximate"] is True


def test_a_record_as_csv_is_one_row(client):
    response = client.get("/api/v1/objectives/6/", {"format": "csv"})
    (row,) = read_csv(response)
    assert row["id"] == "6"
    assert row["short_label"] == "Fair recruitment and decent work"
    assert row["url"] == "http://testserver/api/v1/objectives/6/"


def test_the_csv_answers_304_when_unchanged(client):
    first = client.get("/api/v1/principles/", {"format": "csv"})
    again = client.get(
        "/api/v1/principles/", {"format": "csv"}, headers={"If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304
    json_etag = client.get("/api/v1/principles/")["ETag"]
    assert json_etag != first["ETag"]


def test_a_list_is_streamed_a_chunk_at_a_time_with_every_record(client, monkeypatch):
    from django.http import StreamingHttpResponse

    from gcm_review.api import reference_csv

    whole = read_csv(client.get("/api/v1/organizations/", {"format": "csv"}))
    monkeypatch.setattr(reference_csv, "CHUNK_SIZE", 3)

    response = client.get("/api/v1/organizations/", {"format": "csv"})

    assert isinstance(response, StreamingHttpResponse)
    assert len(whole) > 3 * 2
    assert read_csv(response) == whole


def test_a_list_changes_its_etag_when_the_data_changes(client):
    from consultations.models import Organization

    first = client.get("/api/v1/organizations/", {"format": "csv"})
    organization = Organization.objects.order_by("pk").first()
    organization.name += " (renamed)"
    organization.save()

    again = client.get(
        "/api/v1/organizations/", {"format": "csv"}, headers={"If-None-Match": first["ETag"]}
    )

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert organization.name in {row["name"] for row in read_csv(again)}


def test_errors_stay_json(client):
    response = client.get("/api/v1/objectives/", {"format": "csv", "page": "x"})
    assert response.status_code == 400
    assert response.json() == {"page": ["Use a whole number from 1."]}

    missing = client.get("/api/v1/objectives/99/", {"format": "csv"})
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"

    unknown = client.get("/api/v1/objectives/", {"format": "xml"})
    assert unknown.json() == {"format": ["Unknown format. Accepted: json, csv."]}


def test_unpublished_reviews_and_consultations_are_not_in_the_csv(client):
    from consultations.publication import PublicationState
    from tests.factories import make_consultation, make_review, make_source_document

    draft_review = make_review(publication_state=PublicationState.DRAFT)
    draft_consultation = make_consultation(publication_state=PublicationState.DRAFT)
    hidden_document = make_source_document(review=draft_review)

    reviews = {row["id"] for row in read_csv(client.get("/api/v1/reviews/", {"format": "csv"}))}
    consultations = read_csv(client.get("/api/v1/consultations/", {"format": "csv"}))
    documents = read_csv(client.get("/api/v1/source-documents/", {"format": "csv"}))

    # The draft consultation's own review is published: it is listed, its consultation not.
    assert reviews == {"asia-pacific-2020-21", draft_consultation.review.slug}
    assert draft_review.slug not in reviews
    assert draft_consultation.slug not in {row["id"] for row in consultations}
    assert len(consultations) == 4
    assert hidden_document.slug not in {row["id"] for row in documents}
