"""Who may do what. Reading public data needs nothing; changing data needs a key.

The default permission is DRF's ``IsAuthenticatedOrReadOnly``. Write endpoints (follow-up
updates) add ``IsPartnerOrReadOnly``: a signed-in session is not enough there, the request
must carry a partner API key. What the key's user may then change is decided by
gcm_review/workflow.py, which the views ask.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from consultations.api_keys import PartnerAPIKey


class IsPartnerOrReadOnly(BasePermission):
    """Safe methods for everyone; other methods only with a partner API key of an active user.

    Use it on write endpoints next to the default ``IsAuthenticatedOrReadOnly``: anonymous
    writes get 401 (from the default), key-less authenticated writes get 403 (from this).
    """

    message = _("Changing data needs a partner API key: send “Authorization: Api-Key <key>”.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return isinstance(request.auth, PartnerAPIKey) and bool(request.user.is_active)
