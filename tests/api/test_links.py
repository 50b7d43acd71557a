"""Record addresses written from a pattern (gcm_review/api/links.py): the same address DRF
writes, the pattern resolved once per response."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import pytest
from rest_framework import relations, serializers
from rest_framework.test import APIRequestFactory

from gcm_review.api.links import RecordLink

# Values a slug never holds are in too: the quoting must be reverse()'s.
SLUGS = ["asia-pacific-2020-21", "rec_17b", "a b", "ünïcode", "x:y@z~!$&'()*+,;=", "50%"]


def serializer_pair(field_class: type, view_name: str, lookup_field: str) -> type:
    class Link(serializers.Serializer):
        url = field_class(view_name=view_name, lookup_field=lookup_field, lookup_url_kwarg="id")

    return Link


def addresses(field_class, records, *, view_name, lookup_field, format=None):
    request = APIRequestFactory().get("/api/v1/reviews/", HTTP_HOST="testserver")
    link = serializer_pair(field_class, view_name, lookup_field)
    context = {"request": request, "format": format}
    return [row["url"] for row in link(records, many=True, context=context).data]


@pytest.mark.parametrize("format", [None, "csv", "json"])
def test_the_same_address_as_drf_writes(format):
    records = [SimpleNamespace(pk=n, slug=slug) for n, slug in enumerate(SLUGS, 1)]
    kwargs = {"view_name": "api:review-detail", "lookup_field": "slug", "format": format}
    ours = addresses(RecordLink, records, **kwargs)
    assert ours == addresses(serializers.HyperlinkedIdentityField, records, **kwargs)
    assert ours[0].startswith("http://testserver/api/v1/reviews/asia-pacific-2020-21")


def test_an_address_that_takes_numbers_only_is_resolved_per_record():
    records = [SimpleNamespace(pk=n, number=n) for n in (1, 6, 23)]
    kwargs = {"view_name": "api:objective-detail", "lookup_field": "number"}
    ours = addresses(RecordLink, records, **kwargs)
    assert ours == addresses(serializers.HyperlinkedIdentityField, records, **kwargs)
    assert ours[1] == "http://testserver/api/v1/objectives/6/"


def test_an_unsaved_record_has_no_address():
    records = [SimpleNamespace(pk=None, slug="draft")]
    assert addresses(RecordLink, records, view_name="api:review-detail", lookup_field="slug") == [
        None
    ]


@pytest.mark.parametrize(("field_class", "resolutions"), [(RecordLink, 1), ("drf", 40)])
def test_the_pattern_is_resolved_once_per_response(field_class, resolutions):
    field_class = serializers.HyperlinkedIdentityField if field_class == "drf" else field_class
    records = [SimpleNamespace(pk=n, slug=f"review-{n}") for n in range(1, 41)]
    with mock.patch.object(relations, "reverse", wraps=relations.reverse) as reverse:
        urls = addresses(field_class, records, view_name="api:review-detail", lookup_field="slug")
    assert reverse.call_count == resolutions
    assert urls[-1] == "http://testserver/api/v1/reviews/review-40/"
