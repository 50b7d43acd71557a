"""/api/v1/changes/?since=: what was created, updated and withdrawn since a moment, read
from the history, so that a partner who syncs with updated_since also learns what
disappeared. Records that were never public never appear."""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine

from consultations.publication import PublicationState
from recommendations.models import GoodPractice, Recommendation
from tests.api.conftest import ID_17B
from tests.factories import make_consultation, make_good_practice, make_recommendation, make_update

pytestmark = pytest.mark.usefixtures("data")

URL = "/api/v1/changes/"
UTC = datetime.UTC
# After the dataset's own history (the real clock), so only what a test does is "since".
BEFORE = datetime.datetime(2031, 1, 10, 9, 0, tzinfo=UTC)
SINCE = datetime.datetime(2031, 2, 1, 0, 0, tzinfo=UTC)
DURING = datetime.datetime(2031, 2, 3, 10, 0, tzinfo=UTC)
LATER = datetime.datetime(2031, 2, 5, 16, 30, tzinfo=UTC)
SINCE_TEXT = "2031-02-01T00:00:00Z"


# Paragraph numbers the dataset does not use, so new items get fresh public ids.
_paragraphs = itertools.count(700)


def new_recommendation(consultation, **fields) -> Recommendation:
    return make_recommendation(
        consultation=consultation, reference=f"{next(_paragraphs)}(a)", **fields
    )


def new_good_practice(consultation, **fields) -> GoodPractice:
    return make_good_practice(
        consultation=consultation, reference=f"{next(_paragraphs)}(a)", **fields
    )


def changes(client, since: str = SINCE_TEXT, **query) -> list[dict]:
    results = []
    page = client.get(URL, {"since": since, "page_size": 100, **query})
    assert page.status_code == 200, page.content
    body = page.json()
    results += body["results"]
    while body["next"]:
        body = client.get(body["next"]).json()
        results += body["results"]
    return results


def entries(client, **query) -> set[tuple[str, str, str]]:
    return {(c["type"], c["id"], c["change"]) for c in changes(client, **query)}


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def save(record, **fields) -> None:
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()


# The brief's case ---------------------------------------------------------------------------


def test_a_record_unpublished_since_is_reported_withdrawn(client):
    recommendation = Recommendation.objects.get(public_id=ID_17B)
    with at(DURING):
        save(recommendation, publication_state=PublicationState.DRAFT)

    assert changes(client) == [
        {
            "type": "recommendation",
            "id": ID_17B,
            "change": "withdrawn",
            "at": "2031-02-03T10:00:00Z",
            "url": None,
        }
    ]
    # The partner's list no longer has it, and the changes say why.
    listed = client.get("/api/v1/recommendations/", {"page_size": 100}).json()["results"]
    assert ID_17B not in {item["id"] for item in listed}


