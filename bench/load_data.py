"""The Django side of bench/load.py and bench/fault.py: sample data and what to request.

Run in a subprocess with the server's environment (DATABASE_URL names the load database):
    python bench/load_data.py [--partner-key]
It makes sure the database holds a few published follow-up updates (so that the updates
page, its feed and the API's updates have something to show; once, marked by their
reporting organization), optionally creates a partner focal point with a new API key
(fault.py's writes), and prints one JSON object: the values the requests cycle through.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcm_review.settings")

LOAD_ORGANIZATION = "Load test partner network"
LOAD_USER = "load-test-focal-point"


def ensure_updates(organization: Any) -> None:
    """Three published updates with evidence, on the first public recommendations."""
    from consultations.publication import PublicationState
    from recommendations.models import FollowUpStatus, Recommendation, Update, UpdateScope

    if Update.objects.filter(reported_by=organization).exists():
        return
    recommendations = Recommendation.objects.public().order_by("pk")[:3]
    for number, (recommendation, country, status) in enumerate(
        zip(
            recommendations,
            ["PH", "TH", "BD"],
            [FollowUpStatus.IN_PROGRESS, FollowUpStatus.IMPLEMENTED, FollowUpStatus.PLANNED],
            strict=False,
        ),
        start=1,
    ):
        update = Update.objects.create(
            recommendation=recommendation,
            status=status,
            as_of=datetime.date(2025, number, 15),
            description=f"Load test follow-up {number}: a national action plan was adopted.",
            scope=UpdateScope.COUNTRY,
            country=country,
            reported_by=organization,
            publication_state=PublicationState.PUBLISHED,
        )
        for position in (1, 2):
            update.evidence.create(
                title=f"Evidence {position}",
                url=f"https://example.org/load/{number}/{position}",
                position=position,
            )


def partner_key(organization: Any) -> str:
    """A new key for the load test's focal point of ``organization``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from consultations.api_keys import PartnerAPIKey
    from consultations.partners import FocalPoint
    from gcm_review.workflow import FOCAL_POINT

    user, _created = get_user_model().objects.get_or_create(
        username=LOAD_USER, defaults={"email": f"{LOAD_USER}@example.org", "is_staff": True}
    )
    user.groups.add(Group.objects.get(name=FOCAL_POINT))
    FocalPoint.objects.get_or_create(user=user, defaults={"organization": organization})
    _key_object, key = PartnerAPIKey.objects.create_key(user=user, name="load test key")
    return key


def catalog(*, with_key: bool) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import transaction

    from consultations.models import Consultation, GuidingPrinciple, Objective, Organization
    from recommendations.models import Actor, Challenge, GoodPractice, Recommendation, Update

    with transaction.atomic():
        organization, _created = Organization.objects.get_or_create(
            name=LOAD_ORGANIZATION, defaults={"kind": Organization.Kind.STAKEHOLDER}
        )
        ensure_updates(organization)
        key = partner_key(organization) if with_key else None

    items = []
    for kind, model in (
        ("recommendation", Recommendation),
        ("challenge", Challenge),
        ("good-practice", GoodPractice),
    ):
        for item in model.objects.public().select_related("source_document").order_by("pk"):
            items.append(
                {"kind": kind, "url": item.get_absolute_url(), "public_id": item.public_id}
            )
    public_updates = Update.objects.public()
    return {
        "objectives": sorted(Objective.objects.values_list("number", flat=True)),
        "consultations": sorted(Consultation.objects.public().values_list("slug", flat=True)),
        "principles": sorted(GuidingPrinciple.objects.values_list("slug", flat=True)),
        "addressees": sorted(Actor.objects.values_list("slug", flat=True)),
        "items": items,
        "texts": list(Recommendation.objects.public().values_list("text", flat=True)),
        "updates": [str(value) for value in public_updates.values_list("public_id", flat=True)],
        "countries": sorted(
            {code for code in public_updates.values_list("country", flat=True) if code}
        ),
        "writable_recommendations": list(
            Recommendation.objects.public().order_by("pk").values_list("public_id", flat=True)[:20]
        ),
        "partner_key": key,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partner-key", action="store_true", help="create a partner API key")
    args = parser.parse_args()
    print(json.dumps(catalog(with_key=args.partner_key)))


if __name__ == "__main__":
    main()
