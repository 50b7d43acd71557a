"""Full exports stream: rows are read in chunks as the response is sent, so memory stays
flat whatever the number of rows (bench/run.py measures the figure at 200,000)."""

from __future__ import annotations

import tracemalloc

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from recommendations import exports
from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db

EXPORTS = [
    "/recommendations/export.csv",
    "/recommendations/export.json",
    "/api/v1/recommendations/?format=csv",
]


@pytest.fixture
def many(monkeypatch):
    """1,200 recommendations, read 100 at a time: twelve chunks."""
    call_command("generate_synthetic", "--recommendations", "1200", "--seed", "4", verbosity=0)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 100)
    return Recommendation.objects.public().count()


@pytest.mark.parametrize("path", EXPORTS)
def test_rows_are_read_chunk_by_chunk_as_the_response_is_sent(client, many, path):
    response = client.get(path)
    assert isinstance(response, StreamingHttpResponse)
    with CaptureQueriesContext(connection) as captured:
        chunks = iter(response.streaming_content)
        first = [next(chunks) for _ in range(3)]  # the header and the first rows
        after_first_rows = len(captured)
        rest = list(chunks)
    at_the_end = len(captured)
    body = b"".join(first + rest).decode("utf-8-sig")
    assert body.count("syn-4-") >= many
    # Each chunk prefetches its own tags and links: by the end, many more queries ran
    # than when the first rows went out, so the rows were never all in memory at once.
    assert at_the_end >= after_first_rows + 5 * (many // exports.CHUNK_SIZE - 1)


def peak_while_streaming(client, path: str) -> int:
    response = client.get(path)
    tracemalloc.start()
    try:
        for _chunk in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_rows(client, many):
    # A quarter of the rows, then all of them: four times the rows, about the same peak.
    quarter = peak_while_streaming(client, "/recommendations/export.csv?covid=true")
    assert Recommendation.objects.public().filter(covid_related=True).count() < many / 4
    whole = peak_while_streaming(client, "/recommendations/export.csv")
    assert whole < quarter * 1.5