def test_nothing_changed_is_an_empty_page(client):
    body = client.get(URL, {"since": SINCE_TEXT}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


# Created, updated, withdrawn ------------------------------------------------------------------


def test_created_updated_and_deleted_records(client, rec_17b):
    consultation = rec_17b.consultation
    with at(BEFORE):
        edited = new_recommendation(consultation)
        deleted = new_good_practice(consultation)
        to_publish = new_recommendation(
            consultation=consultation, publication_state=PublicationState.DRAFT
        )
    with at(DURING):
        created = new_recommendation(consultation)
        save(edited, text="Corrected text.")
        deleted.delete()
    with at(LATER):
        save(to_publish, publication_state=PublicationState.PUBLISHED)

    found = changes(client)
    assert {(c["type"], c["id"], c["change"], c["at"]) for c in found} == {
        ("recommendation", created.public_id, "created", "2031-02-03T10:00:00Z"),
        ("recommendation", edited.public_id, "updated", "2031-02-03T10:00:00Z"),
        ("good-practice", deleted.public_id, "withdrawn", "2031-02-03T10:00:00Z"),
        ("recommendation", to_publish.public_id, "created", "2031-02-05T16:30:00Z"),
    }
    assert [c["at"] for c in found] == sorted(c["at"] for c in found)
    created_entry = next(c for c in found if c["id"] == created.public_id)
    assert created_entry["url"] == f"http://testserver/api/v1/recommendations/{created.public_id}/"
    assert client.get(created_entry["url"]).status_code == 200


def test_a_record_changed_before_since_is_not_reported(client, rec_17b):
    with at(BEFORE):
        save(rec_17b, text=rec_17b.text + " (corrected)")
    assert changes(client) == []


def test_records_that_were_never_public_never_appear(client, rec_17b):
    with at(BEFORE):
        old_draft = new_recommendation(
            consultation=rec_17b.consultation, publication_state=PublicationState.DRAFT
        )
    with at(DURING):
        draft = new_recommendation(
            consultation=rec_17b.consultation, publication_state=PublicationState.DRAFT
        )
        save(draft, text="Still a draft.", publication_state=PublicationState.IN_REVIEW)
        draft.delete()
        save(old_draft, text="Edited draft.")
        in_review = make_update(
            recommendation=rec_17b, publication_state=PublicationState.IN_REVIEW
        )
        save(in_review, description="Edited in review.")
        hidden_consultation = make_consultation(
            source_document=rec_17b.source_document, publication_state=PublicationState.DRAFT
        )
        new_recommendation(hidden_consultation)
    found = changes(client)
    ids = {c["id"] for c in found}
    assert draft.public_id not in ids
    assert old_draft.public_id not in ids
    assert str(in_review.public_id) not in ids
    assert hidden_consultation.slug not in ids
    assert found == []


def test_published_then_unpublished_within_the_period_is_withdrawn(client, rec_17b):
    with at(DURING):
        brief = new_recommendation(rec_17b.consultation)
    with at(LATER):
        save(brief, publication_state=PublicationState.WITHDRAWN)
    assert entries(client) == {("recommendation", brief.public_id, "withdrawn")}


def test_unpublished_then_republished_is_an_update(client, rec_17b):
    with at(DURING):
        save(rec_17b, publication_state=PublicationState.DRAFT)
    with at(LATER):
        save(rec_17b, publication_state=PublicationState.PUBLISHED)
    assert changes(client) == [
        {
            "type": "recommendation",
            "id": ID_17B,
            "change": "updated",
            "at": "2031-02-05T16:30:00Z",
            "url": f"http://testserver/api/v1/recommendations/{ID_17B}/",
        }
    ]


def test_unpublishing_a_consultation_withdraws_what_it_holds(client, rec_17b):
    consultation = rec_17b.consultation
    with at(DURING):
        save(consultation, publication_state=PublicationState.DRAFT)
    found = entries(client)
    assert ("consultation", consultation.slug, "withdrawn") in found
    assert ("recommendation", ID_17B, "withdrawn") in found
    held = set(
        Recommendation.objects.filter(consultation=consultation).values_list("public_id", flat=True)
    ) | set(
        GoodPractice.objects.filter(consultation=consultation).values_list("public_id", flat=True)
    )
    assert {public_id for _type, public_id, _change in found} >= held
    assert {change for _type, _id, change in found} == {"withdrawn"}


# Follow-up updates ---------------------------------------------------------------------------


def test_updates_appear_when_published_and_go_when_withdrawn_or_hidden(client, rec_17b):
    with at(BEFORE):
        shown = make_update(recommendation=rec_17b)
        deleted = make_update(recommendation=rec_17b, country="NP")
    with at(DURING):
        pending = make_update(recommendation=rec_17b, publication_state=PublicationState.IN_REVIEW)
        published = make_update(
            recommendation=rec_17b, publication_state=PublicationState.IN_REVIEW
        )
        save(published, publication_state=PublicationState.PUBLISHED)
        deleted.delete()
    assert entries(client, type="update") == {
        ("update", str(published.public_id), "created"),
        ("update", str(deleted.public_id), "withdrawn"),
    }
    assert str(pending.public_id) not in {c["id"] for c in changes(client)}

    with at(LATER):
        save(rec_17b, publication_state=PublicationState.DRAFT)
    found = entries(client, type="update")
    assert ("update", str(shown.public_id), "withdrawn") in found
    assert ("update", str(published.public_id), "created") not in found


def test_a_new_published_update_changes_its_recommendation(client, rec_17b):
    with at(DURING):
        pending = make_update(recommendation=rec_17b, publication_state=PublicationState.IN_REVIEW)
    # In review: nothing public changed.
    assert changes(client) == []
    with at(LATER):
        save(pending, publication_state=PublicationState.PUBLISHED)
    found = {(c["type"], c["id"]): (c["change"], c["at"]) for c in changes(client)}
    assert found == {
        ("update", str(pending.public_id)): ("created", "2031-02-05T16:30:00Z"),
        ("recommendation", ID_17B): ("updated", "2031-02-05T16:30:00Z"),
    }
    assert entries(client, type="update") == {("update", str(pending.public_id), "created")}


def test_an_update_unpublished_directly_is_reported_withdrawn(client, rec_17b):
    with at(BEFORE):
        update = make_update(recommendation=rec_17b)
    with at(DURING):
        save(update, publication_state=PublicationState.DRAFT)
    found = {(c["type"], c["id"]): c for c in changes(client)}
    assert found[("update", str(update.public_id))] == {
        "type": "update",
        "id": str(update.public_id),
        "change": "withdrawn",
        "at": "2031-02-03T10:00:00Z",
        "url": None,
    }
    # Its recommendation lost a published update: partners re-read its status.
    assert found[("recommendation", ID_17B)]["change"] == "updated"
    assert client.get(f"/api/v1/updates/{update.public_id}/").status_code == 404


def test_a_challenge_unpublished_is_withdrawn(client):
    from recommendations.models import Challenge

    challenge = Challenge.objects.public().first()
    with at(DURING):
        save(challenge, publication_state=PublicationState.DRAFT)
    assert entries(client, type="challenge") == {("challenge", challenge.public_id, "withdrawn")}


def test_a_review_unpublished_is_withdrawn_with_everything_under_it(client, rec_17b):
    review = rec_17b.source_document.review
    with at(BEFORE):
        update = make_update(recommendation=rec_17b)
    with at(DURING):
        save(review, publication_state=PublicationState.DRAFT)
    found = entries(client)
    assert ("review", review.slug, "withdrawn") in found
    assert ("recommendation", ID_17B, "withdrawn") in found
    assert ("update", str(update.public_id), "withdrawn") in found
    assert client.get("/api/v1/reviews/").json()["count"] == 0


# Parameters and paging --------------------------------------------------------------------------


def test_type_narrows_the_kinds_of_record(client, rec_17b):
    with at(DURING):
        make_update(recommendation=rec_17b)
    assert {c["type"] for c in changes(client)} == {"recommendation", "update"}
    assert changes(client, type="recommendation")[0]["change"] == "updated"
    assert {c["type"] for c in changes(client, type="update")} == {"update"}
    both = client.get(URL, [("since", SINCE_TEXT), ("type", "update"), ("type", "review")])
    assert {c["type"] for c in both.json()["results"]} == {"update"}


def test_changes_are_paged_oldest_first(client, rec_17b):
    with at(DURING):
        created = [new_recommendation(rec_17b.consultation) for _n in range(3)]
    first = client.get(URL, {"since": SINCE_TEXT, "page_size": 2}).json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    second = client.get(first["next"]).json()
    ids = [c["id"] for c in first["results"] + second["results"]]
    assert sorted(ids) == sorted(r.public_id for r in created)


def test_a_date_is_midnight_utc(client, rec_17b):
    with at(DURING):
        save(rec_17b, text=rec_17b.text + ".")
    assert len(changes(client, since="2031-02-03")) == 1
    assert changes(client, since="2031-02-04") == []
    assert len(changes(client, since="2031-02-03T11:00:00%2B02:00".replace("%2B", "+"))) == 1


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ({}, "since", "Required: give the time of your last sync"),
        ({"since": "yesterday"}, "since", "RFC 3339"),
        ({"since": "2031-02-01T00:00:00"}, "since", "RFC 3339"),
        ({"since": ""}, "since", "Empty value"),
        ({"since": SINCE_TEXT, "type": "objective"}, "type", "Unknown type objective."),
        ({"since": SINCE_TEXT, "updated_since": SINCE_TEXT}, "updated_since", "Unknown parameter"),
        ({"since": SINCE_TEXT, "page": "0"}, "page", "Use a whole number from 1."),
        ({"since": SINCE_TEXT, "format": "csv"}, "format", "Unknown format. Accepted: json."),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, query, name, message):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in " ".join(response.json()[name])


