"""CSV: the whole filtered set, streamed, with the columns of the site's export; chosen by
``format=csv``, ``Accept: text/csv`` or a ``.csv`` suffix."""

from __future__ import annotations

import csv
import io

import pytest

from recommendations.exports import columns_for
from recommendations.models import Challenge, Recommendation

pytestmark = pytest.mark.usefixtures("data")


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(raw.removeprefix("\ufeff"))))


def all_json(client, url, query):
    page = client.get(url, {**query, "page_size": 10}).json()
    items = page["results"]
    while page["next"]:
        page = client.get(page["next"]).json()
        items += page["results"]
    return page["count"], items


@pytest.mark.parametrize(
    ("prefix", "model", "query"),
    [
        ("recommendations", Recommendation, {"objective": "6"}),
        ("recommendations", Recommendation, {}),
        ("challenges", Challenge, {"covid": "true"}),
    ],
)
def test_csv_has_the_export_columns_and_the_rows_of_every_json_page(client, prefix, model, query):
    rows = read_csv(client.get(f"/api/v1/{prefix}/", {**query, "format": "csv"}))
    count, items = all_json(client, f"/api/v1/{prefix}/", query)

    with_header = client.get(f"/api/v1/{prefix}/", {**query, "format": "csv"})
    header = next(
        csv.reader(io.StringIO(b"".join(with_header.streaming_content).decode("utf-8-sig")))
    )
    assert header == [column.name for column in columns_for(model)]
    assert len(rows) == count == len(items)
    assert [row["id"] for row in rows] == [item["id"] for item in items]
    assert [row["permalink"] for row in rows] == [item["html_url"] for item in items]


def test_csv_ignores_paging_and_returns_everything(client):
    rows = read_csv(client.get("/api/v1/recommendations/", {"format": "csv", "page_size": 1}))
    assert len(rows) == 44


def test_csv_is_the_same_file_as_the_sites_export(client):
    api = client.get("/api/v1/recommendations/", {"objective": "6", "format": "csv"})
    site = client.get("/recommendations/export.csv", {"objective": "6"})
    assert b"".join(api.streaming_content) == b"".join(site.streaming_content)
    assert api["Content-Disposition"] == site["Content-Disposition"]


def test_accept_text_csv_and_the_suffix_give_csv_too(client):
    by_parameter = read_csv(client.get("/api/v1/recommendations/", {"format": "csv"}))
    by_header = read_csv(client.get("/api/v1/recommendations/", headers={"Accept": "text/csv"}))
    by_suffix = read_csv(client.get("/api/v1/recommendations.csv"))
    assert by_parameter == by_header == by_suffix


def test_one_record_as_csv(client):
    rows = read_csv(
        client.get("/api/v1/recommendations/escap-gcm-2021-crp-2-recommendation-17b.csv")
    )
    assert [row["reference"] for row in rows] == ["17(b)"]
    assert rows[0]["objectives"] == "6; 7"


def test_json_is_the_default_and_can_be_asked_for(client):
    for response in (
        client.get("/api/v1/recommendations/"),
        client.get("/api/v1/recommendations/", {"format": "json"}),
        client.get("/api/v1/recommendations.json"),
        client.get(
            "/api/v1/recommendations/", headers={"Accept": "text/csv;q=0.1, application/json"}
        ),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
    assert "Accept" in client.get("/api/v1/recommendations/")["Vary"]
