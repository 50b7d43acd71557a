"""A record's address in the API, resolved once per response and filled in per record.

DRF's ``HyperlinkedIdentityField`` resolves the URL pattern again for every record it
writes. A review lists every consultation and source document it holds, over a thousand
each at the scale of every regional review, and resolving the pattern was most of that
response's time. ``RecordLink`` writes the same address: the pattern is resolved once
per response (its view, format and request) with a placeholder, then each record's
lookup value is quoted as ``reverse()`` quotes it and put in its place.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.urls import NoReverseMatch
from django.utils.encoding import iri_to_uri
from django.utils.http import RFC3986_SUBDELIMS
from rest_framework import serializers

# What reverse() leaves unquoted in a path (django.urls.resolvers).
SAFE = RFC3986_SUBDELIMS + "/~:@"
SLOT = "__slot__"
PATTERNS = "_record_link_patterns"


class RecordLink(serializers.HyperlinkedIdentityField):
    """``HyperlinkedIdentityField`` with the pattern resolved once per response."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> Any:
        if hasattr(obj, "pk") and obj.pk in (None, ""):
            return None
        pattern = self._pattern(view_name, request, format)
        if pattern is None:
            return super().get_url(obj, view_name, request, format)
        before, after = pattern
        value = quote(str(getattr(obj, self.lookup_field)), safe=SAFE)
        # build_absolute_uri() passes the whole address through iri_to_uri().
        return f"{before}{iri_to_uri(value)}{after}"

    def _pattern(self, view_name: str, request: Any, format: str | None) -> tuple[str, str] | None:
        # The root serializer's context lives as long as the response being written.
        patterns = self.context.setdefault(PATTERNS, {})
        key = (view_name, format, self.lookup_url_kwarg)
        if key not in patterns:
            try:
                url = self.reverse(
                    view_name, kwargs={self.lookup_url_kwarg: SLOT}, request=request, format=format
                )
            except NoReverseMatch:
                # The placeholder does not fit the address (a number): resolve each one.
                url = ""
            parts = url.split(SLOT)
            patterns[key] = (parts[0], parts[1]) if len(parts) == 2 else None
        return patterns[key]
