"""The public change log of a record, read from its history.

Staff see every change with its author in the admin. The public sees what changed
while the record was public, and when (“text changed on 3 March 2026 by the
secretariat”), without staff names: who edited is the secretariat's internal
business, and naming staff who handle politically sensitive follow-up would expose
them for no gain to readers. Changes made while a record was unpublished are not
shown: the public never saw those versions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from consultations.publication import PublicationState

# Fields whose changes the public is told about (internal bookkeeping is left out).
SCALAR_FIELDS = ["text", "reference", "footnote", "data_note", "covid_related", "consultation_id"]
M2M_FIELDS = ["objectives", "guiding_principles", "addressed_to", "challenges", "good_practices"]


@dataclass
class ChangeLogEntry:
    date: datetime.datetime
    event: str  # published, republished, unpublished, withdrawn, changed
    fields: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        if self.event == "published":
            return str(_("Published by the secretariat."))
        if self.event == "republished":
            return str(_("Published again by the secretariat."))
        if self.event == "unpublished":
            return str(_("Taken offline by the secretariat."))
        if self.event == "withdrawn":
            return str(_("Withdrawn by the secretariat."))
        return str(
            _("%(fields)s changed by the secretariat.")
            % {"fields": ", ".join(self.fields).capitalize()}
        )


def _m2m_accessors(record: Any) -> dict[str, str]:
    """Tracked many-to-many fields -> the historical model's reverse accessor for them."""
    history_model = record.history.model
    relations = {f.name: f for f in history_model._meta.get_fields() if f.auto_created}
    accessors = {}
    for name in M2M_FIELDS:
        relation = relations.get(f"{history_model._meta.model_name}_{name}")
        if relation is not None:
            accessors[name] = relation.get_accessor_name()
    return accessors


def _m2m_targets(version: Any, name: str, accessor: str) -> set[int]:
    related_model = version.instance_type._meta.get_field(name).related_model
    column = related_model._meta.model_name
    return {getattr(row, f"{column}_id") for row in getattr(version, accessor).all()}


def public_change_log(record: Any) -> list[ChangeLogEntry]:
    """What changed while ``record`` was public, newest first, in a fixed number of queries."""
    accessors = _m2m_accessors(record)
    versions = list(
        record.history.order_by("history_date", "history_id").prefetch_related(*accessors.values())
    )
    labels = {
        f.attname if f.is_relation and not f.many_to_many else f.name: str(f.verbose_name)
        for f in type(record)._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    entries: list[ChangeLogEntry] = []
    previous = None
    for version in versions:
        public = version.publication_state == PublicationState.PUBLISHED
        was_public = (
            previous is not None and previous.publication_state == PublicationState.PUBLISHED
        )
        if public and not was_public:
            ever = any(e.event == "published" for e in entries)
            event = "republished" if ever else "published"
            entries.append(ChangeLogEntry(version.history_date, event))
        elif was_public and not public:
            event = (
                "withdrawn"
                if version.publication_state == PublicationState.WITHDRAWN
                else "unpublished"
            )
            entries.append(ChangeLogEntry(version.history_date, event))
        elif public and previous is not None:
            changed = [
                labels.get(name, name)
                for name in SCALAR_FIELDS
                if hasattr(version, name) and getattr(version, name) != getattr(previous, name)
            ]
            changed += [
                labels.get(name, name)
                for name, accessor in accessors.items()
                if _m2m_targets(version, name, accessor) != _m2m_targets(previous, name, accessor)
            ]
            if changed:
                entries.append(ChangeLogEntry(version.history_date, "changed", changed))
        previous = version
    return list(reversed(entries))
