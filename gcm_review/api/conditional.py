"""ETag and Last-Modified, so that a partner who syncs often mostly gets 304s.

Items (challenges, good practices, recommendations) and follow-up updates change through
the admin, the importer and the API, and what their JSON or CSV shows also depends on
consultations, reviews, source documents, linked items, updates, evidence links and
organizations. The database moves one data version on at any change to any of those
tables, deletions and bulk writes included (``recommendations/models/data_version.py``),
so the validators come from that one row plus the exact request (URL, format, host):
nothing is filtered, counted or serialized for a 304, at any size of the data.

A recommendation's status also turns stale with the calendar alone, so the validators of
recommendations change once a day too (``daily``).

The reference lists (objectives, principles, organizations...) have no timestamps: their
ETag is a hash of the body, which still spares the partner the download.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.request import Request

from recommendations.models import data_version

# Part of every ETag: bump it when a change of code changes the bodies.
API_VERSION = "3"


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
    version = data_version()
    last_modified = version.changed_at
    day = ""
    if daily:
        today = timezone.localdate()
        day = today.isoformat()
        midnight = datetime.datetime.combine(
            today, datetime.time(), tzinfo=timezone.get_current_timezone()
        )
        if last_modified is None or last_modified < midnight:
            last_modified = midnight
    return Validators(
        etag=_etag(API_VERSION, request.build_absolute_uri(), media_type, version.number, day),
        last_modified=last_modified,
    )


def content_validators(response: HttpResponse) -> Validators:
    return Validators(etag=_etag(API_VERSION, response.content), last_modified=None)
