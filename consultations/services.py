"""Writes that touch several records at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from consultations.publication import PublicationState, Publishable


@transaction.atomic
def publication_set_state(*, records: Iterable[Publishable], state: PublicationState) -> int:
    """Move records to ``state``; returns how many changed.

    Each record is saved on its own (not ``QuerySet.update()``) so that timestamps,
    signals and history see every change; the whole batch is one transaction.
    """
    changed = 0
    for record in records:
        if record.publication_state != state:
            record.publication_state = state
            record.save(update_fields=["publication_state", "updated_at"])
            changed += 1
    return changed
