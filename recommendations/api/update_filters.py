"""The filters of the follow-up updates list in the API.

| parameter       | value                          | meaning                                |
|-----------------|--------------------------------|----------------------------------------|
| recommendation  | public id of a recommendation  | updates of that recommendation         |
| status          | a status value                 | updates reporting that status          |
| country         | ISO 3166 code, e.g. PH         | one-country updates for that country   |
| scope           | country, multi_country, regional | updates of that scope                |
| reported_by     | organization id (slug)         | reported by that organization          |
| as_of_after     | date (YYYY-MM-DD)              | as of that date or later               |
| as_of_before    | date (YYYY-MM-DD)              | as of that date or earlier             |
| updated_since   | ISO 8601 date or date-time     | changed since then (for syncing)       |
| ordering        | -as_of, as_of, -updated, updated | sort order                           |

Values use the same vocabularies as the recommendation filters (``status``, ``country``).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from consultations.api.organizations import all_organization_slugs
from recommendations.filters import ItemFilterSet
from recommendations.models import FollowUpStatus, Recommendation, Update, UpdateScope

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
UPDATE_ORDERING = {
    "-as_of": (_("Latest as-of date first"), ["-as_of", "-created_at", "-pk"]),
    "as_of": (_("Earliest as-of date first"), ["as_of", "created_at", "pk"]),
    "-updated": (_("Recently changed first"), ["-updated_at", "-pk"]),
    "updated": (_("Least recently changed first"), ["updated_at", "pk"]),
}


class StrictDateField(forms.DateField):
    """Only YYYY-MM-DD, what OpenAPI's ``date`` format means (Django also reads 10/25/06)."""

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateField


def _organization_choices() -> list[tuple[str, str]]:
    return [(slug, slug) for slug in sorted(all_organization_slugs().values())]


DATE_ERROR = {"invalid": _("Use a date such as 2025-01-31.")}


class UpdateFilterSet(django_filters.FilterSet):
    recommendation = django_filters.ModelChoiceFilter(
        label=_("Recommendation"),
        queryset=Recommendation.objects.public(),
        to_field_name="public_id",
        help_text=_(
            "Public id of a recommendation, e.g. escap-gcm-2021-crp-2-recommendation-17b: "
            "its updates."
        ),
        error_messages={
            "invalid_choice": _(
                "No published recommendation has this id (see /api/v1/recommendations/)."
            )
        },
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=FollowUpStatus.choices,
        help_text=_("Updates reporting this status: %(values)s.")
        % {"values": ", ".join(FollowUpStatus.values)},
        error_messages={
            "invalid_choice": _("Status %(value)s does not exist: use one of %(choices)s.")
            % {"value": "%(value)s", "choices": ", ".join(FollowUpStatus.values)}
        },
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=lambda: [(code, name) for code, name in countries],
        method="filter_country",
        help_text=_("ISO 3166 code, e.g. PH: one-country updates for that country."),
        error_messages={
            "invalid_choice": _("%(value)s is not an ISO 3166 country code (e.g. PH, NP).")
        },
    )
    scope = django_filters.ChoiceFilter(
        label=_("Scope"),
        choices=UpdateScope.choices,
        help_text=_("country, multi_country or regional."),
        error_messages={
            "invalid_choice": _("Scope %(value)s does not exist: use one of %(choices)s.")
            % {"value": "%(value)s", "choices": ", ".join(UpdateScope.values)}
        },
    )
    reported_by = django_filters.ChoiceFilter(
        label=_("Reported by"),
        choices=_organization_choices,
        method="filter_reported_by",
        help_text=_("Id of an organization (see /api/v1/organizations/): the updates it reported."),
        error_messages={
            "invalid_choice": _("No organization has this id (see /api/v1/organizations/).")
        },
    )
    as_of_after = StrictDateFilter(
        label=_("As of, from"),
        field_name="as_of",
        lookup_expr="gte",
        help_text=_("Updates as of this date or later (YYYY-MM-DD)."),
        error_messages=DATE_ERROR,
    )
    as_of_before = StrictDateFilter(
        label=_("As of, until"),
        field_name="as_of",
        lookup_expr="lte",
        help_text=_("Updates as of this date or earlier (YYYY-MM-DD)."),
        error_messages=DATE_ERROR,
    )
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed since"),
        method="filter_updated_since",
        help_text=_("ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z: updates changed since then."),
        error_messages={"invalid": _("Use an ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z.")},
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(value, label) for value, (label, _fields) in UPDATE_ORDERING.items()],
        method="filter_noop",
        empty_label=None,
        help_text=_("Default: the latest as-of date first."),
        error_messages={
            "invalid_choice": _("Sort by one of: %(choices)s.")
            % {"choices": ", ".join(UPDATE_ORDERING)}
        },
    )

    class Meta:
        model = Update
        fields: list[str] = []

    filter_updated_since = ItemFilterSet.filter_updated_since

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.for_country(value)

    def filter_reported_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        pks = [pk for pk, slug in all_organization_slugs().items() if slug == value]
        return queryset.filter(reported_by_id__in=pks)

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        chosen = self.form.cleaned_data.get("ordering") or "-as_of"
        return queryset.order_by(*UPDATE_ORDERING[chosen][1])
