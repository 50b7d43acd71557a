"""Rate limits: 429 with Retry-After past the anonymous rate, a higher rate with a key,
counters per client address that a forged X-Forwarded-For cannot reset."""

from __future__ import annotations

import os

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("data")
URL = "/api/v1/objectives/"


def test_anonymous_clients_get_a_429_with_retry_after_past_their_rate(client, throttle):
    throttle(anon="3/min", user="100/min")
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]

    refused = client.get(URL)

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Request was throttled.")


@pytest.mark.skipif("API_THROTTLE_ANON" in os.environ, reason="API_THROTTLE_ANON is set")
def test_the_default_anonymous_rate_is_60_a_minute(client):
    statuses = [client.get(URL).status_code for _ in range(61)]
    assert statuses.count(200) == 60
    assert statuses[-1] == 429


def test_a_key_gets_the_higher_rate(partner_client, client, throttle):
    throttle(anon="2/min", user="5/min")
    assert [partner_client.get(URL).status_code for _ in range(5)] == [200] * 5
    assert partner_client.get(URL).status_code == 429
    # Anonymous clients of the same address are counted apart from the partner.
    assert client.get(URL).status_code == 200


def test_a_forged_forwarded_for_does_not_reset_the_count(throttle):
    throttle(anon="2/min", user=None)
    statuses = [
        Client(headers={"X-Forwarded-For": f"203.0.113.{n}"}).get(URL).status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_behind_a_proxy_the_forwarded_address_is_the_client(throttle, settings):
    throttle(anon="1/min", user=None)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    one = Client(headers={"X-Forwarded-For": "198.51.100.1"})
    other = Client(headers={"X-Forwarded-For": "198.51.100.2"})
    assert [one.get(URL).status_code, one.get(URL).status_code] == [200, 429]
    assert other.get(URL).status_code == 200


def test_none_switches_a_limit_off(client, no_throttle):
    assert {client.get(URL).status_code for _ in range(70)} == {200}


def test_item_lists_are_throttled_too(client, throttle):
    throttle(anon="1/min", user=None)
    assert client.get("/api/v1/recommendations/").status_code == 200
    assert client.get("/api/v1/recommendations/", {"format": "csv"}).status_code == 429
