"""docker-compose.yml cannot run here (no Docker engine): check it against the settings."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variables() -> set[str]:
    """Names the settings module reads through the env_* helpers."""
    tree = ast.parse((ROOT / "gcm_review" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("env_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def resolve(value: str) -> str:
    """Expand ${VAR:-default} the way compose does, with every VAR unset."""
    return re.sub(r"\$\{[A-Z_]+(?::-([^}]*))?(?::\?[^}]*)?\}", lambda m: m[1] or "x", value)


def test_services_are_postgres_redis_and_gunicorn():
    services = COMPOSE["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["web"]["command"][0] == "gunicorn"
    assert "gcm_review.wsgi" in services["web"]["command"]


def test_postgres_has_a_named_volume_and_healthchecks_gate_the_app():
    services = COMPOSE["services"]
    volume = services["db"]["volumes"][0].split(":")[0]
    assert volume in COMPOSE["volumes"]
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"]
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_the_app_is_configured_by_the_variables_the_settings_read():
    known = settings_variables()
    for name in ("web", "migrate"):
        environment = COMPOSE["services"][name]["environment"]
        assert set(environment) <= known, set(environment) - known
    environment = COMPOSE["services"]["web"]["environment"]
    required = {"DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "CACHE_URL"}
    assert required <= set(environment)


def test_urls_point_at_the_compose_services():
    environment = COMPOSE["services"]["web"]["environment"]
    database = urlparse(resolve(environment["DATABASE_URL"]))
    assert (database.scheme, database.hostname, database.path) == ("postgres", "db", "/gcm")
    cache = urlparse(resolve(environment["CACHE_URL"]))
    assert (cache.scheme, cache.hostname) == ("redis", "redis")


def test_no_secret_is_written_in_the_file():
    environment = COMPOSE["services"]["web"]["environment"]
    assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert COMPOSE["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${")


def test_every_settings_variable_is_documented():
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for variable in settings_variables():
        assert re.search(rf"^#?\s*{variable}=", example, re.MULTILINE), variable
        assert f"`{variable}`" in readme, variable
