"""The public change log of a record, read from its history.

Staff see every change with its author in the admin. The public sees what changed
while the record was public, and when (“text changed on 3 March 2026 by the
secretariat”), without staff names: who edited is the secretariat's internal
business, and naming staff who handle politically sensitive follow-up would expose
them for no gain to readers. Changes made while a record was unpublished are not
shown: the public never saw those versions.

A recommendation's page also tells what happened to its follow-up updates while they
were public (“follow-up update for Nepal published”, “corrected”, “withdrawn”), and a
consultation's page its own changes, co-organizers and participant shares included.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from consultations.publication import PublicationState

# Fields whose changes the public is told about (internal bookkeeping is left out).
SCALAR_FIELDS = ["text", "reference", "footnote", "data_note", "covid_related", "consultation_id"]
M2M_FIELDS = ["objectives", "guiding_principles", "addressed_to", "challenges", "good_practices"]

# A child row (an evidence link, a co-organizer) saved this soon after its parent was saved
# was saved with it, by the same admin form: its change belongs to that version.
SAME_SAVE = datetime.timedelta(seconds=60)


@dataclass(frozen=True)
class Tracked:
    """What the public log follows for one kind of record."""

    fields: tuple[str, ...]
    m2m: tuple[str, ...] = ()
    # (child model label, its foreign key to the record, what the public calls those rows)
    children: tuple[tuple[str, str, Any], ...] = ()


ITEM = Tracked(tuple(SCALAR_FIELDS), tuple(M2M_FIELDS))
TRACKED = {
    "consultations.consultation": Tracked(
        (
            "title",
            "date",
            "cluster_id",
            "participants",
            "countries_represented",
            "gender_balance_note",
            "source_document_id",
            "paragraphs",
        ),
        ("objectives", "supporting_entities", "sectors"),
        (
            ("consultations.CoOrganizer", "consultation_id", _("co-organizers")),
            ("consultations.ParticipantShare", "consultation_id", _("participants by group")),
        ),
    ),
    "recommendations.update": Tracked(
        (
            "status",
            "as_of",
            "description",
            "scope",
            "country",
            "reported_by_id",
            "responsible_body",
        ),
        (),
        (("recommendations.EvidenceLink", "update_id", _("evidence")),),
    ),
}


@dataclass
class ChangeLogEntry:
    date: datetime.datetime
    event: str  # published, republished, unpublished, withdrawn, changed
    fields: list[str] = field(default_factory=list)
    # What the entry is about when it is not the page's record ("Follow-up update for Nepal").
    subject: str = ""

    @property
    def description(self) -> str:
        if self.subject:
            return self._about_subject()
        if self.event == "published":
            return str(_("Published by the secretariat."))
        if self.event == "republished":
            return str(_("Published again by the secretariat."))
        if self.event == "unpublished":
            return str(_("Taken offline by the secretariat."))
        if self.event == "withdrawn":
            return str(_("Withdrawn by the secretariat."))
        return str(_("%(fields)s changed by the secretariat.") % {"fields": _capfirst(self.fields)})

    def _about_subject(self) -> str:
        messages = {
            "published": _("%(subject)s published by the secretariat."),
            "republished": _("%(subject)s published again by the secretariat."),
            "unpublished": _("%(subject)s taken offline by the secretariat."),
            "withdrawn": _("%(subject)s withdrawn by the secretariat."),
            "changed": _("%(subject)s corrected by the secretariat (%(fields)s)."),
        }
        return str(
            messages[self.event] % {"subject": self.subject, "fields": ", ".join(self.fields)}
        )


def _capfirst(fields: list[str]) -> str:
    # str.capitalize() would turn “supporting UN entities” into “Supporting un entities”.
    joined = ", ".join(fields)
    return joined[:1].upper() + joined[1:]


def _tracked(model: type) -> Tracked:
    return TRACKED.get(model._meta.label_lower, ITEM)


def _m2m_accessors(model: type, tracked: Tracked) -> dict[str, str]:
    """Tracked many-to-many fields -> the historical model's reverse accessor for them."""
    history_model = model.history.model
    relations = {f.name: f for f in history_model._meta.get_fields() if f.auto_created}
    accessors = {}
    for name in tracked.m2m:
        relation = relations.get(f"{history_model._meta.model_name}_{name}")
        if relation is not None:
            accessors[name] = relation.get_accessor_name()
    return accessors


