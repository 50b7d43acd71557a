"""Follow-up updates as CSV: the whole filtered set, streamed, one row per update.

The same conventions as the item exports (recommendations/exports.py): UTF-8 with a
byte-order mark, lists joined with “; ”, dates in ISO 8601.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework.request import Request

from consultations.api.organizations import all_organization_slugs
from recommendations.exports import csv_lines
from recommendations.models import Update

CHUNK_SIZE = 500

Context = dict[str, Any]

COLUMNS: list[tuple[str, Callable[[Update, Context], Any]]] = [
    ("id", lambda u, c: str(u.public_id)),
    ("recommendation", lambda u, c: u.recommendation.public_id),
    ("reference", lambda u, c: u.recommendation.reference),
    ("status", lambda u, c: u.status),
    ("status_label", lambda u, c: u.get_status_display()),
    ("as_of", lambda u, c: u.as_of.isoformat()),
    ("scope", lambda u, c: u.scope),
    ("country", lambda u, c: u.country.code if u.country else ""),
    ("country_name", lambda u, c: str(u.country.name) if u.country else ""),
    ("reported_by", lambda u, c: c["slugs"].get(u.reported_by_id, "")),
    ("reported_by_name", lambda u, c: u.reported_by.name),
    ("responsible_body", lambda u, c: u.responsible_body),
    ("description", lambda u, c: u.description),
    ("evidence", lambda u, c: "; ".join(f"{e.title} <{e.url}>" for e in u.evidence.all())),
    ("html_url", lambda u, c: c["base"] + u.get_absolute_url()),
    ("created_at", lambda u, c: u.created_at.isoformat()),
    ("updated_at", lambda u, c: u.updated_at.isoformat()),
]


def _stream(queryset: QuerySet, context: Context) -> Iterator[str]:
    return csv_lines(
        [name for name, _value in COLUMNS],
        (
            [value(update, context) for _name, value in COLUMNS]
            for update in queryset.iterator(chunk_size=CHUNK_SIZE)
        ),
    )


def update_csv_response(request: Request, queryset: QuerySet) -> StreamingHttpResponse:
    context = {
        "base": request.build_absolute_uri("/").rstrip("/"),
        "slugs": all_organization_slugs(),
    }
    response = StreamingHttpResponse(
        _stream(queryset, context), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="follow-up-updates.csv"'
    response["Link"] = f'<{settings.DATA_LICENCE_URL}>; rel="license"'
    return response
