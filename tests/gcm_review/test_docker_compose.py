"""docker-compose.yml cannot run here (no Docker engine): check it against the settings."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
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


def test_services_are_postgres_redis_gunicorn_and_nginx():
    services = COMPOSE["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["web"]["command"][0] == "gunicorn"
    assert "gcm_review.wsgi" in services["web"]["command"]
    # Threaded workers: a sync worker is killed at gunicorn's 30 s timeout in the middle
    # of a long export (200,000 rows stream for about a minute).
    command = services["web"]["command"]
    assert command[command.index("--worker-class") + 1] == "gthread"
    assert services["nginx"]["image"] == "nginx:stable"


def test_only_nginx_is_published_and_it_serves_http_and_https():
    services = COMPOSE["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}
    assert {port.split(":")[-1] for port in services["nginx"]["ports"]} == {"80", "443"}


def test_nginx_gets_its_configuration_and_the_certificates_from_the_environment():
    mounts = dict(volume.rsplit(":", 2)[:2] for volume in COMPOSE["services"]["nginx"]["volumes"])
    assert mounts["./deploy/nginx/gcm.conf"] == "/etc/nginx/conf.d/default.conf"
    assert (ROOT / "deploy" / "nginx" / "gcm.conf").is_file()
    assert mounts["${NGINX_CERTS_DIR:-./deploy/certs}"] == "/etc/nginx/certs"
    assert (ROOT / "deploy" / "certs").is_dir()
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^NGINX_CERTS_DIR=\./deploy/certs$", example, re.MULTILINE)


def test_no_certificate_or_key_can_be_committed():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot ask git what it ignores")
    for name in ("privkey.pem", "fullchain.pem", "site.key"):
        ignored = subprocess.run(
            ["git", "check-ignore", "--quiet", f"deploy/certs/{name}"], cwd=ROOT, check=False
        )
        assert ignored.returncode == 0, f"deploy/certs/{name} is not ignored by git"


def test_postgres_has_a_named_volume_and_healthchecks_gate_the_app():
    services = COMPOSE["services"]
    volume = services["db"]["volumes"][0].split(":")[0]
    assert volume in COMPOSE["volumes"]
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"]
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_the_app_and_nginx_have_healthchecks_and_nginx_waits_for_the_app():
    services = COMPOSE["services"]
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "https://127.0.0.1/healthz" in services["nginx"]["healthcheck"]["test"]
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_app_is_configured_by_the_variables_the_settings_read():
    known = settings_variables()
    for name in ("web", "migrate"):
        environment = COMPOSE["services"][name]["environment"]
        assert set(environment) <= known, set(environment) - known
    environment = COMPOSE["services"]["web"]["environment"]
    required = {"DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "CACHE_URL"}
    assert required <= set(environment)


def test_behind_nginx_the_settings_trust_one_proxy_and_its_https_header():
    """The settings module itself, given the web service's environment as compose resolves
    it: HTTPS is on and X-Forwarded-Proto is trusted (else the HTTPS redirect loops behind
    nginx), and one proxy's X-Forwarded-For address is the client's."""
    environment = {
        name: resolve(str(value))
        for name, value in COMPOSE["services"]["web"]["environment"].items()
    }
    script = (
        "import json, gcm_review.settings as s; print(json.dumps({"
        "'proxy_header': s.SECURE_PROXY_SSL_HEADER, 'redirect': s.SECURE_SSL_REDIRECT, "
        "'secure_cookies': s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'api_proxies': s.REST_FRAMEWORK['NUM_PROXIES'], "
        "'axes_client': s.AXES_CLIENT_IP_CALLABLE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "redirect": True,
        "secure_cookies": True,
        "hsts": 31_536_000,
        "api_proxies": 1,
        # The lockout asks the throttle's rule, which counts NUM_PROXIES.
        "axes_client": "gcm_review.client_address.client_address",
    }


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
