"""The synthetic dataset: deterministic, shaped like the real data, refused on a full database."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from recommendations import triggers
from recommendations.models import Challenge, GoodPractice, Recommendation, Update
from recommendations.synthetic import delete_content

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Everything generated, without database ids or timestamps."""
    return {
        "recommendations": sorted(
            (
                r.public_id,
                r.text,
                r.publication_state,
                r.covid_related,
                r.is_conclusion,
                tuple(sorted(r.objectives.values_list("number", flat=True))),
                tuple(sorted(r.guiding_principles.values_list("slug", flat=True))),
                tuple(sorted(r.addressed_to.values_list("slug", flat=True))),
                tuple(sorted(r.challenges.values_list("public_id", flat=True))),
            )
            for r in Recommendation.objects.all()
        ),
        "challenges": sorted(
            Challenge.objects.values_list("public_id", "text", "publication_state")
        ),
        "updates": sorted(
            Update.objects.values_list(
                "public_id",
                "recommendation__public_id",
                "status",
                "as_of",
                "country",
                "description",
            )
        ),
    }


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_synthetic", *args, stdout=out)
    return out.getvalue()


def test_a_small_run_has_the_requested_shape():
    output = generate("--recommendations", "120", "--seed", "3")
    assert Recommendation.objects.count() == 120
    assert Challenge.objects.count() == 60
    assert GoodPractice.objects.count() == 30
    assert Update.objects.count() == 300
    assert "120 recommendations" in output
    for recommendation in Recommendation.objects.prefetch_related(
        "objectives", "guiding_principles"
    )[:50]:
        assert 1 <= recommendation.objectives.count() <= 4
        assert 1 <= recommendation.guiding_principles.count() <= 4
        assert 15 <= len(recommendation.text.split()) <= 200
    assert Recommendation.objects.public().count() > 100
    assert Recommendation.objects.exclude(publication_state="published").exists()
    assert Update.objects.filter(scope="country").exclude(country="").exists()


def test_recommendations_are_written_with_their_status_not_rewritten(monkeypatch):
    """Each recommendation is written with the status the database derives from its
    updates: the refresh at the end of the load finds nothing to write (at 200,000,
    rewriting them took most of the load on PostgreSQL)."""
    refreshes = []
    refresh = triggers.refresh

    def counted(using="default"):
        refreshes.append(refresh(using))
        return refreshes[-1]

    monkeypatch.setattr(triggers, "refresh", counted)
    generate("--recommendations", "150", "--seed", "5")
    assert refreshes == [0]
    expected = {}
    for update in Update.objects.published().order_by("as_of", "created_at", "id"):
        expected[update.recommendation_id] = (update.status, update.as_of)
    statuses = {
        pk: (status, as_of) if as_of else ("none", None)
        for pk, status, as_of in Recommendation.objects.values_list(
            "pk", "overall_status", "overall_status_as_of"
        )
    }
    assert statuses == {pk: expected.get(pk, ("none", None)) for pk in statuses}
    assert ("none", None) in statuses.values()
    assert len({status for status, _as_of in statuses.values()}) > 3


def test_the_same_seed_gives_the_same_rows():
    generate("--recommendations", "80", "--seed", "11")
    first = snapshot()
    delete_content()
    generate("--recommendations", "80", "--seed", "11")
    assert snapshot() == first


def test_another_seed_gives_other_rows():
    generate("--recommendations", "80", "--seed", "11")
    first = snapshot()
    generate("--recommendations", "80", "--seed", "12", "--force")
    assert snapshot()["recommendations"] != first["recommendations"]


def test_a_database_with_records_is_refused_without_force(imported):
    with pytest.raises(CommandError, match="already holds"):
        generate("--recommendations", "10")
    assert Recommendation.objects.count() == 44


def test_other_kinds_can_be_sized_on_their_own():
    generate(
        "--recommendations", "40", "--challenges", "5", "--good-practices", "0", "--updates", "7"
    )
    assert (Challenge.objects.count(), GoodPractice.objects.count(), Update.objects.count()) == (
        5,
        0,
        7,
    )
