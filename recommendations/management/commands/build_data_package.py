"""Build the whole-dataset zip (/data/gcm-review-tracker.zip) ahead of its first download.

The site keeps the zip per data version (recommendations/datasets.py) and builds it on the
first download after a change; at the scale of every regional review that takes minutes,
longer than a request may last. Run this after a large load, or from cron:

    python manage.py build_data_package --base-url https://gcm.example.org/

The address is the site's own, as visitors reach it: the files give it as the source,
and a download through another address gets a zip of its own.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.datasets import data_package_path


def base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise CommandError(
            f"--base-url {value!r} is not the site's address: give it as "
            "https://host/ (scheme and host, nothing after the path)."
        )
    return value if value.endswith("/") else value + "/"


class Command(BaseCommand):
    help = "Build the zip of the published dataset for the current data version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            required=True,
            help="The site's address as visitors reach it, e.g. https://gcm.example.org/",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        path = data_package_path(base_url(options["base_url"]))
        self.stdout.write(
            f"{path} ({path.stat().st_size / 1e6:.1f} MB), "
            f"ready in {time.monotonic() - started:.1f} s."
        )
