"""API keys of partners: stored hashed, shown once, revocable, each tied to a user.

The key itself (``prefix.secret``) is never stored: only its prefix, to find the row,
and a SHA-512 hash of the whole key (djangorestframework-api-key). A partner sends it as
``Authorization: Api-Key <key>``; ``gcm_review.api.authentication`` checks it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey


class PartnerAPIKey(AbstractAPIKey):
    """A key a partner organization uses to call the API as one of our users.

    Today a key only raises the rate limit; write operations (the tracking issue) will
    require one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("user"),
        help_text=_(
            "The account the partner acts as. Deactivating the account stops all its keys."
        ),
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
