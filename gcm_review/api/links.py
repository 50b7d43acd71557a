"""A record's address in the API, resolved once per response and filled in per record.

DRF's ``HyperlinkedIdentityField`` resolves the URL pattern again for every record it
writes. A review lists every consultation and source document it holds, over a thousand
each at the scale of every regional review, and resolving the pattern was most of that
response's time. ``RecordLink`` writes the same address: the pattern is resolved once
per response (its view, format and request) with a placeholder, then each record's
lookup value is quoted as ``reverse()`` quotes it and put in its place. The items'
direct JSON (recommendations/api/serializers.py) writes its addresses the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.urls import NoReverseMatch
from django.utils.encoding import iri_to_uri
from django.utils.http import RFC3986_SUBDELIMS
from rest_framework import serializers
from rest_framework.reverse import reverse

# What reverse() leaves unquoted in a path (django.urls.resolvers).
SAFE = RFC3986_SUBDELIMS + "/~:@"
SLOT = "__slot__"
PATTERNS = "_record_link_patterns"


def address_pattern(
    context: dict[str, Any],
    view_name: str,
    kwarg: str,
    request: Any,
    format: str | None,
    reverse: Callable[..., str] = reverse,
) -> tuple[str, str] | None:
    """The address of ``view_name`` split where the record's value goes, resolved once per
    response (kept in its serializer ``context``); None when a placeholder cannot stand
    in for the value (an address that takes numbers only)."""
    patterns = context.setdefault(PATTERNS, {})
    key = (view_name, format, kwarg)
    if key not in patterns:
        try:
            url = reverse(view_name, kwargs={kwarg: SLOT}, request=request, format=format)
        except NoReverseMatch:
            url = ""
        parts = url.split(SLOT)
        patterns[key] = (parts[0], parts[1]) if len(parts) == 2 else None
    return patterns[key]


def fill(pattern: tuple[str, str], value: Any) -> str:
    """The address for ``value``, quoted as ``reverse()`` and ``build_absolute_uri()``
    quote it."""
    before, after = pattern
    return f"{before}{iri_to_uri(quote(str(value), safe=SAFE))}{after}"


class RecordLink(serializers.HyperlinkedIdentityField):
    """``HyperlinkedIdentityField`` with the pattern resolved once per response."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> Any:
        if hasattr(obj, "pk") and obj.pk in (None, ""):
            return None
        pattern = address_pattern(
            # The root serializer's context lives as long as the response being written.
            self.context,
            view_name,
            self.lookup_url_kwarg,
            request,
            format,
            reverse=self.reverse,
        )
        if pattern is None:
            return super().get_url(obj, view_name, request, format)
        return fill(pattern, getattr(obj, self.lookup_field))
