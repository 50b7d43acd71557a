"""The issue's first “Done when”, end to end: a partner focal point submits one update
through the admin and one through the API, a reviewer publishes them (a bulk action, an
API PATCH), and then the public sees the new status, the timeline entries, the feed
entries, the changes endpoint's report and the change log entries."""

from __future__ import annotations

import datetime
import json

import feedparser
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from consultations.publication import PublicationState
from recommendations.models import Recommendation, Update
from tests.admin_forms import admin_form_fields
from tests.api.conftest import ID_17B
from tests.api.personas import admin_client, api_client, make_user
from tests.factories import make_organization

pytestmark = pytest.mark.django_db

# After the dataset's own history (the real clock), so only the flow is "since".
START = datetime.datetime(2031, 2, 3, 10, 0, tzinfo=datetime.UTC)
SINCE = "2031-02-01T00:00:00Z"
CHANGELIST = reverse("admin:recommendations_update_changelist")


@pytest.fixture
def flow(imported):
    cache.clear()
    with time_machine.travel(START, tick=True):
        yield
    cache.clear()


def public_page(client, recommendation: Recommendation) -> str:
    response = client.get(recommendation.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_focal_point_submits_a_reviewer_publishes_the_public_sees_it(client, flow):
    recommendation = Recommendation.objects.get(public_id=ID_17B)
    network = make_organization(name="Partner Network A")
    focal_point = make_user("focal point", organization=network)
    reviewer = make_user("reviewer")
    focal_admin, focal_api = admin_client(focal_point), api_client(focal_point)

    # The focal point adds an update in the admin, with evidence, and submits it.
    add_url = reverse("admin:recommendations_update_add")
    form = admin_form_fields(focal_admin, add_url)
    assert form["reported_by"] == [str(network.pk)]  # their organization, preselected
    response = focal_admin.post(
        add_url,
        {
            **form,
            "recommendation": recommendation.pk,
            "status": "implemented",
            "as_of": "2031-01-20",
            "description": "Recruitment fees were abolished by decree in Nepal.",
            "scope": "country",
            "country": "NP",
            "publication_state": PublicationState.DRAFT,
            "evidence-0-position": "1",
            "evidence-0-title": "Decree 12/2031",
            "evidence-0-url": "https://example.gov.np/decree-12",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    by_admin = Update.objects.get(description__startswith="Recruitment fees were abolished")
    assert (by_admin.reported_by, by_admin.created_by) == (network, focal_point)
    focal_admin.post(CHANGELIST, {"action": "submit_for_review", "_selected_action": [by_admin.pk]})
    by_admin.refresh_from_db()
    assert by_admin.publication_state == PublicationState.IN_REVIEW

    # The other comes through the API with the focal point's key, and enters review.
    response = focal_api.post(
        "/api/v1/updates/",
        json.dumps(
            {
                "recommendation": ID_17B,
                "status": "partially_implemented",
                "as_of": "2031-01-10",
                "description": "A bilateral agreement on fair recruitment was signed.",
                "country": "PH",
                "evidence": [{"title": "Agreement", "url": "https://example.gov.ph/agreement"}],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["publication_state"] == "in_review"
    by_api = Update.objects.get(public_id=response.json()["id"])

    # Nothing is public yet.
    before = public_page(client, recommendation)
    assert "No update yet" in before
    assert "Recruitment fees were abolished" not in before
    assert "Follow-up update for" not in before

    # A reviewer publishes one with the bulk action, the other with an API PATCH.
    reviewer_admin = admin_client(reviewer)
    response = reviewer_admin.post(
        CHANGELIST, {"action": "publish", "_selected_action": [by_admin.pk]}
    )
    assert response.status_code == 302
    response = api_client(reviewer).patch(
        f"/api/v1/updates/{by_api.public_id}/",
        json.dumps({"publication_state": "published"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    for update in (by_admin, by_api):
        update.refresh_from_db()
        assert update.publication_state == PublicationState.PUBLISHED
        assert update.history.order_by("-history_date").first().history_user == reviewer

    # The recommendation page: the new status (the latest as-of date: Nepal's) and the
    # timeline, newest first, with the evidence.
    page = public_page(client, recommendation)
    assert "No update yet" not in page
    assert '<span class="status status-implemented">Implemented</span>' in page
    assert "latest update: Nepal" in page
    assert page.index("Recruitment fees were abolished") < page.index("A bilateral agreement")
    assert f'id="update-{by_admin.public_id}"' in page
    assert 'href="https://example.gov.np/decree-12"' in page
    # The change log, without names.
    assert "Follow-up update for Nepal published by the secretariat." in page
    assert "Follow-up update for Philippines published by the secretariat." in page
    assert reviewer.username not in page
    assert focal_point.username not in page

    # The feed.
    feed = feedparser.parse(client.get("/updates/feed/").content)
    assert not feed.bozo, feed.bozo_exception
    ids = {entry.id for entry in feed.entries}
    assert {f"urn:uuid:{by_admin.public_id}", f"urn:uuid:{by_api.public_id}"} <= ids
    nepal = next(e for e in feed.entries if e.id == f"urn:uuid:{by_admin.public_id}")
    assert nepal.title == "Recommendation 17(b): Implemented, Nepal (as of 2031-01-20)"
    assert nepal.link == f"http://testserver{by_admin.get_absolute_url()}"

    # The changes endpoint, for partners who sync.
    response = client.get("/api/v1/changes/", {"since": SINCE, "page_size": 100})
    assert response.status_code == 200
    changes = {(c["type"], c["id"]): c["change"] for c in response.json()["results"]}
    assert changes == {
        ("recommendation", ID_17B): "updated",
        ("update", str(by_admin.public_id)): "created",
        ("update", str(by_api.public_id)): "created",
    }
