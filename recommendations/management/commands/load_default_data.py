"""Load the project's default data into the database DATABASE_URL names.

Safe to run again: it only adds or updates what is missing or changed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from consultations.models import Cluster, GuidingPrinciple, Objective, StakeholderGroup


class Command(BaseCommand):
    help = "Load the default data (the GCM framework comes with migrate)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"GCM framework: {Objective.objects.count()} objectives, "
            f"{Cluster.objects.count()} review clusters, "
            f"{GuidingPrinciple.objects.count()} guiding principles, "
            f"{StakeholderGroup.objects.count()} stakeholder groups."
        )
