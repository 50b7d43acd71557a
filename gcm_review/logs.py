"""Structured logs: one JSON object per line, and the security events worth keeping.

Errors (django.request), security events (failed sign-ins, lockouts, permission
denials, suspicious requests) and imports are logged with an ``event`` field, so a log
pipeline can count and alert on them without parsing sentences.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

security = logging.getLogger("gcm_review.security")
imports = logging.getLogger("gcm_review.imports")

# Attributes every LogRecord has; anything else was passed in ``extra`` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = (
                    value if isinstance(value, str | int | float | bool | None) else str(value)
                )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    try:
        from axes.helpers import get_client_ip_address

        return get_client_ip_address(request) or ""
    except Exception:
        return request.META.get("REMOTE_ADDR", "")


def on_login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    security.warning(
        "sign-in failed",
        extra={
            "event": "login_failed",
            "username": credentials.get("username", ""),
            "ip": client_address(request),
        },
    )


def on_locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str = "",
    ip_address: str = "",
    **kwargs: Any,
) -> None:
    security.warning(
        "account locked out after repeated failures",
        extra={
            "event": "lockout",
            "username": username,
            "ip": ip_address or client_address(request),
        },
    )


class SecurityEventMiddleware:
    """Logs every refused request (403): who tried what."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            security.warning(
                "permission denied",
                extra={
                    "event": "permission_denied",
                    "method": request.method,
                    "path": request.path,
                    "user": getattr(user, "username", "") if user is not None else "",
                    "ip": client_address(request),
                },
            )
        return response


def on_spreadsheet_import(sender: Any, model: Any = None, **kwargs: Any) -> None:
    imports.info(
        "spreadsheet imported",
        extra={"event": "spreadsheet_import", "model": getattr(model, "__name__", str(model))},
    )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_login_failed
    from import_export.signals import post_import

    user_login_failed.connect(on_login_failed, dispatch_uid="gcm_review.logs.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="gcm_review.logs.locked_out")
    post_import.connect(on_spreadsheet_import, dispatch_uid="gcm_review.logs.spreadsheet_import")
