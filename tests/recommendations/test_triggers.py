"""The columns the database keeps in step (recommendations/triggers.py), on both databases:
``visible`` always equals the visibility rule, ``overall_status`` always equals the latest
published update, and the data version changes at every write and at no read, whatever
the write path."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from consultations.models import Consultation, Organization, Review, SourceDocument
from consultations.publication import PublicationState, visibility_q
from recommendations import triggers
from recommendations.models import (
    NO_UPDATE,
    Challenge,
    GoodPractice,
    Recommendation,
    Update,
    data_version,
    derive_status,
)
from tests.factories import (
    make_challenge,
    make_consultation,
    make_good_practice,
    make_organization,
    make_recommendation,
    make_review,
    make_source_document,
    make_update,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
PUBLISHED = PublicationState.PUBLISHED
ITEMS = (Challenge, GoodPractice, Recommendation)


def assert_visible_follows_the_rule() -> None:
    for model in ITEMS:
        rule = visibility_q(review="source_document__review", consultation="consultation")
        expected = set(model.objects.filter(rule).values_list("pk", flat=True))
        assert set(model.objects.filter(visible=True).values_list("pk", flat=True)) == expected
        assert set(model.objects.public().values_list("pk", flat=True)) == expected


def assert_status_follows_the_updates() -> None:
    for recommendation in Recommendation.objects.prefetch_related("updates"):
        published = [u for u in recommendation.updates.all() if u.publication_state == PUBLISHED]
        overall, _breakdown = derive_status(published)
        assert (recommendation.overall_status, recommendation.overall_status_as_of) == (
            overall.code,
            overall.as_of,
        ), recommendation.reference


@pytest.fixture
def world():
    """Two reviews, two documents, a consultation in each, items of every kind under each
    consultation and one cross-cutting item per document."""
    reviews = [make_review(), make_review()]
    documents = [make_source_document(review=review) for review in reviews]
    consultations = [make_consultation(source_document=document) for document in documents]
    for document, consultation in zip(documents, consultations, strict=True):
        make_challenge(consultation=consultation)
        make_good_practice(consultation=consultation)
        make_recommendation(consultation=consultation)
        make_recommendation(source_document=document, is_conclusion=True)
        make_challenge(source_document=document, publication_state=DRAFT)
    return reviews, documents, consultations


def test_visible_follows_every_change_of_state(world):
    reviews, documents, consultations = world
    assert_visible_follows_the_rule()
    assert Recommendation.objects.public().count() == 4

    recommendation = Recommendation.objects.filter(consultation=consultations[0]).get()
    recommendation.publication_state = DRAFT
    recommendation.save()
    assert_visible_follows_the_rule()

    Challenge.objects.update(publication_state=PUBLISHED)  # a bulk update
    assert_visible_follows_the_rule()

    consultations[0].publication_state = DRAFT
    consultations[0].save()
    assert_visible_follows_the_rule()
    Consultation.objects.update(publication_state=PublicationState.WITHDRAWN)
    assert_visible_follows_the_rule()
    Consultation.objects.update(publication_state=PUBLISHED)
    assert_visible_follows_the_rule()

    reviews[1].publication_state = DRAFT
    reviews[1].save()
    assert not Recommendation.objects.public().filter(source_document=documents[1]).exists()
    assert_visible_follows_the_rule()
    Review.objects.update(publication_state=PUBLISHED)
    assert_visible_follows_the_rule()

    # A document moves to an unpublished review: its items go with it.
    draft_review = make_review(publication_state=DRAFT)
    SourceDocument.objects.filter(pk=documents[0].pk).update(review=draft_review)
    assert not Challenge.objects.public().filter(source_document=documents[0]).exists()
    assert_visible_follows_the_rule()

    # An item moves from a cross-cutting place to a draft consultation.
    draft_consultation = make_consultation(source_document=documents[1], publication_state=DRAFT)
    conclusion = Recommendation.objects.get(source_document=documents[1], is_conclusion=True)
    Recommendation.objects.filter(pk=conclusion.pk).update(
        consultation=draft_consultation, is_conclusion=False
    )
    assert_visible_follows_the_rule()
    assert triggers.refresh() == 0


def test_bulk_inserts_get_their_visibility():
    document = make_source_document()
    Recommendation.objects.bulk_create(
        [
            Recommendation(
                source_document=document,
                reference=f"{n}(a)",
                reference_sort_key=str(n),
                public_id=f"bulk-{n}",
                text="Text.",
                publication_state=PUBLISHED if n % 2 else DRAFT,
            )
            for n in range(1, 7)
        ]
    )
    assert Recommendation.objects.public().count() == 3
    assert_visible_follows_the_rule()


def test_a_stale_copy_saved_back_cannot_make_a_record_visible(world):
    _reviews, _documents, consultations = world
    stale = Recommendation.objects.filter(consultation=consultations[0]).get()
    assert stale.visible
    consultations[0].publication_state = DRAFT
    consultations[0].save()
    # The form was loaded before the consultation was unpublished: it writes visible=True.
    stale.text = "Edited text."
    stale.save()
    assert not Recommendation.objects.get(pk=stale.pk).visible
    assert_visible_follows_the_rule()


def test_the_overall_status_follows_every_change_of_the_updates():
    recommendation = make_recommendation(consultation=make_consultation())
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == NO_UPDATE

    older = make_update(
        recommendation=recommendation, status="planned", as_of=datetime.date(2023, 1, 1)
    )
    newer = make_update(
        recommendation=recommendation, status="in_progress", as_of=datetime.date(2024, 1, 1)
    )
    assert_status_follows_the_updates()
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == "in_progress"

    # Same date: the one entered last wins, as derive_status orders them.
    make_update(
        recommendation=recommendation, status="implemented", as_of=datetime.date(2024, 1, 1)
    )
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == "implemented"

    Update.objects.filter(status="implemented").update(publication_state=DRAFT)
    assert_status_follows_the_updates()
    newer.delete()
    assert_status_follows_the_updates()
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == "planned"

    # An update moved to another recommendation: both are recomputed.
    other = make_recommendation(consultation=make_consultation())
    Update.objects.filter(pk=older.pk).update(recommendation=other)
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == NO_UPDATE
    assert Recommendation.objects.get(pk=other.pk).overall_status == "planned"
    assert_status_follows_the_updates()

    # A draft or in-review update says nothing yet.
    make_update(recommendation=other, status="implemented", publication_state="in_review")
    assert Recommendation.objects.get(pk=other.pk).overall_status == "planned"
    assert triggers.refresh() == 0


def test_a_stale_copy_saved_back_cannot_change_the_status():
    recommendation = make_recommendation(consultation=make_consultation())
    stale = Recommendation.objects.get(pk=recommendation.pk)
    make_update(recommendation=recommendation, status="implemented")
    stale.text = "Edited while an update was published."
    stale.save()
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == "implemented"
    Recommendation.objects.filter(pk=recommendation.pk).update(overall_status="planned")
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == "implemented"


def test_suspended_status_computes_it_once_at_the_end():
    recommendation = make_recommendation(consultation=make_consultation())
    organization = make_organization()
    with transaction.atomic(), triggers.suspended_status():
        Update.objects.bulk_create(
            [
                Update(
                    recommendation=recommendation,
                    reported_by=organization,
                    status=status,
                    as_of=datetime.date(2024, month, 1),
                    description="Done.",
                    country="PH",
                    publication_state=PUBLISHED,
                )
                for month, status in ((1, "planned"), (3, "implemented"), (2, "in_progress"))
            ]
        )
        assert Recommendation.objects.get(pk=recommendation.pk).overall_status == NO_UPDATE
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == "implemented"
    # The triggers are back.
    make_update(recommendation=recommendation, status="planned", as_of=datetime.date(2025, 1, 1))
    assert Recommendation.objects.get(pk=recommendation.pk).overall_status == "planned"


def test_installing_again_changes_nothing(world):
    assert triggers.install()
    assert triggers.install()
    Consultation.objects.update(publication_state=DRAFT)
    assert_visible_follows_the_rule()
    assert triggers.refresh() == 0


def test_refresh_repairs_what_was_written_behind_the_triggers_back(world):
    triggers.uninstall()
    try:
        Consultation.objects.update(publication_state=DRAFT)
        assert Recommendation.objects.filter(visible=True).exists()
    finally:
        triggers.install()
    assert triggers.refresh() > 0
    assert_visible_follows_the_rule()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner, without statistics")
def test_refresh_reads_other_tables_by_index_on_a_database_without_statistics(world):
    """A bulk load refreshes before any ANALYZE. Every statement of ``refresh`` may scan the
    table it writes, and must look everything else up by index: a scan of the updates (or
    of a subquery over them) for each recommendation took hours at 200,000."""
    for recommendation in Recommendation.objects.all():
        make_update(recommendation=recommendation)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    with CaptureQueriesContext(connection) as captured:
        triggers.refresh()
    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) == len(ITEMS) + 1
    with connection.cursor() as cursor:
        for sql in statements:
            written = sql.split()[1]
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            scans = [row[3] for row in cursor.fetchall() if row[3].startswith("SCAN ")]
            assert scans == [f"SCAN {written}"], (sql, scans)


# The data version -------------------------------------------------------------------------


def version() -> int:
    return data_version().number


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda r: r.save(), id="save"),
        pytest.param(
            lambda r: Recommendation.objects.filter(pk=r.pk).update(text="x"), id="update"
        ),
        pytest.param(lambda r: r.objectives.add(1), id="tag"),
        pytest.param(lambda r: make_update(recommendation=r), id="follow-up"),
        pytest.param(
            lambda r: Organization.objects.create(name="New", kind="stakeholder"), id="organization"
        ),
        pytest.param(lambda r: Challenge.objects.all().delete(), id="delete"),
    ],
)
def test_every_write_changes_the_data_version(write):
    recommendation = make_recommendation(consultation=make_consultation())
    make_challenge(consultation=recommendation.consultation)
    before = version()
    write(recommendation)
    assert version() != before


def test_reading_does_not_change_it(client):
    make_recommendation(consultation=make_consultation())
    before = version()
    assert client.get("/recommendations/").status_code == 200
    assert client.get("/api/v1/recommendations/").status_code == 200
    assert version() == before


def test_a_rolled_back_version_is_never_handed_out_again():
    make_recommendation(consultation=make_consultation())
    seen = set()

    def write_then_fail() -> None:
        with transaction.atomic():
            Recommendation.objects.update(text="Rolled back.")
            seen.add(version())
            raise RuntimeError

    for _ in range(3):
        with pytest.raises(RuntimeError):
            write_then_fail()
    Recommendation.objects.update(text="Kept.")
    assert version() not in seen
    assert len(seen) == 3


def test_the_triggers_exist_after_migrate():
    """post_migrate installed them in the test database (SQLite rebuilds drop them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert cursor.fetchone()[0] >= len(triggers.public_tables())
