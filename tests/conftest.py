"""Shared fixtures. Personas: alice is a secretariat administrator (staff, all rights)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (counts, facets, throttle counters): what one
    test computed is never what another one reads."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_superuser(
        username="alice", email="alice@example.org", password="correct horse battery"
    )


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def imported(db, settings):
    """The 2021 Asia-Pacific dataset, imported as make run imports it, without its history.

    Recording the history of the import triples its time, and most tests import the
    dataset; tests about history use ``imported_with_history``.
    """
    settings.SIMPLE_HISTORY_ENABLED = False
    call_command("load_default_data", verbosity=0)
    settings.SIMPLE_HISTORY_ENABLED = True


@pytest.fixture
def imported_with_history(db):
    """The 2021 dataset imported exactly as make run imports it, history included."""
    call_command("load_default_data", verbosity=0)
