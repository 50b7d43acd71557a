"""Test settings: the project's one settings module, given a test environment.

Only environment defaults are supplied here, so the suite exercises the same
settings code production runs. DATABASE_URL passes through unchanged: the suite
runs on SQLite by default and on PostgreSQL when it points at one.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_HTTPS", "false")
# Each run its own kept data packages (recommendations/datasets.py).
os.environ.setdefault("DATA_PACKAGE_DIR", tempfile.mkdtemp(prefix="gcm-test-packages-"))

from gcm_review.settings import *  # noqa: F403
from gcm_review.settings import STORAGES

# The manifest storage needs collectstatic first; tests render templates without it.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files from the finders, as the development server does, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
