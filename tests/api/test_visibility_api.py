"""Unpublished records are absent from every endpoint, list, count, link and CSV: a record
is public only when it, its consultation and its review are published."""

from __future__ import annotations

import csv
import io

import pytest

from consultations.publication import PublicationState
from tests.factories import (
    make_challenge,
    make_consultation,
    make_recommendation,
    make_review,
)

pytestmark = pytest.mark.usefixtures("data")
DRAFT = PublicationState.DRAFT


@pytest.fixture
def hidden():
    """A published consultation holding a draft item, a draft consultation holding a
    published item, and a published consultation of a draft review holding a published item."""
    shown = make_consultation()
    draft_consultation = make_consultation(publication_state=DRAFT)
    draft_review = make_review(publication_state=DRAFT)
    under_draft_review = make_consultation(review=draft_review)
    visible = make_recommendation(consultation=shown, objectives=[6])
    items = {
        "draft": make_recommendation(consultation=shown, objectives=[6], publication_state=DRAFT),
        "draft consultation": make_recommendation(consultation=draft_consultation, objectives=[6]),
        "draft review": make_recommendation(consultation=under_draft_review, objectives=[6]),
    }
    draft_challenge = make_challenge(consultation=shown, publication_state=DRAFT)
    visible.challenges.add(draft_challenge)
    return {
        "visible": visible,
        "items": items,
        "draft_challenge": draft_challenge,
        "draft_consultation": draft_consultation,
        "draft_review": draft_review,
        "under_draft_review": under_draft_review,
    }


def _all_ids(client, url, query=None):
    page = client.get(url, {**(query or {}), "page_size": 100}).json()
    ids = [item["id"] for item in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        ids += [item["id"] for item in page["results"]]
    return page["count"], ids


def test_hidden_items_are_in_no_list_and_no_count(client, hidden):
    count, ids = _all_ids(client, "/api/v1/recommendations/")
    assert count == 45 == len(ids)
    assert hidden["visible"].public_id in ids
    for item in hidden["items"].values():
        assert item.public_id not in ids
    count, ids = _all_ids(client, "/api/v1/recommendations/", {"objective": 6})
    assert hidden["visible"].public_id in ids
    assert not {item.public_id for item in hidden["items"].values()} & set(ids)


def test_hidden_items_have_no_record(client, hidden):
    for reason, item in hidden["items"].items():
        response = client.get(f"/api/v1/recommendations/{item.public_id}/")
        assert response.status_code == 404, reason
        response = client.get(f"/api/v1/recommendations/{item.public_id}/", {"format": "csv"})
        assert response.status_code == 404, reason


def test_hidden_items_are_in_no_csv(client, hidden):
    response = client.get("/api/v1/recommendations/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    ids = [row["id"] for row in csv.DictReader(io.StringIO(text))]
    assert len(ids) == 45
    assert hidden["visible"].public_id in ids
    assert not {item.public_id for item in hidden["items"].values()} & set(ids)


def test_links_to_hidden_items_are_left_out(client, hidden):
    visible = client.get(f"/api/v1/recommendations/{hidden['visible'].public_id}/").json()
    assert visible["challenges"] == []
    challenges = _all_ids(client, "/api/v1/challenges/")[1]
    assert hidden["draft_challenge"].public_id not in challenges


def test_hidden_consultations_and_reviews_are_absent(client, hidden):
    _count, consultations = _all_ids(client, "/api/v1/consultations/")
    assert hidden["draft_consultation"].slug not in consultations
    assert hidden["under_draft_review"].slug not in consultations
    _count, reviews = _all_ids(client, "/api/v1/reviews/")
    assert hidden["draft_review"].slug not in reviews
    for url in (
        f"/api/v1/consultations/{hidden['draft_consultation'].slug}/",
        f"/api/v1/consultations/{hidden['under_draft_review'].slug}/",
        f"/api/v1/reviews/{hidden['draft_review'].slug}/",
        f"/api/v1/source-documents/{hidden['under_draft_review'].source_document.slug}/",
    ):
        assert client.get(url).status_code == 404, url
    _count, documents = _all_ids(client, "/api/v1/source-documents/")
    assert hidden["under_draft_review"].source_document.slug not in documents


def test_a_review_lists_only_its_published_consultations(client, hidden):
    review = hidden["draft_consultation"].review
    published = make_consultation(review=review)
    body = client.get(f"/api/v1/reviews/{review.slug}/").json()
    assert [c["id"] for c in body["consultations"]] == [published.slug]


def test_hidden_consultations_and_reviews_are_not_accepted_as_filters(client, hidden):
    response = client.get(
        "/api/v1/recommendations/", {"consultation": hidden["draft_consultation"].slug}
    )
    assert response.status_code == 400
    response = client.get("/api/v1/recommendations/", {"review": hidden["draft_review"].slug})
    assert response.status_code == 400


def test_a_key_gives_no_access_to_hidden_records(partner_client, hidden):
    item = hidden["items"]["draft"]
    assert partner_client.get(f"/api/v1/recommendations/{item.public_id}/").status_code == 404
    count, _ids = _all_ids(partner_client, "/api/v1/recommendations/")
    assert count == 45
