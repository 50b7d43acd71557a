"""ETag and Last-Modified, so that a partner who syncs often mostly gets 304s.

Items (challenges, good practices, recommendations) and follow-up updates change through
the admin, the importer and the API, and what their JSON or CSV shows also depends on
consultations, reviews, source documents, linked items, updates, evidence links and
organizations. So their validators come from one cheap query over all those tables (the
latest ``updated_at`` and the row counts, deletions included; for tables without
``updated_at``, their history tables, which gain a row at every change) plus the exact
request (URL, format, host): nothing is filtered, counted or serialized for a 304.

A recommendation's status also turns stale with the calendar alone, so the validators of
recommendations change once a day too (``daily``).

The reference lists (objectives, principles, organizations...) have no timestamps: their
ETag is a hash of the body, which still spares the partner the download.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework.request import Request

# Part of every ETag: bump it when a change of code changes the bodies.
API_VERSION = "2"


@dataclass(frozen=True)
class Stamp:
    changed_at: datetime.datetime | None
    rows: int


def _stamped_tables() -> list[tuple[str, str]]:
    """(table, timestamp column) of every table the item and update endpoints read."""
    from consultations.models import Consultation, Organization, Review, SourceDocument
    from recommendations.models import (
        Challenge,
        EvidenceLink,
        GoodPractice,
        Recommendation,
        Update,
    )

    tables = [
        (model._meta.db_table, "updated_at")
        for model in (Review, SourceDocument, Consultation, Challenge, GoodPractice)
    ]
    tables += [(model._meta.db_table, "updated_at") for model in (Recommendation, Update)]
    # No updated_at: every change (deletions included) adds a row to their history.
    tables += [
        (model.history.model._meta.db_table, "history_date")
        for model in (EvidenceLink, Organization)
    ]
    return tables


def data_stamp() -> Stamp:
    """The latest change and the number of rows over every table items and updates are
    drawn from.

    One query: a UNION ALL of per-table aggregates (``updated_at`` is indexed).
    """
    quote = connection.ops.quote_name
    parts = " UNION ALL ".join(
        f"SELECT MAX({quote(column)}) AS changed_at, COUNT(*) AS row_count FROM {quote(table)}"
        for table, column in _stamped_tables()
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


def item_validators(request: Request, media_type: str, *, daily: bool = False) -> Validators:
    """Validators of an item or update endpoint. ``daily``: the body also depends on the
    date (staleness), so the validators change at midnight even if no row did."""
    stamp = data_stamp()
    last_modified = stamp.changed_at
    day = ""
    if daily:
        today = timezone.localdate()
        day = today.isoformat()
        midnight = datetime.datetime.combine(
            today, datetime.time(), tzinfo=timezone.get_current_timezone()
        )
        if last_modified is None or last_modified < midnight:
            last_modified = midnight
    changed = stamp.changed_at.isoformat() if stamp.changed_at else ""
    return Validators(
        etag=_etag(API_VERSION, request.build_absolute_uri(), media_type, changed, stamp.rows, day),
        last_modified=last_modified,
    )


def content_validators(response: HttpResponse) -> Validators:
    return Validators(etag=_etag(API_VERSION, response.content), last_modified=None)
