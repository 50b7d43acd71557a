"""The filters of the lists: one FilterSet per kind serves the public pages, the exports
and the API alike, with the same parameter names, values and meaning.

| parameter       | value                       | meaning                                   |
|-----------------|-----------------------------|-------------------------------------------|
| objective       | 1-23, repeatable            | tagged with any of these objectives       |
| cluster         | 1-4                         | from a consultation of that review cluster |
| review          | review slug                 | from that review                          |
| consultation    | consultation slug           | from that consultation                    |
| principle       | principle slug              | tagged with that guiding principle        |
| addressed_to    | addressee slug              | addressed to that actor (recommendations) |
| conclusion      | true / false                | a conclusion of the review or not (recs)  |
| covid           | true / false                | COVID-19 related or not                   |
| status          | status value, or none       | current follow-up status (recs)           |
| stale           | true / false                | latest update older than the period (recs) |
| country         | ISO 3166 code, e.g. PH      | with published follow-up there (recs)     |
| q               | text                        | full-text search                          |
| updated_since   | ISO 8601 date or date-time  | changed since then (for syncing)          |
| ordering        | see ORDERING                | sort order                                |
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import Country

from consultations.models import (
    CLUSTER_COUNT,
    OBJECTIVE_COUNT,
    Cluster,
    Consultation,
    GuidingPrinciple,
    Objective,
    Review,
)
from consultations.publication import PublicationState
from recommendations.models import (
    NO_UPDATE,
    NO_UPDATE_LABEL,
    Actor,
    Challenge,
    FollowUpStatus,
    GoodPractice,
    Item,
    Recommendation,
    Update,
    UpdateScope,
    stale_before,
)

MAX_QUERY_LENGTH = 300
BOOLEAN_CHOICES = [("true", _("Yes")), ("false", _("No"))]
ORDERING = {
    # Documents in the order they were entered, then paragraphs in document order: the
    # (source_document, reference_sort_key) index gives this order without a sort.
    "reference": (_("Document order"), ["source_document_id", "reference_sort_key"]),
    "-reference": (
        _("Document order, last first"),
        ["-source_document_id", "-reference_sort_key"],
    ),
    "-relevance": (
        _("Relevance to the search"),
        ["-relevance", "source_document_id", "reference_sort_key"],
    ),
    "-updated": (_("Recently changed first"), ["-updated_at", "-pk"]),
    "updated": (_("Least recently changed first"), ["updated_at", "pk"]),
}
NON_FILTER_PARAMETERS = {"page", "page_size", "format"}


def _number_choices(count: int) -> list[tuple[str, str]]:
    return [(str(n), str(n)) for n in range(1, count + 1)]


class ItemFilterSet(django_filters.FilterSet):
    objective = django_filters.MultipleChoiceFilter(
        label=_("Objective"),
        choices=_number_choices(OBJECTIVE_COUNT),
        method="filter_objective",
        help_text=_("GCM objective number, 1 to 23; repeat to match any of several."),
        error_messages={
            "invalid_choice": _("Objective %(value)s does not exist: use a number from 1 to 23.")
        },
    )
    cluster = django_filters.ChoiceFilter(
        label=_("Review cluster"),
        choices=_number_choices(CLUSTER_COUNT),
        field_name="consultation__cluster__number",
        help_text=_("Review cluster of resolution 73/326, 1 to 4."),
        error_messages={
            "invalid_choice": _("Cluster %(value)s does not exist: use a number from 1 to 4.")
        },
    )
    review = django_filters.ModelChoiceFilter(
        label=_("Review"),
        queryset=Review.objects.public(),
        to_field_name="slug",
        field_name="source_document__review",
        help_text=_("Slug of a review, e.g. asia-pacific-2020-21."),
        error_messages={"invalid_choice": _("There is no review with this slug.")},
    )
    consultation = django_filters.ModelChoiceFilter(
        label=_("Consultation"),
        queryset=Consultation.objects.public().select_related("review"),
        to_field_name="slug",
        null_label=_("Cross-cutting (no single consultation)"),
        null_value="none",
        help_text=_(
            "Slug of a consultation, e.g. asia-pacific-2020-21-1; “none” for cross-cutting "
            "items (the COVID-19 section, the conclusions)."
        ),
        error_messages={"invalid_choice": _("There is no consultation with this slug.")},
    )
    principle = django_filters.ModelChoiceFilter(
        label=_("Guiding principle"),
        queryset=GuidingPrinciple.objects.all(),
        to_field_name="slug",
        method="filter_principle",
        help_text=_("Slug of a guiding principle, e.g. gender-responsive."),
        error_messages={"invalid_choice": _("There is no guiding principle with this slug.")},
    )
    covid = django_filters.ChoiceFilter(
        label=_("COVID-19 related"),
        choices=BOOLEAN_CHOICES,
        method="filter_boolean",
        field_name="covid_related",
        help_text=_("true or false."),
        error_messages={"invalid_choice": _("Use true or false.")},
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_noop",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words to search for in the text."),
    )
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed since"),
        method="filter_updated_since",
        help_text=_("ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z: records changed since then."),
        error_messages={"invalid": _("Use an ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z.")},
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(value, label) for value, (label, _fields) in ORDERING.items()],
        method="filter_noop",
        empty_label=None,
        help_text=_("Default: relevance when searching, document order otherwise."),
        error_messages={
            "invalid_choice": _("Sort by one of: %(choices)s.") % {"choices": ", ".join(ORDERING)}
        },
    )

    # Filters ------------------------------------------------------------------------

    def _through_exists(self, queryset: QuerySet, relation: str, **lookups: Any) -> Exists:
        through = getattr(queryset.model, relation).through
        owner = f"{queryset.model._meta.model_name}_id"
        return Exists(through.objects.filter(**{owner: OuterRef("pk")}, **lookups))

    def filter_objective(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        numbers = [int(number) for number in value]
        return queryset.filter(
            self._through_exists(queryset, "objectives", objective__number__in=numbers)
        )

    def filter_principle(self, queryset: QuerySet, name: str, value: GuidingPrinciple) -> QuerySet:
        return queryset.filter(
            self._through_exists(queryset, "guiding_principles", guidingprinciple=value)
        )

    def filter_boolean(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{name: value == "true"})

    def filter_updated_since(
        self, queryset: QuerySet, name: str, value: datetime.datetime
    ) -> QuerySet:
        # An offset can push year 1 or 9999 out of range once in UTC: clamp, which selects
        # the same records the exact instant would.
        try:
            since = value.astimezone(datetime.UTC)
        except OverflowError:
            since = (datetime.datetime.min if value.year == 1 else datetime.datetime.max).replace(
                tzinfo=datetime.UTC
            )
        return queryset.filter(updated_at__gte=since)

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def __init__(self, *args: Any, fuzzy: bool = False, **kwargs: Any) -> None:
        # fuzzy: search by trigram similarity (a second try when the words match nothing).
        self.fuzzy = fuzzy
        super().__init__(*args, **kwargs)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Filter, then search (which annotates relevance), then sort."""
        queryset = super().filter_queryset(queryset)
        query = self.form.cleaned_data.get("q") or ""
        if query.strip():
            queryset = queryset.search(query, fuzzy=self.fuzzy)
        return queryset.order_by(*ORDERING[self.ordering_value][1])

    @property
    def ordering_value(self) -> str:
        chosen = self.form.cleaned_data.get("ordering") if self.is_bound else None
        searching = bool((self.form.cleaned_data.get("q") or "").strip())
        if chosen in ("-relevance",) and not searching:
            return "reference"
        if chosen:
            return chosen
        return "-relevance" if searching else "reference"

    @property
    def search_query(self) -> str:
        return (self.form.cleaned_data.get("q") or "").strip() if self.is_valid() else ""

    # Facets -------------------------------------------------------------------------

    def facets(self) -> list[Facet]:
        """For each facet, how many results each choice gives under the other filters.

        One query per facet, whatever the number of choices.
        """
        return [facet for facet in (self._facet(spec) for spec in self.facet_specs()) if facet]

    def facet_specs(self) -> list[FacetSpec]:
        return [
            FacetSpec(
                "objective",
                _("Objective"),
                "objectives__number",
                lambda counts: [
                    (str(o.number), f"{o.number}. {o.short_label}") for o in Objective.objects.all()
                ],
                multiple=True,
            ),
            FacetSpec(
                "cluster",
                _("Review cluster"),
                "consultation__cluster__number",
                lambda counts: [
                    (str(c.number), f"{c.number}. {c.title}") for c in Cluster.objects.all()
                ],
            ),
            FacetSpec(
                "consultation",
                _("Consultation"),
                "consultation__slug",
                lambda counts: [
                    *(
                        (c.slug, f"{c.sequence}. {c.title} ({c.review})")
                        for c in Consultation.objects.public().select_related("review")
                    ),
                    ("none", str(_("Cross-cutting (no single consultation)"))),
                ],
                to_key=lambda value: value or "none",
            ),
            FacetSpec(
                "principle",
                _("Guiding principle"),
                "guiding_principles__slug",
                lambda counts: [(p.slug, p.name) for p in GuidingPrinciple.objects.all()],
            ),
            FacetSpec(
                "covid",
                _("COVID-19 related"),
                "covid_related",
                lambda counts: [("true", _("Yes")), ("false", _("No"))],
                to_key=lambda value: "true" if value else "false",
            ),
        ]

    def _facet(self, spec: FacetSpec) -> Facet | None:
        data = self.data.copy()
        data.pop(spec.parameter, None)
        data.pop("ordering", None)
        others = type(self)(data, queryset=self.queryset, fuzzy=self.fuzzy)
        if not others.is_valid():
            return None
        matching = self.queryset.model.objects.filter(pk__in=others.qs.order_by().values("pk"))
        if spec.prepare is not None:
            matching = spec.prepare(matching)
        counts = {
            spec.to_key(row["value"]): row["count"]
            for row in matching.order_by()
            .values(value=F(spec.field))
            .annotate(count=Count("pk", distinct=True))
        }
        selected = (
            set(self.data.getlist(spec.parameter)) if hasattr(self.data, "getlist") else set()
        )
        return Facet(
            parameter=spec.parameter,
            label=spec.label,
            multiple=spec.multiple,
            choices=[
                FacetChoice(
                    value=value, label=label, count=counts.get(value, 0), selected=value in selected
                )
                for value, label in spec.choices(counts)
                if not spec.hide_empty or counts.get(value) or value in selected
            ],
        )