def _m2m_targets(version: Any, name: str, accessor: str) -> set[int]:
    related_model = version.instance_type._meta.get_field(name).related_model
    column = related_model._meta.model_name
    return {getattr(row, f"{column}_id") for row in getattr(version, accessor).all()}


def _labels(model: type) -> dict[str, str]:
    return {
        f.attname if f.is_relation and not f.many_to_many else f.name: str(f.verbose_name)
        for f in model._meta.get_fields()
        if hasattr(f, "verbose_name")
    }


@dataclass
class _ChildChanges:
    """Real changes to a record's child rows (evidence links...), by parent and by date."""

    label: str
    dates: dict[int, list[datetime.datetime]]


def _child_changes(tracked: Tracked, parents: Any) -> list[_ChildChanges]:
    """One query per kind of child row, whatever the number of rows: ``parents`` is a
    queryset of parent ids, so the query is the same with none or many."""
    found = []
    for label, foreign_key, public_name in tracked.children:
        model = apps.get_model(label)
        compared = [
            f.attname for f in model._meta.concrete_fields if f.attname not in ("id", foreign_key)
        ]
        rows = model.history.filter(**{f"{foreign_key}__in": parents}).order_by(
            "id", "history_date", "history_id"
        )
        dates: dict[int, list[datetime.datetime]] = defaultdict(list)
        previous = None
        for row in rows:
            same_row = previous is not None and previous.id == row.id
            unchanged = (
                same_row
                and row.history_type == "~"
                and getattr(previous, foreign_key) == getattr(row, foreign_key)
                and all(getattr(previous, name) == getattr(row, name) for name in compared)
            )
            if not unchanged:
                dates[getattr(row, foreign_key)].append(row.history_date)
            previous = row
        for parent_dates in dates.values():
            parent_dates.sort()
        found.append(_ChildChanges(str(public_name), dates))
    return found


def _entries(
    versions: list[Any],
    *,
    tracked: Tracked,
    accessors: dict[str, str],
    labels: dict[str, str],
    children: list[_ChildChanges],
    is_public: Callable[[Any], bool],
    subject: Callable[[Any], str] = lambda version: "",
) -> list[ChangeLogEntry]:
    """The log of one record from its versions, oldest first."""
    entries: list[ChangeLogEntry] = []
    dates = [version.history_date for version in versions]
    # Child changes: those saved with a version of the record join that version's
    # change; later ones, made on their own, are changes of their own.
    with_version: dict[int, list[str]] = defaultdict(list)
    on_their_own: list[tuple[datetime.datetime, int, str]] = []
    record_id = versions[0].id if versions else None
    for child in children:
        for date in child.dates.get(record_id, []):
            index = bisect.bisect_right(dates, date) - 1
            if index < 0:
                continue
            if date - dates[index] <= SAME_SAVE:
                if child.label not in with_version[index]:
                    with_version[index].append(child.label)
            else:
                on_their_own.append((date, index, child.label))
    previous = None
    for index, version in enumerate(versions):
        public = is_public(version)
        was_public = previous is not None and is_public(previous)
        if public and not was_public:
            ever = any(e.event == "published" for e in entries)
            event = "republished" if ever else "published"
            entries.append(ChangeLogEntry(version.history_date, event, subject=subject(version)))
        elif was_public and not public:
            # Back to draft or review may come back; withdrawn, deleted or moved away is gone.
            event = (
                "unpublished"
                if version.history_type != "-"
                and version.publication_state
                in (PublicationState.DRAFT, PublicationState.IN_REVIEW)
                else "withdrawn"
            )
            entries.append(ChangeLogEntry(version.history_date, event, subject=subject(version)))
        elif public and previous is not None:
            changed = [
                labels.get(name, name)
                for name in tracked.fields
                if hasattr(version, name) and getattr(version, name) != getattr(previous, name)
            ]
            changed += [
                labels.get(name, name)
                for name, accessor in accessors.items()
                if _m2m_targets(version, name, accessor) != _m2m_targets(previous, name, accessor)
            ]
            changed += with_version.get(index, [])
            if changed:
                entries.append(
                    ChangeLogEntry(
                        version.history_date, "changed", changed, subject=subject(version)
                    )
                )
        previous = version
    alone: ChangeLogEntry | None = None
    for date, index, label in sorted(on_their_own):
        if not is_public(versions[index]):
            continue
        # Several links saved one after the other are one correction.
        if alone is not None and date - alone.date <= SAME_SAVE:
            if label not in alone.fields:
                alone.fields.append(label)
            continue
        alone = ChangeLogEntry(date, "changed", [label], subject=subject(versions[index]))
        entries.append(alone)
    entries.sort(key=lambda entry: entry.date)
    # One admin save writes a version for the fields, then one per tag list: one change.
    merged: list[ChangeLogEntry] = []
    for entry in entries:
        last = merged[-1] if merged else None
        if (
            last is not None
            and entry.event == last.event == "changed"
            and entry.date - last.date <= SAME_SAVE
        ):
            last.fields += [name for name in entry.fields if name not in last.fields]
        else:
            merged.append(entry)
    return merged


