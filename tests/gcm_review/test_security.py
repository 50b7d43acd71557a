"""Production settings, security headers, sign-in lockout and security logs."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from gcm_review.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "q7Jx2-Lm9vR4tY8pW1zK6nB3cF5hD0sG-aE7uI2oP4lN9mQ6rT1yV8xZ3wB5kC",
    "DJANGO_ALLOWED_HOSTS": "gcm.example.org",
    "DJANGO_DEBUG": "false",
}


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "gcm_review.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_with(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_is_clean_behind_a_tls_proxy():
    result = run_with(
        {**PRODUCTION, "DJANGO_BEHIND_PROXY": "true"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


pytestmark = pytest.mark.django_db


def test_security_headers_on_pages_and_the_api(client):
    for url in (
        "/",
        "/recommendations/",
        "/api/v1/recommendations/",
        "/api/docs/",
        "/admin/login/",
    ):
        response = client.get(url, secure=True)
        policy = response["Content-Security-Policy"]
        script_src = next(
            part for part in policy.split(";") if part.strip().startswith("script-src")
        )
        assert "'unsafe-inline'" not in script_src, url
        assert "'unsafe-eval'" not in script_src, url
        assert "frame-ancestors 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_hsts_on_https_responses(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_behind_the_proxy_forwarded_https_is_honoured_without_a_redirect_loop(client):
    assert client.get("/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_session_and_csrf_cookies_are_secure_and_session_http_only(client, alice):
    login = client.get("/admin/login/", secure=True)
    assert login.cookies["csrftoken"]["secure"]
    response = client.post(
        "/admin/login/",
        {"username": "alice", "password": "correct horse battery", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"]
    assert session["httponly"]


def test_staff_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_admin_sign_in_locks_out_after_repeated_failures(client, alice, caplog):
    caplog.set_level(logging.WARNING)
    url = reverse("admin:login")
    statuses = [
        client.post(url, {"username": "alice", "password": "wrong", "next": "/admin/"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account out
    locked = client.post(
        url, {"username": "alice", "password": "correct horse battery", "next": "/admin/"}
    )
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    events = [getattr(record, "event", "") for record in caplog.records]
    assert events.count("login_failed") >= 5
    assert "lockout" in events
    # Another account from the same address is not locked out by alice's failures.
    get_user_model().objects.create_superuser("bob", "bob@example.org", "another good password")
    assert (
        client.post(
            url, {"username": "bob", "password": "another good password", "next": "/admin/"}
        ).status_code
        == 302
    )


def _fail_sign_ins(client, times: int, **headers) -> list[int]:
    url = reverse("admin:login")
    return [
        client.post(
            url, {"username": "alice", "password": "wrong", "next": "/admin/"}, **headers
        ).status_code
        for _ in range(times)
    ]


def test_behind_the_proxy_the_lockout_counts_per_client_not_per_proxy(client, alice, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert _fail_sign_ins(client, 5, **attacker)[-1] == 429
    # Another client through the same proxy still signs in as alice.
    colleague = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    signed_in = client.post(
        reverse("admin:login"),
        {"username": "alice", "password": "correct horse battery", "next": "/admin/"},
        **colleague,
    )
    assert signed_in.status_code == 302
    # The attacker cannot escape the lockout by putting another address in front: the
    # proxy appends the address it saw, and only that one is trusted.
    forged = {**proxy, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.9"}
    assert _fail_sign_ins(Client(), 1, **forged) == [429]


def test_without_a_proxy_a_forged_forwarded_address_does_not_dodge_the_lockout(client, alice):
    forged = [
        _fail_sign_ins(client, 1, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")[0]
        for n in range(5)
    ]
    assert forged[-1] == 429


def test_permission_denials_are_logged(client, caplog):
    caplog.set_level(logging.WARNING)
    clerk = get_user_model().objects.create_user("clerk", password="x" * 14, is_staff=True)
    client.force_login(clerk)
    assert (
        client.get(reverse("admin:recommendations_recommendation_import_report")).status_code == 403
    )
    record = next(r for r in caplog.records if getattr(r, "event", "") == "permission_denied")
    assert record.user == "clerk"
    assert record.path == "/admin/recommendations/recommendation/import-report/"


def test_logs_are_json_lines_with_the_event():
    record = logging.makeLogRecord(
        {
            "name": "gcm_review.security",
            "levelname": "WARNING",
            "msg": "sign-in failed",
            "event": "login_failed",
            "ip": "10.0.0.1",
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["event"] == "login_failed"
    assert entry["ip"] == "10.0.0.1"
    assert entry["message"] == "sign-in failed"
    assert entry["level"] == "WARNING"


def test_imports_are_logged(imported_with_history, caplog):
    from django.core.management import call_command

    caplog.set_level(logging.INFO)
    call_command("import_report", "recommendations/data/escap-gcm-2021-crp-2", verbosity=0)
    record = next(r for r in caplog.records if getattr(r, "event", "") == "report_import")
    assert record.document == "ESCAP/GCM/2021/CRP.2"
