"""The guide at /api/guide/: its examples are built for the host that serves it, and every
one of them works when run against the API."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from gcm_review.api.views import EXAMPLES, KEY_PLACEHOLDER
from tests.factories import make_update

pytestmark = pytest.mark.usefixtures("data")


def test_the_footer_name_resolves_to_the_guide():
    assert reverse("api-guide") == "/api/guide/"


def test_the_guide_shows_examples_for_the_requesting_host(client):
    response = client.get("/api/guide/", headers={"Host": "localhost"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "curl --fail-with-body &#x27;http://localhost/api/v1/recommendations/?objective=6&#x27;"
        in html
    )
    assert (
        "urllib.request.Request(&#x27;http://localhost/api/v1/recommendations/?objective=6" in html
    )


def test_the_guide_states_the_configured_rate_limits(client, throttle):
    throttle(anon="30/min", user=None)
    html = client.get("/api/guide/").content.decode()
    assert "Without a key: 30/min per address." in html
    assert "With a key: no limit per account." in html


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.slug for example in EXAMPLES])
def test_every_example_of_the_guide_works(example, partner_key, rec_17b):
    make_update(recommendation=rec_17b)  # so that the follow-up example has a result
    headers = {
        name: value.replace(KEY_PLACEHOLDER, partner_key) for name, value in example.headers.items()
    }
    response = Client(headers=headers).get(example.path())
    assert response.status_code == 200, response.content
    if ("format", "csv") in example.query:
        rows = list(
            csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert rows
        assert all("6" in row["objectives"].split("; ") for row in rows)
    else:
        body = json.loads(response.content)
        assert body.get("results", [body])


def test_the_examples_of_the_guide_do_what_they_say(client):
    six = client.get("/api/v1/recommendations/", {"objective": 6, "page_size": 100}).json()
    assert six["count"] > 0
    assert all(6 in item["objectives"] for item in six["results"])

    as_csv = client.get("/api/v1/recommendations/", {"objective": 6, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(as_csv.streaming_content).decode("utf-8-sig"))))
    assert [row["id"] for row in rows] == [item["id"] for item in six["results"]]

    second = client.get("/api/v1/challenges/", {"page": 2, "page_size": 10}).json()
    first = client.get("/api/v1/challenges/", {"page": 1, "page_size": 10}).json()
    assert second["previous"] is not None
    assert not {i["id"] for i in first["results"]} & {i["id"] for i in second["results"]}

    synced = client.get(
        "/api/v1/recommendations/", {"updated_since": "2025-01-31T00:00:00Z", "ordering": "updated"}
    ).json()
    stamps = [item["updated_at"] for item in synced["results"]]
    assert stamps == sorted(stamps)


def test_the_sync_script_of_the_guide_collects_every_page(client):
    url = "/api/v1/recommendations/?objective=6&page_size=2"
    records = []
    while url:
        page = client.get(url).json()
        records += page["results"]
        url = page["next"]
    assert len(records) == client.get("/api/v1/recommendations/", {"objective": 6}).json()["count"]


def test_slash_api_leads_to_the_guide(client):
    response = client.get("/api/")
    assert response.status_code == 302
    assert response["Location"] == "/api/guide/"


def test_the_guide_points_to_the_csv_of_a_reference_list_that_works(client):
    html = client.get("/api/guide/").content.decode()
    assert 'href="http://testserver/api/v1/objectives/?format=csv"' in html
    response = client.get("/api/v1/objectives/?format=csv")
    assert response.status_code == 200
    header, *rows = response.getvalue().decode("utf-8-sig").splitlines()
    assert header == "id,title,short_label,slug,cluster,html_url,url"
    assert len(rows) == 23
