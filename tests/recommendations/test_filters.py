"""The shared FilterSet: every filter proves both sides, combinations, facets."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from consultations.models import Cluster
from recommendations.filters import (
    ChallengeFilterSet,
    GoodPracticeFilterSet,
    RecommendationFilterSet,
    unknown_parameters,
)
from recommendations.models import Actor, Challenge, GoodPractice, Recommendation
from tests.factories import (
    make_consultation,
    make_recommendation,
    make_review,
    make_source_document,
)

pytestmark = pytest.mark.django_db


def refs(query: str, filterset=RecommendationFilterSet, model=Recommendation) -> list[str]:
    filterset = filterset(QueryDict(query), queryset=model.objects.public().for_list())
    assert filterset.is_valid(), filterset.errors
    return [item.reference for item in filterset.qs]


@pytest.fixture
def corpus():
    """Two reviews, three consultations, recommendations with distinct tags."""
    review = make_review(region="asia-pacific", cycle="2020-21", slug="asia-pacific-2020-21")
    other_review = make_review(region="africa", cycle="2024-25", slug="africa-2024-25")
    document = make_source_document(review=review)
    other_document = make_source_document(review=other_review)
    first = make_consultation(source_document=document, sequence=1, slug="ap-1")
    third = make_consultation(
        source_document=document, sequence=3, slug="ap-3", cluster=Cluster.objects.get(number=3)
    )
    africa = make_consultation(source_document=other_document, sequence=1, slug="af-1")
    governments = Actor.objects.get(slug="governments-destination")
    items = {
        "1(a)": make_recommendation(
            consultation=first,
            reference="1(a)",
            objectives=[6],
            principles=["gender-responsive"],
            text="Regulate recruitment agencies and end recruitment fees.",
        ),
        "1(b)": make_recommendation(
            consultation=first,
            reference="1(b)",
            objectives=[6, 7],
            principles=["human-rights"],
            text="Protect women migrant workers from abuse.",
        ),
        "3(a)": make_recommendation(
            consultation=third,
            reference="3(a)",
            objectives=[20],
            covid_related=True,
            text="Make remittances cheaper during the pandemic.",
        ),
        "9(a)": make_recommendation(
            consultation=africa,
            reference="9(a)",
            objectives=[20, 23],
            principles=["gender-responsive"],
            text="Cooperate on remittance corridors.",
        ),
        "48(a)": make_recommendation(
            source_document=document,
            reference="48(a)",
            is_conclusion=True,
            principles=["people-centred"],
            text="People-centred approach: policies must serve migrants.",
        ),
    }
    items["1(a)"].addressed_to.set([governments])
    return items


def test_objective(corpus):
    assert refs("objective=6") == ["1(a)", "1(b)"]
    assert refs("objective=20") == ["3(a)", "9(a)"]


def test_objective_is_repeatable_and_means_any(corpus):
    assert refs("objective=7&objective=23") == ["1(b)", "9(a)"]


def test_cluster(corpus):
    assert refs("cluster=3") == ["3(a)"]
    assert refs("cluster=1") == ["1(a)", "1(b)", "9(a)"]
    assert refs("cluster=2") == []


def test_review(corpus):
    assert refs("review=africa-2024-25") == ["9(a)"]
    assert refs("review=asia-pacific-2020-21") == ["1(a)", "1(b)", "3(a)", "48(a)"]


def test_consultation(corpus):
    assert refs("consultation=ap-1") == ["1(a)", "1(b)"]
    assert refs("consultation=none") == ["48(a)"]


def test_principle(corpus):
    assert refs("principle=gender-responsive") == ["1(a)", "9(a)"]
    assert refs("principle=child-sensitive") == []


def test_addressed_to(corpus):
    assert refs("addressed_to=governments-destination") == ["1(a)"]


def test_covid(corpus):
    assert refs("covid=true") == ["3(a)"]
    assert "3(a)" not in refs("covid=false")
    assert len(refs("covid=false")) == 4


def test_conclusion(corpus):
    assert refs("conclusion=true") == ["48(a)"]
    assert "48(a)" not in refs("conclusion=false")


def test_text_search(corpus, on_postgres):
    # PostgreSQL stems (“remittance corridors” matches too); SQLite matches the word as written.
    assert refs("q=remittances") == (["3(a)", "9(a)"] if on_postgres else ["3(a)"])
    assert "1(a)" in refs("q=recruitment")
    assert refs("q=nothinglikethis") == []


def test_combinations(corpus):
    assert refs("objective=6&principle=gender-responsive") == ["1(a)"]
    assert refs("objective=20&review=asia-pacific-2020-21") == ["3(a)"]
    assert refs("objective=20&covid=false") == ["9(a)"]
    assert refs("objective=6&objective=20&cluster=1&principle=gender-responsive") == [
        "1(a)",
        "9(a)",
    ]


def test_updated_since(corpus):
    assert len(refs("updated_since=2000-01-01T00:00:00Z")) == 5
    assert refs("updated_since=2999-01-01") == []


def test_ordering(corpus):
    assert refs("ordering=-reference")[0] == "9(a)"
    assert refs("ordering=reference")[-1] == "9(a)"


def test_unpublished_items_never_match(corpus):
    Recommendation.objects.filter(reference="3(a)").update(publication_state="draft")
    assert refs("objective=20") == ["9(a)"]


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("objective=abc", "objective", "Objective abc does not exist"),
        ("objective=99", "objective", "Objective 99 does not exist"),
        ("cluster=9", "cluster", "Cluster 9 does not exist"),
        ("review=nowhere", "review", "There is no review with this slug."),
        ("consultation=nowhere", "consultation", "There is no consultation with this slug."),
        ("principle=kindness", "principle", "There is no guiding principle with this slug."),
        ("addressed_to=kings", "addressed_to", "There is no addressee with this slug."),
        ("covid=maybe", "covid", "Use true or false."),
        ("updated_since=yesterday", "updated_since", "Use an ISO 8601 date-time"),
        ("ordering=random", "ordering", "Sort by one of: reference"),
        ("q=" + "x" * 301, "q", "at most 300 characters"),
    ],
)
def test_bad_values_are_errors_naming_the_parameter(corpus, query, parameter, message):
    filterset = RecommendationFilterSet(QueryDict(query), queryset=Recommendation.objects.all())
    assert not filterset.is_valid()
    assert message in " ".join(filterset.errors[parameter])


def test_unknown_parameters_are_listed():
    assert unknown_parameters(RecommendationFilterSet, ["objectve", "objective", "page"]) == [
        "objectve"
    ]


@pytest.mark.parametrize(
    ("filterset", "model"),
    [
        (RecommendationFilterSet, Recommendation),
        (ChallengeFilterSet, Challenge),
        (GoodPracticeFilterSet, GoodPractice),
    ],
)
@pytest.mark.parametrize("base", ["", "objective=7", "cluster=4&covid=false", "q=migrants"])
def test_facet_counts_equal_the_results_of_choosing_them(imported, filterset, model, base):
    bound = filterset(QueryDict(base), queryset=model.objects.public().for_list())
    assert bound.is_valid()
    checked = 0
    for facet in bound.facets():
        for choice in facet.choices:
            data = QueryDict(base, mutable=True)
            # Choosing a value replaces the facet's current choice (for the repeatable
            # objective facet too: its count is what that objective alone gives).
            data.setlist(facet.parameter, [choice.value])
            chosen = filterset(data, queryset=model.objects.public().for_list())
            assert chosen.is_valid(), chosen.errors
            assert chosen.qs.count() == choice.count, (facet.parameter, choice.value)
            checked += 1
    # Objectives, clusters, principles, COVID-19 and the non-empty consultations at least.
    assert checked > 36


@pytest.mark.parametrize(
    ("filterset", "model"),
    [
        (RecommendationFilterSet, Recommendation),
        (ChallengeFilterSet, Challenge),
        (GoodPracticeFilterSet, GoodPractice),
    ],
)
def test_facets_run_a_fixed_number_of_queries_and_are_kept(
    imported, django_assert_max_num_queries, filterset, model
):
    # Every kind of facet bound: vocabularies, the cross-cutting choice, a fixed list.
    query = QueryDict(
        "objective=7&objective=8&cluster=2&review=asia-pacific-2020-21"
        "&consultation=asia-pacific-2020-21-2&principle=human-rights&covid=false&q=migrants"
    )
    bound = filterset(query, queryset=model.objects.public().for_list())
    assert bound.is_valid(), bound.errors
    # A grouped count per facet, the labels of a vocabulary, and the data version.
    with django_assert_max_num_queries(2 * len(bound.facet_specs()) + 1):
        facets = bound.facets()
    assert {"objective", "cluster", "consultation", "principle", "covid"} <= {
        facet.parameter for facet in facets
    }
    # The same filters again, unchanged data: the facets are kept, only the version is read.
    again = filterset(query, queryset=model.objects.public().for_list())
    assert again.is_valid()
    with django_assert_max_num_queries(1):
        assert again.facets() == facets


def test_the_review_facet_shows_when_there_are_several_reviews(corpus):
    bound = RecommendationFilterSet(
        QueryDict("review=africa-2024-25"), queryset=Recommendation.objects.public().for_list()
    )
    assert bound.is_valid()
    (review,) = [facet for facet in bound.facets() if facet.parameter == "review"]
    counts = {choice.value: (choice.count, choice.selected) for choice in review.choices}
    assert counts == {"africa-2024-25": (1, True), "asia-pacific-2020-21": (4, False)}
    assert bound.uncontrolled_values(bound.facets()) == []


def test_with_one_review_its_filter_is_carried_not_shown(imported):
    bound = RecommendationFilterSet(
        QueryDict("review=asia-pacific-2020-21&conclusion=true&objective=7"),
        queryset=Recommendation.objects.public().for_list(),
    )
    assert bound.is_valid()
    facets = bound.facets()
    assert "review" not in {facet.parameter for facet in facets}
    assert bound.uncontrolled_values(facets) == [
        ("review", "asia-pacific-2020-21"),
        ("conclusion", "true"),
    ]
