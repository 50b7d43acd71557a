"""The API's settings come from the environment and refuse a malformed rate or limit at
start-up."""

from __future__ import annotations

from tests.gcm_review.test_settings import PRODUCTION, run_settings

RATES = (
    "import django; from django.conf import settings; django.setup(); "
    "r = settings.REST_FRAMEWORK; print(r['DEFAULT_THROTTLE_RATES'], r['NUM_PROXIES'])"
)


def test_default_rates_and_no_proxy():
    result = run_settings(PRODUCTION, RATES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'anon': '60/min', 'user': '600/min'} 0"


def test_rates_and_proxies_from_the_environment():
    environment = {
        **PRODUCTION,
        "API_THROTTLE_ANON": "none",
        "API_THROTTLE_USER": "1000/hour",
        "API_NUM_PROXIES": "1",
    }
    result = run_settings(environment, RATES)
    assert result.stdout.strip() == "{'anon': None, 'user': '1000/hour'} 1"


def test_a_malformed_rate_stops_start_up():
    result = run_settings({**PRODUCTION, "API_THROTTLE_ANON": "sixty a minute"}, RATES)
    assert result.returncode != 0
    assert "API_THROTTLE_ANON='sixty a minute' is not a rate" in result.stderr


CHANGES_LIMIT = "import django; from django.conf import settings; print(settings.API_CHANGES_LIMIT)"


def test_the_changes_limit_from_the_environment():
    assert run_settings(PRODUCTION, CHANGES_LIMIT).stdout.strip() == "20000"
    environment = {**PRODUCTION, "API_CHANGES_LIMIT": "500"}
    assert run_settings(environment, CHANGES_LIMIT).stdout.strip() == "500"


def test_a_changes_limit_below_one_stops_start_up():
    result = run_settings({**PRODUCTION, "API_CHANGES_LIMIT": "0"}, CHANGES_LIMIT)
    assert result.returncode != 0
    assert "API_CHANGES_LIMIT=0 must be 1 or more." in result.stderr
