"""Property-based tests of every operation against the live schema, in process.

schemathesis draws requests from the schema (its examples, then boundary and negative
cases, then random ones) and checks every response: no server error, status, content type,
headers and body as documented, valid input accepted, invalid input refused. Negative
cases (wrong types, values out of range, unknown parameters) are drawn in the coverage and
fuzzing phases alike: the API must refuse each with a documented 4xx.

The stateful phase follows the schema's links (gcm_review/api/schema_links.py): from a list to
its first record, from a record to the records it names. It checks that the ids one
endpoint gives are the ids the others accept, which no single call can show.

Every operation runs without a key, as most clients do: the write operations must then
answer 401, as documented. The write operations run again with a partner focal point's
key, so that their bodies are really read: whatever schemathesis sends, the answer is a
documented status with a documented body, never a server error. That second run does not
expect every schema-valid body to be accepted: the schema cannot say that a date is not in
the future, or that a one-country update needs its country.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput

from consultations.publication import PublicationState
from recommendations.models import Recommendation, UpdateScope
from tests.api.personas import make_user
from tests.factories import make_update

pytestmark = pytest.mark.usefixtures("data", "no_throttle", "followed_up")


@pytest.fixture
def followed_up(rec_17b, org_a) -> None:
    """Published updates (so that the lists and filters have rows) and hidden ones."""
    other = Recommendation.objects.public().exclude(pk=rec_17b.pk).first()
    make_update(
        recommendation=rec_17b,
        reported_by=org_a,
        evidence=[("A decree", "https://example.org/decree")],
    )
    make_update(recommendation=other, scope=UpdateScope.REGIONAL, status="implemented")
    make_update(recommendation=rec_17b, publication_state=PublicationState.IN_REVIEW)


@pytest.fixture
def api_schema() -> Iterator[schemathesis.BaseSchema]:
    # Each request would otherwise close the test's connection, and with it the
    # transaction that holds the dataset (on PostgreSQL, a 500 on every call).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        # Said rather than left to the default: positive and negative cases.
        loaded.config.generation.update(modes=list(GenerationMode))
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def focal_point_key(org_a) -> str:
    from consultations.api_keys import PartnerAPIKey

    user = make_user("focal point", organization=org_a)
    _key_object, key = PartnerAPIKey.objects.create_key(user=user, name="schemathesis")
    return key


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    # The same cases on every run, so CI runs what passed here; new seeds are explored
    # with `schemathesis run` against a live server, not by chance in CI.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case):
    case.call_and_validate()


@schema.include(method=["POST", "PATCH"]).parametrize()
@settings(
    max_examples=50,
    deadline=None,
    # The same cases on every run, so CI runs what passed here; new seeds are explored
    # with `schemathesis run` against a live server, not by chance in CI.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_write_operations_with_a_key_answer_only_as_documented(case, focal_point_key):
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {focal_point_key}"},
        excluded_checks=[positive_data_acceptance],
    )


def test_negative_cases_are_drawn_in_every_phase(api_schema):
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for phase in ("coverage", "fuzzing"):
            modes = api_schema.config.generation_for(operation=operation, phase=phase).modes
            assert GenerationMode.NEGATIVE in modes, (operation.label, phase)


def test_linked_operations_agree_on_their_ids(api_schema):
    """Lists to their records, records to what they name: every step answers as documented,
    and a record whose id another answer gave is found (never a 404)."""
    linked_statuses: list[int] = []

    class Linked(api_schema.as_state_machine()):
        def step(self, input: StepInput) -> StepOutput:
            output = super().step(input)
            if ("path", "id") in input.applied_parameters:
                linked_statuses.append(output.response.status_code)
                assert output.response.status_code != 404, input.case.as_curl_command()
            return output

    Linked.run(
        settings=settings(
            # Scenarios of up to 5 calls: about 15 s on SQLite.
            max_examples=40,
            stateful_step_count=5,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert 200 in linked_statuses
