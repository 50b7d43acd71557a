"""Follow-up on the public site: recommendation pages, lists, countries, updates, the feed."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import feedparser
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import Organization
from recommendations.models import Recommendation
from tests.factories import make_consultation, make_recommendation, make_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(
        datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


@pytest.fixture
def followed(imported):
    """27(f) has a fresh update in Nepal, a stale one in the Philippines and a draft."""
    recommendation = Recommendation.objects.get(reference="27(f)")
    forum = Organization.objects.get(name="Migrant Forum Asia")
    make_update(
        recommendation=recommendation,
        reported_by=forum,
        status="in_progress",
        country="PH",
        as_of=datetime.date(2024, 5, 1),
        description="Fees for remittances were capped.",
        evidence=[("Central bank circular", "https://example.org/circular")],
    )
    make_update(
        recommendation=recommendation,
        reported_by=forum,
        status="planned",
        country="NP",
        as_of=datetime.date(2026, 9, 1),
        description="A plan was announced.",
    )
    make_update(
        recommendation=recommendation,
        reported_by=forum,
        status="implemented",
        country="NP",
        as_of=datetime.date(2026, 10, 1),
        description="Secret draft update.",
        publication_state="draft",
    )
    make_update(
        recommendation=Recommendation.objects.get(reference="17(b)"),
        reported_by=forum,
        status="not_started",
        country="PH",
        as_of=datetime.date(2026, 1, 1),
        description="Pending review update.",
        publication_state="in_review",
    )
    return recommendation


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


SECRETS = ("Secret draft update", "Pending review update")


def test_recommendation_page_shows_status_breakdown_and_timeline(client, followed):
    content = text(client.get(followed.get_absolute_url()))
    assert "Current status:" in content
    assert '<span class="status status-planned">Planned</span>' in content
    assert "latest update: Nepal" in content
    assert "Status by country" in content
    assert 'href="/countries/PH/"' in content
    # The timeline, newest first, with evidence links.
    assert content.index("A plan was announced.") < content.index(
        "Fees for remittances were capped."
    )
    assert (
        '<a href="https://example.org/circular" rel="external noopener">Central bank circular</a>'
        in content
    )
    # The Philippine status is stale, with a clear signal.
    assert '<strong class="stale">stale</strong>' in content
    for secret in SECRETS:
        assert secret not in content


def test_a_recommendation_without_updates_says_no_update_yet(client, imported):
    content = text(client.get("/recommendations/escap-gcm-2021-crp-2/17a/"))
    assert "No update yet" in content
    assert "does not mean “not started”" in content


def test_lists_have_a_status_facet_and_filters(client, followed):
    content = text(client.get("/recommendations/"))
    assert "Follow-up status" in content
    assert 'id="status-planned" name="status" value="planned"' in content
    assert 'Planned <span class="count">(1' in content
    assert 'No update yet <span class="count">(43' in content
    planned = text(client.get("/recommendations/", {"status": "planned"}))
    assert "1 recommendation" in planned
    assert "27(f)" in planned
    nepal = text(client.get("/recommendations/", {"country": "NP"}))
    assert "1 recommendation" in nepal
    # A draft update for 17(b)'s country does not make 17(b) appear.
    philippines = text(client.get("/recommendations/", {"country": "PH"}))
    assert "1 recommendation" in philippines
    implemented = text(client.get("/recommendations/", {"status": "implemented"}))
    assert "0 recommendations" in implemented
    stale = text(client.get("/recommendations/", {"stale": "true"}))
    assert "0 recommendations" in stale  # the overall status (Nepal) is fresh


def test_country_page(client, followed):
    content = text(client.get("/countries/PH/"))
    assert "Follow-up in Philippines" in content
    assert "Fees for remittances were capped." in content
    assert "A plan was announced." not in content  # that is Nepal's
    assert '<span class="status status-in_progress">In progress</span>' in content
    for secret in SECRETS:
        assert secret not in content
    assert client.get("/countries/ph/").status_code == 301
    assert client.get("/countries/XX/").status_code == 404
    empty = text(client.get("/countries/TH/"))
    assert "No follow-up has been published for Thailand yet." in empty


def test_countries_index_lists_only_published_follow_up(client, followed):
    content = text(client.get("/countries/"))
    assert 'href="/countries/NP/"' in content
    assert 'href="/countries/PH/"' in content
    # 17(b)'s only update is in review: the Philippines count is 27(f)'s alone.
    assert (
        '<th scope="row"><a href="/countries/PH/">Philippines</a></th><td>1</td><td>1</td>'
        in content
    )


def test_updates_page_lists_recent_published_updates(client, followed):
    content = text(client.get("/updates/"))
    assert "2 updates" in content
    assert content.index("A plan was announced.") < content.index(
        "Fees for remittances were capped."
    )
    for secret in SECRETS:
        assert secret not in content
    assert "1 update" in text(client.get("/updates/", {"country": "PH"}))
    assert "1 update" in text(client.get("/updates/", {"status": "planned"}))
    bad = text(client.get("/updates/", {"country": "Atlantis"}))
    assert "is not an ISO 3166 country code" in bad


def test_the_feed_is_valid_atom_with_published_updates_only(client, followed):
    response = client.get("/updates/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "GCM Review Tracker: follow-up updates"
    assert feed.feed.id
    assert feed.feed.updated
    assert len(feed.entries) == 2
    for entry in feed.entries:
        assert entry.title.startswith("Recommendation 27(f)")
        assert entry.link.startswith(
            "http://testserver/recommendations/escap-gcm-2021-crp-2/27f/#update-"
        )
        assert entry.id.startswith("urn:uuid:")
        assert entry.updated
        assert entry.author == "Migrant Forum Asia"
    assert "Central bank circular" in " ".join(e.summary for e in feed.entries)
    for secret in SECRETS:
        assert secret not in response.content.decode()


def test_every_page_advertises_the_feed(client, imported):
    for url in (
        "/",
        "/recommendations/",
        "/objectives/20/",
        "/data/",
        "/recommendations/escap-gcm-2021-crp-2/17b/",
    ):
        assert (
            '<link rel="alternate" type="application/atom+xml" title="Follow-up updates" '
            'href="/updates/feed/">'
        ) in text(client.get(url))


class TableReader(HTMLParser):
    """Every table of a page: its caption, column headers and rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._part = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "headers": [], "rows": []})
        elif tag in ("thead", "tbody", "caption"):
            self._part = tag
            if tag == "caption":
                self._cell = []
        elif tag == "tr" and self._part == "tbody":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._cell is None or tag not in ("th", "td", "caption"):
            return
        text = " ".join("".join(self._cell).split())
        table = self.tables[-1]
        if tag == "caption":
            table["caption"] = text
        elif self._part == "thead":
            table["headers"].append(text)
        else:
            table["rows"][-1].append(text)
        self._cell = None


