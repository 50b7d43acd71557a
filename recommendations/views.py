"""Public pages of challenges, good practices and recommendations: lists, details, exports,
search. Thin views: a FilterSet on ``for_list()``, a page, a template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.vary import vary_on_headers

from consultations.publication import PublicationState
from gcm_review.paging import ListPaginator
from recommendations.cache import cached
from recommendations.exports import citation, export_response, permalink
from recommendations.filters import (
    ORDERING,
    ChallengeFilterSet,
    GoodPracticeFilterSet,
    ItemFilterSet,
    RecommendationFilterSet,
    with_spelling_fallback,
)
from recommendations.history import item_change_log
from recommendations.models import (
    Challenge,
    GoodPractice,
    Item,
    Recommendation,
    attach_headlines,
)
from recommendations.references import reference_from_slug


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Item]
    filterset: type[ItemFilterSet]
    plural: str | Promise
    singular: str | Promise
    intro: str | Promise


KINDS = {
    "recommendation": Kind(
        "recommendation",
        Recommendation,
        RecommendationFilterSet,
        _("Recommendations"),
        _("Recommendation"),
        _("What stakeholders recommended, to the paragraph of the report."),
    ),
    "challenge": Kind(
        "challenge",
        Challenge,
        ChallengeFilterSet,
        _("Challenges"),
        _("Challenge"),
        _("The challenges stakeholders identified in implementing the Global Compact."),
    ),
    "good-practice": Kind(
        "good-practice",
        GoodPractice,
        GoodPracticeFilterSet,
        _("Good practices"),
        _("Good practice"),
        _("Practices in the region that stakeholders said show the way."),
    ),
}


def bound_filterset(
    request: HttpRequest, kind: Kind, *, export: bool = False
) -> tuple[ItemFilterSet, dict[str, list[str]]]:
    """The list's FilterSet, for the page and its exports alike (``export``: with every
    column an export writes); a filter with a bad value is reported and left out, so the
    page still answers with what the other filters select; misspelled search words fall
    back to close spellings."""
    data = request.GET.copy()
    public = kind.model.objects.public()
    queryset = public.for_export() if export else public.for_list()
    filterset = kind.filterset(data, queryset=queryset)
    if filterset.is_valid():
        return with_spelling_fallback(filterset), {}
    problems = {
        str(filterset.form.fields[name].label if name in filterset.form.fields else name): errors
        for name, errors in filterset.errors.items()
    }
    for name in filterset.errors:
        data.pop(name, None)
    filterset = kind.filterset(data, queryset=queryset)
    filterset.is_valid()
    return with_spelling_fallback(filterset), problems


def page_size(request: HttpRequest) -> tuple[int, str | None]:
    raw = request.GET.get("page_size")
    default, largest = settings.LIST_PAGE_SIZE, settings.LIST_MAX_PAGE_SIZE
    if raw is None or raw == "":
        return default, None
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= largest:
        return default, str(
            _("Show between 1 and %(largest)s results per page; showing %(default)s.")
            % {"largest": largest, "default": default}
        )
    return size, None


def paginate(request: HttpRequest, queryset: Any, size: int, count: int | None = None) -> Page:
    """The page the request asks for (the last one past the end); ``count``, when known,
    spares counting the list again."""
    paginator = ListPaginator(queryset, size, count=count)
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))


def query_without(query: QueryDict, *names: str) -> str:
    remaining = query.copy()
    for name in names:
        remaining.pop(name, None)
    return remaining.urlencode()


# The same address answers a full page or, to htmx, the list region alone: caches and
# the browser's Back button must keep the two apart.
@vary_on_headers("HX-Request")
def item_list(request: HttpRequest, kind: str) -> HttpResponse:
    config = KINDS[kind]
    filterset, problems = bound_filterset(request, config)
    size, size_problem = page_size(request)
    page = paginate(request, filterset.qs, size, count=filterset.count)
    attach_headlines(list(page.object_list), filterset.search_query)
    export_query = query_without(request.GET, "page", "page_size")
    export_urls = [
        (
            label,
            reverse(f"recommendations:{config.slug}-export", kwargs={"fmt": fmt})
            + (f"?{export_query}" if export_query else ""),
        )
        for fmt, label in (("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON"))
    ]
    count = page.paginator.count
    panel = cached("facet-panel", filterset.cache_key(), lambda: facet_panel(filterset))
    context = {
        "kind": config,
        "filterset": filterset,
        # Rendered by our template, which escaped every value.
        "facet_panel": mark_safe(panel.html),
        "hidden_filters": filterset.uncontrolled_values(panel.parameters),
        "problems": problems,
        "size_problem": size_problem,
        "page": page,
        "page_size": size,
        "page_sizes": sorted({10, 25, 50, 100, size}),
        "ordering_choices": [(value, label) for value, (label, _f) in ORDERING.items()],
        "query": filterset.search_query,
        "query_string": query_without(request.GET, "page"),
        "export_urls": export_urls,
        "filtered": bool(query_without(request.GET, "page", "page_size", "ordering")),
        "count_label": count_label(config, count, filterset.search_query),
        "fuzzy": filterset.fuzzy and bool(count),
    }
    template = (
        "recommendations/includes/_list_region.html"
        if request.htmx and not request.htmx.boosted
        else "recommendations/item_list.html"
    )
    return render(request, template, context)


@dataclass(frozen=True)
class FacetPanel:
    html: str
    parameters: list[str]


def facet_panel(filterset: ItemFilterSet) -> FacetPanel:
    """The list's facets as the form shows them. It depends on the filters and the data
    alone, so it is kept like the counts it shows: rendering a hundred choices cost as
    much as the rest of the page."""
    facets = filterset.facets()
    return FacetPanel(
        html=render_to_string("recommendations/includes/_facets.html", {"facets": facets}),
        parameters=[facet.parameter for facet in facets],
    )


def count_label(config: Kind, count: int, query: str) -> str:
    label = ngettext("%(count)s %(singular)s", "%(count)s %(plural)s", count) % {
        "count": count,
        "singular": str(config.singular).lower(),
        "plural": str(config.plural).lower(),
    }
    if query:
        label += " " + str(_("matching “%(query)s”") % {"query": query})
    return label


def item_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    config = KINDS[kind]
    filterset, _problems = bound_filterset(request, config, export=True)
    return export_response(request, filterset.qs, fmt)


def _withdrawn(item: Item) -> bool:
    """Once public, now withdrawn (by itself or with its consultation or review)."""
    states = [item.publication_state, item.source_document.review.publication_state]
    if item.consultation is not None:
        states.append(item.consultation.publication_state)
    hidden = {PublicationState.DRAFT, PublicationState.IN_REVIEW}
    return PublicationState.WITHDRAWN in states and not hidden.intersection(states)


def item_detail(request: HttpRequest, kind: str, document: str, reference: str) -> HttpResponse:
    config = KINDS[kind]
    printed = reference_from_slug(reference)
    if printed is None:
        raise Http404
    item = (
        config.model.objects.for_detail()
        .filter(source_document__slug=document, reference=printed)
        .first()
    )
    if item is None:
        raise Http404
    if not item.is_public():
        if _withdrawn(item):
            return render(
                request,
                "recommendations/item_gone.html",
                {"item": item, "kind": config},
                status=410,
            )
        raise Http404
    siblings = (
        config.model.objects.public()
        .filter(source_document=item.source_document)
        .select_related("source_document")
    )
    base = request.build_absolute_uri("/")
    context = {
        "kind": config,
        "item": item,
        "previous": siblings.filter(reference_sort_key__lt=item.reference_sort_key)
        .order_by("-reference_sort_key")
        .first(),
        "next": siblings.filter(reference_sort_key__gt=item.reference_sort_key)
        .order_by("reference_sort_key")
        .first(),
        "permalink": permalink(item, base),
        "citation": citation(item, base),
        "change_log": item_change_log(item),
    }
    if isinstance(item, Recommendation):
        context["status"], context["breakdown"] = item.derived_status()
    return render(request, "recommendations/item_detail.html", context)


SEARCH_PREVIEW = 5


def search(request: HttpRequest) -> HttpResponse:
    """Challenges, good practices and recommendations matching ``q``, grouped by kind."""
    query = (request.GET.get("q") or "").strip()
    problem = None
    groups = []
    if len(query) > 300:
        problem = _("Search for at most 300 characters.")
        query = ""
    elif "\x00" in query:
        # PostgreSQL refuses NUL in any text, a query's parameters included (a 500).
        problem = _("Null characters are not allowed.")
        query = ""
    if query:
        for config in KINDS.values():
            matches = config.model.objects.public().for_list().search(query)
            items = list(
                matches.order_by("-relevance", "source_document_id", "reference_sort_key")[
                    :SEARCH_PREVIEW
                ]
            )
            attach_headlines(items, query)
            groups.append(
                {
                    "kind": config,
                    "count": matches.count(),
                    "items": items,
                    "list_query": _encode({"q": query}),
                }
            )
    return render(
        request,
        "recommendations/search.html",
        {"query": query, "groups": groups, "problem": problem},
    )


def _encode(values: dict[str, str]) -> str:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


def data(request: HttpRequest) -> HttpResponse:
    """The licence, how to cite, the full download and the API."""
    from recommendations.exports import columns_for

    return render(
        request,
        "recommendations/data.html",
        {
            "columns": columns_for(Recommendation),
            "base_url": request.build_absolute_uri("/"),
            "counts": {
                config.slug.replace("-", "_"): config.model.objects.public().count()
                for config in KINDS.values()
            },
        },
    )


def data_download(request: HttpRequest) -> FileResponse:
    from recommendations.datasets import PACKAGE_NAME, open_data_package

    return FileResponse(
        open_data_package(request.build_absolute_uri("/")),
        as_attachment=True,
        filename=f"{PACKAGE_NAME}.zip",
        content_type="application/zip",
    )
