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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, ngettext
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
from recommendations.cache import cached
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
# The consultation facet lists the consultations with the most results, at most this many.
CONSULTATION_CHOICES = 20
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

    def get_form_class(self) -> type:
        """The form class, made once per FilterSet class: its fields are the same for every
        request (each form still copies them), and making them again cost more than a page's
        queries."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def __init__(self, *args: Any, fuzzy: bool = False, **kwargs: Any) -> None:
        # fuzzy: search by trigram similarity (a second try when the words match nothing).
        self.fuzzy = fuzzy
        super().__init__(*args, **kwargs)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Filter, then search (which annotates relevance), then sort."""
        return self._filtered(queryset).order_by(*ORDERING[self.ordering_value][1])

    def _filtered(self, queryset: QuerySet, *, without: str | None = None) -> QuerySet:
        """``queryset`` under every filter but ``without``, searched, unsorted. A facet
        reuses the cleaned values: validating again would query each vocabulary again."""
        for name, value in self.form.cleaned_data.items():
            if name != without:
                queryset = self.filters[name].filter(queryset, value)
        query = self.form.cleaned_data.get("q") or ""
        if query.strip():
            queryset = queryset.search(query, fuzzy=self.fuzzy)
        return queryset

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

    # The list form's own controls besides the facets: the search box and the sort.
    FORM_CONTROLS = ("q", "ordering")

    def facets(self) -> list[Facet]:
        """For each facet, how many results each choice gives under the other filters.

        One grouped count per facet, whatever the number of choices, plus one query for
        the labels of a vocabulary; kept under the data version (recommendations/cache.py),
        so that the pages of one filter, and every filter that leaves a facet's base alone,
        count once per change of the data.
        """
        if not self.is_valid():
            return []
        return cached("facets", self.cache_key(), self._compute_facets)

    def _compute_facets(self) -> list[Facet]:
        return [facet for facet in (self._facet(spec) for spec in self.facet_specs()) if facet]

    @cached_property
    def count(self) -> int:
        """How many records match, kept under the data version like the facets."""
        return cached("count", self.cache_key(), self.qs.count)

    def cache_key(self) -> tuple:
        """What the count and facets depend on besides the data: the kind, the filters and
        their values as given (paging and sort order left out), the spelling fallback, the
        language of the labels and the date (a status turns stale with the calendar)."""
        values = []
        if hasattr(self.data, "getlist"):
            values = [
                (name, tuple(value.strip() for value in self.data.getlist(name)))
                for name in sorted(self.filters)
                if name != "ordering" and self.data.getlist(name)
            ]
        return (
            self.queryset.model._meta.label,
            tuple(values),
            self.fuzzy,
            get_language(),
            timezone.localdate().isoformat(),
        )

    def uncontrolled_values(self, facets: Iterable[Facet | str]) -> list[tuple[str, str]]:
        """The bound filter values that the list form has no control for (a filter with
        no facet, a facet left out), as (parameter, value) pairs: the form carries them
        in hidden fields, so changing a facet does not silently drop them. ``facets``:
        the facets shown, or their parameters."""
        shown = {
            *self.FORM_CONTROLS,
            *(facet if isinstance(facet, str) else facet.parameter for facet in facets),
        }
        if not hasattr(self.data, "getlist"):
            return []
        return [
            (name, value)
            for name in self.filters
            if name not in shown
            for value in self.data.getlist(name)
            if value != ""
        ]

    def facet_specs(self) -> list[FacetSpec]:
        return [
            FacetSpec(
                "objective",
                _("Objective"),
                "objectives__number",
                vocabulary=Objective.objects.all,
                key="number",
                choice_label=lambda o: f"{o.number}. {o.short_label}",
                multiple=True,
            ),
            FacetSpec(
                "cluster",
                _("Review cluster"),
                "consultation__cluster__number",
                vocabulary=Cluster.objects.all,
                key="number",
                choice_label=lambda c: f"{c.number}. {c.title}",
            ),
            FacetSpec(
                "review",
                _("Review"),
                "source_document__review__slug",
                vocabulary=Review.objects.public,
                choice_label=str,
                # With a single review the choice says nothing.
                min_choices=2,
            ),
            FacetSpec(
                "consultation",
                _("Consultation"),
                "consultation__slug",
                vocabulary=lambda: Consultation.objects.public().select_related("review"),
                choice_label=lambda c: f"{c.sequence}. {c.title} ({c.review})",
                null_choice=("none", _("Cross-cutting (no single consultation)")),
                # Every review brings a few more: beyond a handful the list is unreadable.
                hide_empty=True,
                limit=CONSULTATION_CHOICES,
            ),
            FacetSpec(
                "principle",
                _("Guiding principle"),
                "guiding_principles__slug",
                vocabulary=GuidingPrinciple.objects.all,
                choice_label=lambda p: p.name,
            ),
            FacetSpec(
                "covid",
                _("COVID-19 related"),
                "covid_related",
                choices=lambda counts: [("true", _("Yes")), ("false", _("No"))],
                to_key=lambda value: "true" if value else "false",
            ),
        ]

    def _facet(self, spec: FacetSpec) -> Facet | None:
        # The list's own queryset under every filter but this facet's, without what only a
        # page needs (joins, prefetches, order): grouped directly, not through a subquery.
        base = self.queryset.select_related(None).prefetch_related(None)
        matching = self._filtered(base, without=spec.parameter).order_by()
        if spec.prepare is not None:
            matching = spec.prepare(matching)
        selected = (
            set(self.data.getlist(spec.parameter)) if hasattr(self.data, "getlist") else set()
        )
        # Grouped on the items' side, over the matching items only: the work follows the
        # number of matches, not the size of the vocabulary.
        counts: dict[Any, int] = {
            row["value"]: row["count"]
            for row in matching.order_by()
            .values(value=F(spec.field))
            .annotate(count=Count("pk", distinct=spec.distinct))
        }
        hidden = 0
        if spec.limit:
            # The choices with the most results, and the chosen ones; the rest are a number.
            ranked = sorted(
                (key for key, count in counts.items() if count and key is not None),
                key=lambda key: -counts[key],
            )
            hidden = max(0, len(ranked) - spec.limit)
            counts = {key: counts[key] for key in [*ranked[: spec.limit], None] if key in counts}
        if spec.vocabulary is not None:
            choices = self._vocabulary_choices(spec, counts, selected)
            if choices is None:
                return None
        else:
            keyed = {spec.to_key(value): count for value, count in counts.items()}
            # A choice drawn from the counts stays listed while chosen, even at 0, so
            # the form keeps it.
            offered = {**dict.fromkeys(selected - {""}, 0), **keyed}
            choices = [
                (value, str(label), keyed.get(value, 0)) for value, label in spec.choices(offered)
            ]
        if len(choices) < spec.min_choices:
            return None
        shown = [
            (value, label, count)
            for value, label, count in choices
            if not spec.hide_empty or count or value in selected
        ]
        if spec.limit:
            shown.sort(key=lambda choice: -choice[2])
        return Facet(
            parameter=spec.parameter,
            label=spec.label,
            multiple=spec.multiple,
            choices=[
                FacetChoice(value=value, label=label, count=count, selected=value in selected)
                for value, label, count in shown
            ],
            hidden=hidden,
        )

    def _vocabulary_choices(
        self, spec: FacetSpec, counts: dict[Any, int], selected: set[str]
    ) -> list[tuple[str, str, int]] | None:
        """The vocabulary's rows in their order, each with its count. None when the
        vocabulary is empty but the facet has a choice for items without a value: a facet
        of that one choice would only repeat the total.

        A long vocabulary (``limit``) reads only the rows it shows (``counts`` holds just
        those) and the chosen ones: thousands of consultations are never loaded to show
        twenty.
        """
        rows = spec.vocabulary()
        if spec.limit:
            wanted = {key for key in counts if key is not None}
            rows = rows.filter(**{f"{spec.key}__in": [*wanted, *(selected - {""})]})
        rows = list(rows)
        choices = [
            (
                str(getattr(row, spec.key)),
                spec.choice_label(row),
                counts.get(getattr(row, spec.key), 0),
            )
            for row in rows
        ]
        if spec.null_choice is not None:
            if not rows and not spec.limit:
                return None
            value, label = spec.null_choice
            choices.append((value, str(label), counts.get(None, 0)))
        return choices


