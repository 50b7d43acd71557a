"""Writing follow-up updates from the API: an update and its evidence links in one
transaction, each row saved on its own so that the history records every change with the
user who made it.

Who may do what is decided by gcm_review/workflow.py, asked by the view before calling
these.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from consultations.publication import PublicationState
from consultations.services import publication_set_state
from recommendations.models import EvidenceLink, Update

FIELDS = ["recommendation", "status", "as_of", "description", "scope", "country"]


def _save(record: Any, user: Any) -> None:
    record._history_user = user
    record.full_clean()
    record.save()


def _replace_evidence(update: Update, links: list[dict[str, str]], user: Any) -> None:
    for link in update.evidence.all():
        link._history_user = user
        link.delete()
    for position, link in enumerate(links, start=1):
        _save(EvidenceLink(update=update, position=position, **link), user)


@transaction.atomic
def update_create(*, user: Any, organization: Any, data: dict[str, Any]) -> Update:
    """A new update on behalf of ``organization``, in review: not public until a reviewer
    publishes it."""
    update = Update(
        **{name: data[name] for name in FIELDS if name in data},
        reported_by=organization,
        responsible_body=data.get("responsible_body", ""),
        publication_state=PublicationState.IN_REVIEW,
        created_by=user,
    )
    update._change_reason = "Submitted through the API"
    _save(update, user)
    _replace_evidence(update, data.get("evidence", []), user)
    return update


@transaction.atomic
def update_change(
    *, user: Any, update: Update, data: dict[str, Any], state: str | None = None
) -> Update:
    """Apply changed fields, replace the evidence if given, then move to ``state``."""
    fields = {name: value for name, value in data.items() if name != "evidence"}
    if fields:
        for name, value in fields.items():
            setattr(update, name, value)
        update._change_reason = "Changed through the API"
        _save(update, user)
    if "evidence" in data:
        _replace_evidence(update, data["evidence"], user)
        if not fields:
            # The evidence is part of the update: its updated_at says it changed.
            update._change_reason = "Evidence changed through the API"
            update._history_user = user
            update.save(update_fields=["updated_at"])
    if state is not None:
        publication_set_state(records=[update], state=PublicationState(state), user=user)
    return update