def table_rows(content: str, caption: str) -> list[dict[str, str]]:
    """The rows of the table with ``caption``, each as {column header: cell text}."""
    reader = TableReader()
    reader.feed(content)
    (table,) = [table for table in reader.tables if table["caption"] == caption]
    for row in table["rows"]:
        assert len(row) == len(table["headers"]), (table["headers"], row)
    return [dict(zip(table["headers"], row, strict=True)) for row in table["rows"]]


def counts(row: dict[str, str]) -> dict[str, int]:
    return {header: int(cell) for header, cell in row.items() if cell.isdigit()}


def test_home_objective_and_consultation_pages_count_statuses(client, followed):
    """Drafts and updates in review change no count: each would move a recommendation to
    another column, or out of the stale one, if it leaked."""
    other = Recommendation.objects.get(reference="27(b)")
    forum = Organization.objects.get(name="Migrant Forum Asia")
    make_update(
        recommendation=other,
        reported_by=forum,
        status="in_progress",
        country="PH",
        as_of=datetime.date(2024, 1, 1),
        description="Published long ago: stale.",
    )
    make_update(
        recommendation=other,
        reported_by=forum,
        status="implemented",
        country="NP",
        as_of=datetime.date(2026, 10, 15),
        description="A fresh draft that would end the staleness.",
        publication_state="draft",
    )
    # Objective 20 has two recommendations: 27(f) planned (Nepal; its implemented update is
    # a draft), 27(b) in progress and stale (its fresh update is a draft).
    expected = {
        "Not started": 0,
        "Planned": 1,
        "In progress": 1,
        "Partially implemented": 0,
        "Implemented": 0,
        "No longer relevant": 0,
        "Stale": 1,
    }

    objective = text(client.get("/objectives/20/"))
    (row,) = table_rows(objective, "Recommendations by follow-up status")
    assert counts(row) == {**expected, "No update yet": 0}

    home = text(client.get("/"))
    assert "Follow-up by objective" in home
    progress = table_rows(home, "Recommendations by objective and follow-up status")
    by_objective = {row["Objective"].split(".")[0]: counts(row) for row in progress}
    assert by_objective["20"] == {**expected, "No update yet": 0}
    # 17(b)'s only update is in review (not started): no objective counts it.
    assert {row["Not started"] for row in by_objective.values()} == {0}
    assert {row["Implemented"] for row in by_objective.values()} == {0}

    consultation = text(client.get("/consultations/asia-pacific-2020-21-3/"))
    (row,) = table_rows(consultation, "Recommendations by follow-up status")
    held = Recommendation.objects.public().filter(consultation__sequence=3).count()
    assert counts(row) == {**expected, "No update yet": held - 2}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        text(client.get(url))
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/updates/",
        "/updates/feed/",
        "/countries/",
        "/countries/PH/",
        "{detail}",
        "/recommendations/?page_size=100",
    ],
)
def test_follow_up_pages_run_a_fixed_number_of_queries(client, url):
    recommendation = make_recommendation(consultation=make_consultation(), objectives=[20])
    url = url.format(detail=recommendation.get_absolute_url())
    make_update(recommendation=recommendation, evidence=[("A", "https://example.org/a")])
    first = _queries(client, url)
    for index in range(20):
        other = make_recommendation(consultation=recommendation.consultation, objectives=[20])
        make_update(recommendation=other, evidence=[("B", "https://example.org/b")])
        make_update(
            recommendation=recommendation,
            country=["PH", "NP", "TH"][index % 3],
            evidence=[("C", "https://example.org/c"), ("D", "https://example.org/d")],
        )
    assert _queries(client, url) == first


def test_a_country_page_shows_the_first_items_and_links_to_the_rest(client, followed, monkeypatch):
    from recommendations import views_follow_up

    monkeypatch.setattr(views_follow_up, "COUNTRY_ITEMS", 1)
    for reference in ("17(b)", "17(c)"):
        make_update(recommendation=Recommendation.objects.get(reference=reference), country="PH")
    content = text(client.get("/countries/PH/"))
    assert "The first 1 of 3, in document order." in content
    assert "The latest 1 of 3 updates." in content
    assert 'href="/updates/?country=PH">All 3 updates for this country</a>' in content