def test_a_repeated_conditional_get_is_a_304(client, rec_17b):
    first = client.get(URL, {"since": SINCE_TEXT})
    again = client.get(URL, {"since": SINCE_TEXT}, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    with at(DURING):
        save(rec_17b, text=rec_17b.text + ".")
    after = client.get(URL, {"since": SINCE_TEXT}, headers={"If-None-Match": first["ETag"]})
    assert after.status_code == 200


def test_the_changes_are_read_in_a_bounded_number_of_queries(
    client, rec_17b, django_assert_max_num_queries
):
    with at(DURING):
        for _n in range(20):
            make_update(recommendation=new_recommendation(rec_17b.consultation))
    with django_assert_max_num_queries(25):
        response = client.get(URL, {"since": SINCE_TEXT, "page_size": 100})
    assert response.json()["count"] == 40


def test_too_many_changes_are_refused_with_the_way_to_catch_up(client, rec_17b, settings):
    settings.API_CHANGES_LIMIT = 5
    with at(DURING):
        for _n in range(3):
            new_recommendation(rec_17b.consultation)
    assert len(changes(client)) == 3

    with at(DURING):
        for _n in range(3):
            new_recommendation(rec_17b.consultation)
    response = client.get(URL, {"since": SINCE_TEXT})
    assert response.status_code == 400
    message = " ".join(response.json()["since"])
    assert "More than 5 records may have changed since then" in message
    assert "http://testserver/data/gcm-review-tracker.zip" in message
    # Fewer kinds of record, or a later moment, is within the limit again.
    assert client.get(URL, {"since": SINCE_TEXT, "type": "challenge"}).status_code == 200
    assert client.get(URL, {"since": "2031-02-04"}).status_code == 200


def test_a_review_changed_counts_everything_under_it(client, rec_17b, settings):
    review = rec_17b.source_document.review
    under = Recommendation.objects.filter(source_document__review=review).count()
    settings.API_CHANGES_LIMIT = under - 1
    with at(DURING):
        save(review, title=review.title + ".")
    # Every recommendation of the review would have to be read, though none changed itself.
    response = client.get(URL, {"since": SINCE_TEXT, "type": "recommendation"})
    assert response.status_code == 400
    assert client.get(URL, {"since": SINCE_TEXT, "type": "review"}).status_code == 200


def test_a_refusal_is_decided_before_any_history_is_read(
    client, rec_17b, settings, django_assert_max_num_queries
):
    settings.API_CHANGES_LIMIT = 1
    with at(DURING):
        for _n in range(2):
            new_recommendation(rec_17b.consultation)
    # One bounded count of the recommendations' history rows since the moment.
    with django_assert_max_num_queries(1):
        response = client.get(URL, {"since": SINCE_TEXT})
    assert response.status_code == 400
