"""Admin behaviour shared by every model with a publication state."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.publication import PublicationState
from consultations.services import publication_set_state


class PublicationActionsMixin:
    """Bulk actions to publish, unpublish (back to draft) and withdraw."""

    actions = ["publish", "unpublish", "withdraw"]

    def _set_state(self, request: HttpRequest, queryset: QuerySet, state: PublicationState) -> None:
        changed = publication_set_state(records=queryset, state=state)
        self.message_user(
            request,
            ngettext(
                "%(count)d record is now “%(state)s”.",
                "%(count)d records are now “%(state)s”.",
                changed,
            )
            % {"count": changed, "state": state.label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish the selected records"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_state(request, queryset, PublicationState.PUBLISHED)

    @admin.action(description=_("Unpublish the selected records (back to draft)"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_state(request, queryset, PublicationState.DRAFT)

    @admin.action(description=_("Withdraw the selected records (their addresses answer “gone”)"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_state(request, queryset, PublicationState.WITHDRAWN)
