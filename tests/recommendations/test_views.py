"""Public list, detail and search pages of challenges, good practices and recommendations."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Consultation, GuidingPrinciple, Review
from recommendations.models import Recommendation
from tests.factories import (
    make_challenge,
    make_consultation,
    make_good_practice,
    make_recommendation,
)

pytestmark = pytest.mark.django_db

LISTS = ["recommendation", "challenge", "good-practice"]
DETAIL = "/recommendations/escap-gcm-2021-crp-2/17b/"


def text(response) -> str:
    return response.content.decode()


def result_refs(response) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+/([0-9a-z-]+)/">', text(response))


# --- Lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LISTS)
def test_each_list_answers_with_all_published_items(client, imported, kind):
    response = client.get(reverse(f"recommendations:{kind}-list"), {"page_size": 100})
    assert response.status_code == 200
    expected = {"recommendation": 44, "challenge": 35, "good-practice": 25}[kind]
    assert len(result_refs(response)) == expected
    assert "<h1>" in text(response)
    assert text(response).count("<h1>") == 1


def test_objective_20_shows_the_remittance_recommendation_and_not_unrelated_ones(client, imported):
    response = client.get("/recommendations/", {"objective": 20})
    assert "27f" in result_refs(response)
    assert "Countries, in collaboration with the private sector and stakeholders" in text(response)
    assert "17b" not in result_refs(response)
    assert "The detention of migrants" not in text(response)


def test_filters_and_counts_are_in_the_page(client, imported):
    response = client.get("/recommendations/", {"objective": 6, "principle": "gender-responsive"})
    content = text(response)
    assert 'id="objective-6" name="objective" value="6" checked' in content
    assert 'value="gender-responsive" checked' in content
    count = len(result_refs(response))
    assert f"{count} recommendation" in content
    assert "Clear all filters" in content


def test_search_highlights_escaped_words(client, imported):
    response = client.get("/recommendations/", {"q": "remittances"})
    assert "<mark>remittances</mark>" in text(response)


def test_stored_text_never_reaches_the_page_as_html(client):
    consultation = make_consultation()
    make_recommendation(
        consultation=consultation,
        objectives=[6],
        text='<script>alert("x")</script> Migrants & <b>workers</b>',
    )
    for params in ({}, {"q": "migrants"}, {"q": "workers"}):
        content = text(client.get("/recommendations/", params))
        assert '<script>alert("x")</script>' not in content
        assert "<b>workers</b>" not in content
        assert "&lt;b&gt;" in content, params
    detail = text(client.get(Recommendation.objects.get().get_absolute_url()))
    assert '<script>alert("x")</script>' not in detail
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in detail


def test_permalinks_reproduce_the_view(client, imported):
    query = {"objective": [6, 7], "cluster": 1, "ordering": "-reference", "page_size": 2, "page": 2}
    first = client.get("/recommendations/", query)
    again = client.get("/recommendations/", query)
    assert result_refs(first) == result_refs(again)
    assert len(result_refs(first)) == 2
    assert "Page 2 of" in text(first)


def test_htmx_requests_get_the_list_region_only(client, imported):
    response = client.get("/recommendations/", {"objective": 20}, HTTP_HX_REQUEST="true")
    content = text(response)
    assert content.lstrip().startswith('<div id="list-region"')
    assert "<html" not in content
    assert "2 recommendations" in content
    # The full page and the region share the address: caches must tell them apart.
    assert "HX-Request" in response["Vary"]


class _FilterForm(HTMLParser):
    """What a browser submits from the list's filter form as rendered: text and hidden
    fields, checked boxes and radios, each select's selected option."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._inside = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._inside = attributes.get("id") == "filters"
        if not self._inside:
            return
        if tag == "input" and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((attributes["name"], attributes.get("value", "")))
        elif tag == "select":
            self._select = attributes.get("name")
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.append((self._select, attributes.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None


def submitted(response) -> list[tuple[str, str]]:
    form = _FilterForm()
    form.feed(text(response))
    return form.fields


def as_query(fields: list[tuple[str, str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in fields:
        query.appendlist(name, value)
    return query


def test_filters_without_a_control_are_carried_by_the_form(client, imported):
    # The home page's matrix links to the cross-cutting column with review=…&consultation=none;
    # conclusion and updated_since have no control on the list.
    url = "/recommendations/?review=asia-pacific-2020-21&consultation=none&conclusion=true"
    first = client.get(url + "&updated_since=2000-01-01")
    fields = submitted(first)
    assert ("review", "asia-pacific-2020-21") in fields
    assert ("conclusion", "true") in fields
    assert ("updated_since", "2000-01-01") in fields
    assert ("consultation", "none") in fields  # its radio, not a second, hidden field
    assert [name for name, _value in fields].count("consultation") == 1
    assert len(result_refs(first)) == 7  # the review's conclusions

    again = client.get("/recommendations/", as_query(fields))
    assert result_refs(again) == result_refs(first)
    assert submitted(again) == fields

    # Changing a facet (here covid, as htmx would send the form) keeps the others.
    changed = as_query(fields)
    changed.setlist("covid", ["false"])
    narrowed = client.get("/recommendations/", changed, HTTP_HX_REQUEST="true")
    assert ("conclusion", "true") in submitted(narrowed)
    assert set(result_refs(narrowed)) <= set(result_refs(first))
    everything = client.get("/recommendations/", {"covid": "false", "page_size": 100})
    assert len(result_refs(narrowed)) < len(result_refs(everything))


def test_counts_are_pluralised(client):
    make_recommendation(consultation=make_consultation(), objectives=[20])
    content = text(client.get("/recommendations/"))
    assert '(1<span class="visually-hidden"> result</span>)' in content
    assert '(0<span class="visually-hidden"> results</span>)' in content
    assert "Skip the filters to the 1 result<" in content
    assert "1 results" not in content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"objective": "abc"}, "Objective abc does not exist"),
        ({"objective": "99"}, "Objective 99 does not exist"),
        ({"covid": "maybe"}, "Use true or false."),
        ({"q": "x" * 2000}, "at most 300 characters"),
        ({"page_size": "5000"}, "Show between 1 and 100 results per page"),
    ],
)
def test_bad_input_is_shown_and_the_rest_still_works(client, imported, params, message):
    response = client.get("/recommendations/", {**params, "cluster": 3})
    assert response.status_code == 200
    assert message in text(response)
    assert len(result_refs(response)) == 8  # the cluster filter still applies


@pytest.mark.parametrize(
    "since", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "2000-01-01"]
)
def test_extreme_dates_do_not_break_the_list_or_the_export(client, imported, since):
    assert client.get("/recommendations/", {"updated_since": since}).status_code == 200
    export = client.get("/recommendations/export.csv", {"updated_since": since})
    assert b"".join(export.streaming_content).startswith("\ufeffid,".encode())


