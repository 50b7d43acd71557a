"""Rate limits, with counters in the Django cache (Redis in production, shared by workers).

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (environment variables
``API_THROTTLE_ANON`` and ``API_THROTTLE_USER``); a rate of None switches that limit off.
DRF's own classes copy the rates once, at import; these read them on every request, so a
test's ``override_settings`` takes effect.

Clients are told apart by ``REMOTE_ADDR``, or by the address the trusted proxies put in
``X-Forwarded-For`` when ``API_NUM_PROXIES`` says how many there are: with the default 0 a
forged ``X-Forwarded-For`` changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SettingsRate:
    scope: str

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate for the scope {self.scope!r}.")
        return rates[self.scope]


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    """Clients without an API key, per address (``API_THROTTLE_ANON``, default 60/min)."""


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Clients with an API key, per user (``API_THROTTLE_USER``, default 600/min).

    Anonymous clients fall under it too, per address, so the lower rate applies to them.
    """
