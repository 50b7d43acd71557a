"""A page costs the same number of queries with 1 row as with 50: serializers read only
what ``for_export()`` and the viewsets' querysets prefetch. Counted with an empty cache:
the most a page costs (with the count kept, later pages of a filter cost one less)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.usefixtures("data")


def queries(client, url, query) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/recommendations/", {}),
        ("/api/v1/recommendations/", {"objective": "6", "principle": "gender-responsive"}),
        ("/api/v1/challenges/", {}),
        ("/api/v1/good-practices/", {}),
        ("/api/v1/organizations/", {}),
        ("/api/v1/objectives/", {}),
        ("/api/v1/clusters/", {}),
        ("/api/v1/consultations/", {}),
        ("/api/v1/reviews/", {}),
        ("/api/v1/source-documents/", {}),
        ("/api/v1/principles/", {}),
        ("/api/v1/stakeholder-groups/", {}),
        ("/api/v1/addressees/", {}),
    ],
)
def test_query_count_does_not_grow_with_the_page(client, url, query):
    one = queries(client, url, {**query, "page_size": 1})
    fifty = queries(client, url, {**query, "page_size": 50})
    assert one == fifty


def test_csv_query_count_does_not_grow_with_the_rows(client):
    def csv_queries(query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/recommendations/", {**query, "format": "csv"})
            b"".join(response.streaming_content)
        return len(captured)

    assert csv_queries({"objective": "1"}) == csv_queries({})


def test_a_record_costs_a_handful_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get("/api/v1/recommendations/escap-gcm-2021-crp-2-recommendation-17b/")
    with django_assert_max_num_queries(10):
        client.get("/api/v1/consultations/asia-pacific-2020-21-1/")