@pytest.mark.parametrize("number", ["-1", "0", "abc", "99999"])
def test_odd_page_numbers_fall_back_to_a_real_page(client, imported, number):
    response = client.get("/recommendations/", {"page": number, "page_size": 10})
    assert response.status_code == 200
    assert len(result_refs(response)) in (10, 4)


def test_unknown_parameters_are_ignored_by_the_pages(client, imported):
    response = client.get("/recommendations/", {"objectve": 6, "utm_source": "mail"})
    assert response.status_code == 200
    assert len(result_refs(response)) == 25


# --- Details ------------------------------------------------------------------------------


def test_recommendation_detail_shows_provenance_links_and_citation(client, imported):
    content = text(client.get(DETAIL))
    assert (
        "There was a need to address the vulnerabilities created by high recruitment fees"
        in content
    )
    assert "ESCAP/GCM/2021/CRP.2" in content
    assert "Ensuring that migration is voluntary, orderly and regular" in content
    assert "28 October 2020" in content
    assert "Migrant Forum Asia (Philippines)" in content
    assert 'href="/objectives/6/"' in content
    assert 'href="/challenges/escap-gcm-2021-crp-2/15e/"' in content
    assert 'href="/good-practices/escap-gcm-2021-crp-2/16b/"' in content
    assert 'rel="prev"' in content
    assert "/recommendations/escap-gcm-2021-crp-2/17a/" in content
    assert 'rel="next"' in content
    assert "/recommendations/escap-gcm-2021-crp-2/17c/" in content
    assert (
        "Economic and Social Commission for Asia and the Pacific, “Implementing the Global Compact "
        "for Safe, Regular and Orderly Migration: summary of stakeholder consultations for Asia "
        "and the Pacific”, ESCAP/GCM/2021/CRP.2, 26 February 2021, para. 17(b). "
        "http://testserver/recommendations/escap-gcm-2021-crp-2/17b/"
    ) in content


