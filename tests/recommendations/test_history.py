"""Every change is kept, with who and when; staff restore; the public sees a change log."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import GuidingPrinciple, Objective
from recommendations.history import follow_up_change_log, public_change_log
from recommendations.models import EvidenceLink, Recommendation
from tests.admin_forms import admin_form_fields
from tests.factories import make_consultation, make_recommendation, make_update

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
    objective_6, objective_20 = Objective.objects.get(number=6), Objective.objects.get(number=20)
    human_rights = GuidingPrinciple.objects.get(slug="human-rights")
    alice_client.post(
        change_url(recommendation),
        form_data(
            recommendation,
            text="A mistaken edit.",
            objectives=[objective_20.pk],
            guiding_principles=[human_rights.pk],
        ),
    )
    recommendation.refresh_from_db()
    assert set(recommendation.objectives.all()) == {objective_20}
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
    # The form shows the version: its text and its tags, not today's.
    fields = admin_form_fields(alice_client, restore_url)
    assert fields["text"] == ["Original text."]
    assert fields["objectives"] == [str(objective_6.pk)]
    assert fields["guiding_principles"] == []
    response = alice_client.post(restore_url, fields)
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.text == "Original text."
    assert set(recommendation.objectives.all()) == {objective_6}
    assert not recommendation.guiding_principles.exists()
    restored = latest(recommendation)
    assert restored.text == "Original text."
    assert {row.objective_id for row in restored.historicalrecommendation_objectives_set.all()} == {
        objective_6.pk
    }


def test_restoring_an_update_brings_its_evidence_back(alice_client, alice):
    update = make_update(
        description="Fees were capped.",
        evidence=[("Central bank circular", "https://example.org/circular")],
    )
    kept = update.evidence.get()
    first = update.history.order_by("history_date", "history_id").first()
    update.description = "A mistaken description."
    update.save()
    kept.url = "https://example.org/wrong"
    kept.save()
    update.evidence.create(title="A wrong link", url="https://example.org/other", position=2)

    restore_url = reverse(
        "admin:recommendations_update_simple_history", args=[update.pk, first.history_id]
    )
    page = alice_client.get(restore_url).content.decode()
    assert (
        "Restoring this version also brings back its evidence links as they were: "
        "Central bank circular."
    ) in page
    response = alice_client.post(restore_url, admin_form_fields(alice_client, restore_url))
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.description == "Fees were capped."
    assert [(link.pk, link.title, link.url) for link in update.evidence.all()] == [
        (kept.pk, "Central bank circular", "https://example.org/circular")
    ]
    # Each link's restore is in its history, with who did it.
    removed = EvidenceLink.history.filter(title="A wrong link").order_by("-history_date").first()
    assert (removed.history_type, removed.history_user) == ("-", alice)
    reverted = kept.history.order_by("-history_date").first()
    assert (reverted.url, reverted.history_user) == ("https://example.org/circular", alice)


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


# Follow-up updates in the recommendation's public change log ----------------------------------

UTC = datetime.UTC


def at(day: int, hour: int = 9):
    return time_machine.travel(datetime.datetime(2026, 3, day, hour, tzinfo=UTC), tick=False)


def test_follow_up_updates_enter_the_public_log_only_while_public(client, alice):
    with at(1):
        recommendation = make_recommendation(consultation=make_consultation(), objectives=[6])
        nepal = make_update(
            recommendation=recommendation,
            country="NP",
            publication_state="draft",
            description="First draft of the Nepal update.",
        )
    with at(2):
        # Edits of a draft are nobody's business but the secretariat's.
        nepal.description = "Second draft of the Nepal update."
        nepal.save()
    with at(3):
        nepal.publication_state = "published"
        nepal._history_user = alice
        nepal.save()
    with at(4):
        # Corrected through the admin: the update and its evidence saved together.
        nepal.description = "What was really done in Nepal."
        nepal.save()
        nepal.evidence.create(title="Gazette", url="https://example.org/gazette", position=1)
    with at(5):
        # An evidence link corrected on its own, days later, while public.
        nepal.evidence.update_or_create(
            title="Gazette", defaults={"url": "https://example.org/gazette-2"}
        )
    with at(6):
        nepal.publication_state = "draft"
        nepal.save()
    with at(7):
        regional = make_update(recommendation=recommendation, scope="regional")
    with at(8):
        regional.publication_state = "withdrawn"
        regional.save()
    with at(9):
        deleted = make_update(recommendation=recommendation, country="TH")
    with at(10):
        deleted.delete()
    with at(11):
        # Never public: nothing said.
        make_update(recommendation=recommendation, country="VN", publication_state="in_review")

    log = follow_up_change_log(recommendation)
    assert [(entry.date.day, entry.description) for entry in log] == [
        (10, "Follow-up update for Thailand withdrawn by the secretariat."),
        (9, "Follow-up update for Thailand published by the secretariat."),
        (8, "Regional follow-up update withdrawn by the secretariat."),
        (7, "Regional follow-up update published by the secretariat."),
        (6, "Follow-up update for Nepal taken offline by the secretariat."),
        (5, "Follow-up update for Nepal corrected by the secretariat (evidence)."),
        (4, "Follow-up update for Nepal corrected by the secretariat (what was done, evidence)."),
        (3, "Follow-up update for Nepal published by the secretariat."),
    ]
    # Created published: one "published" entry, not a correction of its evidence.
    with at(12):
        make_update(
            recommendation=recommendation,
            country="PH",
            evidence=[("Circular", "https://example.org/circular")],
        )
    newest = follow_up_change_log(recommendation)[0]
    assert newest.description == "Follow-up update for Philippines published by the secretariat."

    with at(13):
        page = client.get(recommendation.get_absolute_url()).content.decode()
    assert '<time datetime="2026-03-03T09:00:00+00:00">3 March 2026</time>: ' in page
    assert "Follow-up update for Nepal published by the secretariat." in page
    assert "Follow-up update for Thailand withdrawn by the secretariat." in page
    # The recommendation's own entries are there too, in date order with the updates'.
    assert page.index("Philippines published") < page.index("Published by the secretariat.")
    assert "alice" not in page
    assert "draft of the Nepal update" not in page
    assert "Follow-up update for Vi" not in page


def test_an_update_moved_to_another_recommendation_leaves_the_log_as_withdrawn():
    with at(1):
        consultation = make_consultation()
        first = make_recommendation(consultation=consultation, objectives=[6])
        second = make_recommendation(consultation=consultation, objectives=[6])
        update = make_update(recommendation=first, country="NP")
    with at(2):
        update.recommendation = second
        update.save()
    assert [entry.event for entry in follow_up_change_log(first)] == ["withdrawn", "published"]
    assert [entry.event for entry in follow_up_change_log(second)] == ["published"]


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_the_log_of_many_updates_runs_a_fixed_number_of_queries(client):
    with at(1):
        recommendation = make_recommendation(consultation=make_consultation(), objectives=[6])
        make_update(recommendation=recommendation, evidence=[("A", "https://example.org/a")])
    url = recommendation.get_absolute_url()
    with at(2):
        first, page = _queries(client, url)
    assert page.count("Follow-up update for") == 1
    for day in range(2, 12):
        with at(day):
            update = make_update(
                recommendation=recommendation,
                country="NP",
                evidence=[("B", "https://example.org/b")],
            )
        with at(day, 12):
            update.description = f"Corrected on day {day}."
            update.save()
            update.evidence.create(title="C", url="https://example.org/c")
        with at(day, 18):
            update.publication_state = "draft"
            update.save()
    with at(20):
        many, page = _queries(client, url)
    assert page.count("Follow-up update for") == 31
    assert many == first
