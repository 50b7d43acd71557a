"""Admin for partner API keys: the key is shown once, when it is created, then only its
prefix; revoking is one tick and cannot be undone."""

from __future__ import annotations

from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from consultations.api_keys import PartnerAPIKey

# The package's own key model has no user and nothing accepts it: hide it so staff
# cannot issue a key that would never work.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "user"]
    list_filter = ["revoked", "created"]
    list_select_related = ["user"]
    search_fields = [*APIKeyModelAdmin.search_fields, "user__username", "user__email"]
    autocomplete_fields = ["user"]
