"""Health endpoints for orchestrators, and a plain 503 while the database is away.

``/healthz`` says the process is alive; ``/readyz`` that the database answers and every
migration is applied. Both are answered by the first middleware, before host checks
and HTTPS redirects, because orchestrators call them on an internal address over
plain HTTP. They reveal nothing but “ok” or what is not.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("gcm_review.health")

_migrations_applied = False


def _json(http_status: int, **body: str) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=http_status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, details). Once every migration is seen applied, later calls only ping."""
    global _migrations_applied
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        connection.close_if_unusable_or_obsolete()
        return False, {"database": "unreachable"}
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return False, {"database": "ok", "migrations": f"{len(pending)} not applied"}
        _migrations_applied = True
    return True, {"database": "ok", "migrations": "ok"}


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return _json(200, status="ok")
        if request.path == "/readyz":
            ready, details = readiness()
            return _json(200 if ready else 503, status="ok" if ready else "unavailable", **details)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer 503 with a plain page, not a traceback.

    Django reconnects on the next request (CONN_HEALTH_CHECKS), so service resumes by
    itself when the database is back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DatabaseError) or _is_data_error(exception):
            return None
        logger.error(
            "database unavailable",
            extra={"event": "database_unavailable", "path": request.path, "error": str(exception)},
        )
        for connection in connections.all():
            connection.close_if_unusable_or_obsolete()
        if request.path.startswith("/api/"):
            response = _json(
                503, detail="The service is briefly unavailable. Please retry in a minute."
            )
        else:
            response = HttpResponse(
                render_to_string("503.html", request=None), status=503, content_type="text/html"
            )
        response["Retry-After"] = "30"
        return response


def _is_data_error(exception: Exception) -> bool:
    """Errors that mean bad data, not an absent database, stay ordinary 500s."""
    from django.db import DataError, IntegrityError

    return isinstance(exception, DataError | IntegrityError)
