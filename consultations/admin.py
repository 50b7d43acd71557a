"""Admin for the framework and the consultations, made for the secretariat's daily use."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from consultations.admin_mixins import HistoryAdmin, WorkflowAdminMixin
from consultations.models import (
    Cluster,
    Consultation,
    CoOrganizer,
    GuidingPrinciple,
    Objective,
    Organization,
    ParticipantShare,
    Review,
    SourceDocument,
    StakeholderGroup,
)
from consultations.partners import FocalPoint


class ObjectiveInline(admin.TabularInline):
    model = Objective
    fields = ["number", "short_label", "title"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Cluster)
class ClusterAdmin(HistoryAdmin):
    list_display = ["number", "title", "objective_numbers"]
    search_fields = ["title", "slug"]
    inlines = [ObjectiveInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("objectives")

    @admin.display(description=_("objectives"))
    def objective_numbers(self, obj: Cluster) -> str:
        return ", ".join(str(objective.number) for objective in obj.objectives.all())


@admin.register(Objective)
class ObjectiveAdmin(HistoryAdmin):
    list_display = ["number", "short_label", "title", "cluster"]
    list_display_links = ["number", "short_label"]
    list_filter = ["cluster"]
    search_fields = ["title", "short_label", "slug"]
    list_select_related = ["cluster"]
    prepopulated_fields = {"slug": ["short_label"]}


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(HistoryAdmin):
    list_display = ["name", "compact_paragraph", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(HistoryAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ["name", "acronym", "kind", "stakeholder_group", "country_names", "website"]
    list_filter = ["kind", "stakeholder_group"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["stakeholder_group"]
    list_select_related = ["stakeholder_group"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("countries"))
    def country_names(self, obj: Organization) -> str:
        return ", ".join(country.name for country in obj.countries)


@admin.register(Review)
class ReviewAdmin(WorkflowAdminMixin):
    list_display = ["__str__", "title", "meeting_start", "consultation_count", "publication_state"]
    list_filter = ["publication_state", "region", "cycle"]
    search_fields = ["title", "slug", "cycle", "region"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        ("region", "cycle"),
        "title",
        "slug",
        ("meeting_start", "meeting_end"),
        "venue",
        "publication_state",
        ("created_at", "updated_at"),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(consultation_total=Count("consultations"))

    @admin.display(description=_("consultations"), ordering="consultation_total")
    def consultation_count(self, obj: Review) -> int:
        return obj.consultation_total


@admin.register(SourceDocument)
class SourceDocumentAdmin(HistoryAdmin):
    list_display = ["symbol", "title", "issuing_body", "date", "review"]
    list_filter = ["review", "issuing_body"]
    search_fields = ["symbol", "title", "issuing_body"]
    autocomplete_fields = ["review"]
    list_select_related = ["review"]
    date_hierarchy = "date"
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class CoOrganizerInline(admin.TabularInline):
    model = CoOrganizer
    autocomplete_fields = ["organization"]
    fields = ["position", "organization", "countries"]
    extra = 1


class ParticipantShareInline(admin.TabularInline):
    model = ParticipantShare
    autocomplete_fields = ["stakeholder_groups"]
    fields = ["position", "approximate", "percent", "stakeholder_groups"]
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(WorkflowAdminMixin):
    list_display = [
        "sequence",
        "title",
        "review",
        "date",
        "cluster",
        "participants",
        "publication_state",
    ]
    list_display_links = ["sequence", "title"]
    list_filter = ["publication_state", "review", "cluster", "objectives"]
    search_fields = ["title", "slug"]
    list_select_related = ["review", "cluster"]
    autocomplete_fields = [
        "review",
        "cluster",
        "objectives",
        "supporting_entities",
        "sectors",
        "source_document",
    ]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "date"
    inlines = [CoOrganizerInline, ParticipantShareInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("review", "sequence"),
                    "title",
                    "slug",
                    "date",
                    "cluster",
                    "objectives",
                    "publication_state",
                ]
            },
        ),
        (
            _("Participation"),
            {
                "fields": [
                    "supporting_entities",
                    ("participants", "countries_represented"),
                    "sectors",
                    "gender_balance_note",
                ]
            },
        ),
        (_("Provenance"), {"fields": ["source_document", "paragraphs"]}),
        (_("Record"), {"fields": [("created_at", "updated_at")]}),
    ]


@admin.register(FocalPoint)
class FocalPointAdmin(HistoryAdmin):
    list_display = ["user", "organization"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


import consultations.admin_api_keys  # noqa: E402,F401
