"""The admin index's “waiting for review” panel."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from consultations.publication import PublicationState
from gcm_review import workflow

register = template.Library()
SHOWN_PER_MODEL = 10


@register.simple_tag(takes_context=True)
def review_queue(context: dict[str, Any]) -> list[dict[str, Any]]:
    """Records in review, per model, with links to each record's changes (its history)."""
    request = context["request"]
    user = request.user
    queue = []
    for label in workflow.PUBLISHABLE:
        model = apps.get_model(label)
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        # What this user's admin list would show (a focal point: their organization's
        # updates, public recommendations only), never more.
        waiting = model_admin.get_queryset(request).filter(
            publication_state=PublicationState.IN_REVIEW
        )
        if model._meta.label_lower == "recommendations.update":
            waiting = waiting.select_related("recommendation__source_document")
        count = waiting.count()
        if not count:
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        queue.append(
            {
                "name": model._meta.verbose_name_plural,
                "count": count,
                "url": reverse(f"{prefix}_changelist") + "?publication_state__exact=in_review",
                "records": [
                    {
                        "label": str(record),
                        "change_url": reverse(f"{prefix}_change", args=[record.pk]),
                        "history_url": reverse(f"{prefix}_history", args=[record.pk]),
                    }
                    for record in waiting.order_by("-updated_at")[:SHOWN_PER_MODEL]
                ],
            }
        )
    return queue
