"""Every named database constraint refuses a bad row, and says why in words staff understand.

The table below has one bad row per constraint; a meta-test checks that every
constraint declared on the project's models is in the table, so a new constraint
cannot go untested.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from consultations.models import (
    Cluster,
    CoOrganizer,
    GuidingPrinciple,
    Objective,
    ParticipantShare,
    Review,
    SourceDocument,
    StakeholderGroup,
)
from recommendations.models import Actor, Challenge, GoodPractice, Recommendation
from tests.factories import (
    make_consultation,
    make_organization,
    make_review,
    make_source_document,
    make_update,
)

pytestmark = pytest.mark.django_db


def _duplicate_item(model: type) -> Callable[[], object]:
    def make() -> object:
        document = make_source_document()
        model.objects.create(source_document=document, reference="17(b)", text="First.")
        return model.objects.create(source_document=document, reference="17(b)", text="Again.")

    return make


def _duplicate_public_id(model: type) -> Callable[[], object]:
    def make() -> object:
        document = make_source_document()
        first = model.objects.create(source_document=document, reference="1(a)", text="First.")
        return model.objects.create(
            source_document=document, reference="1(b)", text="Second.", public_id=first.public_id
        )

    return make


def _empty_field(model: type, **fields: str) -> Callable[[], object]:
    def make() -> object:
        values = {"reference": "1(a)", "text": "Some text.", **fields}
        # save() derives the sort key from the reference, so bypass it to reach the database.
        item = model(source_document=make_source_document(), **values)
        item.reference_sort_key = "x"
        item.public_id = f"test-{model.kind_slug}-{values['reference'] or 'empty'}"
        return model.objects.bulk_create([item])

    return make


def _second_co_organizer() -> object:
    consultation = make_consultation()
    organization = make_organization()
    CoOrganizer.objects.create(consultation=consultation, organization=organization)
    return CoOrganizer.objects.create(consultation=consultation, organization=organization)


BAD_ROWS: dict[str, Callable[[], object]] = {
    "cluster_unique_number": lambda: Cluster.objects.create(number=1, title="Again", slug="again"),
    # Clusters 1-4 and objectives 1-23 all exist: give an existing one a taken slug.
    "cluster_unique_slug": lambda: Cluster.objects.filter(number=2).update(
        slug=Cluster.objects.get(number=1).slug
    ),
    "cluster_number_1_to_4": lambda: Cluster.objects.create(number=5, title="Fifth", slug="fifth"),
    "objective_unique_number": lambda: Objective.objects.create(
        number=20, title="Again", short_label="Again", slug="again", cluster_id=3
    ),
    "objective_unique_slug": lambda: Objective.objects.filter(number=22).update(slug="remittances"),
    "objective_number_1_to_23": lambda: Objective.objects.create(
        number=24, title="Too many", short_label="24", slug="objective-24", cluster_id=1
    ),
    "principle_unique_slug": lambda: GuidingPrinciple.objects.create(
        name="Another", slug="human-rights"
    ),
    "principle_unique_name": lambda: GuidingPrinciple.objects.create(
        name="Human rights", slug="human-rights-2"
    ),
    "stakeholder_group_unique_slug": lambda: StakeholderGroup.objects.create(
        name="Another", slug="academia"
    ),
    "stakeholder_group_unique_name": lambda: StakeholderGroup.objects.create(
        name="Academia", slug="academia-2"
    ),
    "organization_unique_name": lambda: [
        make_organization(name="Migrant Forum Asia"),
        make_organization(name="Migrant Forum Asia"),
    ],
    "organization_kind_valid": lambda: make_organization(kind="government"),
    "review_unique_region_cycle": lambda: [
        make_review(region="africa", cycle="2020-21"),
        make_review(region="africa", cycle="2020-21", slug="other"),
    ],
    "review_unique_slug": lambda: [
        make_review(slug="same"),
        make_review(slug="same"),
    ],
    "review_meeting_dates_ordered": lambda: make_review(
        meeting_start=datetime.date(2021, 3, 12), meeting_end=datetime.date(2021, 3, 10)
    ),
    "source_document_unique_symbol": lambda: [
        make_source_document(symbol="ESCAP/GCM/2021/CRP.2"),
        make_source_document(symbol="ESCAP/GCM/2021/CRP.2", slug="other"),
    ],
    "source_document_unique_slug": lambda: [
        make_source_document(slug="same"),
        make_source_document(slug="same"),
    ],
    "consultation_unique_sequence_per_review": lambda: (
        lambda document: [
            make_consultation(source_document=document, sequence=1),
            make_consultation(source_document=document, sequence=1, slug="other"),
        ]
    )(make_source_document()),
    "consultation_unique_slug": lambda: [
        make_consultation(slug="same"),
        make_consultation(slug="same"),
    ],
    "consultation_sequence_positive": lambda: make_consultation(sequence=0),
    "co_organizer_unique_per_consultation": _second_co_organizer,
    "participant_share_percent_1_to_100": lambda: ParticipantShare.objects.create(
        consultation=make_consultation(), percent=120
    ),
    "actor_unique_slug": lambda: Actor.objects.create(name="Other", slug="media"),
    "actor_unique_name": lambda: Actor.objects.create(name="Media", slug="media-2"),
    "recommendation_conclusion_has_no_consultation": lambda: Recommendation.objects.create(
        source_document=(consultation := make_consultation()).source_document,
        consultation=consultation,
        reference="48(a)",
        text="People-centred approach.",
        is_conclusion=True,
    ),
}
BAD_ROWS.update(
    {
        "update_unique_public_id": lambda: make_update(public_id=make_update().public_id),
        "update_status_valid": lambda: make_update(status="finished"),
        "update_country_matches_scope": lambda: make_update(scope="country", country=""),
        "update_description_not_empty": lambda: make_update(description=""),
    }
)
for _model in (Challenge, GoodPractice, Recommendation):
    _name = _model._meta.model_name
    BAD_ROWS[f"{_name}_unique_reference_per_document"] = _duplicate_item(_model)
    BAD_ROWS[f"{_name}_unique_public_id"] = _duplicate_public_id(_model)
    BAD_ROWS[f"{_name}_reference_not_empty"] = _empty_field(_model, reference="")
    BAD_ROWS[f"{_name}_text_not_empty"] = _empty_field(_model, text="")


def project_constraints() -> dict[str, tuple[type[models.Model], models.BaseConstraint]]:
    found = {}
    for app_label in ("consultations", "recommendations"):
        for model in apps.get_app_config(app_label).get_models():
            for constraint in model._meta.constraints:
                found[constraint.name] = (model, constraint)
    return found


def test_every_constraint_has_a_bad_row_below():
    assert set(project_constraints()) == set(BAD_ROWS)


@pytest.mark.parametrize("name", sorted(BAD_ROWS))
def test_database_refuses_the_bad_row(name):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        BAD_ROWS[name]()
    _model, constraint = project_constraints()[name]
    # PostgreSQL names the violated constraint; SQLite names CHECK constraints only.
    if connection.vendor == "postgresql" or isinstance(constraint, models.CheckConstraint):
        assert name in str(error.value)


@pytest.mark.parametrize("name", sorted(project_constraints()))
def test_constraint_speaks_to_staff(name):
    _model, constraint = project_constraints()[name]
    message = str(constraint.violation_error_message)
    assert message != str(constraint.default_violation_error_message)
    assert "%(name)s" not in message
    assert message[0].isupper()
    assert message.endswith(".")


def test_model_validation_shows_the_staff_message():
    """The admin's forms validate constraints: the staff member reads a sentence, not SQL."""
    objective = Objective(number=24, title="Too many", short_label="24", slug="o24", cluster_id=1)
    with pytest.raises(ValidationError) as error:
        objective.full_clean()
    assert "The Global Compact has 23 objectives: use 1 to 23." in str(error.value)

    document = make_source_document()
    Recommendation.objects.create(source_document=document, reference="17(b)", text="First.")
    duplicate = Recommendation(source_document=document, reference="17(b)", text="Again.")
    with pytest.raises(ValidationError) as error:
        duplicate.validate_constraints()
    assert "already has an item of this kind with this reference" in str(error.value)


def test_unique_reference_is_per_kind_and_document():
    document = make_source_document()
    Challenge.objects.create(source_document=document, reference="17(b)", text="A challenge.")
    Recommendation.objects.create(source_document=document, reference="17(b)", text="A rec.")
    Recommendation.objects.create(
        source_document=make_source_document(), reference="17(b)", text="Other document."
    )
    assert Recommendation.objects.filter(reference="17(b)").count() == 2


def test_a_review_cycle_is_validated():
    review = Review(region="asia-pacific", cycle="2021", title="Bad cycle")
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "e.g. 2020-21" in str(error.value)


def test_source_document_slug_follows_the_symbol():
    document = make_source_document(symbol="ESCAP/GCM/2021/CRP.2")
    assert document.slug == "escap-gcm-2021-crp-2"
    assert SourceDocument.slug_for_symbol("A/RES/73/195") == "a-res-73-195"
