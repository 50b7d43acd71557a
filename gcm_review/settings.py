"""Settings for the GCM Review Tracker, read from environment variables.

Every variable is listed, with its default, in README.md and .env.example.
Nothing here differs between machines except through the environment.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gcm_review.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Outside debug the application refuses to start "
            "without one. Generate one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Only ever used with DJANGO_DEBUG=true on a developer's machine.
    SECRET_KEY = "insecure-debug-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. Outside debug the application refuses to start "
            "without it: give the host names it is served under, comma-separated "
            "(e.g. DJANGO_ALLOWED_HOSTS=gcm.example.org)."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "corsheaders",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_countries",
    "simple_history",
    "import_export",
    "csp",
    "axes",
    "consultations",
    "recommendations",
]

MIDDLEWARE = [
    # /healthz and /readyz answer before host checks and HTTPS redirects.
    "gcm_review.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the history of records.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A plain 503 page, not a traceback, while the database is unreachable.
    "gcm_review.health.DatabaseUnavailableMiddleware",
    # Logs refused requests (403) as security events.
    "gcm_review.logs.SecurityEventMiddleware",
    # Locks out repeated failed sign-ins (django-axes); last, as it asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "gcm_review.urls"
WSGI_APPLICATION = "gcm_review.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gcm_review.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# No DATABASE_URL: the embedded default, a SQLite file inside the project folder.

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    _database = dj_database_url.parse(
        DATABASE_URL,
        # Persistent connections: a new scram-sha-256 handshake per request costs
        # PostgreSQL several times the request itself. Health checks make a
        # connection that died with a database restart get replaced, not reused.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
except ValueError as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not understood ({error}). Use postgres://user:password@host:5432/name "
        "or sqlite:////absolute/path/db.sqlite3."
    ) from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE makes a write
        # transaction take its lock up front instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif "postgresql" in _database["ENGINE"]:
    # Parallel workers per query help one big query on an idle server; under a web load
    # they compete with the other requests for the same cores (measured on 2 cores: twice
    # the requests per second on uncached lists without them). 0 by default.
    _database.setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={env_int('DATABASE_PARALLEL_WORKERS', 0)}"
    )
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Item indexes carry the id as a covering column for PostgreSQL's index-only scans;
# SQLite ignores it, and needs it not: its index entries always hold the row id.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache ------------------------------------------------------------------
# CACHE_URL=redis://host:6379/0 shares the cache (and API throttle counters)
# between server processes; without it each process keeps its own in memory.

CACHE_URL = env_str("CACHE_URL") or ""
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r} is not supported: use redis://host:6379/0 or leave it unset."
    )

# Counts and facet counts of lists, kept under the data version (recommendations/cache.py):
# a write changes the version, so no entry outlives the data it counted. 0 switches it off.
DATA_CACHE_SECONDS = env_int("DATA_CACHE_SECONDS", 3600)

# The whole-dataset zip (/data/gcm-review-tracker.zip), kept per data version: writing it
# takes minutes at scale (recommendations/datasets.py). Shared by the processes of a host.
DATA_PACKAGE_DIR = env_str("DATA_PACKAGE_DIR") or str(
    Path(tempfile.gettempdir()) / "gcm-review-tracker-packages"
)

# --- Passwords and sessions -------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language, time, countries ----------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# United Nations short names where they differ from ISO 3166's English names.
COUNTRIES_OVERRIDE = {
    "HK": _("Hong Kong, China"),
    "MO": _("Macao, China"),
    "IR": _("Iran (Islamic Republic of)"),
    "KP": _("Democratic People's Republic of Korea"),
    "KR": _("Republic of Korea"),
    "MD": _("Republic of Moldova"),
    "TZ": _("United Republic of Tanzania"),
    "CD": _("Democratic Republic of the Congo"),
    "LA": _("Lao People's Democratic Republic"),
    "VN": _("Viet Nam"),
    "FM": _("Micronesia (Federated States of)"),
    "TR": _("Türkiye"),
    "RU": _("Russian Federation"),
}

# --- Static files -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- HTTPS and security headers ---------------------------------------------
# DJANGO_HTTPS says the site is reached over HTTPS (directly or through a
# TLS-terminating proxy): on by default outside debug.

HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after this many hours (and when the browser closes).
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy: no inline or foreign scripts anywhere (the site, the admin,
# the API docs); styles may be inline because Swagger UI and the admin set some.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Brute force on the admin sign-in: after AXES_FAILURE_LIMIT failures for a user name
# from an address, that pair is locked out for AXES_COOLOFF_HOURS. Each failure and
# lockout is logged (logger "axes").
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address: as for the API's throttling, X-Forwarded-For is trusted only as far
# as API_NUM_PROXIES proxies (the TLS proxy in docker-compose is one).
AXES_CLIENT_IP_CALLABLE = "gcm_review.client_address.client_address"

# --- Logging ----------------------------------------------------------------
# One JSON object per line (DJANGO_LOG_FORMAT=json, the default outside debug), with an
# "event" field on security events and imports (gcm_review/logs.py).

LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "gcm_review.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# --- The public site -------------------------------------------------------

# The licence of the data, shown on the data page and carried by every export.
DATA_LICENCE_NAME = env_str("DATA_LICENCE_NAME", "CC BY 4.0")
DATA_LICENCE_URL = env_str("DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")
# Largest page a list or the API serves.
LIST_PAGE_SIZE = 25
LIST_MAX_PAGE_SIZE = 100
# A recommendation whose latest published update is older than this is shown as stale.
FOLLOW_UP_STALE_MONTHS = env_int("FOLLOW_UP_STALE_MONTHS", 12)

# Spreadsheet imports: all rows or none.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- API (Django REST framework) ---------------------------------------------
# Public data: anyone may read; partners send "Authorization: Api-Key <key>" for a higher
# rate and to submit follow-up updates. Throttle counters live in the cache above (Redis in
# production).


def _throttle_rate(name: str, value: str | None) -> str | None:
    """``60/min``-style rate, or None for "none" (no limit, e.g. for benchmarks)."""
    import re

    value = (value or "").strip()
    if value.lower() == "none":
        return None
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate: write requests/period, e.g. 60/min or 1000/hour, "
            "or none for no limit."
        )
    return value


API_THROTTLE_ANON = _throttle_rate("API_THROTTLE_ANON", env_str("API_THROTTLE_ANON", "60/min"))
API_THROTTLE_USER = _throttle_rate("API_THROTTLE_USER", env_str("API_THROTTLE_USER", "600/min"))

# /api/v1/changes/ reads every record that may have changed since the moment asked for;
# past this many it refuses (400) and points to the whole dataset (gcm_review/api/changes.py).
API_CHANGES_LIMIT = env_int("API_CHANGES_LIMIT", 20_000)
if API_CHANGES_LIMIT < 1:
    raise ImproperlyConfigured(f"API_CHANGES_LIMIT={API_CHANGES_LIMIT} must be 1 or more.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gcm_review.api.authentication.PartnerAPIKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "gcm_review.api.formats.ApiContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "gcm_review.api.pagination.ApiPagination",
    "PAGE_SIZE": LIST_PAGE_SIZE,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "gcm_review.api.throttling.AnonThrottle",
        "gcm_review.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "user": API_THROTTLE_USER},
    # How many proxies in front of the application set X-Forwarded-For. 0 (no proxy): the
    # client address is REMOTE_ADDR, and a forged X-Forwarded-For cannot dodge the limit.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
    "EXCEPTION_HANDLER": "gcm_review.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "GCM Review Tracker API",
    "DESCRIPTION": (
        "Stakeholder challenges, good practices and recommendations from the regional "
        "reviews of the Global Compact for Safe, Orderly and Regular Migration, with the GCM "
        "framework they are tagged with, and their follow-up. Public: no key is needed to "
        "read; partners with a key submit follow-up updates, which enter review. "
        "Lists take the same filters as the site's lists, are paged (`page`, `page_size`) "
        "and come as JSON or, with `format=csv`, as one CSV file of the whole filtered set. "
        "Responses carry `ETag` and `Last-Modified` for conditional requests. "
        "A guide with examples is at /api/guide/."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": DATA_LICENCE_NAME, "url": DATA_LICENCE_URL},
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RegionEnum": "consultations.models.Region",
        "OrganizationKindEnum": "consultations.models.Organization.Kind",
        "FollowUpStatusEnum": "recommendations.models.FollowUpStatus",
        "StatusCodeEnum": "recommendations.api.update_serializers.STATUS_CODE_CHOICES",
        "UpdateScopeEnum": "recommendations.models.UpdateScope",
        "PublicationStateEnum": "consultations.publication.PublicationState",
        "ChangeTypeEnum": "gcm_review.api.changes.TYPE_CHOICES",
        "ChangeKindEnum": "gcm_review.api.changes.CHANGE_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gcm_review.api.schema.tighten_query_parameters",
        "gcm_review.api.write_schema.close_request_bodies",
    ],
}

# Anyone may read the API from a browser on another site: the data is public, and no
# cookie or credential is ever honoured across origins.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "if-modified-since",
    "if-none-match",
    "user-agent",
]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Link", "Content-Disposition"]
CORS_PREFLIGHT_MAX_AGE = 86400
