from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from recommendations.models import Recommendation
from recommendations.references import (
    reference_from_slug,
    reference_slug,
    reference_sort_key,
    validate_reference,
)
from tests.factories import make_recommendation, make_source_document


def test_sort_key_orders_paragraph_numbers_numerically():
    assert reference_sort_key("9(a)") < reference_sort_key("10(a)") < reference_sort_key("10(b)")


def test_sort_key_orders_letters_and_long_letter_runs():
    ordered = ["10", "10(a)", "10(b)", "10(z)", "10(aa)", "22(b)", "22(m)", "35", "48(a)"]
    assert sorted(ordered, key=reference_sort_key) == ordered


def test_sort_key_handles_sub_items():
    assert reference_sort_key("7(a)") < reference_sort_key("7(a)(i)") < reference_sort_key("7(b)")


@pytest.mark.parametrize("reference", ["17(b)", "35", "7(a)(i)", "22(m)"])
def test_valid_references(reference):
    validate_reference(reference)
    assert reference_from_slug(reference_slug(reference)) == reference


@pytest.mark.parametrize("reference", ["", "17 (b)", "(b)", "17(B)", "17b", "17(b", "x"])
def test_invalid_references_are_refused_with_a_reason(reference):
    with pytest.raises(ValidationError) as error:
        validate_reference(reference)
    assert "as the document prints it" in str(error.value)


def test_reference_slugs_are_readable():
    assert reference_slug("17(b)") == "17b"
    assert reference_slug("35") == "35"
    assert reference_slug("7(a)(i)") == "7a-i"
    assert reference_from_slug("17b") == "17(b)"
    assert reference_from_slug("not a slug") is None


@pytest.mark.django_db
def test_records_come_back_in_document_order():
    document = make_source_document()
    for reference in ["10(b)", "22(m)", "9(a)", "22(b)", "10(a)"]:
        make_recommendation(source_document=document, reference=reference)
    references = list(
        Recommendation.objects.filter(source_document=document)
        .in_document_order()
        .values_list("reference", flat=True)
    )
    assert references == ["9(a)", "10(a)", "10(b)", "22(b)", "22(m)"]


@pytest.mark.django_db
def test_public_id_comes_from_document_and_reference_and_never_changes():
    document = make_source_document(symbol="ESCAP/GCM/2021/CRP.2")
    recommendation = make_recommendation(source_document=document, reference="17(b)")
    assert recommendation.public_id == "escap-gcm-2021-crp-2-recommendation-17b"
    recommendation.text = "Corrected text."
    recommendation.save()
    recommendation.refresh_from_db()
    assert recommendation.public_id == "escap-gcm-2021-crp-2-recommendation-17b"
