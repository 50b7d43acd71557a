"""The reference lists and records (objectives, organizations, consultations...) as CSV.

One column per field of the JSON, in its order, with the conventions of the item exports
(UTF-8 with a byte-order mark, lists joined with “; ”); a linked record is given by its
``id``, and what cannot be flattened (a consultation's co-organizers with their countries)
is written as JSON in its cell, so that nothing the JSON says is lost.

These vocabularies are small (tens of rows) and have no timestamps: the file is built in
memory, and its ETag is a hash of the body, as for their JSON.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse, HttpResponseBase
from django.utils.text import slugify
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param

from gcm_review.api.conditional import content_validators
from gcm_review.api.formats import CSVRenderer, is_csv
from gcm_review.api.parameters import FORMAT_PARAMETER


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


def csv_response(rows: list[dict[str, Any]], columns: list[str], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    # A byte-order mark lets Excel open the UTF-8 file with its accents intact.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
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
        return self.csv(request, self.get_serializer(queryset, many=True).data)  # type: ignore[attr-defined]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_csv(request):
            return super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        return self.csv(request, [self.get_serializer(self.get_object()).data])  # type: ignore[attr-defined]

    def csv(self, request: Request, rows: list[dict[str, Any]]) -> HttpResponseBase:
        columns = list(self.get_serializer().fields)  # type: ignore[attr-defined]
        plural = self.get_queryset().model._meta.verbose_name_plural  # type: ignore[attr-defined]
        rows = without_format(rows, request.build_absolute_uri("/"))
        response = csv_response(rows, columns, f"{slugify(plural)}.csv")
        validators = content_validators(response)
        return validators.not_modified(request) or validators.apply(response)
