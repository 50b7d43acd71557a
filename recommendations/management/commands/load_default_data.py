"""Load the project's default data: the 2021 Asia-Pacific dataset, tagged and linked.

It imports the report only when its source document is not in the database yet, so
running it again (every `make run`, every deployment) never overwrites what staff
have curated since. To re-apply a corrected report or curation file, use
`manage.py import_report recommendations/data/escap-gcm-2021-crp-2`.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from consultations.models import Objective, SourceDocument
from recommendations.curation import load_curation
from recommendations.services import DEFAULT_REPORT


class Command(BaseCommand):
    help = "Load the default data (the 2021 Asia-Pacific dataset) unless it is already there."

    def handle(self, *args: Any, **options: Any) -> None:

        self.stdout.write(f"GCM framework: {Objective.objects.count()} objectives.")
        curation = load_curation((DEFAULT_REPORT / "curation.toml").read_text(encoding="utf-8"))
        symbol = curation.meta["source_document"]
        if SourceDocument.objects.filter(symbol=symbol).exists():
            self.stdout.write(f"{symbol} is already loaded; nothing to do.")
            return
        call_command("import_report", str(DEFAULT_REPORT), stdout=self.stdout)
