"""Import a UN summary report of stakeholder consultations, with its curation file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consultations.models import Region, Review
from recommendations.curation import CurationError, load_curation
from recommendations.report_parser import ReportFormatError
from recommendations.services import ImportResult, ReportImportError, report_import


class Command(BaseCommand):
    help = (
        "Import a summary report (markdown converted from PDF) in one transaction. PATH is the "
        "report file, or a folder holding report.md and curation.toml. Records are matched by "
        "source document and paragraph reference: running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="report.md, or a folder with report.md")
        parser.add_argument("--curation", type=Path, help="curation file (TOML) for the report")
        parser.add_argument("--symbol", help="document symbol, e.g. ESCAP/GCM/2021/CRP.2")
        parser.add_argument("--url", help="web address of the document")
        parser.add_argument("--review", help="slug of an existing review to attach it to")
        parser.add_argument("--region", choices=Region.values, help="region of the review")
        parser.add_argument("--cycle", help="review cycle, e.g. 2020-21")
        parser.add_argument(
            "--draft", action="store_true", help="create new records as drafts, not published"
        )
        parser.add_argument(
            "--keep-tags",
            action="store_true",
            help="leave the tags and links of existing records as staff set them",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change and write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        report_path = path / "report.md" if path.is_dir() else path
        curation_path = options["curation"] or (
            path / "curation.toml" if path.is_dir() and (path / "curation.toml").exists() else None
        )
        try:
            source = report_path.read_text(encoding="utf-8")
            curation = (
                load_curation(curation_path.read_text(encoding="utf-8"), path=str(curation_path))
                if curation_path
                else None
            )
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {error.filename or report_path}: {error}") from None
        except CurationError as error:
            raise CommandError(f"The curation file has problems:\n{error}") from None
        review = None
        if options["review"]:
            review = Review.objects.filter(slug=options["review"]).first()
            if review is None:
                raise CommandError(f"No review has the slug {options['review']!r}.")
        try:
            result = report_import(
                source=source,
                curation=curation,
                symbol=options["symbol"],
                url=options["url"],
                review=review,
                region=options["region"],
                cycle=options["cycle"],
                publish=not options["draft"],
                keep_tags=options["keep_tags"],
                dry_run=options["dry_run"],
            )
        except ReportFormatError as error:
            raise CommandError(f"{report_path}, {error}. Nothing was written.") from None
        except CurationError as error:
            raise CommandError(
                f"The curation file disagrees with the report; nothing was written:\n{error}"
            ) from None
        except ReportImportError as error:
            raise CommandError(f"{error} Nothing was written.") from None
        self.report(result, verbose=options["verbosity"] > 1)

    def report(self, result: ImportResult, *, verbose: bool) -> None:
        if result.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        for change in result.with_action("created"):
            if verbose or result.dry_run:
                self.stdout.write(f"  + {change.label}")
        for change in result.with_action("updated"):
            self.stdout.write(f"  ~ {change.label}: {', '.join(change.fields)}")
            for name, (old, new) in change.details.items():
                if verbose:
                    self.stdout.write(f"      {name}: {old!r} -> {new!r}")
        for label in result.missing:
            self.stdout.write(self.style.WARNING(f"  ! {label} is not in the file; left as it is"))
        self.stdout.write(f"{result.document}:")
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
