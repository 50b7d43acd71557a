"""Public pages about the framework and the consultations: home with the coverage
matrix, objectives, consultations."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from consultations.models import Consultation, CoOrganizer, Objective, ParticipantShare, Review
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


def coverage_matrix(review: Review) -> dict[str, Any]:
    """Objectives down, the review's consultations across, items counted in each cell."""
    consultations = list(Consultation.objects.public().filter(review=review).order_by("sequence"))
    columns = [*consultations, None]  # None: the review's cross-cutting items
    counts = {
        kind: _counts_by(
            model, "objectives__number", "consultation_id", source_document__review=review
        )
        for kind, model in ITEM_KINDS
    }
    maximum = max(counts["recommendation"].values(), default=0)
    rows = []
    for objective in Objective.objects.select_related("cluster"):
        cells = []
        for consultation in columns:
            key = (objective.number, consultation.pk if consultation else None)
            cells.append(
                {
                    "consultation": consultation,
                    "recommendations": counts["recommendation"].get(key, 0),
                    "challenges": counts["challenge"].get(key, 0),
                    "good_practices": counts["good-practice"].get(key, 0),
                }
            )
        rows.append({"objective": objective, "cells": cells})
    return {"review": review, "columns": columns, "rows": rows, "maximum": maximum}


def progress_by_objective() -> list[dict[str, Any]]:
    """Recommendations per objective at each follow-up status, and stale ones: one query."""
    rows = (
        Recommendation.objects.public()
        .with_status()
        .order_by()
        .values("objectives__number", "current_status", "status_as_of")
        .annotate(count=Count("pk"))
    )
    limit = stale_before()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        cell = counts[row["objectives__number"]]
        cell[row["current_status"]] += row["count"]
        cell["total"] += row["count"]
        if row["status_as_of"] is not None and row["status_as_of"] < limit:
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
    totals = {kind.replace("-", "_"): model.objects.public().count() for kind, model in ITEM_KINDS}
    return render(
        request,
        "home.html",
        {
            "progress": progress_by_objective(),
            "status_columns": STATUS_COLUMNS,
            "reviews": reviews,
            "review": review,
            "unknown_review": bool(chosen) and (review is None or review.slug != chosen),
            "matrix": coverage_matrix(review) if review else None,
            "totals": totals,
            "conclusions": Recommendation.objects.public().filter(is_conclusion=True).count(),
            "consultation_count": Consultation.objects.public().count(),
        },
    )


def objective_list(request: HttpRequest) -> HttpResponse:
    counts = {kind: _counts_by(model, "objectives__number") for kind, model in ITEM_KINDS}
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


def objective_detail(request: HttpRequest, number: int) -> HttpResponse:
    objective = get_object_or_404(Objective.objects.select_related("cluster"), number=number)
    sections = []
    for kind, model in ITEM_KINDS:
        items = list(
            model.objects.public()
            .for_objective(number)
            .for_list()
            .order_by("source_document__date", "consultation__sequence", "reference_sort_key")
        )
        sections.append(
            {
                "kind": kind,
                "model": model,
                "count": len(items),
                "groups": _grouped_by_consultation(items),
            }
        )
    return render(
        request,
        "consultations/objective_detail.html",
        {
            "objective": objective,
            "sections": sections,
            "status_counts": status_counts(Recommendation.objects.public().for_objective(number)),
        },
    )


def consultation_list(request: HttpRequest) -> HttpResponse:
    consultations = (
        Consultation.objects.public()
        .select_related("review", "cluster")
        .order_by("-review__cycle", "review__region", "sequence")
    )
    counts = {kind: _counts_by(model, "consultation_id") for kind, model in ITEM_KINDS}
    rows = [
        {
            "consultation": consultation,
            "recommendations": counts["recommendation"].get((consultation.pk,), 0),
            "challenges": counts["challenge"].get((consultation.pk,), 0),
            "good_practices": counts["good-practice"].get((consultation.pk,), 0),
        }
        for consultation in consultations
    ]
    return render(request, "consultations/consultation_list.html", {"rows": rows})


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
