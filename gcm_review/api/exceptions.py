"""Error bodies: ``{"parameter": ["message", ...]}`` for a 400, ``{"detail": "message"}``
for everything else. Always JSON, whatever format the request asked for."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response
