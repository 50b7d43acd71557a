"""Generate a deterministic synthetic dataset, for benchmarks and load tests."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from recommendations.synthetic import Plan, analyze, delete_content, generate, has_content


class Command(BaseCommand):
    help = (
        "Generate a synthetic dataset (same seed, same rows) into the database DATABASE_URL "
        "names. Other kinds scale with --recommendations unless given: challenges N/2, "
        "good practices N/4, updates 2.5 N. Refuses a database that holds records unless "
        "--force, which deletes every review, consultation, item and update first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recommendations", type=int, default=2000)
        parser.add_argument("--challenges", type=int)
        parser.add_argument("--good-practices", type=int)
        parser.add_argument("--updates", type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete the existing reviews, consultations, items and updates first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["recommendations"]
        if count < 1:
            raise CommandError("--recommendations must be at least 1.")
        plan = Plan(
            recommendations=count,
            challenges=options["challenges"] if options["challenges"] is not None else count // 2,
            good_practices=(
                options["good_practices"] if options["good_practices"] is not None else count // 4
            ),
            updates=options["updates"] if options["updates"] is not None else count * 5 // 2,
            seed=options["seed"],
        )
        if has_content() and not options["force"]:
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} already holds reviews, "
                "documents, items or updates. Use an empty database, or --force to delete "
                "them first."
            )
        started = time.monotonic()
        # One transaction: if generating fails, what --force was to delete is still there.
        with transaction.atomic():
            delete_content()
            report = generate(plan, progress=lambda message: self.stdout.write(f"  {message}"))
        analyze()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Generated in {elapsed:.0f} s on {connection.vendor} (seed {plan.seed}):"
        )
        for name, value in report.counts.items():
            self.stdout.write(f"  {value:>9,} {name}")
