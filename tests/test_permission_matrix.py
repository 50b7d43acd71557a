"""The permission matrix: role, action and surface, in one table.

Every permission check lives in gcm_review/workflow.py; the admin and the API ask it. This
file proves both surfaces obey it, with real requests: POSTs to the admin's add, change,
delete, history and changelist-action URLs, and requests to the API with partner keys.
A cell is ``ALLOWED`` when the action takes effect, ``REFUSED`` when nothing changes (and,
on the API, the answer is 401 for anonymous clients, 403 or 404 for a role without the
right, 405 where no endpoint exists).

The roles follow the tracking issue: a secretariat editor creates and edits drafts and
submits them for review; a reviewer publishes and unpublishes; a partner focal point
reports follow-up for their own organization only and publishes nothing; administrators
may do everything.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from consultations.api.organizations import all_organization_slugs
from consultations.publication import PublicationState
from gcm_review import workflow
from recommendations.models import Recommendation, Update
from tests.admin_forms import admin_form_fields
from tests.api.personas import PERSONAS, admin_client, api_client, make_user
from tests.factories import make_consultation, make_organization, make_recommendation, make_update

pytestmark = pytest.mark.django_db

ALLOWED, REFUSED = "allowed", "refused"
A, R = ALLOWED, REFUSED
DRAFT = PublicationState.DRAFT
IN_REVIEW = PublicationState.IN_REVIEW
PUBLISHED = PublicationState.PUBLISHED

# fmt: off
MATRIX = [
    # action                                 surface  anon focal editor reviewer admin
    ("create update, own organization",       "admin", R,   A,    A,     A,       A),
    ("create update, own organization",       "api",   R,   A,    A,     A,       A),
    ("create update, other organization",     "admin", R,   R,    A,     A,       A),
    ("create update, other organization",     "api",   R,   R,    A,     A,       A),
    ("create update, unpublished rec.",       "admin", R,   R,    A,     A,       A),
    ("create update, unpublished rec.",       "api",   R,   R,    R,     R,       R),
    ("edit own draft update",                 "admin", R,   A,    A,     A,       A),
    ("edit own draft update",                 "api",   R,   A,    A,     A,       A),
    ("edit other org's draft update",         "admin", R,   R,    A,     A,       A),
    ("edit other org's draft update",         "api",   R,   R,    A,     A,       A),
    ("edit published update",                 "admin", R,   R,    R,     A,       A),
    ("edit published update",                 "api",   R,   R,    R,     A,       A),
    ("submit update for review",              "admin", R,   A,    A,     A,       A),
    ("submit update for review",              "api",   R,   A,    A,     A,       A),
    ("publish update",                        "admin", R,   R,    R,     A,       A),
    ("publish update",                        "api",   R,   R,    R,     A,       A),
    ("unpublish update",                      "admin", R,   R,    R,     A,       A),
    ("unpublish update",                      "api",   R,   R,    R,     A,       A),
    ("see history of other org's update",     "admin", R,   R,    A,     A,       A),
    ("restore version of other org's update", "admin", R,   R,    A,     A,       A),
    ("publish recommendation",                "admin", R,   R,    R,     A,       A),
    ("publish recommendation",                "api",   R,   R,    R,     R,       R),
    ("edit draft recommendation",             "admin", R,   R,    A,     A,       A),
    ("edit draft recommendation",             "api",   R,   R,    R,     R,       R),
    ("edit published recommendation",         "admin", R,   R,    R,     A,       A),
    ("edit published recommendation",         "api",   R,   R,    R,     R,       R),
    ("restore version of published rec.",     "admin", R,   R,    R,     A,       A),
    ("delete recommendation",                 "admin", R,   R,    R,     A,       A),
    ("delete recommendation",                 "api",   R,   R,    R,     R,       R),
    ("list own org's unpublished updates",    "admin", R,   A,    A,     A,       A),
    ("list own org's unpublished updates",    "api",   R,   R,    R,     R,       R),
    ("list other org's unpublished updates",  "admin", R,   R,    A,     A,       A),
    ("list other org's unpublished updates",  "api",   R,   R,    R,     R,       R),
]
# fmt: on

CELLS = [
    (action, surface, persona, expected)
    for action, surface, *outcomes in MATRIX
    for persona, expected in zip(PERSONAS, outcomes, strict=True)
]


# The world every cell starts from ----------------------------------------------------------------


@dataclass
class World:
    org_a: Any
    org_b: Any
    public_recommendation: Recommendation
    draft_recommendation: Recommendation
    spare_recommendation: Recommendation  # published, without updates: to edit or delete
    own_draft: Update  # reported by the focal point's organization A
    own_in_review: Update
    own_published: Update
    other_draft: Update  # reported by organization B
    user: Any
    slugs: dict[int, str]


@pytest.fixture
def world(request) -> World:
    persona = request.node.callspec.params["persona"]
    org_a = make_organization(name="Partner Network A")
    org_b = make_organization(name="Partner Network B")
    consultation = make_consultation()
    public = make_recommendation(consultation=consultation, objectives=[6])
    user = None if persona == "anonymous" else make_user(persona, organization=org_a)

    def update(state: str, organization: Any, description: str) -> Update:
        return make_update(
            recommendation=public,
            reported_by=organization,
            publication_state=state,
            description=description,
        )

    return World(
        org_a=org_a,
        org_b=org_b,
        public_recommendation=public,
        draft_recommendation=make_recommendation(
            consultation=consultation, objectives=[6], publication_state=DRAFT
        ),
        spare_recommendation=make_recommendation(consultation=consultation, objectives=[7]),
        own_draft=update(DRAFT, org_a, "Own draft."),
        own_in_review=update(IN_REVIEW, org_a, "Own, in review."),
        own_published=update(PUBLISHED, org_a, "Own, published."),
        other_draft=update(DRAFT, org_b, "Another organization's draft."),
        user=user,
        slugs=all_organization_slugs(),
    )


# Posting admin forms as they are rendered ----------------------------------------


def rendered_form(url: str) -> dict[str, list[str]]:
    """The form at ``url`` as an administrator sees it (every field editable)."""
    return admin_form_fields(admin_client(_administrator()), url)


def _administrator() -> Any:
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username="form-reader", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def admin_post(world: World, url: str, fields: dict[str, Any], **changes: Any) -> Any:
    data = {**fields, **changes}
    return admin_client(world.user).post(url, data)


def admin_action(world: World, model: str, action: str, record: Any) -> Any:
    url = reverse(f"admin:recommendations_{model}_changelist")
    return admin_client(world.user).post(
        url, {"action": action, "_selected_action": [record.pk], "index": 0}
    )


def api_patch(world: World, url: str, body: dict[str, Any]) -> Any:
    return api_client(world.user).patch(url, json.dumps(body), content_type="application/json")


def update_url(update: Update) -> str:
    return f"/api/v1/updates/{update.public_id}/"


def state_of(record: Any) -> str:
    record.refresh_from_db()
    return record.publication_state


# Actions: each does it through one surface and says whether it took effect ----------

TODAY = datetime.date(2024, 6, 1).isoformat()


def create_update(
    world: World, surface: str, organization: Any, recommendation: Any = None
) -> bool:
    recommendation = recommendation or world.public_recommendation
    marker = f"New update by {world.user} for {organization.name}."
    if surface == "admin":
        fields = rendered_form(reverse("admin:recommendations_update_add"))
        admin_post(
            world,
            reverse("admin:recommendations_update_add"),
            fields,
            recommendation=recommendation.pk,
            status="in_progress",
            as_of=TODAY,
            description=marker,
            scope="country",
            country="PH",
            reported_by=organization.pk,
            publication_state=DRAFT,
        )
    else:
        response = api_client(world.user).post(
            "/api/v1/updates/",
            json.dumps(
                {
                    "recommendation": recommendation.public_id,
                    "status": "in_progress",
                    "as_of": TODAY,
                    "description": marker,
                    "country": "PH",
                    "reported_by": world.slugs[organization.pk],
                }
            ),
            content_type="application/json",
        )
        assert response.status_code in (201, 400, 401, 403), response.content
    return Update.objects.filter(description=marker, reported_by=organization).exists()


def edit_update(world: World, surface: str, update: Update) -> bool:
    marker = f"Edited by {world.user}."
    if surface == "admin":
        url = reverse("admin:recommendations_update_change", args=[update.pk])
        admin_post(world, url, rendered_form(url), description=marker)
    else:
        response = api_patch(world, update_url(update), {"description": marker})
        assert response.status_code in (200, 401, 403, 404), response.content
    update.refresh_from_db()
    return update.description == marker


def move_update(world: World, surface: str, update: Update, state: str, action: str) -> bool:
    if surface == "admin":
        admin_action(world, "update", action, update)
    else:
        response = api_patch(world, update_url(update), {"publication_state": state})
        assert response.status_code in (200, 401, 403, 404), response.content
    return state_of(update) == state


def restore(world: World, model: str, record: Any, **overrides: Any) -> Any:
    """Post the version before the last change back, as the history page offers. (Not the
    first version: a record's creation is saved before its tags, so that version has none,
    and the restore form now shows each version's own tags.)"""
    earlier = record.history.order_by("-history_date", "-history_id")[1]
    url = reverse(f"admin:recommendations_{model}_simple_history", args=[record.pk, earlier.pk])
    fields = rendered_form(url)
    admin_post(world, url, fields, **overrides)
    record.refresh_from_db()
    return record


def recommendation_api(world: World, recommendation: Recommendation, method: str) -> None:
    client = api_client(world.user)
    url = f"/api/v1/recommendations/{recommendation.public_id}/"
    body = json.dumps({"publication_state": PUBLISHED, "text": "Changed."})
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == 405


def edit_recommendation(world: World, surface: str, recommendation: Recommendation) -> bool:
    marker = f"Text edited by {world.user}."
    if surface == "admin":
        url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
        admin_post(world, url, rendered_form(url), text=marker)
    else:
        recommendation_api(world, recommendation, "patch")
    recommendation.refresh_from_db()
    return recommendation.text == marker


def sees_in_list(world: World, surface: str, update: Update) -> bool:
    if surface == "admin":
        response = admin_client(world.user).get(reverse("admin:recommendations_update_changelist"))
        link = reverse("admin:recommendations_update_change", args=[update.pk])
        return response.status_code == 200 and link in response.content.decode()
    response = api_client(world.user).get("/api/v1/updates/", {"page_size": 100})
    ids = {item["id"] for item in response.json()["results"]}
    detail = api_client(world.user).get(update_url(update)).status_code
    return str(update.public_id) in ids or detail == 200


def sees_history(world: World, surface: str) -> bool:
    update = world.other_draft
    url = reverse("admin:recommendations_update_history", args=[update.pk])
    version = update.history.first()
    form_url = reverse("admin:recommendations_update_simple_history", args=[update.pk, version.pk])
    client = admin_client(world.user)
    listing, version_page = client.get(url), client.get(form_url)
    return (
        listing.status_code == 200
        and version_page.status_code == 200
        and escape(update.description) in version_page.content.decode()
    )


def restore_recommendation(world: World, surface: str) -> bool:
    recommendation = world.spare_recommendation
    original = recommendation.text
    recommendation.text = "A later wording."
    recommendation.save()
    state = PUBLISHED if workflow.can_publish(world.user, Recommendation) else IN_REVIEW
    restored = restore(world, "recommendation", recommendation, publication_state=state)
    return restored.text == original


def restore_other_update(world: World, surface: str) -> bool:
    update = world.other_draft
    original = update.description
    update.description = "A later description."
    update.save()
    restored = restore(world, "update", update, publication_state=DRAFT)
    return restored.description == original


def delete_recommendation(world: World, surface: str) -> bool:
    recommendation = world.spare_recommendation
    if surface == "admin":
        url = reverse("admin:recommendations_recommendation_delete", args=[recommendation.pk])
        admin_client(world.user).post(url, {"post": "yes"})
    else:
        response = api_client(world.user).delete(
            f"/api/v1/recommendations/{recommendation.public_id}/"
        )
        assert response.status_code == 405
    return not Recommendation.objects.filter(pk=recommendation.pk).exists()


def publish_recommendation(world: World, surface: str) -> bool:
    recommendation = world.draft_recommendation
    recommendation.publication_state = IN_REVIEW
    recommendation.save()
    if surface == "admin":
        admin_action(world, "recommendation", "publish", recommendation)
    else:
        recommendation_api(world, recommendation, "patch")
    return state_of(recommendation) == PUBLISHED


ACTIONS: dict[str, Callable[[World, str], bool]] = {
    "create update, own organization": lambda w, s: create_update(w, s, w.org_a),
    "create update, other organization": lambda w, s: create_update(w, s, w.org_b),
    "create update, unpublished rec.": lambda w, s: create_update(
        w, s, w.org_a, w.draft_recommendation
    ),
    "edit own draft update": lambda w, s: edit_update(w, s, w.own_draft),
    "edit other org's draft update": lambda w, s: edit_update(w, s, w.other_draft),
    "edit published update": lambda w, s: edit_update(w, s, w.own_published),
    "submit update for review": lambda w, s: move_update(
        w, s, w.own_draft, IN_REVIEW, "submit_for_review"
    ),
    "publish update": lambda w, s: move_update(w, s, w.own_in_review, PUBLISHED, "publish"),
    "unpublish update": lambda w, s: move_update(w, s, w.own_published, DRAFT, "unpublish"),
    "see history of other org's update": sees_history,
    "restore version of other org's update": restore_other_update,
    "publish recommendation": publish_recommendation,
    "edit draft recommendation": lambda w, s: edit_recommendation(w, s, w.draft_recommendation),
    "edit published recommendation": lambda w, s: edit_recommendation(w, s, w.spare_recommendation),
    "restore version of published rec.": restore_recommendation,
    "delete recommendation": delete_recommendation,
    "list own org's unpublished updates": lambda w, s: sees_in_list(w, s, w.own_draft),
    "list other org's unpublished updates": lambda w, s: sees_in_list(w, s, w.other_draft),
}


def test_every_action_of_the_matrix_is_implemented():
    assert {action for action, *_rest in MATRIX} == set(ACTIONS)


@pytest.mark.parametrize(
    ("action", "surface", "persona", "expected"),
    CELLS,
    ids=[f"{persona} | {surface} | {action}" for action, surface, persona, _e in CELLS],
)
def test_permission_matrix(world, action, surface, persona, expected):
    assert (ALLOWED if ACTIONS[action](world, surface) else REFUSED) == expected


# The roles exist in every fresh database ----------------------------------------

EXPECTED_GROUPS = {
    workflow.EDITOR: {
        *(f"view_{m}" for m in ("cluster", "objective", "guidingprinciple", "stakeholdergroup")),
        *(
            f"{action}_{model}"
            for model in (
                "review",
                "sourcedocument",
                "consultation",
                "coorganizer",
                "participantshare",
                "organization",
                "actor",
                "challenge",
                "goodpractice",
                "recommendation",
                "update",
                "evidencelink",
            )
            for action in ("view", "add", "change")
        ),
    },
    workflow.REVIEWER: {
        *(f"view_{m}" for m in ("cluster", "objective", "guidingprinciple", "stakeholdergroup")),
        *(
            f"{action}_{model}"
            for model in (
                "review",
                "sourcedocument",
                "consultation",
                "coorganizer",
                "participantshare",
                "organization",
                "actor",
                "challenge",
                "goodpractice",
                "recommendation",
                "update",
                "evidencelink",
            )
            for action in ("view", "add", "change", "delete")
        ),
        "publish_review",
        "publish_consultation",
        "publish_challenge",
        "publish_goodpractice",
        "publish_recommendation",
        "publish_update",
    },
    workflow.FOCAL_POINT: {
        "view_recommendation",
        "view_organization",
        "view_update",
        "add_update",
        "change_update",
        "view_evidencelink",
        "add_evidencelink",
        "change_evidencelink",
    },
}


@pytest.mark.parametrize("role", sorted(EXPECTED_GROUPS))
def test_the_roles_exist_after_migrate_with_exactly_their_permissions(role):
    """pytest-django builds the test database by running every migration from scratch:
    what is here is what a fresh ``migrate`` leaves."""
    group = Group.objects.get(name=role)
    assert set(group.permissions.values_list("codename", flat=True)) == EXPECTED_GROUPS[role]


def test_only_reviewers_and_administrators_may_publish_each_publishable_kind():
    from consultations.models import Consultation, Review
    from recommendations.models import Challenge, GoodPractice

    reviewer = make_user("reviewer")
    editor = make_user("editor")
    for model in (Review, Consultation, Challenge, GoodPractice, Recommendation, Update):
        assert workflow.can_publish(reviewer, model), model
        assert not workflow.can_publish(editor, model), model
