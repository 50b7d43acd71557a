"""Fixtures of the API tests.

- ``dataset``: the default dataset (the 2021 Asia-Pacific report), loaded once per module
  inside a transaction that is rolled back after the module; each test still runs in its
  own savepoint, so what a test creates disappears after it.
- The cache (throttle counters, ETag-free) is cleared around every test, so one test's
  requests never throttle the next.
- Personas: ``anonymous`` (the Django test client), ``partner`` (a user with a key);
  the roles of the editorial workflow are made by ``tests/api/personas.py``.
- Follow-up: ``rec_17b`` (recommendation 17(b)), ``org_a`` and ``org_b`` (two partners).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from consultations.api_keys import PartnerAPIKey


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_default_data", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def data(dataset, db) -> None:
    """The default dataset, for a test that uses the database."""


@pytest.fixture
def no_throttle(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }


@pytest.fixture
def throttle(settings):
    """Set the rates for one test: ``throttle(anon="3/min", user="5/min")``."""

    def apply(*, anon: str | None, user: str | None) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
        }

    return apply


@pytest.fixture
def partner(db):
    return get_user_model().objects.create_user(
        username="pat", email="pat@partner.example.org", password="partner password 123"
    )


@pytest.fixture
def partner_key(partner) -> str:
    _key_object, key = PartnerAPIKey.objects.create_key(user=partner, name="Partner's sync job")
    return key


@pytest.fixture
def partner_client(partner_key) -> Client:
    return Client(headers={"Authorization": f"Api-Key {partner_key}"})


# Follow-up ---------------------------------------------------------------------------------

ID_17B = "escap-gcm-2021-crp-2-recommendation-17b"


@pytest.fixture
def rec_17b(data):
    from recommendations.models import Recommendation

    return Recommendation.objects.get(public_id=ID_17B)


@pytest.fixture
def org_a(data):
    from tests.factories import make_organization

    return make_organization(name="Partner Network A")


@pytest.fixture
def org_b(data):
    from tests.factories import make_organization

    return make_organization(name="Partner Network B")
