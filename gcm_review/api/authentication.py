"""Partners authenticate with ``Authorization: Api-Key <key>``.

Without the header, or with another scheme, a client is anonymous (everything public
stays readable). With it, the key must be valid, unrevoked, unexpired and belong to an
active user, or the request is refused with 401 and a message that says which: a partner
whose key is wrong should learn it at once, not be served quietly as an anonymous client.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from consultations.api_keys import PartnerAPIKey

KEYWORD = "Api-Key"
# What djangorestframework-api-key generates: an 8-character prefix, a dot, 32 characters.
# Anything else is refused before the database sees it.
KEY_PATTERN = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", re.ASCII)


class PartnerAPIKeyAuthentication(BaseAuthentication):
    """Returns ``(user, key)`` for a good partner key, None without an Authorization header."""

    def authenticate(self, request: Request) -> tuple[object, PartnerAPIKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _space, key = header.strip().partition(" ")
        if scheme.lower() != KEYWORD.lower():
            # Another scheme is not ours to judge (a proxy's Basic auth on a staging site):
            # the client is anonymous.
            return None
        key = key.strip()
        invalid = _(
            "This API key is not valid. Check that you copied it whole; "
            "the secretariat can issue a new one."
        )
        if not KEY_PATTERN.fullmatch(key):
            raise AuthenticationFailed(invalid)
        api_key = (
            PartnerAPIKey.objects.select_related("user")
            .filter(prefix=key.partition(".")[0])
            .first()
        )
        if api_key is None or not api_key.is_valid(key):
            raise AuthenticationFailed(invalid)
        if api_key.revoked:
            raise AuthenticationFailed(_("This API key has been revoked."))
        if api_key.has_expired:
            raise AuthenticationFailed(_("This API key has expired."))
        if not api_key.user.is_active:
            raise AuthenticationFailed(_("The account this API key belongs to is deactivated."))
        return api_key.user, api_key

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'
