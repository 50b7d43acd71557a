"""Values every page's template needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    return {
        "DATA_LICENCE_NAME": settings.DATA_LICENCE_NAME,
        "DATA_LICENCE_URL": settings.DATA_LICENCE_URL,
    }
