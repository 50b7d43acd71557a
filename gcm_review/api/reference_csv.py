"""The reference lists and records (objectives, organizations, consultations...) as CSV.

One column per field of the JSON, in its order, with the conventions of the item exports
(UTF-8 with a byte-order mark, lists joined with “; ”); a linked record is given by its
``id``, and what cannot be flattened (a consultation's co-organizers with their countries)
is written as JSON in its cell, so that nothing the JSON says is lost.

A list is streamed, serialized a chunk of records at a time, prefetches and all: most
vocabularies are tens of rows, but consultations and organizations grow with every review
loaded (20,000 consultations at 200,000 recommendations, where building the file in memory
took 13 s before its first byte). Its ETag therefore cannot be a hash of the body; it comes
from the data version, which every write to these tables moves on
(gcm_review/api/conditional.py), so a 304 costs one query. One record's CSV is built in
memory, with a hash of the body as its ETag, like the JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.text import slugify
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param

from gcm_review.api.conditional import content_validators, item_validators
from gcm_review.api.formats import CSVRenderer, is_csv
from gcm_review.api.parameters import FORMAT_PARAMETER
from recommendations.exports import csv_lines


def _is_link(value: Any) -> bool:
    return isinstance(value, dict) and "id" in value


def cell(value: Any) -> str:
    """One JSON value as the text of a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_link(value):
        return str(value["id"])
    if isinstance(value, list) and all(
        _is_link(part) or not isinstance(part, dict | list) for part in value
    ):
        return "; ".join(cell(part) for part in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def without_format(value: Any, base: str) -> Any:
    """``value`` with the ``format`` parameter DRF carries over into the links it writes
    taken out of the links to this site: a record's address, as the JSON gives it."""
    if isinstance(value, str) and value.startswith(base):
        return remove_query_param(value, FORMAT_PARAMETER)
    if isinstance(value, dict):
        return {key: without_format(part, base) for key, part in value.items()}
    if isinstance(value, list):
        return [without_format(part, base) for part in value]
    return value


# Records serialized at a time in a streamed list, each chunk with its own prefetches.
CHUNK_SIZE = 500


def _lines(rows: Iterable[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    return csv_lines(columns, ([cell(row.get(column)) for column in columns] for row in rows))


def _with_headers(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{settings.DATA_LICENCE_URL}>; rel="license"'
    return response


class ReferenceCSVMixin:
    """``format=csv`` (or ``Accept: text/csv``) on a reference list or record: the whole
    list, not a page; errors stay JSON."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        if is_csv(self.request):  # type: ignore[attr-defined]
            # Else a `.csv` suffix puts one on every link too.
            context["format"] = None
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_csv(request):
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        # Malformed paging is a 400 even for CSV, which ignores paging.
        self.paginator.get_page_size(request)  # type: ignore[attr-defined]
        self.paginator.get_page_number_value(request)  # type: ignore[attr-defined]
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        validators = item_validators(request, "text/csv")
        not_modified = validators.not_modified(request)
        if not_modified is not None:
            return not_modified
        response = StreamingHttpResponse(
            _lines(self._serialized(request, queryset), self._columns()),
            content_type="text/csv; charset=utf-8",
        )
        return validators.apply(_with_headers(response, self._filename()))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_csv(request):
            return super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        row = self.get_serializer(self.get_object()).data  # type: ignore[attr-defined]
        rows = without_format([row], request.build_absolute_uri("/"))
        response = HttpResponse(
            "".join(_lines(rows, self._columns())), content_type="text/csv; charset=utf-8"
        )
        validators = content_validators(response)
        return validators.not_modified(request) or validators.apply(
            _with_headers(response, self._filename())
        )

    def _serialized(self, request: Request, queryset: QuerySet) -> Iterator[dict[str, Any]]:
        """The list's records as their JSON, a chunk at a time."""
        base = request.build_absolute_uri("/")
        records = queryset.iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(records, CHUNK_SIZE)):
            yield from without_format(self.get_serializer(chunk, many=True).data, base)  # type: ignore[attr-defined]

    def _columns(self) -> list[str]:
        return list(self.get_serializer().fields)  # type: ignore[attr-defined]

    def _filename(self) -> str:
        plural = self.get_queryset().model._meta.verbose_name_plural  # type: ignore[attr-defined]
        return f"{slugify(plural)}.csv"
