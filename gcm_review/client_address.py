"""The client's address, one rule for the API's rate limits and the sign-in lockout.

Behind ``API_NUM_PROXIES`` trusted proxies, the client is the address the outermost of them
appended to ``X-Forwarded-For``; with the default 0 it is ``REMOTE_ADDR``, so a forged
``X-Forwarded-For`` changes nothing. DRF's throttles already apply exactly this rule
(``BaseThrottle.get_ident`` with ``NUM_PROXIES``); django-axes asks this function, so that
behind the TLS proxy one client's failed sign-ins do not lock the user out for everyone
coming through the same proxy, and a client cannot escape a lockout by forging the header.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, as far as the configured proxies vouch for it."""
    return BaseThrottle().get_ident(request) or None
