"""Counts and facet counts kept between requests, keyed on the data version.

Counting the matches of a filter, and counting them again per facet choice, is the costly
part of a list at scale (tens of milliseconds over 200,000 recommendations, for every
page of the same filter). Both depend only on the data and the filters, not on the page,
so they are kept in the Django cache (Redis in production) under a key made of the data
version (``recommendations/models/data_version.py``), the model and the filters. Any
write gives the data a new version, so a write can never leave a stale count behind:
the next request computes under the new key, and entries of old versions simply expire.
The rows of a page are never cached; every request reads them.

``DATA_CACHE_SECONDS=0`` switches this off (every request counts).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from recommendations.models import data_version

T = TypeVar("T")
_MISSING = object()
# A request waits at most this long for another one computing the same value, then
# computes it itself; a computation that dies leaves its lock for at most LOCK_SECONDS.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.02
LOCK_SECONDS = 30


def cached(name: str, parts: object, compute: Callable[[], T], *, using: str = "default") -> T:
    """``compute()``, or what it gave for the same ``name`` and ``parts`` under the current
    data version. ``parts`` must describe everything the result depends on besides the data
    (its ``repr`` is hashed into the key)."""
    seconds = settings.DATA_CACHE_SECONDS
    if not seconds:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"gcm:{name}:{data_version(using).number}:{digest}"
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value  # type: ignore[no-any-return]
    # One request computes, the others that want the same value meanwhile wait for it:
    # right after a write, ten requests for the same list would otherwise each count.
    lock = f"{key}:computing"
    if not cache.add(lock, 1, LOCK_SECONDS):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            value = cache.get(key, _MISSING)
            if value is not _MISSING:
                return value  # type: ignore[no-any-return]
        return compute()
    try:
        value = compute()
        cache.set(key, value, seconds)
    finally:
        cache.delete(lock)
    return value
