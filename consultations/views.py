"""Public pages about the framework and the consultations: home with the coverage
matrix, objectives, consultations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import BooleanField, Case, Count, Prefetch, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from consultations.models import (
    Cluster,
    Consultation,
    CoOrganizer,
    Objective,
    ParticipantShare,
    Review,
)
from recommendations.cache import cached
from recommendations.history import public_change_log
from recommendations.models import (
    NO_UPDATE,
    NO_UPDATE_LABEL,
    Challenge,
    FollowUpStatus,
    GoodPractice,
    Recommendation,
    stale_before,
)
from recommendations.views import paginate
from recommendations.views_follow_up import status_counts

STATUS_COLUMNS = [*FollowUpStatus.choices, (NO_UPDATE, NO_UPDATE_LABEL)]

ITEM_KINDS = [
    ("recommendation", Recommendation),
    ("challenge", Challenge),
    ("good-practice", GoodPractice),
]


def _counts_by(model: type, *fields: str, **filters: Any) -> dict[tuple, int]:
    """Public items of ``model`` counted by ``fields``: one query."""
    rows = (
        model.objects.public()
        .filter(**filters)
        .order_by()
        .values(*fields)
        .annotate(count=Count("pk", distinct=True))
    )
    return {tuple(row[field] for field in fields): row["count"] for row in rows}


# A review with more consultations than this is shown by review cluster instead: a
# column per consultation stops being readable (and, at scale, loadable).
MATRIX_MAX_CONSULTATIONS = 12


@dataclass(frozen=True)
class MatrixColumn:
    label: str
    sublabel: str
    url: str  # the column's own page, if it has one
    query: str  # the list filter of its cells, besides the objective
    key: Any  # the value the counts are grouped by


def coverage_matrix(review: Review) -> dict[str, Any]:
    """Objectives down, the review's consultations across (or its review clusters, when it
    has many consultations), items counted in each cell."""
    consultations = list(
        Consultation.objects.public()
        .filter(review=review)
        .select_related("cluster")
        .order_by("sequence")[: MATRIX_MAX_CONSULTATIONS + 1]
    )
    cross_cutting = MatrixColumn(
        str(_("Cross-cutting")),
        str(_("COVID-19, conclusions")),
        "",
        urlencode({"review": review.slug, "consultation": "none"}),
        None,
    )
    if len(consultations) <= MATRIX_MAX_CONSULTATIONS:
        by = "consultation_id"
        columns = [
            MatrixColumn(
                str(_("Consultation %(sequence)s") % {"sequence": consultation.sequence}),
                date_format(consultation.date, "M Y") if consultation.date else "",
                consultation.get_absolute_url(),
                urlencode({"consultation": consultation.slug}),
                consultation.pk,
            )
            for consultation in consultations
        ]
    else:
        by = "consultation__cluster__number"
        columns = [
            MatrixColumn(
                str(_("Cluster %(number)s") % {"number": cluster.number}),
                cluster.title,
                "",
                urlencode({"review": review.slug, "cluster": cluster.number}),
                cluster.number,
            )
            for cluster in Cluster.objects.order_by("number")
        ]
    columns.append(cross_cutting)
    counts = {
        kind: _counts_by(model, "objectives__number", by, source_document__review=review)
        for kind, model in ITEM_KINDS
    }
    maximum = max(counts["recommendation"].values(), default=0)
    rows = []
    for objective in Objective.objects.all():
        cells = []
        for column in columns:
            key = (objective.number, column.key)
            cells.append(
                {
                    "column": column,
                    "recommendations": counts["recommendation"].get(key, 0),
                    "challenges": counts["challenge"].get(key, 0),
                    "good_practices": counts["good-practice"].get(key, 0),
                }
            )
        rows.append({"objective": objective, "cells": cells})
    return {
        "review": review,
        "columns": columns,
        "rows": rows,
        "maximum": maximum,
        "by_cluster": by != "consultation_id",
    }


def progress_by_objective() -> list[dict[str, Any]]:
    """Recommendations per objective at each follow-up status, and stale ones: one query."""
    limit = stale_before()
    # Grouped by stale or not rather than by date: a few hundred rows, not one per date.
    rows = (
        Recommendation.objects.public()
        .with_status()
        .annotate(
            is_stale=Case(
                When(status_as_of__lt=limit, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by()
        .values("objectives__number", "current_status", "is_stale")
        .annotate(count=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        cell = counts[row["objectives__number"]]
        cell[row["current_status"]] += row["count"]
        cell["total"] += row["count"]
        if row["is_stale"]:
            cell["stale"] += row["count"]
    statuses = [*FollowUpStatus.values, NO_UPDATE]
    return [
        {
            "objective": objective,
            "cells": [counts[objective.number].get(code, 0) for code in statuses],
            "stale": counts[objective.number].get("stale", 0),
            "total": counts[objective.number].get("total", 0),
        }
        for objective in Objective.objects.all()
    ]


def home(request: HttpRequest) -> HttpResponse:
    reviews = list(Review.objects.public().latest_first())
    chosen = request.GET.get("review")
    review = next((r for r in reviews if r.slug == chosen), reviews[0] if reviews else None)

    def figures() -> dict[str, Any]:
        # Counted over every item: kept under the data version (recommendations/cache.py).
        return {
            "progress": progress_by_objective(),
            "matrix": coverage_matrix(review) if review else None,
            "totals": {
                kind.replace("-", "_"): model.objects.public().count() for kind, model in ITEM_KINDS
            },
            "conclusions": Recommendation.objects.public().filter(is_conclusion=True).count(),
            "consultation_count": Consultation.objects.public().count(),
        }

    return render(
        request,
        "home.html",
        {
            **cached("home", (review.slug if review else None, get_language()), figures),
            "status_columns": STATUS_COLUMNS,
            "reviews": reviews,
            "review": review,
            "unknown_review": bool(chosen) and (review is None or review.slug != chosen),
        },
    )


def objective_list(request: HttpRequest) -> HttpResponse:
    counts = cached(
        "objective-counts",
        (),
        lambda: {kind: _counts_by(model, "objectives__number") for kind, model in ITEM_KINDS},
    )
    objectives = [
        {
            "objective": objective,
            "recommendations": counts["recommendation"].get((objective.number,), 0),
            "challenges": counts["challenge"].get((objective.number,), 0),
            "good_practices": counts["good-practice"].get((objective.number,), 0),
        }
        for objective in Objective.objects.select_related("cluster")
    ]
    return render(request, "consultations/objective_list.html", {"objectives": objectives})


def _grouped_by_consultation(items: list) -> list[dict[str, Any]]:
    groups: dict[Any, list] = defaultdict(list)
    for item in items:
        groups[item.consultation].append(item)
    return [
        {"consultation": consultation, "items": members} for consultation, members in groups.items()
    ]


# An objective's page shows this many items of each kind, in document order; the rest
# are a count and a link to the list, which pages, filters and exports them.
SECTION_ITEMS = 30


def objective_detail(request: HttpRequest, number: int) -> HttpResponse:
    objective = get_object_or_404(Objective.objects.select_related("cluster"), number=number)

    def figures() -> dict[str, Any]:
        return {
            "counts": {
                kind: model.objects.public().for_objective(number).count()
                for kind, model in ITEM_KINDS
            },
            "status_counts": status_counts(Recommendation.objects.public().for_objective(number)),
        }

    kept = cached("objective-page", (number, get_language()), figures)
    sections = []
    for kind, model in ITEM_KINDS:
        items = list(
            model.objects.public()
            .for_objective(number)
            .for_list()
            .select_related("consultation__review")
            .in_document_order()[:SECTION_ITEMS]
        )
        sections.append(
            {
                "kind": kind,
                "model": model,
                "count": kept["counts"][kind],
                "shown": len(items),
                "groups": _grouped_by_consultation(items),
            }
        )
    return render(
        request,
        "consultations/objective_detail.html",
        {"objective": objective, "sections": sections, "status_counts": kept["status_counts"]},
    )


def consultation_list(request: HttpRequest) -> HttpResponse:
    """The consultations, a page at a time, grouped by review, with their items counted."""
    consultations = (
        Consultation.objects.public()
        .select_related("review", "cluster")
        .order_by("-review__cycle", "review__region", "sequence")
    )
    page = paginate(request, consultations, CONSULTATIONS_PER_PAGE)
    on_page = [consultation.pk for consultation in page.object_list]
    counts = {
        kind: _counts_by(model, "consultation_id", consultation_id__in=on_page)
        for kind, model in ITEM_KINDS
    }
    rows = [
        {
            "consultation": consultation,
            "recommendations": counts["recommendation"].get((consultation.pk,), 0),
            "challenges": counts["challenge"].get((consultation.pk,), 0),
            "good_practices": counts["good-practice"].get((consultation.pk,), 0),
        }
        for consultation in page.object_list
    ]
    return render(
        request,
        "consultations/consultation_list.html",
        {"rows": rows, "page": page, "query_string": ""},
    )


CONSULTATIONS_PER_PAGE = 50


def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = (
        Consultation.objects.public()
        .select_related("review", "cluster", "source_document")
        .prefetch_related(
            "objectives",
            "supporting_entities",
            "sectors",
            Prefetch(
                "co_organizer_links",
                queryset=CoOrganizer.objects.select_related("organization").order_by("position"),
            ),
            Prefetch(
                "participant_shares",
                queryset=ParticipantShare.objects.prefetch_related("stakeholder_groups").order_by(
                    "position"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if consultation is None:
        raise Http404
    sections = [
        {
            "kind": kind,
            "model": model,
            "items": list(
                model.objects.public()
                .filter(consultation=consultation)
                .for_list()
                .order_by("reference_sort_key")
            ),
        }
        for kind, model in ITEM_KINDS
    ]
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "sections": sections,
            "status_counts": status_counts(
                Recommendation.objects.public().filter(consultation=consultation)
            ),
            "change_log": public_change_log(consultation),
        },
    )
