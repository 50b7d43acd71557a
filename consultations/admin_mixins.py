"""Admin behaviour shared by the records of the editorial workflow.

What a user may do is decided in gcm_review/workflow.py; this only applies it:
the publication states a form offers, which bulk actions appear, whether a record
opens for editing or read-only, and the history of every change (with revert).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Field, QuerySet
from django.forms import Field as FormField
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from consultations.publication import PublicationState
from consultations.services import publication_set_state
from gcm_review import workflow


class HistoryAdmin(SimpleHistoryAdmin):
    """Every record's changes, field by field, with the user; staff can restore a version.

    django-simple-history's history pages find the record without ``get_queryset()`` and
    save a restored version with only the *view* permission checked, against the old
    version's state: so a focal point could read another organization's drafts and an
    editor could rewrite a published record. Both pages first find the record as the
    change page would, and restoring asks ``workflow.can_restore`` about the record as it
    is now.
    """

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def _current(self, request: HttpRequest, object_id: str) -> Any:
        """The record as this user may see it; None when it was deleted; 404 when it
        exists but is hidden from them (or, deleted, its history is)."""
        current = self.get_object(request, unquote(object_id))
        if current is not None:
            return current
        if self.model._default_manager.filter(pk=unquote(object_id)).exists():
            raise Http404
        if not workflow.can_see_deleted_history(request.user, self.model):
            raise Http404
        return None

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        self._current(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        current = self._current(request, object_id)
        if request.method == "POST" and not workflow.can_restore(request.user, current, self.model):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        if super().revert_disabled(request, obj):
            return True
        current = self.get_object(request, str(obj.pk)) if obj is not None else None
        return not workflow.can_restore(request.user, current, self.model)


class WorkflowAdminMixin(HistoryAdmin):
    """Publication states and bulk actions, as the user's role allows."""

    actions = ["submit_for_review", "publish", "unpublish", "withdraw"]

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not workflow.can_publish(request.user, self.model):
            for name in ("publish", "unpublish", "withdraw"):
                actions.pop(name, None)
        return actions

    def formfield_for_choice_field(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> FormField:
        if db_field.name == "publication_state":
            allowed = workflow.allowed_states(request.user, self.model)
            kwargs["choices"] = [choice for choice in db_field.choices if choice[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _set_state(self, request: HttpRequest, queryset: QuerySet, state: PublicationState) -> None:
        records = [
            record for record in queryset if workflow.can_set_state(request.user, record, state)
        ]
        refused = queryset.count() - len(records)
        changed = publication_set_state(records=records, state=state, user=request.user)
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
        if refused:
            self.message_user(request, workflow.DENIED_MESSAGES["publish"], messages.WARNING)

    @admin.action(description=_("Submit the selected records for review"))
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        editable = [
            record
            for record in queryset.filter(publication_state=PublicationState.DRAFT)
            if workflow.can_edit(request.user, record)
        ]
        changed = publication_set_state(
            records=editable, state=PublicationState.IN_REVIEW, user=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d record submitted for review.",
                "%(count)d records submitted for review.",
                changed,
            )
            % {"count": changed},
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
