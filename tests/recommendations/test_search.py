"""Full-text search on PostgreSQL: a stored vector kept in step on every write path,
ranking, and a trigram fallback for misspellings."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from recommendations.models import Challenge, Recommendation
from tests.factories import make_consultation, make_recommendation, make_source_document

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def postgres_only(on_postgres):
    if not on_postgres:
        pytest.skip("the stored search vector, its trigger and trigram search are PostgreSQL's")


def vector(model, pk) -> str:
    return str(model.objects.values_list("search_vector", flat=True).get(pk=pk))


def test_an_orm_save_fills_and_updates_the_vector():
    recommendation = make_recommendation(
        consultation=make_consultation(), text="Recruitment fees harm workers."
    )
    assert "'recruit'" in vector(Recommendation, recommendation.pk)
    recommendation.text = "Remittances should be cheaper."
    recommendation.save()
    stored = vector(Recommendation, recommendation.pk)
    assert "'remitt'" in stored
    assert "recruit" not in stored


def test_bulk_inserts_and_queryset_updates_keep_it_in_step():
    document = make_source_document()
    (created,) = Challenge.objects.bulk_create(
        [
            Challenge(
                source_document=document,
                reference="1(a)",
                reference_sort_key="1",
                public_id="x-1a",
                text="Detention of children.",
            )
        ]
    )
    assert "'detent'" in vector(Challenge, created.pk)
    Challenge.objects.filter(pk=created.pk).update(text="Smuggling of migrants.")
    assert "'smuggl'" in vector(Challenge, created.pk)


def test_the_admin_save_updates_it(alice_client):
    recommendation = make_recommendation(
        consultation=make_consultation(), objectives=[6], text="Old words."
    )
    data = {
        "source_document": recommendation.source_document_id,
        "reference": recommendation.reference,
        "consultation": recommendation.consultation_id,
        "text": "Portability of social security.",
        "objectives": [o.pk for o in recommendation.objectives.all()],
        "publication_state": "published",
        "footnote": "",
        "data_note": "",
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    assert alice_client.post(url, data).status_code == 302
    assert "'portabl'" in vector(Recommendation, recommendation.pk)


def test_the_import_fills_it(imported):
    assert Recommendation.objects.filter(search_vector__isnull=True).count() == 0
    assert "'remitt'" in vector(Recommendation, Recommendation.objects.get(reference="27(f)").pk)


def test_search_uses_the_stored_vector_stemmed_and_ranked(imported):
    found = list(Recommendation.objects.public().search("recruiting").order_by("-relevance"))
    assert "17(e)" in [r.reference for r in found]
    assert all(r.relevance > 0 for r in found)


def test_a_misspelled_query_still_finds_something(client, imported):
    assert not Recommendation.objects.public().search("remitances").exists()
    response = client.get("/recommendations/", {"q": "remitances"})
    content = response.content.decode()
    assert "27(f)" in content
    assert "showing records with words spelled like" in content


def test_a_misspelled_query_gives_the_same_rows_on_the_list_its_exports_and_the_api(
    client, imported
):
    query = {"q": "remitances", "page_size": 100}
    page = client.get("/recommendations/", query).content.decode()
    listed = [
        f"escap-gcm-2021-crp-2-recommendation-{slug}"
        for slug in re.findall(r'<h3><a href="/recommendations/[0-9a-z-]+/([0-9a-z-]+)/">', page)
    ]
    assert "escap-gcm-2021-crp-2-recommendation-27f" in listed
    export = b"".join(client.get("/recommendations/export.csv", query).streaming_content)
    exported = [row["id"] for row in csv.DictReader(io.StringIO(export.decode("utf-8-sig")))]
    api = client.get("/api/v1/recommendations/", query).json()
    assert exported == listed
    assert [row["id"] for row in api["results"]] == listed
    assert api["count"] == len(listed)


def test_the_search_vector_index_is_used(imported):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Recommendation.objects.search("remittances").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "recommendations_recommendation_search_gin" in plan


def test_the_import_command_keeps_vectors_after_a_re_import(imported):
    call_command("import_report", "recommendations/data/escap-gcm-2021-crp-2", verbosity=0)
    assert Recommendation.objects.filter(search_vector__isnull=True).count() == 0


def test_the_generator_fills_it():
    call_command("generate_synthetic", "--recommendations", "40", "--seed", "9", verbosity=0)
    assert Recommendation.objects.count() == 40
    assert not Recommendation.objects.filter(search_vector__isnull=True).exists()
    assert not Challenge.objects.filter(search_vector__isnull=True).exists()
