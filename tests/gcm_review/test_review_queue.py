"""The admin index shows what waits for review: each record in review with links to its
change page and its history (“changes”); a focal point sees only their organization's
updates; an empty queue says so."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from consultations.publication import PublicationState
from tests.api.personas import admin_client, make_user
from tests.factories import make_consultation, make_organization, make_recommendation, make_update

pytestmark = pytest.mark.django_db

IN_REVIEW, DRAFT = PublicationState.IN_REVIEW, PublicationState.DRAFT


def queue(client) -> str:
    """The index's “waiting for review” panel."""
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    content = response.content.decode()
    start = content.index('<div class="module" id="review-queue">')
    return content[start : content.index("</div>", start)]


def links(panel: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', panel))


def urls(record, model: str) -> set[str]:
    return {
        reverse(f"admin:recommendations_{model}_change", args=[record.pk]),
        reverse(f"admin:recommendations_{model}_history", args=[record.pk]),
    }


@pytest.fixture
def waiting():
    """In review: a recommendation and an update of each of two organizations; beside
    them, a draft and a published record of each kind, which must not be listed."""
    org_a = make_organization(name="Partner Network A")
    org_b = make_organization(name="Partner Network B")
    consultation = make_consultation()
    recommendation = make_recommendation(consultation=consultation, objectives=[6])
    return {
        "org_a": org_a,
        "recommendation": make_recommendation(
            consultation=consultation, objectives=[6], publication_state=IN_REVIEW
        ),
        "draft_recommendation": make_recommendation(
            consultation=consultation, objectives=[6], publication_state=DRAFT
        ),
        "published_recommendation": recommendation,
        "update_a": make_update(
            recommendation=recommendation, reported_by=org_a, publication_state=IN_REVIEW
        ),
        "update_b": make_update(
            recommendation=recommendation,
            reported_by=org_b,
            publication_state=IN_REVIEW,
            country="NP",
        ),
        "draft_update": make_update(
            recommendation=recommendation, reported_by=org_a, publication_state=DRAFT
        ),
        "published_update": make_update(recommendation=recommendation, reported_by=org_a),
    }


def test_a_reviewer_sees_each_record_in_review_with_links_to_it_and_its_changes(waiting):
    client = admin_client(make_user("reviewer"))
    panel = queue(client)
    assert "Waiting for review" in panel
    assert "Recommendations: 1" in panel
    assert "Follow-up updates: 2" in panel
    assert str(waiting["recommendation"]) in panel
    assert str(waiting["update_b"]) in panel
    found = links(panel)
    expected = (
        urls(waiting["recommendation"], "recommendation")
        | urls(waiting["update_a"], "update")
        | urls(waiting["update_b"], "update")
    )
    assert expected <= found
    for name, model in [
        ("draft_recommendation", "recommendation"),
        ("published_recommendation", "recommendation"),
        ("draft_update", "update"),
        ("published_update", "update"),
    ]:
        assert not urls(waiting[name], model) & found, name
    # The group's heading leads to the list filtered on what is in review.
    assert (
        reverse("admin:recommendations_update_changelist") + "?publication_state__exact=in_review"
    ) in found
    # Every link opens for the reviewer.
    for url in expected:
        assert client.get(url).status_code == 200, url


def test_a_focal_point_sees_only_their_organizations_updates(waiting):
    client = admin_client(make_user("focal point", organization=waiting["org_a"]))
    panel = queue(client)
    found = links(panel)
    assert urls(waiting["update_a"], "update") <= found
    assert "Follow-up updates: 1" in panel
    assert not urls(waiting["update_b"], "update") & found
    assert str(waiting["update_b"]) not in panel
    # Recommendations in review are the secretariat's: not even their reference.
    assert not urls(waiting["recommendation"], "recommendation") & found
    assert "Recommendations:" not in panel
    assert str(waiting["recommendation"]) not in panel
    for url in urls(waiting["update_a"], "update"):
        assert client.get(url).status_code == 200, url


def test_an_empty_queue_says_nothing_is_waiting(waiting):
    reviewer = admin_client(make_user("reviewer"))
    focal_point = admin_client(make_user("focal point", organization=make_organization()))
    # What others wait for is not theirs: the focal point's queue is empty already.
    assert "Nothing is waiting for review." in queue(focal_point)
    assert "Nothing is waiting for review." not in queue(reviewer)
    for name in ("recommendation", "update_a", "update_b"):
        record = waiting[name]
        record.publication_state = PublicationState.PUBLISHED
        record.save()
    panel = queue(reviewer)
    assert "Nothing is waiting for review." in panel
    assert "<h3>" not in panel