def test_challenge_and_practice_pages_link_back(client, imported):
    challenge = text(client.get("/challenges/escap-gcm-2021-crp-2/15e/"))
    assert "Recommendations that answer it" in challenge
    assert "/recommendations/escap-gcm-2021-crp-2/17b/" in challenge
    practice = text(client.get("/good-practices/escap-gcm-2021-crp-2/16b/"))
    assert "/recommendations/escap-gcm-2021-crp-2/17b/" in practice


def test_detail_shows_data_notes_and_footnotes(client, imported):
    content = text(client.get("/challenges/escap-gcm-2021-crp-2/15b/"))
    assert "stray “(c)”" in content
    footnote = text(client.get("/recommendations/escap-gcm-2021-crp-2/22b/"))
    assert "Sustainable Development Goal 16.9" in footnote


def test_drafts_are_404_and_withdrawn_items_410(client, imported):
    recommendation = Recommendation.objects.get(reference="17(b)")
    recommendation.publication_state = "draft"
    recommendation.save()
    assert client.get(DETAIL).status_code == 404
    recommendation.publication_state = "withdrawn"
    recommendation.save()
    gone = client.get(DETAIL)
    assert gone.status_code == 410
    assert "has been withdrawn" in text(gone)
    assert "vulnerabilities created by high" not in text(gone)


def test_an_item_under_a_draft_consultation_is_404(client, imported):
    Consultation.objects.filter(sequence=1).update(publication_state="draft")
    assert client.get(DETAIL).status_code == 404
    Consultation.objects.filter(sequence=1).update(publication_state="withdrawn")
    assert client.get(DETAIL).status_code == 410


@pytest.mark.parametrize(
    "url",
    [
        "/recommendations/escap-gcm-2021-crp-2/99z/",
        "/recommendations/escap-gcm-2021-crp-2/not-a-reference/",
        "/recommendations/no-such-document/17b/",
        "/challenges/escap-gcm-2021-crp-2/17b/",
    ],
)
def test_unknown_records_are_404(client, imported, url):
    assert client.get(url).status_code == 404


def test_detail_urls_survive_a_rebuild(client, imported):
    """Addresses derive from document and reference, never from database ids."""
    assert client.get(DETAIL).status_code == 200
    Recommendation.objects.all().delete()
    from django.core.management import call_command

    call_command("import_report", "recommendations/data/escap-gcm-2021-crp-2", verbosity=0)
    assert client.get(DETAIL).status_code == 200


# --- Search -------------------------------------------------------------------------------


def test_search_groups_results_by_kind_with_links_to_full_lists(client, imported):
    content = text(client.get("/search/", {"q": "remittances"}))
    assert 'Recommendations <span class="count">(1)</span>' in content
    assert 'Challenges <span class="count">(1)</span>' in content
    assert "/recommendations/?q=remittances" in content
    assert "/challenges/?q=remittances" in content


def test_search_with_nothing_or_too_much(client, imported):
    assert client.get("/search/").status_code == 200
    assert "at most 300 characters" in text(client.get("/search/", {"q": "x" * 2000}))


@pytest.mark.postgres
def test_full_text_search_is_stemmed_and_ranked(client, imported, on_postgres):
    if not on_postgres:
        pytest.skip("stemmed, ranked search needs PostgreSQL; SQLite matches words as written")
    stemmed = client.get("/recommendations/", {"q": "recruiting"})
    refs = result_refs(stemmed)
    assert "17e" in refs  # “Transparent recruitment processes ...”
    assert "<mark>recruitment</mark>" in text(stemmed)
    ranked = result_refs(client.get("/recommendations/", {"q": "data collection"}))
    # 32(a) and 32(c) say “data collection” more than once or up front; they rank first.
    assert set(ranked[:2]) <= {"32a", "32b", "32c", "27e"}
    assert ranked.index("32a") < ranked.index("22h")


