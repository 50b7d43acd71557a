"""Property-based tests of every operation against the live schema, in process.

schemathesis draws requests from the schema (its examples, then boundary and negative
cases, then random ones) and checks every response: no server error, status, content type,
headers and body as documented, valid input accepted, invalid input refused.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.usefixtures("data", "no_throttle")


@pytest.fixture
def api_schema() -> Iterator[schemathesis.BaseSchema]:
    # Each request would otherwise close the test's connection, and with it the
    # transaction that holds the dataset (on PostgreSQL, a 500 on every call).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case):
    case.call_and_validate()
