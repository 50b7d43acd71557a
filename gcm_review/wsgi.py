"""WSGI entry point: ``gunicorn gcm_review.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcm_review.settings")

application = get_wsgi_application()
