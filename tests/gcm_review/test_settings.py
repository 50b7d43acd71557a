"""Settings come from the environment, and a production start-up refuses what is missing.

Each case starts a fresh Python process, as a server would, with a controlled environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_DATABASE = (
    "import django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(db['ENGINE'], db['NAME'], db['CONN_MAX_AGE'], settings.DEBUG)"
)


def run_settings(env: dict[str, str], code: str = PRINT_DATABASE) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "gcm_review.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "gcm.example.org"}


def test_missing_secret_key_refuses_to_start_outside_debug():
    result = run_settings({"DJANGO_ALLOWED_HOSTS": "gcm.example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_refuses_to_start_outside_debug():
    result = run_settings({"DJANGO_SECRET_KEY": "k" * 60})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_settings(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "False"


def test_debug_runs_without_secrets_for_local_work():
    result = run_settings({"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "True"


def test_a_mistyped_boolean_is_an_error_not_false():
    result = run_settings({**PRODUCTION, "DJANGO_DEBUG": "ture"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='ture' is not a boolean" in result.stderr


def test_no_database_url_means_sqlite_inside_the_project():
    engine, name, _age, _debug = run_settings(PRODUCTION).stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == ROOT / "db.sqlite3"


def test_sqlite_url_with_an_absolute_path(tmp_path):
    target = tmp_path / "other.sqlite3"
    result = run_settings({**PRODUCTION, "DATABASE_URL": f"sqlite:///{target}"})
    engine, name, _age, _debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(target)


def test_postgres_url_uses_persistent_connections():
    result = run_settings(
        {**PRODUCTION, "DATABASE_URL": "postgres://gcm:secret@db.internal:5432/gcm"}
    )
    engine, name, age, _debug = result.stdout.split()
    assert (engine, name, age) == ("django.db.backends.postgresql", "gcm", "60")


@pytest.mark.parametrize(
    ("given", "workers"), [({}, "0"), ({"DATABASE_PARALLEL_WORKERS": "2"}, "2")]
)
def test_postgres_parallel_workers_are_off_unless_asked_for(given, workers):
    result = run_settings(
        {**PRODUCTION, "DATABASE_URL": "postgres://gcm:secret@db.internal:5432/gcm", **given},
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['OPTIONS']['options'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"-c max_parallel_workers_per_gather={workers}"


def test_postgres_driver_is_psycopg_3():
    result = run_settings(
        PRODUCTION, "import django.db.backends.postgresql.base as b; print(b.psycopg_version())"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("(3,")


def test_a_bad_database_url_names_the_variable():
    result = run_settings({**PRODUCTION, "DATABASE_URL": "mysqlx://nowhere"})
    assert result.returncode != 0
    assert "DATABASE_URL is not understood" in result.stderr


def test_redis_cache_url():
    result = run_settings(
        {**PRODUCTION, "CACHE_URL": "redis://cache:6379/0"},
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.CACHES['default']['BACKEND'])",
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


HTTPS_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, "
    "settings.SECURE_HSTS_SECONDS, getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
)


def test_production_is_https_by_default():
    result = run_settings(PRODUCTION, HTTPS_SETTINGS)
    assert result.stdout.split() == ["True", "True", "31536000", "None"]


def test_behind_a_tls_proxy_the_forwarded_protocol_is_trusted():
    result = run_settings({**PRODUCTION, "DJANGO_BEHIND_PROXY": "true"}, HTTPS_SETTINGS)
    assert result.stdout.split()[-2:] == ["('HTTP_X_FORWARDED_PROTO',", "'https')"]


def test_https_can_be_switched_off_for_a_plain_http_setup():
    result = run_settings({**PRODUCTION, "DJANGO_HTTPS": "false"}, HTTPS_SETTINGS)
    assert result.stdout.split() == ["False", "False", "0", "None"]