# --- Visibility and query counts ------------------------------------------------------------


def test_drafts_are_invisible_on_every_list_facet_count_and_search(client):
    consultation = make_consultation()
    make_recommendation(consultation=consultation, objectives=[20], text="Published remittances.")
    make_recommendation(
        consultation=consultation,
        objectives=[20],
        text="Secret draft remittances.",
        publication_state="draft",
    )
    hidden_consultation = make_consultation(publication_state="draft")
    make_recommendation(
        consultation=hidden_consultation, objectives=[20], text="Hidden consultation remittances."
    )
    hidden_review = make_consultation()
    Review.objects.filter(pk=hidden_review.review_id).update(publication_state="draft")
    make_challenge(consultation=hidden_review, objectives=[20], text="Hidden review remittances.")
    make_good_practice(
        consultation=consultation,
        objectives=[20],
        publication_state="in_review",
        text="Pending remittances.",
    )
    pages = [
        client.get("/recommendations/", {"objective": 20}),
        client.get("/recommendations/", {"q": "remittances"}),
        client.get("/challenges/"),
        client.get("/good-practices/"),
        client.get("/search/", {"q": "remittances"}),
        client.get("/"),
        client.get("/objectives/20/"),
        client.get("/objectives/"),
        client.get("/recommendations/export.csv"),
        client.get("/recommendations/export.json"),
    ]
    for page in pages:
        content = (
            b"".join(page.streaming_content).decode("utf-8-sig") if page.streaming else text(page)
        )
        for secret in ("Secret draft", "Hidden consultation", "Hidden review", "Pending"):
            assert secret not in content
    assert "1 recommendation" in text(pages[0])
    assert '20. Remittances <span class="count">(1' in text(pages[0])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(context.captured_queries)


def _populate(count: int) -> None:
    consultation = make_consultation()
    for _ in range(count):
        make_recommendation(
            consultation=consultation, objectives=[6, 7], principles=["human-rights"]
        )
        make_challenge(consultation=consultation, objectives=[6])
        make_good_practice(consultation=consultation, objectives=[7])


@pytest.mark.parametrize(
    "url",
    [
        "/recommendations/?page_size=100",
        "/recommendations/?objective=6&principle=human-rights&page_size=100",
        "/challenges/?page_size=100",
        "/good-practices/?q=governments&page_size=100",
        "/search/?q=governments",
        "/recommendations/export.csv",
        "/challenges/export.json",
        "/recommendations/export.xlsx",
        "/good-practices/export.xlsx?objective=7",
        "/data/",
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(client, url):
    _populate(1)
    with_one = _queries(client, url)
    _populate(49)
    assert _queries(client, url) == with_one


@pytest.mark.parametrize("kind", LISTS)
def test_detail_page_runs_a_fixed_number_of_queries(client, kind):
    consultation = make_consultation()
    make = {
        "recommendation": make_recommendation,
        "challenge": make_challenge,
        "good-practice": make_good_practice,
    }[kind]
    item = make(consultation=consultation, objectives=[6], principles=["human-rights"])
    url = item.get_absolute_url()
    first = _queries(client, url)
    for _ in range(20):
        # Links both ways: a recommendation's challenges and practices, and a challenge's
        # or a practice's recommendations.
        if kind == "recommendation":
            item.challenges.add(make_challenge(consultation=consultation, objectives=[6]))
            item.good_practices.add(make_good_practice(consultation=consultation))
        else:
            links = "challenges" if kind == "challenge" else "good_practices"
            getattr(make_recommendation(consultation=consultation), links).add(item)
        item.objectives.add(*range(1, 5))
    item.guiding_principles.add(*GuidingPrinciple.objects.all())
    assert _queries(client, url) == first
