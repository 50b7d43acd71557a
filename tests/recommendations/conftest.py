from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from recommendations.services import DEFAULT_REPORT

DATA = Path(__file__).parent / "data"
REPORT = (DEFAULT_REPORT / "report.md").read_text(encoding="utf-8")
SECOND_REPORT = (DATA / "second-report.md").read_text(encoding="utf-8")


@pytest.fixture
def imported(db):
    """The 2021 Asia-Pacific dataset, imported as make run imports it."""
    call_command("load_default_data", verbosity=0)