@dataclass
class FacetSpec:
    parameter: str
    label: str
    field: str
    choices: Any
    multiple: bool = False
    to_key: Any = str
    prepare: Any = None  # annotates or narrows the counted queryset
    hide_empty: bool = False  # long vocabularies list only the choices that give results


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    parameter: str
    label: str
    multiple: bool
    choices: list[FacetChoice]

    @property
    def any_selected(self) -> bool:
        return any(choice.selected for choice in self.choices)


class ChallengeFilterSet(ItemFilterSet):
    class Meta:
        model = Challenge
        fields: list[str] = []


class GoodPracticeFilterSet(ItemFilterSet):
    class Meta:
        model = GoodPractice
        fields: list[str] = []


class RecommendationFilterSet(ItemFilterSet):
    addressed_to = django_filters.ModelChoiceFilter(
        label=_("Addressed to"),
        queryset=Actor.objects.all(),
        to_field_name="slug",
        method="filter_addressed_to",
        help_text=_("Slug of an addressee, e.g. governments-destination."),
        error_messages={"invalid_choice": _("There is no addressee with this slug.")},
    )
    conclusion = django_filters.ChoiceFilter(
        label=_("Conclusion of the review"),
        choices=BOOLEAN_CHOICES,
        method="filter_boolean",
        field_name="is_conclusion",
        help_text=_(
            "true: only the review's conclusions; false: only consultation recommendations."
        ),
        error_messages={"invalid_choice": _("Use true or false.")},
    )

    status = django_filters.ChoiceFilter(
        label=_("Follow-up status"),
        choices=[*FollowUpStatus.choices, (NO_UPDATE, NO_UPDATE_LABEL)],
        method="filter_status",
        help_text=_(
            "Current status, derived from the latest published update: "
            "%(values)s, or “none” for no update yet."
        )
        % {"values": ", ".join(FollowUpStatus.values)},
        error_messages={
            "invalid_choice": _("Status %(value)s does not exist: use one of %(choices)s.")
            % {"value": "%(value)s", "choices": ", ".join([*FollowUpStatus.values, NO_UPDATE])}
        },
    )
    stale = django_filters.ChoiceFilter(
        label=_("Stale status"),
        choices=BOOLEAN_CHOICES,
        method="filter_stale",
        help_text=_("true: the latest published update is older than the staleness period."),
        error_messages={"invalid_choice": _("Use true or false.")},
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=lambda: [(code, name) for code, name in countries],
        method="filter_country",
        help_text=_("ISO 3166 code, e.g. PH: recommendations with published follow-up there."),
        error_messages={
            "invalid_choice": _("%(value)s is not an ISO 3166 country code (e.g. PH, NP).")
        },
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def filter_addressed_to(self, queryset: QuerySet, name: str, value: Actor) -> QuerySet:
        return queryset.filter(self._through_exists(queryset, "addressed_to", actor=value))

    @staticmethod
    def _with_status(queryset: QuerySet) -> QuerySet:
        if "current_status" in queryset.query.annotations:
            return queryset
        return queryset.with_status()

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self._with_status(queryset).filter(current_status=value)

    def filter_stale(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        queryset = self._with_status(queryset)
        stale = Q(status_as_of__lt=stale_before())
        return queryset.filter(stale) if value == "true" else queryset.exclude(stale)

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        published = Update.objects.filter(
            recommendation=OuterRef("pk"),
            publication_state=PublicationState.PUBLISHED,
            scope=UpdateScope.COUNTRY,
            country=value,
        )
        return queryset.filter(Exists(published))

    def facet_specs(self) -> list[FacetSpec]:
        return [
            *super().facet_specs(),
            FacetSpec(
                "addressed_to",
                _("Addressed to"),
                "addressed_to__slug",
                lambda counts: [(a.slug, a.name) for a in Actor.objects.all()],
            ),
            FacetSpec(
                "status",
                _("Follow-up status"),
                "current_status",
                lambda counts: [*FollowUpStatus.choices, (NO_UPDATE, str(NO_UPDATE_LABEL))],
                prepare=lambda queryset: queryset.with_status(),
            ),
            FacetSpec(
                "country",
                _("Follow-up in country"),
                "updates__country",
                lambda counts: sorted(
                    ((code, str(Country(code).name)) for code in counts if code),
                    key=lambda choice: choice[1],
                ),
                prepare=lambda queryset: queryset.filter(
                    updates__publication_state=PublicationState.PUBLISHED,
                    updates__scope=UpdateScope.COUNTRY,
                ),
                hide_empty=True,
            ),
        ]


FILTERSETS: dict[type[Item], type[ItemFilterSet]] = {
    Challenge: ChallengeFilterSet,
    GoodPractice: GoodPracticeFilterSet,
    Recommendation: RecommendationFilterSet,
}


def unknown_parameters(filterset_class: type[ItemFilterSet], names: Iterable[str]) -> list[str]:
    """Query parameters that are neither filters nor paging: the API refuses them."""
    known = set(filterset_class.base_filters) | NON_FILTER_PARAMETERS
    return sorted(set(names) - known)
