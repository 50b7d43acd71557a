"""ETag and Last-Modified, so that a partner who syncs often mostly gets 304s.

Items (challenges, good practices, recommendations) change through the admin and the
importer, and what an item's JSON or CSV shows also depends on its consultation, review,
source document and linked items. So their validators come from one cheap query over all
those tables (the latest ``updated_at`` and the row counts, deletions included) plus the
exact request (URL, format, host): nothing is filtered, counted or serialized for a 304.

The reference lists (objectives, principles, organizations...) have no timestamps: their
ETag is a hash of the body, which still spares the partner the download.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.http import HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework.request import Request

# Part of every ETag: bump it when a change of code changes the bodies.
API_VERSION = "1"


@dataclass(frozen=True)
class Stamp:
    changed_at: datetime.datetime | None
    rows: int


def _stamped_models() -> list[type]:
    from consultations.models import Consultation, Review, SourceDocument
    from recommendations.models import Challenge, GoodPractice, Recommendation

    return [Review, SourceDocument, Consultation, Challenge, GoodPractice, Recommendation]


def data_stamp() -> Stamp:
    """The latest change and the number of rows over every table items are drawn from.

    One query: a UNION ALL of per-table aggregates (``updated_at`` is indexed).
    """
    quote = connection.ops.quote_name
    parts = " UNION ALL ".join(
        f"SELECT MAX({quote('updated_at')}) AS changed_at, COUNT(*) AS row_count "
        f"FROM {quote(model._meta.db_table)}"
        for model in _stamped_models()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(changed_at), SUM(row_count) FROM ({parts}) stamps")
        changed_at, rows = cursor.fetchone()
    if isinstance(changed_at, str):
        # SQLite returns the stored text, in UTC.
        changed_at = parse_datetime(changed_at)
    if changed_at is not None and changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=datetime.UTC)
    return Stamp(changed_at=changed_at, rows=int(rows or 0))


def _etag(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f'"{digest[:40]}"'


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime.datetime | None

    def apply(self, response: HttpResponseBase) -> HttpResponseBase:
        response["ETag"] = self.etag
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified.timestamp())
        return response

    def not_modified(self, request: Request) -> HttpResponseBase | None:
        """A 304 when the client's copy is current, else None."""
        last = int(self.last_modified.timestamp()) if self.last_modified else None
        response = get_conditional_response(request, etag=self.etag, last_modified=last)
        return self.apply(response) if response is not None else None


def item_validators(request: Request, media_type: str) -> Validators:
    stamp = data_stamp()
    changed = stamp.changed_at.isoformat() if stamp.changed_at else ""
    return Validators(
        etag=_etag(API_VERSION, request.build_absolute_uri(), media_type, changed, stamp.rows),
        last_modified=stamp.changed_at,
    )


def content_validators(response: HttpResponse) -> Validators:
    return Validators(etag=_etag(API_VERSION, response.content), last_modified=None)
