"""The curation file: complete, justified by the text, and applied by the importer."""

from __future__ import annotations

import pytest

from consultations.models import GuidingPrinciple, StakeholderGroup
from recommendations.curation import CurationError, check_curation, load_curation
from recommendations.models import Actor, Challenge, GoodPractice, Recommendation
from recommendations.services import DEFAULT_REPORT, read_report
from tests.recommendations.conftest import REPORT

pytestmark = pytest.mark.django_db

CURATION_TEXT = (DEFAULT_REPORT / "curation.toml").read_text(encoding="utf-8")


def check(text: str) -> None:
    check_curation(
        load_curation(text),
        read_report(REPORT),
        principles=set(GuidingPrinciple.objects.values_list("slug", flat=True)),
        actors=set(Actor.objects.values_list("slug", flat=True)),
        stakeholder_groups=set(StakeholderGroup.objects.values_list("slug", flat=True)),
    )


def test_every_entry_names_an_existing_reference_and_quotes_its_text():
    """check_curation refuses unknown references, unknown slugs and quotes not in the text."""
    check(CURATION_TEXT)


def test_every_item_of_the_report_has_an_entry_with_a_justification():
    curation = load_curation(CURATION_TEXT)
    for item in read_report(REPORT).all_items():
        entry = curation.entry(item.kind, item.reference)
        assert entry is not None, item.reference
        if not item.is_conclusion:
            assert entry.objectives, item.reference
            assert all(len(quote) >= 5 for quote in entry.objectives.values()), item.reference


@pytest.mark.parametrize(
    ("mistake", "replacement", "complaint"),
    [
        (
            'objectives = { 20 = "transfer of remittances" }',
            'objectives = { 20 = "transfer of money" }',
            "the quote for objective 20 is not in the text",
        ),
        (
            'objectives = { 20 = "transfer of remittances" }',
            'objectives = { 24 = "transfer of remittances" }',
            "objective 24 does not exist",
        ),
        ('addressed_to = ["governments"]', 'addressed_to = ["kings"]', "unknown addressee"),
        ('answers = ["15(e)"]', 'answers = ["20(a)"]', "of another consultation"),
        ('[challenges."15(a)"]', '[challenges."15(c)"]', "the report has no challenge 15(c)"),
    ],
)
def test_the_check_catches_mistakes(mistake, replacement, complaint):
    assert mistake in CURATION_TEXT
    with pytest.raises(CurationError) as error:
        check(CURATION_TEXT.replace(mistake, replacement, 1))
    assert complaint in str(error.value)
    assert "curation.toml:" in str(error.value)


def test_items_of_consultations_and_covid_section_all_have_objectives(imported):
    for model in (Challenge, GoodPractice, Recommendation):
        untagged = model.objects.filter(objectives__isnull=True)
        if model is Recommendation:
            untagged = untagged.exclude(is_conclusion=True)
        assert list(untagged) == []


def objectives_of(model, reference: str) -> set[int]:
    return set(model.objects.get(reference=reference).objectives.values_list("number", flat=True))


@pytest.mark.parametrize(
    ("model", "reference", "has", "has_not"),
    [
        (Recommendation, "27(f)", {20}, {13, 6, 14, 22}),  # remittances
        (Recommendation, "17(b)", {6}, {20, 18, 2}),  # recruitment fees, grievances
        (Recommendation, "17(f)", {18}, {20, 6}),  # skills certification
        (Recommendation, "22(m)", {13}, {20, 4, 11}),  # detention
        (Recommendation, "22(b)", {4}, {13, 20}),  # legal identity
        (Recommendation, "27(h)", {22}, {20, 14}),  # social security benefits
        (Recommendation, "32(a)", {1}, {20, 17}),  # data collection
        (Recommendation, "32(h)", {17}, {1, 20}),  # discrimination, hate speech
        (Recommendation, "32(d)", {3}, {20, 13}),  # information in many languages
        (Challenge, "25(f)", {20}, {14, 15, 16}),  # remittances remain costly
        (Challenge, "15(a)", {2}, {20, 6}),  # drivers of migration
        (Challenge, "30(g)", {15}, {20, 1}),  # mental health services
        (GoodPractice, "21(e)", {8}, {20, 13}),  # missing people campaign
        (GoodPractice, "44", {18}, {20, 13}),  # electronic skills passport
    ],
)
def test_items_carry_the_objective_their_text_is_about(imported, model, reference, has, has_not):
    objectives = objectives_of(model, reference)
    assert has <= objectives
    assert not (has_not & objectives)


def test_objective_20_finds_the_remittance_recommendation_and_not_unrelated_ones(imported):
    found = Recommendation.objects.public().for_objective(20)
    assert "27(f)" in {r.reference for r in found}
    for recommendation in found:
        assert any(
            word in recommendation.text.lower() for word in ("remittance", "banking", "financial")
        ), recommendation.reference


@pytest.mark.parametrize("model", [Challenge, GoodPractice, Recommendation])
def test_items_do_not_inherit_every_objective_of_their_cluster(imported, model):
    cluster_wide = [
        item.reference
        for item in model.objects.filter(consultation__isnull=False).prefetch_related(
            "objectives", "consultation__objectives"
        )
        if {o.pk for o in item.consultation.objectives.all()}
        <= {o.pk for o in item.objectives.all()}
    ]
    assert cluster_wide == []


def test_principles_addressees_and_links_are_applied(imported):
    recommendation = Recommendation.objects.get(reference="17(b)")
    assert set(recommendation.challenges.values_list("reference", flat=True)) == {"15(e)"}
    assert set(recommendation.good_practices.values_list("reference", flat=True)) == {
        "16(b)",
        "16(d)",
    }
    assert set(recommendation.addressed_to.values_list("slug", flat=True)) == {"governments"}
    detention = Recommendation.objects.get(reference="22(m)")
    assert "child-sensitive" in detention.guiding_principles.values_list("slug", flat=True)
    linked = Recommendation.objects.filter(challenges__isnull=False).distinct()
    for recommendation in linked.prefetch_related("challenges"):
        assert all(
            challenge.consultation_id == recommendation.consultation_id
            for challenge in recommendation.challenges.all()
        )
    assert Recommendation.objects.filter(addressed_to__isnull=True).count() == 0
