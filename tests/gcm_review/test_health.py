"""Health endpoints, and the plain 503 while the database is unreachable."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import override_settings

from gcm_review import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)


def test_healthz_answers_without_the_database(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_when_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_fails_when_the_database_is_unreachable(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_readyz_fails_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("recommendations", "9999_future")],
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "1 not applied"


@override_settings(ALLOWED_HOSTS=["gcm.example.org"], SECURE_SSL_REDIRECT=True)
def test_probes_work_on_internal_addresses_over_plain_http(client):
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    # Everything else still gets the host check and the HTTPS redirect.
    assert client.get("/", HTTP_HOST="gcm.example.org").status_code == 301
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_pages_answer_503_with_a_plain_page_while_the_database_is_down(client, database_down):
    response = client.get("/recommendations/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "Briefly unavailable" in content
    assert "Traceback" not in content
    assert "OperationalError" not in content


def test_the_api_answers_503_in_json_while_the_database_is_down(client, database_down):
    response = client.get("/api/v1/recommendations/")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The service is briefly unavailable")
