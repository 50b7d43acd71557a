"""Writes that touch several records at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from consultations.publication import PublicationState, Publishable


@transaction.atomic
def publication_set_state(
    *, records: Iterable[Publishable], state: PublicationState, user: Any = None
) -> int:
    """Move records to ``state``; returns how many changed.

    Each record is saved on its own (not ``QuerySet.update()``) so that timestamps,
    signals and the history see every change, with who made it; the whole batch is one
    transaction.
    """
    changed = 0
    for record in records:
        if record.publication_state != state:
            previous = record.get_publication_state_display()
            record.publication_state = state
            record._change_reason = f"{previous} → {PublicationState(state).label}"
            if user is not None and user.is_authenticated:
                record._history_user = user
            record.save(update_fields=["publication_state", "updated_at"])
            changed += 1
    return changed
