"""The admin as the secretariat uses it: every page answers, and real edits work."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from consultations.models import Cluster, Consultation, Objective, Organization, Review
from consultations.publication import PublicationState
from recommendations.models import Recommendation
from tests.factories import (
    make_challenge,
    make_consultation,
    make_organization,
    make_recommendation,
    make_source_document,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


def _url(app_label: str, model_name: str, view: str) -> str:
    return reverse(f"admin:{app_label}_{model_name}_{view}")


def _admin_allows_adding(app_label: str, model_name: str, user) -> bool:
    model_admin = next(
        model_admin
        for model, model_admin in admin.site._registry.items()
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name)
    )
    request = RequestFactory().get("/admin/")
    request.user = user
    return model_admin.has_add_permission(request)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_and_add_page_answer_for_staff(alice, alice_client, app_label, model_name):
    make_recommendation(consultation=make_consultation(), objectives=[6])
    assert alice_client.get(_url(app_label, model_name, "changelist")).status_code == 200
    add_page = alice_client.get(_url(app_label, model_name, "add"))
    if _admin_allows_adding(app_label, model_name, alice):
        assert add_page.status_code == 200
    else:
        # Records only the system writes (django-axes' sign-in attempts): no add form,
        # a plain refusal rather than an error.
        assert add_page.status_code == 403


def test_only_system_written_records_refuse_the_add_page(alice):
    refused = {
        (app_label, model_name)
        for app_label, model_name in REGISTERED
        if not _admin_allows_adding(app_label, model_name, alice)
    }
    assert {app_label for app_label, _ in refused} <= {"axes"}


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_anonymous_users_are_sent_to_login(client, app_label, model_name):
    for view in ("changelist", "add"):
        url = _url(app_label, model_name, view)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_changelists_search_and_filter(alice_client):
    consultation = make_consultation()
    make_recommendation(consultation=consultation, objectives=[20], text="Cheaper remittances.")
    make_recommendation(consultation=consultation, objectives=[6], text="Fair recruitment.")
    url = _url("recommendations", "recommendation", "changelist")

    by_text = alice_client.get(url, {"q": "remittances"})
    assert "Cheaper remittances." in by_text.content.decode()
    assert "Fair recruitment." not in by_text.content.decode()

    objective_6 = Objective.objects.get(number=6)
    by_objective = alice_client.get(url, {"objectives__id__exact": objective_6.pk})
    assert "Fair recruitment." in by_objective.content.decode()
    assert "Cheaper remittances." not in by_objective.content.decode()

    objectives_by_number = alice_client.get(
        _url("consultations", "objective", "changelist"), {"q": "remit"}
    )
    assert objectives_by_number.status_code == 200


def test_staff_creates_a_consultation_with_co_organizers(alice_client):
    document = make_source_document()
    migrant_forum = make_organization(name="Migrant Forum Asia")
    solidarity = make_organization(name="Solidarity Center")
    ilo = make_organization(
        name="International Labour Organization", acronym="ILO", kind="un_entity"
    )
    objectives = Objective.objects.filter(number__in=[2, 5, 6, 12, 18])

    response = alice_client.post(
        _url("consultations", "consultation", "add"),
        {
            "review": document.review_id,
            "sequence": 1,
            "title": "Ensuring that migration is voluntary, orderly and regular",
            "slug": "",
            "date": "2020-10-28",
            "cluster": Cluster.objects.get(number=1).pk,
            "objectives": [o.pk for o in objectives],
            "publication_state": "draft",
            "supporting_entities": [ilo.pk],
            "participants": 90,
            "countries_represented": 20,
            "gender_balance_note": "There was balanced gender representation among participants.",
            "source_document": document.pk,
            "paragraphs": "13-17",
            "co_organizer_links-TOTAL_FORMS": 2,
            "co_organizer_links-INITIAL_FORMS": 0,
            "co_organizer_links-0-position": 1,
            "co_organizer_links-0-organization": migrant_forum.pk,
            "co_organizer_links-0-countries": ["PH"],
            "co_organizer_links-1-position": 2,
            "co_organizer_links-1-organization": solidarity.pk,
            "co_organizer_links-1-countries": ["LK"],
            "participant_shares-TOTAL_FORMS": 0,
            "participant_shares-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].errors if response.context else response
    )

    consultation = Consultation.objects.get(review=document.review, sequence=1)
    assert consultation.slug == f"{document.review.slug}-1"
    assert sorted(o.number for o in consultation.objectives.all()) == [2, 5, 6, 12, 18]
    links = list(consultation.co_organizer_links.order_by("position"))
    assert [(link.organization.name, [c.code for c in link.countries]) for link in links] == [
        ("Migrant Forum Asia", ["PH"]),
        ("Solidarity Center", ["LK"]),
    ]
    assert list(consultation.supporting_entities.all()) == [ilo]


def _recommendation_form(consultation, **overrides):
    data = {
        "source_document": consultation.source_document_id,
        "reference": "17(b)",
        "consultation": consultation.pk,
        "text": "There was a need to address the vulnerabilities created by high recruitment fees.",
        "objectives": [Objective.objects.get(number=6).pk, Objective.objects.get(number=7).pk],
        "publication_state": "draft",
        "footnote": "",
        "data_note": "",
        # The read-only inline of follow-up updates still sends its management form.
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    return {**data, **overrides}


def test_staff_creates_a_recommendation_tagged_to_objectives(alice_client):
    consultation = make_consultation()
    challenge = make_challenge(consultation=consultation, reference="15(e)", objectives=[6])

    response = alice_client.post(
        _url("recommendations", "recommendation", "add"),
        _recommendation_form(consultation, challenges=[challenge.pk]),
    )
    assert response.status_code == 302

    recommendation = Recommendation.objects.get(reference="17(b)")
    assert sorted(o.number for o in recommendation.objectives.all()) == [6, 7]
    assert list(recommendation.challenges.all()) == [challenge]
    assert recommendation.public_id.endswith("-recommendation-17b")


def test_a_mistake_shows_as_a_plain_message_on_the_form(alice_client):
    consultation = make_consultation()
    make_recommendation(consultation=consultation, reference="17(b)", objectives=[6])

    duplicate = alice_client.post(
        _url("recommendations", "recommendation", "add"), _recommendation_form(consultation)
    )
    assert duplicate.status_code == 200
    assert "already has an item of this kind with this reference" in duplicate.content.decode()

    untagged = alice_client.post(
        _url("recommendations", "recommendation", "add"),
        _recommendation_form(consultation, reference="17(c)", objectives=[]),
    )
    assert "Tag at least one GCM objective" in untagged.content.decode()

    bad_reference = alice_client.post(
        _url("recommendations", "recommendation", "add"),
        _recommendation_form(consultation, reference="17 b"),
    )
    assert "as the document prints it" in bad_reference.content.decode()
    assert Recommendation.objects.count() == 1


def test_links_to_another_consultations_items_are_refused(alice_client):
    consultation = make_consultation()
    other = make_consultation(source_document=consultation.source_document)
    stranger = make_challenge(consultation=other, reference="20(a)", objectives=[4])
    response = alice_client.post(
        _url("recommendations", "recommendation", "add"),
        _recommendation_form(consultation, challenges=[stranger.pk]),
    )
    assert response.status_code == 200
    assert "Not of this consultation: 20(a)" in response.content.decode()


def test_bulk_publish_and_unpublish(alice_client):
    consultation = make_consultation()
    drafts = [
        make_recommendation(consultation=consultation, publication_state="draft", objectives=[6])
        for _ in range(3)
    ]
    url = _url("recommendations", "recommendation", "changelist")
    response = alice_client.post(
        url, {"action": "publish", "_selected_action": [r.pk for r in drafts[:2]]}, follow=True
    )
    assert "2 records are now “Published”." in response.content.decode()
    states = dict(Recommendation.objects.values_list("pk", "publication_state"))
    assert [states[r.pk] for r in drafts] == ["published", "published", "draft"]

    alice_client.post(url, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    drafts[0].refresh_from_db()
    assert drafts[0].publication_state == PublicationState.DRAFT


def test_consultation_and_review_have_publication_actions(alice_client):
    consultation = make_consultation(publication_state="draft")
    alice_client.post(
        _url("consultations", "consultation", "changelist"),
        {"action": "publish", "_selected_action": [consultation.pk]},
    )
    consultation.refresh_from_db()
    assert consultation.publication_state == "published"
    alice_client.post(
        _url("consultations", "review", "changelist"),
        {"action": "withdraw", "_selected_action": [consultation.review_id]},
    )
    assert Review.objects.get(pk=consultation.review_id).publication_state == "withdrawn"


def test_autocomplete_finds_objectives_and_only_un_entities_for_support(alice_client):
    make_organization(name="UN Women", kind=Organization.Kind.UN_ENTITY)
    make_organization(name="Women's Network", kind=Organization.Kind.STAKEHOLDER)
    response = alice_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "consultations",
            "model_name": "consultation",
            "field_name": "supporting_entities",
            "term": "women",
        },
    )
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["UN Women"]

    response = alice_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "recommendations",
            "model_name": "recommendation",
            "field_name": "objectives",
            "term": "remit",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Objective 20: Remittances"]
