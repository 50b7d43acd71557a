"""Admin for challenges, good practices and recommendations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from consultations.admin_mixins import PublicationActionsMixin
from recommendations.admin_import import report_import_view
from recommendations.models import Actor, Challenge, GoodPractice, Item, Recommendation


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


class ItemAdmin(PublicationActionsMixin, admin.ModelAdmin):
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
        return (
            super()
            .get_queryset(request)
            .select_related("consultation", "source_document")
            .prefetch_related("objectives")
        )

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


@admin.register(Challenge)
class ChallengeAdmin(ItemAdmin):
    pass


@admin.register(GoodPractice)
class GoodPracticeAdmin(ItemAdmin):
    pass


@admin.register(Recommendation)
class RecommendationAdmin(ItemAdmin):
    list_display = [*ItemAdmin.list_display[:5], "is_conclusion", *ItemAdmin.list_display[5:]]
    list_filter = [*ItemAdmin.list_filter, "is_conclusion", "addressed_to"]
    autocomplete_fields = [
        *ItemAdmin.autocomplete_fields,
        "addressed_to",
        "challenges",
        "good_practices",
    ]
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
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
