from __future__ import annotations

from pathlib import Path

from recommendations.services import DEFAULT_REPORT

DATA = Path(__file__).parent / "data"
REPORT = (DEFAULT_REPORT / "report.md").read_text(encoding="utf-8")
SECOND_REPORT = (DATA / "second-report.md").read_text(encoding="utf-8")