def _is_published(version: Any) -> bool:
    return version.history_type != "-" and version.publication_state == PublicationState.PUBLISHED


def public_change_log(record: Any) -> list[ChangeLogEntry]:
    """What changed while ``record`` was public, newest first, in a fixed number of queries."""
    model = type(record)
    tracked = _tracked(model)
    accessors = _m2m_accessors(model, tracked)
    versions = list(
        record.history.order_by("history_date", "history_id").prefetch_related(*accessors.values())
    )
    entries = _entries(
        versions,
        tracked=tracked,
        accessors=accessors,
        labels=_labels(model),
        children=_child_changes(tracked, [record.pk]),
        is_public=_is_published,
    )
    return list(reversed(entries))


def update_subject(version: Any) -> str:
    """How the public log names a follow-up update: by the place it concerns."""
    from recommendations.models import UpdateScope

    if version.scope == UpdateScope.COUNTRY and version.country:
        return str(
            _("Follow-up update for %(country)s")
            % {"country": countries.name(str(version.country))}
        )
    if version.scope == UpdateScope.REGIONAL:
        return str(_("Regional follow-up update"))
    return str(_("Multi-country follow-up update"))


def follow_up_change_log(recommendation: Any) -> list[ChangeLogEntry]:
    """What happened to ``recommendation``'s follow-up updates while they were public
    (published, corrected, taken offline, withdrawn or deleted), newest first.

    Two queries whatever the number of updates and versions: the versions of every update
    that ever belonged to the recommendation, and the changes to their evidence links. An
    update moved to another recommendation leaves this one's log as withdrawn.
    """
    from recommendations.models import Update

    tracked = _tracked(Update)
    ever_here = Update.history.filter(recommendation_id=recommendation.pk).values("id")
    versions = list(
        Update.history.filter(id__in=ever_here).order_by("id", "history_date", "history_id")
    )
    by_update: dict[int, list[Any]] = defaultdict(list)
    for version in versions:
        by_update[version.id].append(version)
    children = _child_changes(tracked, ever_here)
    labels = _labels(Update)
    entries: list[ChangeLogEntry] = []
    for update_versions in by_update.values():
        entries += _entries(
            update_versions,
            tracked=tracked,
            accessors={},
            labels=labels,
            children=children,
            is_public=lambda version: (
                _is_published(version) and version.recommendation_id == recommendation.pk
            ),
            subject=update_subject,
        )
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries


def item_change_log(item: Any) -> list[ChangeLogEntry]:
    """An item page's log, newest first: the item's own and, for a recommendation, its
    follow-up updates'."""
    entries = public_change_log(item)
    if item._meta.label_lower == "recommendations.recommendation":
        entries = sorted(
            entries + follow_up_change_log(item), key=lambda entry: entry.date, reverse=True
        )
    return entries
