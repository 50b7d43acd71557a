"""The whole public dataset as one download: a Frictionless data package in a zip.

CSV and JSON per kind (the same columns as the list exports), a ``datapackage.json``
describing every file and field, and a README with the licence and how to cite.
The zip is written to a file, not built in memory, so its size does not matter.

At the scale of every regional review (200,000 recommendations) writing it takes
minutes, longer than a request may last. It is therefore kept on disk
(``DATA_PACKAGE_DIR``), one file per data version (recommendations/models/data_version.py)
and site address: a write changes the version, so the next download builds a new one,
and ``manage.py build_data_package`` builds it ahead of the first download.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from recommendations.exports import columns_for, csv_stream, json_stream
from recommendations.models import Challenge, GoodPractice, Item, Recommendation
from recommendations.models.data_version import data_version

RESOURCES: list[tuple[str, type[Item]]] = [
    ("recommendations", Recommendation),
    ("challenges", Challenge),
    ("good-practices", GoodPractice),
]
PACKAGE_NAME = "gcm-review-tracker"


def table_schema(model: type[Item]) -> dict[str, Any]:
    fields = []
    for column in columns_for(model):
        field: dict[str, Any] = {
            "name": column.name,
            "type": column.type,
            "description": str(column.description),
        }
        if column.type == "boolean":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def datapackage(base_url: str, counts: dict[str, int]) -> dict[str, Any]:
    resources = []
    for name, model in RESOURCES:
        schema = table_schema(model)
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "title": str(model._meta.verbose_name_plural).capitalize(),
                "description": f"{counts[name]} published {model._meta.verbose_name_plural}.",
                "schema": schema,
            }
        )
        resources.append(
            {
                "name": f"{name}-json",
                "path": f"{name}.json",
                "profile": "data-resource",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "description": (
                    f"The same {model._meta.verbose_name_plural} as JSON: an object with “meta” "
                    "and “results”, one object per record with the CSV's columns."
                ),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "GCM Review Tracker: stakeholder challenges, good practices and recommendations",
        "description": (
            "What stakeholders recommended for the regional reviews of the Global Compact for "
            "Safe, Orderly and Regular Migration, traced to the paragraph of the source reports."
        ),
        "homepage": base_url,
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": [
            {
                "name": settings.DATA_LICENCE_NAME,
                "path": settings.DATA_LICENCE_URL,
                "title": settings.DATA_LICENCE_NAME,
            }
        ],
        "resources": resources,
    }


def readme(base_url: str) -> str:
    lines = [
        "# GCM Review Tracker: the published dataset",
        "",
        f"Source: {base_url}",
        f"Licence: {settings.DATA_LICENCE_NAME} ({settings.DATA_LICENCE_URL})",
        "",
        "Cite the database as: GCM Review Tracker, stakeholder recommendations for the regional "
        f"reviews of the Global Compact for Migration, {base_url} (accessed <date>).",
        "Cite a record with the `citation` column, which names the source document, its symbol, "
        "its date and the paragraph.",
        "",
        "Files: one CSV (UTF-8 with a byte-order mark, for Excel) and one JSON file per kind.",
        "datapackage.json describes every file and column (Frictionless Data Package).",
        "",
        "## Columns",
        "",
    ]
    for column in columns_for(Recommendation):
        only = " (recommendations only)" if column.recommendations_only else ""
        lines.append(f"- `{column.name}` ({column.type}){only}: {column.description}")
    return "\n".join(lines) + "\n"


def write_data_package(target: IO[bytes], base_url: str) -> None:
    """Write the zip of the published dataset to ``target``."""
    meta = {
        "licence": settings.DATA_LICENCE_NAME,
        "licence_url": settings.DATA_LICENCE_URL,
        "source": base_url,
    }
    counts = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, model in RESOURCES:
            queryset = model.objects.public().for_export().in_document_order()
            counts[name] = queryset.count()
            with archive.open(f"{PACKAGE_NAME}/{name}.csv", "w") as handle:
                for chunk in csv_stream(queryset, base_url):
                    handle.write(chunk.encode("utf-8"))
            with archive.open(f"{PACKAGE_NAME}/{name}.json", "w") as handle:
                for chunk in json_stream(queryset, base_url, meta={**meta, "title": name}):
                    handle.write(chunk.encode("utf-8"))
        archive.writestr(
            f"{PACKAGE_NAME}/datapackage.json",
            json.dumps(datapackage(base_url, counts), indent=2, ensure_ascii=False),
        )
        archive.writestr(f"{PACKAGE_NAME}/README.md", readme(base_url))


logger = logging.getLogger(__name__)

# A build interrupted (the process killed) leaves its partial file: removed after this long.
ABANDONED_SECONDS = 24 * 3600


def data_package_path(base_url: str) -> Path:
    """The zip of the published dataset as it is now: the kept file, or a new one."""
    directory = Path(settings.DATA_PACKAGE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    version = data_version()
    # The database's name too: another database (a restored copy, the tests') may have
    # reached the same version number with other rows.
    identity = "|".join(
        [
            str(settings.DATABASES["default"]["NAME"]),
            str(version.number),
            str(version.changed_at),
            base_url,
        ]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
    path = directory / f"{PACKAGE_NAME}-v{version.number}-{digest}.zip"
    if path.exists():
        return path
    # Written under another name, then renamed: a download never sees a partial zip, and
    # two processes building at once each rename a whole one.
    with tempfile.NamedTemporaryFile(
        dir=directory, prefix=".building-", suffix=".zip", delete=False
    ) as handle:
        try:
            write_data_package(handle, base_url)
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
    # Public data: readable by the site's user when another (cron, a deploy) built it.
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, path)
    _remove_outdated(directory, keep=path, current=f"{PACKAGE_NAME}-v{version.number}-")
    return path


def _remove_outdated(directory: Path, keep: Path, current: str) -> None:
    """Zips of earlier versions (those of other site addresses at this version stay), and
    builds abandoned long ago. A download under way keeps reading a file removed meanwhile."""
    built = keep.stat().st_mtime
    for pattern, before in (
        (f"{PACKAGE_NAME}-v*.zip", built),
        (".building-*.zip", built - ABANDONED_SECONDS),
    ):
        for other in directory.glob(pattern):
            # Another process may remove it first.
            with contextlib.suppress(FileNotFoundError):
                if not other.name.startswith(current) and other.stat().st_mtime < before:
                    other.unlink()


def open_data_package(base_url: str) -> IO[bytes]:
    """The zip, open for reading: the kept file or, when ``DATA_PACKAGE_DIR`` cannot be
    written (a deployment's mistake, logged), one written for this download alone."""
    try:
        return data_package_path(base_url).open("rb")
    except OSError:
        logger.exception(
            "The data package cannot be kept in DATA_PACKAGE_DIR=%s: written for this "
            "download only.",
            settings.DATA_PACKAGE_DIR,
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it after streaming
    write_data_package(handle, base_url)
    handle.seek(0)
    return handle
