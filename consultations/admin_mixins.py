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
from django.db import transaction
from django.db.models import Field, Q, QuerySet
from django.forms import Field as FormField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
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

    The package builds the restore form from ``version.instance``, whose many-to-many
    fields read the record's *current* rows: restoring would silently keep today's tags.
    The form starts its tracked many-to-many fields from the version's own rows (the
    historical m2m tables) instead. Child rows edited inline with their own history
    (``restored_children``, e.g. an update's evidence links) are not in that form at all;
    they come back as they stood when the version was replaced, after the restore is saved.
    """

    # Reverse relations (related names) whose rows a restore brings back too.
    restored_children: tuple[str, ...] = ()

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
        version = get_object_or_404(
            self.model.history.model,
            **{self.model._meta.pk.attname: unquote(object_id), "history_id": version_id},
        )
        request._restoring_version = version  # read by get_form(), below
        replaced_at = self._replaced_at(version)
        if request.method != "POST":
            self._announce_children(request, version, replaced_at)
            return super().history_form_view(request, object_id, version_id, extra_context)
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if response.status_code == 302:
                self._restore_children(version, replaced_at)
        return response

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type:
        form = super().get_form(request, obj, change=change, **kwargs)
        version = getattr(request, "_restoring_version", None)
        if version is None:
            return form
        initial = {
            field.name: [
                getattr(row, f"{field.m2m_reverse_field_name()}_id")
                for row in getattr(version, field.name).all()
            ]
            for field in version._history_m2m_fields
            if field.name in form.base_fields
        }

        class RestoreForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                form_kwargs["initial"] = {**initial, **(form_kwargs.get("initial") or {})}
                super().__init__(*args, **form_kwargs)

        RestoreForm.__name__ = form.__name__
        return RestoreForm

    def _replaced_at(self, version: Any) -> Any:
        """When the record was next saved after ``version`` (None: it is the latest)."""
        later = (
            self.model.history.filter(id=version.id)
            .filter(
                Q(history_date__gt=version.history_date)
                | Q(history_date=version.history_date, history_id__gt=version.history_id)
            )
            .order_by("history_date", "history_id")
            .first()
        )
        return later.history_date if later is not None else None

    def _children_as_of(self, version: Any, replaced_at: Any) -> list[tuple[Any, str, dict]]:
        """Per restored relation: its model, foreign key and {pk: historical row} of the
        rows that existed until the version was replaced (the rows saved with the version
        come a moment after it, so a cut at the version's own date would miss them)."""
        found = []
        for name in self.restored_children:
            relation = self.model._meta.get_field(name)
            model, foreign_key = relation.related_model, relation.field.attname
            rows = model.history.filter(**{foreign_key: version.id})
            if replaced_at is not None:
                rows = rows.filter(history_date__lt=replaced_at)
            latest: dict[Any, Any] = {}
            for row in rows.order_by("history_date", "history_id"):
                latest[row.id] = row
            found.append(
                (
                    model,
                    foreign_key,
                    {pk: row for pk, row in latest.items() if row.history_type != "-"},
                )
            )
        return found

    def _announce_children(self, request: HttpRequest, version: Any, replaced_at: Any) -> None:
        for model, _foreign_key, rows in self._children_as_of(version, replaced_at):
            titles = ", ".join(str(row.instance) for row in rows.values()) or _("none")
            self.message_user(
                request,
                _("Restoring this version also brings back its %(rows)s as they were: %(titles)s.")
                % {"rows": model._meta.verbose_name_plural, "titles": titles},
                messages.INFO,
            )

    def _restore_children(self, version: Any, replaced_at: Any) -> None:
        """Delete, change or recreate child rows one by one, so each leaves its history
        (with the user, through the history middleware)."""
        for model, foreign_key, rows in self._children_as_of(version, replaced_at):
            fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            for current in model.objects.filter(**{foreign_key: version.id}):
                if current.pk not in rows:
                    current.delete()
            for pk, row in rows.items():
                values = {name: getattr(row, name) for name in fields}
                current = model.objects.filter(pk=pk).first()
                if current is None:
                    model(pk=pk, **values).save(force_insert=True)
                elif any(getattr(current, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(current, name, value)
                    current.save()

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
