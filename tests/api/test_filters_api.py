"""The item lists take the site's FilterSet: each filter keeps what matches and drops the
rest, and gives the same records, in the same order, as the FilterSet on the public set and
as the site's HTML list for the same query string."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from recommendations.filters import FILTERSETS, unknown_parameters
from recommendations.models import Challenge, GoodPractice, Recommendation
from tests.factories import make_consultation, make_recommendation

pytestmark = pytest.mark.usefixtures("data")

KINDS = {
    "recommendations": (Recommendation, "recommendation"),
    "challenges": (Challenge, "challenge"),
    "good-practices": (GoodPractice, "good-practice"),
}
RESULT_LINK = re.compile(r'<li class="result">\s*<article>\s*<h3><a href="([^"]+)"')


def api_items(client, prefix: str, query: list[tuple[str, str]]) -> list[dict]:
    url = f"/api/v1/{prefix}/?" + urlencode([*query, ("page_size", "100")])
    items = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        items += page["results"]
        url = page["next"]
    return items


def filterset_ids(prefix: str, query: list[tuple[str, str]]) -> list[str]:
    model = KINDS[prefix][0]
    filterset = FILTERSETS[model](QueryDict(urlencode(query)), queryset=model.objects.public())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("public_id", flat=True))


def html_paths(client, prefix: str, query: list[tuple[str, str]]) -> list[str]:
    response = client.get(f"/{prefix}/?" + urlencode([*query, ("page_size", "100")]))
    assert response.status_code == 200
    return RESULT_LINK.findall(response.content.decode())


def assert_same_rows(client, prefix: str, query: list[tuple[str, str]]) -> list[dict]:
    items = api_items(client, prefix, query)
    assert [item["id"] for item in items] == filterset_ids(prefix, query)
    assert [item["html_url"].removeprefix("http://testserver") for item in items] == html_paths(
        client, prefix, query
    )
    total = KINDS[prefix][0].objects.public().count()
    assert 0 < len(items) < total, "a filter test needs rows on both sides"
    return items


def test_objective(client):
    items = assert_same_rows(client, "recommendations", [("objective", "6")])
    assert all(6 in item["objectives"] for item in items)


def test_several_objectives_match_any(client):
    six = {item["id"] for item in api_items(client, "recommendations", [("objective", "6")])}
    twenty = {item["id"] for item in api_items(client, "recommendations", [("objective", "20")])}
    items = assert_same_rows(client, "recommendations", [("objective", "6"), ("objective", "20")])
    assert {item["id"] for item in items} == six | twenty


def test_cluster(client):
    items = assert_same_rows(client, "challenges", [("cluster", "2")])
    assert {item["consultation"]["id"] for item in items} == {"asia-pacific-2020-21-2"}


def test_review(client):
    other = make_recommendation(consultation=make_consultation())
    items = assert_same_rows(client, "recommendations", [("review", "asia-pacific-2020-21")])
    assert other.public_id not in {item["id"] for item in items}
    assert all(item["review"] == "asia-pacific-2020-21" for item in items)
    mine = api_items(client, "recommendations", [("review", other.source_document.review.slug)])
    assert [item["id"] for item in mine] == [other.public_id]


def test_consultation(client):
    items = assert_same_rows(client, "good-practices", [("consultation", "asia-pacific-2020-21-4")])
    assert {item["consultation"]["id"] for item in items} == {"asia-pacific-2020-21-4"}


def test_consultation_none_selects_cross_cutting_items(client):
    items = assert_same_rows(client, "recommendations", [("consultation", "none")])
    assert all(item["consultation"] is None for item in items)


def test_principle(client):
    items = assert_same_rows(client, "recommendations", [("principle", "gender-responsive")])
    assert all("gender-responsive" in item["guiding_principles"] for item in items)


def test_addressed_to(client):
    items = assert_same_rows(client, "recommendations", [("addressed_to", "private-sector")])
    assert all("private-sector" in item["addressed_to"] for item in items)


@pytest.mark.parametrize("value", ["true", "false"])
def test_conclusion(client, value):
    items = assert_same_rows(client, "recommendations", [("conclusion", value)])
    assert all(item["is_conclusion"] is (value == "true") for item in items)


@pytest.mark.parametrize("value", ["true", "false"])
def test_covid(client, value):
    items = assert_same_rows(client, "challenges", [("covid", value)])
    assert all(item["covid_related"] is (value == "true") for item in items)


def test_search(client):
    items = assert_same_rows(client, "recommendations", [("q", "recruitment")])
    assert all("recruit" in item["text"].lower() for item in items)


def test_updated_since(client):
    old = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    Recommendation.objects.exclude(objectives__number=6).update(updated_at=old)
    items = assert_same_rows(client, "recommendations", [("updated_since", "2024-06-01T00:00:00Z")])
    assert all(6 in item["objectives"] for item in items)
    # A date alone means midnight UTC; an offset is honoured.
    assert api_items(client, "recommendations", [("updated_since", "2024-06-01")]) == items
    later = [("updated_since", "2024-01-01T02:00:00+03:00")]
    assert len(api_items(client, "recommendations", later)) == 44


@pytest.mark.parametrize("ordering", ["reference", "-reference", "-updated", "updated"])
def test_ordering(client, ordering):
    query = [("objective", "6"), ("ordering", ordering)]
    assert_same_rows(client, "recommendations", query)


def test_search_ordered_by_relevance(client):
    assert_same_rows(
        client, "good-practices", [("q", "migrant workers"), ("ordering", "-relevance")]
    )


def test_filters_combine(client):
    query = [("objective", "6"), ("cluster", "1"), ("addressed_to", "governments")]
    items = assert_same_rows(client, "recommendations", query)
    assert all(item["consultation"]["id"] == "asia-pacific-2020-21-1" for item in items)


def test_the_api_accepts_exactly_the_parameters_the_filterset_module_lists(client):
    for prefix, (model, _kind) in KINDS.items():
        response = client.get(f"/api/v1/{prefix}/", {"nonsense": "1"})
        accepted = response.json()["nonsense"][0].removeprefix("Unknown parameter. Accepted: ")
        names = set(accepted.rstrip(".").split(", "))
        assert unknown_parameters(FILTERSETS[model], names) == []
        assert unknown_parameters(FILTERSETS[model], ["nonsense"]) == ["nonsense"]
