"""Pages about the framework and the consultations."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from consultations.models import Consultation, Objective, Review


def home(request: HttpRequest) -> HttpResponse:
    reviews = Review.objects.public()
    return render(
        request,
        "home.html",
        {
            "reviews": reviews,
            "objective_count": Objective.objects.count(),
            "consultations": Consultation.objects.public().select_related("review", "cluster"),
        },
    )


def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(
        Consultation.objects.public().select_related("review", "cluster"), slug=slug
    )
    return render(request, "consultations/consultation_detail.html", {"consultation": consultation})