@dataclass
class FacetSpec:
    parameter: str
    label: str
    field: str  # the item's path to the value the parameter takes
    # Either a table of choices, read with the counts in the same query ...
    vocabulary: Callable[[], QuerySet] | None = None
    key: str = "slug"  # the vocabulary's field that is the parameter's value
    choice_label: Callable[[Any], str] = str
    null_choice: tuple[str, Any] | None = None  # for the items with no value
    # ... or choices known without a query, given the counts.
    choices: Callable[[dict[str, int]], list[tuple[str, Any]]] | None = None
    multiple: bool = False
    to_key: Callable[[Any], str] = str
    prepare: Callable[[QuerySet], QuerySet] | None = None  # annotates or narrows the count
    hide_empty: bool = False  # long vocabularies list only the choices that give results
    min_choices: int = 1  # fewer choices than this: no facet
    limit: int = 0  # at most this many choices, those with the most results (0: all)
    distinct: bool = False  # an item can reach the same value by several paths


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool

    @property
    def results_word(self) -> str:
        """“result” or “results”, for screen readers after the count."""
        return ngettext("result", "results", self.count)


@dataclass
class Facet:
    parameter: str
    label: str
    multiple: bool
    choices: list[FacetChoice]
    hidden: int = 0  # choices with results left out by the facet's limit

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
                vocabulary=Actor.objects.all,
                choice_label=lambda a: a.name,
            ),
            FacetSpec(
                "status",
                _("Follow-up status"),
                "current_status",
                choices=lambda counts: [*FollowUpStatus.choices, (NO_UPDATE, NO_UPDATE_LABEL)],
                prepare=lambda queryset: queryset.with_status(),
            ),
            FacetSpec(
                "country",
                _("Follow-up in country"),
                "updates__country",
                choices=lambda counts: sorted(
                    ((code, str(Country(code).name)) for code in counts if code),
                    key=lambda choice: choice[1],
                ),
                prepare=lambda queryset: queryset.filter(
                    updates__publication_state=PublicationState.PUBLISHED,
                    updates__scope=UpdateScope.COUNTRY,
                ),
                hide_empty=True,
                distinct=True,
            ),
        ]


def with_spelling_fallback(filterset: ItemFilterSet) -> ItemFilterSet:
    """The bound, valid ``filterset``; or, on PostgreSQL, when its search words match
    nothing, the same filters searching by trigram similarity, so that a misspelled
    query (“remitances”) still finds something.

    The list, its exports and the API all go through here, so a download and the API
    hold exactly the rows the page shows.
    """
    if (
        filterset.fuzzy
        or not filterset.search_query
        or connections[filterset.queryset.db].vendor != "postgresql"
        or filterset.count
    ):
        return filterset
    fuzzy = type(filterset)(
        filterset.data, queryset=filterset.queryset, request=filterset.request, fuzzy=True
    )
    fuzzy.is_valid()
    return fuzzy


FILTERSETS: dict[type[Item], type[ItemFilterSet]] = {
    Challenge: ChallengeFilterSet,
    GoodPractice: GoodPracticeFilterSet,
    Recommendation: RecommendationFilterSet,
}


def unknown_parameters(filterset_class: type[ItemFilterSet], names: Iterable[str]) -> list[str]:
    """Query parameters that are neither filters nor paging: the API refuses them."""
    known = set(filterset_class.base_filters) | NON_FILTER_PARAMETERS
    return sorted(set(names) - known)
