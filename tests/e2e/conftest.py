"""Browser tests: Chromium, driven by Playwright, against pytest-django's live server.

Chromium comes from the system (apt), never from `playwright install`: CHROMIUM_PATH, or
/usr/bin/chromium. Where it is missing, every browser test is skipped with the reason.

The live server needs transactional tests, and their flush empties the tables, the
framework data of the migrations included. The tests are marked
``serialized_rollback=True`` so that each one starts from the migrations' data, and each
module puts that data back when it ends, so tests running after them still find it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def chromium_missing() -> str | None:
    if os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK):
        return None
    return (
        f"Chromium not found at {CHROMIUM_PATH} (apt-get install chromium, or set "
        "CHROMIUM_PATH): browser tests skipped"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = chromium_missing()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def _migration_data(django_db_setup: None) -> dict[str, str]:
    """The migrations' data as the test database was created with (what
    ``serialized_rollback`` restores), by database alias; read before Playwright starts."""
    return {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if getattr(connection, "_test_serialized_contents", None)
    }


@pytest.fixture(scope="session")
def playwright(_migration_data: dict[str, str], playwright: Any) -> Iterator[Any]:
    """Playwright's sync API keeps an event loop running in the main thread until the end
    of the session, and from then on Django treats the thread as async code: it refuses
    ORM calls (the flushes between tests included) unless DJANGO_ALLOW_ASYNC_UNSAFE is set,
    and asgiref hands it new database connections, which lack the serialized migration
    data, so ``serialized_rollback`` would silently restore nothing. Give them that data,
    and close them while the loop still runs."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    for alias, contents in _migration_data.items():
        connections[alias]._test_serialized_contents = contents
    yield playwright
    connections.close_all()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(
    django_db_blocker: Any, _migration_data: dict[str, str]
) -> Iterator[None]:
    """After a module's last flush, put the migrations' data back for the tests after it
    (pytest-django runs transactional tests after the others, but not always last)."""
    yield
    from consultations.models import Objective

    with django_db_blocker.unblock():
        if Objective.objects.exists():
            return
        for alias, contents in _migration_data.items():
            connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    """The live server's address, with the default dataset loaded.

    The history of the import is not recorded: the pages look the same (a change log
    needs changes after publication) and the import runs three times faster.
    """
    from consultations.models import Objective

    assert Objective.objects.exists(), "the migrations' data was not restored before the test"
    settings.SIMPLE_HISTORY_ENABLED = False
    with open(os.devnull, "w") as quiet:
        call_command("load_default_data", stdout=quiet)
    settings.SIMPLE_HISTORY_ENABLED = True
    return live_server.url


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the suite leaves its screenshots for review (test-artifacts/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
