"""Home with the coverage matrix, objectives and consultations pages."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import Consultation, Objective, Review
from recommendations.models import Recommendation
from tests.factories import (
    make_challenge,
    make_consultation,
    make_organization,
    make_recommendation,
    make_review,
    make_source_document,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_home_counts_and_search_box(client, imported):
    content = text(client.get("/"))
    assert "<strong>44</strong>" in content
    assert "<strong>35</strong>" in content
    assert "<strong>25</strong>" in content
    assert 'action="/search/"' in content
    assert content.count("<h1>") == 1


def matrix_cell(content: str, objective: int, consultation: str) -> str:
    link = f'/recommendations/?objective={objective}&amp;consultation={consultation}"'
    match = re.search(re.escape(link) + r">(\d+)<", content)
    assert match, (objective, consultation)
    return match[1]


def test_coverage_matrix_counts_and_links(client, imported):
    content = text(client.get("/"))
    assert "<caption" in content
    assert '<th scope="col">' in content
    assert '<th scope="row">' in content
    expected_20 = Recommendation.objects.filter(
        objectives__number=20, consultation__sequence=3
    ).count()
    assert matrix_cell(content, 20, "asia-pacific-2020-21-3") == str(expected_20) == "2"
    assert matrix_cell(content, 20, "asia-pacific-2020-21-1") == "0"
    assert matrix_cell(content, 13, "asia-pacific-2020-21-2") == "1"
    # A cell's link leads to a list with exactly that many results.
    listed = client.get(
        "/recommendations/", {"objective": 20, "consultation": "asia-pacific-2020-21-3"}
    )
    assert "2 recommendations" in listed.content.decode()
    # Shading is not the only carrier of meaning: the number is written in the cell.
    assert 'class="shade-0"' in content
    assert 'class="shade-4"' in content


def test_matrix_shows_another_review_on_request(client, imported):
    review = make_review(region="africa", cycle="2024-25", slug="africa-2024-25")
    consultation = make_consultation(
        source_document=make_source_document(review=review), slug="af-1"
    )
    make_recommendation(consultation=consultation, objectives=[20])
    default = text(client.get("/"))
    assert "af-1" in default  # the most recent review comes first
    older = text(client.get("/", {"review": "asia-pacific-2020-21"}))
    assert "asia-pacific-2020-21-3" in older
    assert "af-1" not in older
    unknown = text(client.get("/", {"review": "atlantis"}))
    assert "There is no published review with that name" in unknown


def test_objectives_index_and_page(client, imported):
    index = text(client.get("/objectives/"))
    assert index.count('href="/objectives/') >= 23
    assert "Promote faster, safer and cheaper transfer of remittances" in index
    page = text(client.get("/objectives/20/"))
    assert "Objective 20" in page
    assert "/recommendations/escap-gcm-2021-crp-2/27f/" in page
    assert "/challenges/escap-gcm-2021-crp-2/25f/" in page
    assert "/recommendations/escap-gcm-2021-crp-2/17b/" not in page
    assert client.get("/objectives/24/").status_code == 404


def test_consultation_pages(client, imported):
    index = text(client.get("/consultations/"))
    assert index.count('href="/consultations/asia-pacific-2020-21-') == 4
    page = text(client.get("/consultations/asia-pacific-2020-21-1/"))
    assert "28 October 2020" in page
    assert "Migrant Forum Asia (Philippines)" in page
    assert "United Nations Major Group for Children and Youth (Malaysia, Australia)" in page
    assert "International Labour Organization (ILO)" in page
    assert "About 90 stakeholders from about 20 countries" in page
    # The shares as an accessible bar chart: text for everyone, bars hidden from screen readers.
    assert "Civil society: about 45%" in page
    assert '<rect width="45%"' in page
    assert 'aria-hidden="true"' in page
    assert "/recommendations/escap-gcm-2021-crp-2/17a/" in page


def test_draft_consultations_and_reviews_are_not_public(client, imported):
    Consultation.objects.filter(sequence=2).update(publication_state="draft")
    assert client.get("/consultations/asia-pacific-2020-21-2/").status_code == 404
    assert "asia-pacific-2020-21-2" not in text(client.get("/consultations/"))
    assert "asia-pacific-2020-21-2" not in text(client.get("/"))
    assert "/recommendations/escap-gcm-2021-crp-2/22m/" not in text(client.get("/objectives/13/"))
    Review.objects.update(publication_state="draft")
    home = text(client.get("/"))
    assert "No review has been published yet." in home
    assert "<strong>0</strong>" in home


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        text(client.get(url))
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/", "/objectives/", "/objectives/6/", "/consultations/", "/consultations/{slug}/"],
)
def test_pages_run_a_fixed_number_of_queries(client, url):
    consultation = make_consultation(slug="c-1")
    make_recommendation(consultation=consultation, objectives=[6])
    make_challenge(consultation=consultation, objectives=[6])
    url = url.format(slug=consultation.slug)
    first = _queries(client, url)
    for _ in range(49):
        make_recommendation(consultation=consultation, objectives=[6, 7])
        make_challenge(consultation=consultation, objectives=[6])
    assert _queries(client, url) == first


def _at(day: int, hour: int = 9):
    moment = datetime.datetime(2026, 3, day, hour, tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


def _change_log(content: str) -> list[str]:
    section = content[content.index('id="changes-heading"') :]
    section = section[: section.index("</section>")]
    return re.findall(r"</time>: ([^<]+)</li>", section)


def test_the_consultation_page_has_a_change_log_of_what_changed_while_public(client):
    with _at(1):
        consultation = make_consultation(slug="c-log", publication_state="draft")
    with _at(2):
        consultation.title = "A title nobody outside saw"
        consultation.save()
    with _at(3):
        consultation.publication_state = "published"
        consultation.save()
    with _at(4):
        consultation.title = "Corrected title"
        consultation.participants = 90
        consultation.save()
        consultation.objectives.add(Objective.objects.get(number=6))
    with _at(5):
        # A co-organizer added on its own, while public.
        consultation.co_organizer_links.create(organization=make_organization(), position=1)
    with _at(6):
        page = text(client.get("/consultations/c-log/"))
    assert _change_log(page) == [
        "Co-organizers changed by the secretariat.",
        "Title, participants (approx.), objectives addressed changed by the secretariat.",
        "Published by the secretariat.",
    ]
    assert '<time datetime="2026-03-03T09:00:00+00:00">3 March 2026</time>' in page
    assert "A title nobody outside saw" not in page


def test_the_consultation_change_log_runs_a_fixed_number_of_queries(client):
    with _at(1):
        consultation = make_consultation(slug="c-log")
    with _at(2):
        consultation.title = "Once corrected"
        consultation.save()
    first = _queries(client, "/consultations/c-log/")
    for day in range(3, 13):
        with _at(day):
            consultation.title = f"Corrected on day {day}"
            consultation.save()
            consultation.objectives.add(Objective.objects.get(number=day))
        with _at(day, 18):
            consultation.co_organizer_links.create(organization=make_organization(), position=day)
    page = text(client.get("/consultations/c-log/"))
    assert len(_change_log(page)) == 1 + 1 + 10 * 2
    assert _queries(client, "/consultations/c-log/") == first


def test_the_matrix_abbreviations_are_expanded(client, imported):
    content = text(client.get("/"))
    assert '<abbr title="challenges" aria-hidden="true">C</abbr>' in content
    assert '<abbr title="good practices" aria-hidden="true">GP</abbr>' in content
    assert 'challenges (<abbr title="challenges">C</abbr>)' in content


# Bounded at scale ---------------------------------------------------------------------------


def test_an_objective_page_shows_the_first_items_and_links_to_the_rest(
    client, imported, monkeypatch
):
    from consultations import views

    monkeypatch.setattr(views, "SECTION_ITEMS", 2)
    total = Recommendation.objects.public().filter(objectives__number=6).count()
    assert total > 2
    content = text(client.get("/objectives/6/"))
    assert f"The first 2 of {total}, in document order." in content
    assert f'href="/recommendations/?objective=6">See all {total}</a>' in content
    section = content.split('id="section-recommendation"')[1].split("</section>")[0]
    assert len(re.findall(r'<li><a href="/recommendations/escap-gcm-2021-crp-2/', section)) == 2


def test_the_consultations_list_is_paged(client, imported, monkeypatch):
    from consultations import views

    monkeypatch.setattr(views, "CONSULTATIONS_PER_PAGE", 3)
    first = text(client.get("/consultations/"))
    second = text(client.get("/consultations/", {"page": 2}))
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    slugs = {
        slug
        for page in (first, second)
        for slug in re.findall(r'href="/consultations/(asia-pacific-2020-21-\d)/"', page)
    }
    assert slugs == {f"asia-pacific-2020-21-{n}" for n in range(1, 5)}


def test_a_review_with_many_consultations_is_shown_by_review_cluster(client, imported, monkeypatch):
    from consultations import views

    monkeypatch.setattr(views, "MATRIX_MAX_CONSULTATIONS", 3)
    content = text(client.get("/"))
    assert "by GCM objective and review cluster" in content
    link = "/recommendations/?objective=20&amp;review=asia-pacific-2020-21&amp;cluster=3"
    cell = re.search(re.escape(link) + r'">(\d+)<', content)
    assert cell, "a cell per objective and cluster, linking to the list"
    listed = client.get(
        "/recommendations/", {"objective": 20, "review": "asia-pacific-2020-21", "cluster": 3}
    )
    assert f"{cell[1]} recommendations" in listed.content.decode()
    assert "Cluster 3" in content
