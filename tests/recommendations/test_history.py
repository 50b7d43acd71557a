"""Every change is kept, with who and when; staff restore; the public sees a change log."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from consultations.models import Objective
from recommendations.history import public_change_log
from recommendations.models import Recommendation
from tests.factories import make_consultation, make_recommendation

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:recommendations_recommendation_changelist")


def change_url(recommendation) -> str:
    return reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])


def form_data(recommendation, **overrides):
    data = {
        "source_document": recommendation.source_document_id,
        "reference": recommendation.reference,
        "consultation": recommendation.consultation_id or "",
        "text": recommendation.text,
        "objectives": list(recommendation.objectives.values_list("pk", flat=True)),
        "guiding_principles": [],
        "addressed_to": [],
        "challenges": [],
        "good_practices": [],
        "publication_state": recommendation.publication_state,
        "footnote": "",
        "data_note": "",
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    return {**data, **overrides}


@pytest.fixture
def recommendation():
    return make_recommendation(
        consultation=make_consultation(), objectives=[6], text="Original text."
    )


def latest(recommendation):
    return recommendation.history.order_by("-history_date", "-history_id").first()


def test_an_edit_is_recorded_with_the_user_and_the_fields(alice_client, alice, recommendation):
    response = alice_client.post(
        change_url(recommendation), form_data(recommendation, text="Corrected text.")
    )
    assert response.status_code == 302
    entry = latest(recommendation)
    assert entry.history_user == alice
    assert entry.history_type == "~"
    changes = {
        change.field: (change.old, change.new)
        for change in entry.diff_against(entry.prev_record).changes
    }
    assert changes["text"] == ("Original text.", "Corrected text.")


def test_tag_changes_are_recorded(alice_client, recommendation):
    objective_20 = Objective.objects.get(number=20)
    alice_client.post(
        change_url(recommendation),
        form_data(recommendation, objectives=[Objective.objects.get(number=6).pk, objective_20.pk]),
    )
    entry = latest(recommendation)
    tagged = {row.objective_id for row in entry.historicalrecommendation_objectives_set.all()}
    assert objective_20.pk in tagged
    previous = {
        row.objective_id for row in entry.prev_record.historicalrecommendation_objectives_set.all()
    }
    assert objective_20.pk not in previous


def test_publish_unpublish_and_delete_are_recorded(alice_client, alice):
    recommendation = make_recommendation(
        consultation=make_consultation(), objectives=[6], publication_state="draft"
    )
    alice_client.post(CHANGELIST, {"action": "publish", "_selected_action": [recommendation.pk]})
    published = latest(recommendation)
    assert (published.publication_state, published.history_user) == ("published", alice)
    assert published.history_change_reason == "Draft → Published"
    alice_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [recommendation.pk]})
    unpublished = latest(recommendation)
    assert (unpublished.publication_state, unpublished.history_user) == ("draft", alice)
    pk = recommendation.pk
    response = alice_client.post(
        reverse("admin:recommendations_recommendation_delete", args=[pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Recommendation.objects.filter(pk=pk).exists()
    deleted = Recommendation.history.filter(id=pk).order_by("-history_date").first()
    assert (deleted.history_type, deleted.history_user) == ("-", alice)


def test_bulk_publication_records_each_record(alice_client, alice):
    consultation = make_consultation()
    drafts = [
        make_recommendation(consultation=consultation, objectives=[6], publication_state="draft")
        for _ in range(3)
    ]
    alice_client.post(CHANGELIST, {"action": "publish", "_selected_action": [r.pk for r in drafts]})
    for draft in drafts:
        assert latest(draft).publication_state == "published"
        assert latest(draft).history_user == alice


def test_staff_see_the_history_and_restore_an_earlier_version(alice_client, recommendation):
    original = latest(recommendation)
    alice_client.post(
        change_url(recommendation), form_data(recommendation, text="A mistaken edit.")
    )
    history = alice_client.get(
        reverse("admin:recommendations_recommendation_history", args=[recommendation.pk])
    )
    assert history.status_code == 200
    listing = history.content.decode()
    assert re.search(r"Original text\.\s*&nbsp;&rarr;&nbsp;\s*&nbsp;A mistaken edit\.", listing)
    assert "alice" in listing
    restore_url = reverse(
        "admin:recommendations_recommendation_simple_history",
        args=[recommendation.pk, original.history_id],
    )
    page = alice_client.get(restore_url)
    assert page.status_code == 200
    response = alice_client.post(restore_url, form_data(recommendation, text="Original text."))
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.text == "Original text."
    assert latest(recommendation).text == "Original text."


def test_the_public_change_log_shows_changes_while_public_without_names(
    client, alice_client, alice
):
    recommendation = make_recommendation(
        consultation=make_consultation(),
        objectives=[6],
        publication_state="draft",
        text="First draft.",
    )
    alice_client.post(change_url(recommendation), form_data(recommendation, text="Second draft."))
    alice_client.post(CHANGELIST, {"action": "publish", "_selected_action": [recommendation.pk]})
    recommendation.refresh_from_db()
    alice_client.post(
        change_url(recommendation), form_data(recommendation, text="Corrected after publication.")
    )
    log = public_change_log(recommendation)
    assert [entry.event for entry in log] == ["changed", "published"]
    assert log[0].fields == ["text"]
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert "Text changed by the secretariat." in page
    assert "Published by the secretariat." in page
    assert "alice" not in page
    assert "Second draft" not in page


def test_an_import_records_each_new_record_once_then_its_publication(imported_with_history):
    recommendation = Recommendation.objects.get(reference="17(b)")
    entries = list(recommendation.history.order_by("history_date", "history_id"))
    assert [(e.history_type, e.publication_state) for e in entries] == [
        ("+", "draft"),
        ("~", "published"),
    ]
    tagged = {
        row.objective.number for row in entries[0].historicalrecommendation_objectives_set.all()
    }
    assert tagged == {6, 7}
    assert [e.event for e in public_change_log(recommendation)] == ["published"]
