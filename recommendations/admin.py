"""Admin for challenges, good practices and recommendations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from consultations.admin_mixins import HistoryAdmin, WorkflowAdminMixin
from gcm_review import workflow
from recommendations.admin_import import report_import_view
from recommendations.admin_spreadsheets import (
    RecommendationSpreadsheetAdminMixin,
    UpdateSpreadsheetAdminMixin,
)
from recommendations.models import (
    Actor,
    Challenge,
    EvidenceLink,
    GoodPractice,
    Item,
    Recommendation,
    Update,
)


class ItemAdminForm(forms.ModelForm):
    """Checks the admin can make that the database cannot: tags and links are coherent."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        objectives = cleaned.get("objectives")
        is_conclusion = cleaned.get("is_conclusion", False)
        if objectives is not None and not objectives and not is_conclusion:
            self.add_error(
                "objectives",
                _(
                    "Tag at least one GCM objective the text addresses. Only conclusions of "
                    "the review may have none."
                ),
            )
        consultation = cleaned.get("consultation")
        for field in ("challenges", "good_practices"):
            linked = cleaned.get(field)
            if not linked:
                continue
            strangers = [
                item.reference
                for item in linked
                if item.consultation_id is not None
                and (consultation is None or item.consultation_id != consultation.pk)
            ]
            if strangers:
                self.add_error(
                    field,
                    _(
                        "Link only items of this recommendation's consultation (or cross-cutting "
                        "items). Not of this consultation: %(refs)s."
                    )
                    % {"refs": ", ".join(strangers)},
                )
        return cleaned


class ItemAdmin(WorkflowAdminMixin):
    form = ItemAdminForm
    list_display = [
        "reference",
        "short_text",
        "consultation_label",
        "objective_numbers",
        "covid_related",
        "publication_state",
        "updated_at",
    ]
    list_display_links = ["reference", "short_text"]
    list_filter = [
        "publication_state",
        "consultation",
        "objectives",
        "guiding_principles",
        "covid_related",
        "source_document",
    ]
    search_fields = ["reference", "public_id", "text"]
    autocomplete_fields = ["source_document", "consultation", "objectives", "guiding_principles"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    list_per_page = 50
    ordering = ["source_document", "reference_sort_key"]
    save_on_top = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = (
            super()
            .get_queryset(request)
            .select_related("consultation", "source_document")
            .prefetch_related("objectives")
        )
        if workflow.is_focal_point(request.user):
            # Partners pick among what the public sees, never among drafts.
            queryset = queryset.public()
        return queryset

    def get_fieldsets(self, request: HttpRequest, obj: Item | None = None) -> list:
        return [
            (None, {"fields": ["source_document", "reference", "consultation", "text"]}),
            (_("Tags"), {"fields": self.tag_fields}),
            (_("Notes"), {"fields": ["footnote", "data_note"], "classes": ["collapse"]}),
            (
                _("Publication"),
                {"fields": ["publication_state", "public_id", ("created_at", "updated_at")]},
            ),
        ]

    tag_fields: list[Any] = ["objectives", "guiding_principles", "covid_related"]

    @admin.display(description=_("text"))
    def short_text(self, obj: Item) -> str:
        return Truncator(obj.text).words(18)

    @admin.display(description=_("consultation"), ordering="consultation__sequence")
    def consultation_label(self, obj: Item) -> str:
        if obj.consultation is None:
            return str(_("cross-cutting"))
        return _("Consultation %(sequence)s") % {"sequence": obj.consultation.sequence}

    @admin.display(description=_("objectives"))
    def objective_numbers(self, obj: Item) -> str:
        return ", ".join(str(objective.number) for objective in obj.objectives.all())


class UpdateInline(admin.TabularInline):
    model = Update
    fields = ["status", "as_of", "scope", "country", "reported_by", "publication_state"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-as_of"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Challenge)
class ChallengeAdmin(ItemAdmin):
    pass


@admin.register(GoodPractice)
class GoodPracticeAdmin(ItemAdmin):
    pass


@admin.register(Recommendation)
class RecommendationAdmin(RecommendationSpreadsheetAdminMixin, ItemAdmin):
    list_display = [*ItemAdmin.list_display[:5], "is_conclusion", *ItemAdmin.list_display[5:]]
    list_filter = [*ItemAdmin.list_filter, "is_conclusion", "addressed_to"]
    autocomplete_fields = [
        *ItemAdmin.autocomplete_fields,
        "addressed_to",
        "challenges",
        "good_practices",
    ]
    inlines = [UpdateInline]
    tag_fields = [
        "objectives",
        "guiding_principles",
        "addressed_to",
        "covid_related",
        "is_conclusion",
        "challenges",
        "good_practices",
    ]

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import-report/",
                self.admin_site.admin_view(report_import_view),
                name="recommendations_recommendation_import_report",
            ),
            *super().get_urls(),
        ]


@admin.register(Actor)
class ActorAdmin(HistoryAdmin):
    list_display = ["name", "slug", "description", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class EvidenceInline(admin.TabularInline):
    model = EvidenceLink
    fields = ["position", "title", "url"]
    extra = 1
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.can_edit(request.user, obj)
        )

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission  # type: ignore[assignment]


class UpdateAdminForm(forms.ModelForm):
    """Refuses an update on behalf of another organization than the focal point's own."""

    user: Any = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organization = cleaned.get("reported_by")
        if organization is not None and not workflow.can_report_for(self.user, organization):
            self.add_error("reported_by", workflow.DENIED_MESSAGES["organization"])
        return cleaned


@admin.register(Update)
class UpdateAdmin(UpdateSpreadsheetAdminMixin, WorkflowAdminMixin):
    form = UpdateAdminForm
    list_display = [
        "recommendation",
        "status",
        "as_of",
        "place",
        "reported_by",
        "publication_state",
        "updated_at",
    ]
    list_filter = ["publication_state", "status", "scope", "country", "reported_by"]
    list_select_related = ["recommendation", "recommendation__source_document", "reported_by"]
    search_fields = [
        "description",
        "responsible_body",
        "recommendation__reference",
        "recommendation__public_id",
        "reported_by__name",
    ]
    autocomplete_fields = ["recommendation", "reported_by"]
    readonly_fields = ["public_id", "created_by", "created_at", "updated_at"]
    date_hierarchy = "as_of"
    inlines = [EvidenceInline]
    restored_children = ("evidence",)
    fieldsets = [
        (None, {"fields": ["recommendation", ("status", "as_of"), "description"]}),
        (_("Where and who"), {"fields": [("scope", "country"), "reported_by", "responsible_body"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "publication_state",
                    "public_id",
                    "created_by",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return workflow.visible_updates(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "recommendation":
            # The autocomplete offers only these; a hand-made POST must not get further.
            kwargs["queryset"] = workflow.reportable_recommendations(
                request.user, Recommendation.objects.all()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> type:
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        organization = workflow.focal_point_organization(request.user)
        if organization is not None:
            initial.setdefault("reported_by", organization.pk)
        return initial

    def save_model(self, request: HttpRequest, obj: Update, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("where"))
    def place(self, obj: Update) -> str:
        return obj.place
