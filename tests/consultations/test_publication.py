"""The visibility rule: public only when the record, its consultation and its review are."""

from __future__ import annotations

import pytest

from consultations.models import Consultation, Review
from consultations.publication import PublicationState
from recommendations.models import Challenge, GoodPractice, Recommendation
from tests.factories import (
    make_challenge,
    make_consultation,
    make_good_practice,
    make_recommendation,
    make_source_document,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
PUBLISHED = PublicationState.PUBLISHED


@pytest.mark.parametrize(
    "make_item", [make_challenge, make_good_practice, make_recommendation], ids=lambda f: f.__name__
)
@pytest.mark.parametrize(
    ("item_state", "consultation_state", "review_state", "public"),
    [
        (PUBLISHED, PUBLISHED, PUBLISHED, True),
        (PUBLISHED, DRAFT, PUBLISHED, False),
        (PUBLISHED, PUBLISHED, DRAFT, False),
        (PUBLISHED, PublicationState.WITHDRAWN, PUBLISHED, False),
        (DRAFT, PUBLISHED, PUBLISHED, False),
        (PublicationState.IN_REVIEW, PUBLISHED, PUBLISHED, False),
        (PublicationState.WITHDRAWN, PUBLISHED, PUBLISHED, False),
    ],
)
def test_item_under_a_consultation(make_item, item_state, consultation_state, review_state, public):
    consultation = make_consultation(publication_state=consultation_state)
    Review.objects.filter(pk=consultation.review_id).update(publication_state=review_state)
    item = make_item(consultation=consultation, publication_state=item_state)
    model = type(item)

    assert model.objects.public().filter(pk=item.pk).exists() is public
    assert model.objects.get(pk=item.pk).is_public() is public


@pytest.mark.parametrize("model", [Challenge, GoodPractice, Recommendation])
@pytest.mark.parametrize(("review_state", "public"), [(PUBLISHED, True), (DRAFT, False)])
def test_cross_cutting_item_follows_its_documents_review(model, review_state, public):
    document = make_source_document()
    Review.objects.filter(pk=document.review_id).update(publication_state=review_state)
    item = model.objects.create(
        source_document=document,
        reference="35",
        text="A cross-cutting item.",
        publication_state=PUBLISHED,
        covid_related=True,
    )
    assert model.objects.public().filter(pk=item.pk).exists() is public
    assert model.objects.get(pk=item.pk).is_public() is public


@pytest.mark.parametrize(
    ("consultation_state", "review_state", "public"),
    [(PUBLISHED, PUBLISHED, True), (PUBLISHED, DRAFT, False), (DRAFT, PUBLISHED, False)],
)
def test_consultation_visibility(consultation_state, review_state, public):
    consultation = make_consultation(publication_state=consultation_state)
    Review.objects.filter(pk=consultation.review_id).update(publication_state=review_state)
    assert Consultation.objects.public().filter(pk=consultation.pk).exists() is public
    assert Consultation.objects.get(pk=consultation.pk).is_public() is public
