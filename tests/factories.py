"""Small typed helpers that make valid records; each argument overrides one field."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from consultations.models import (
    Cluster,
    Consultation,
    GuidingPrinciple,
    Objective,
    Organization,
    Review,
    SourceDocument,
)
from consultations.publication import PublicationState
from recommendations.models import (
    Challenge,
    FollowUpStatus,
    GoodPractice,
    Recommendation,
    Update,
    UpdateScope,
)

_counter = itertools.count(1)
PUBLISHED = PublicationState.PUBLISHED


def make_review(**fields: Any) -> Review:
    defaults = {
        "region": "asia-pacific",
        # After the loaded reports' cycles: never the slug of a loaded review.
        "cycle": f"{2100 + next(_counter)}-{next(_counter) % 100:02d}",
        "title": "Regional review",
        "publication_state": PUBLISHED,
    }
    return Review.objects.create(**{**defaults, **fields})


def make_source_document(*, review: Review | None = None, **fields: Any) -> SourceDocument:
    n = next(_counter)
    defaults = {
        "symbol": f"TEST/GCM/{n}/CRP.1",
        "title": f"Test report {n}",
        "issuing_body": "Test Commission",
        "date": datetime.date(2021, 2, 26),
    }
    return SourceDocument.objects.create(review=review or make_review(), **{**defaults, **fields})


def make_organization(**fields: Any) -> Organization:
    defaults = {"name": f"Organization {next(_counter)}", "kind": Organization.Kind.STAKEHOLDER}
    return Organization.objects.create(**{**defaults, **fields})


def make_consultation(
    *, review: Review | None = None, source_document: SourceDocument | None = None, **fields: Any
) -> Consultation:
    if source_document is None:
        source_document = make_source_document(review=review)
    review = source_document.review
    defaults = {
        "sequence": next(_counter),
        "title": "Ensuring that migration is voluntary, orderly and regular",
        "date": datetime.date(2020, 10, 28),
        "cluster": Cluster.objects.get(number=1),
        "publication_state": PUBLISHED,
    }
    return Consultation.objects.create(
        review=review, source_document=source_document, **{**defaults, **fields}
    )


def _make_item(
    model: type,
    *,
    consultation: Consultation | None,
    source_document: SourceDocument | None,
    objectives: list[int] | None,
    principles: list[str] | None,
    fields: dict[str, Any],
) -> Any:
    if source_document is None:
        source_document = (
            consultation.source_document if consultation is not None else make_source_document()
        )
    defaults = {
        # Above the reports' paragraph numbers: never the reference of a loaded record.
        "reference": f"{1000 + next(_counter)}(a)",
        "text": "Governments should improve the protection of migrant workers.",
        "publication_state": PUBLISHED,
    }
    item = model.objects.create(
        consultation=consultation, source_document=source_document, **{**defaults, **fields}
    )
    if objectives:
        item.objectives.set(Objective.objects.filter(number__in=objectives))
    if principles:
        item.guiding_principles.set(GuidingPrinciple.objects.filter(slug__in=principles))
    return item


def make_challenge(
    *,
    consultation: Consultation | None = None,
    source_document: SourceDocument | None = None,
    objectives: list[int] | None = None,
    principles: list[str] | None = None,
    **fields: Any,
) -> Challenge:
    return _make_item(
        Challenge,
        consultation=consultation,
        source_document=source_document,
        objectives=objectives,
        principles=principles,
        fields=fields,
    )


def make_good_practice(
    *,
    consultation: Consultation | None = None,
    source_document: SourceDocument | None = None,
    objectives: list[int] | None = None,
    principles: list[str] | None = None,
    **fields: Any,
) -> GoodPractice:
    return _make_item(
        GoodPractice,
        consultation=consultation,
        source_document=source_document,
        objectives=objectives,
        principles=principles,
        fields=fields,
    )


def make_recommendation(
    *,
    consultation: Consultation | None = None,
    source_document: SourceDocument | None = None,
    objectives: list[int] | None = None,
    principles: list[str] | None = None,
    **fields: Any,
) -> Recommendation:
    return _make_item(
        Recommendation,
        consultation=consultation,
        source_document=source_document,
        objectives=objectives,
        principles=principles,
        fields=fields,
    )


def make_update(
    *,
    recommendation: Recommendation | None = None,
    reported_by: Organization | None = None,
    evidence: list[tuple[str, str]] | None = None,
    **fields: Any,
) -> Update:
    defaults = {
        "status": FollowUpStatus.IN_PROGRESS,
        "as_of": datetime.date(2024, 6, 1),
        "description": "A national action plan was adopted.",
        "scope": UpdateScope.COUNTRY,
        "country": "PH",
        "publication_state": PUBLISHED,
    }
    values = {**defaults, **fields}
    if values["scope"] != UpdateScope.COUNTRY and "country" not in fields:
        values["country"] = ""
    update = Update.objects.create(
        recommendation=recommendation or make_recommendation(consultation=make_consultation()),
        reported_by=reported_by or make_organization(),
        **values,
    )
    for position, (title, url) in enumerate(evidence or [], start=1):
        update.evidence.create(title=title, url=url, position=position)
    return update
