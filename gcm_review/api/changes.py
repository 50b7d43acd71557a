"""What changed since a moment, deletions and withdrawals included, read from the history.

``updated_since`` on a list tells a partner what is new or changed, but a record that
stopped being public simply vanishes from the lists. This module answers, for each public
record type, which records were **created** (became public), **updated** (changed while
public) or **withdrawn** (stopped being public: unpublished, withdrawn, deleted, or hidden
because its consultation or review was) since a moment.

It is derived from django-simple-history's tables: every save and deletion leaves a row
with ``history_date``, ``history_type`` (``+`` created, ``~`` changed, ``-`` deleted) and
the record's fields as they were, publication state and parent keys included. A record's
visibility at any moment follows the visibility rule (consultations.publication) applied
to those rows: its own state and its parents' states as of that moment.

A recommendation also counts as updated when one of its updates was published, changed
or withdrawn: its status changed, though its own row did not.

A record that was never public in the period (a draft created and deleted, an update
still in review) never appears: its id is not revealed.

Every record that may have changed is read and classified in Python, so the work grows
with what happened since the moment asked for, and every page of the answer does it again.
Past ``limit`` records (``API_CHANGES_LIMIT``) the answer is refused, in a few bounded
queries, with :class:`TooManyChanges`: a partner that far behind takes the whole dataset
again and asks for the changes since then. At 200,000 recommendations a ``since`` before
the load would otherwise read a million history rows for each page, for minutes.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from consultations.publication import PublicationState

PUBLISHED = PublicationState.PUBLISHED

TYPE_CHOICES = [
    ("recommendation", _("Recommendation")),
    ("challenge", _("Challenge")),
    ("good-practice", _("Good practice")),
    ("consultation", _("Consultation")),
    ("review", _("Review")),
    ("update", _("Follow-up update")),
]
TYPES = [name for name, _label in TYPE_CHOICES]
CREATED, UPDATED, WITHDRAWN = "created", "updated", "withdrawn"
CHANGE_CHOICES = [
    (CREATED, _("Became public (new, published, or shown again)")),
    (UPDATED, _("Changed while public")),
    (WITHDRAWN, _("No longer public (unpublished, withdrawn or deleted)")),
]


@dataclass(frozen=True)
class Change:
    type: str
    id: str
    change: str
    at: datetime.datetime
    # For an update: the recommendations (primary keys) it belonged to.
    recommendations: frozenset[int] = field(default=frozenset(), compare=False, repr=False)


class Timeline:
    """One record's history rows, oldest first."""

    def __init__(self) -> None:
        self.dates: list[datetime.datetime] = []
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.dates.append(row["history_date"])
        self.rows.append(row)

    def at(self, moment: datetime.datetime, *, before: bool = False) -> dict[str, Any] | None:
        """The record as it was at ``moment`` (just before it with ``before``); None when
        it did not exist or was deleted."""
        index = (bisect_left if before else bisect_right)(self.dates, moment)
        if not index:
            return None
        row = self.rows[index - 1]
        return None if row["history_type"] == "-" else row

    def dates_since(self, since: datetime.datetime) -> list[datetime.datetime]:
        return self.dates[bisect_left(self.dates, since) :]

    @property
    def latest(self) -> dict[str, Any]:
        return self.rows[-1]


# Records saved before their history was kept have no rows: they have not changed since,
# so their current values held all along.
BEGINNING = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _timelines(
    model: type[Model], fields: Iterable[str], pks: Iterable[int] | None = None
) -> dict[int, Timeline]:
    """The history of ``model``'s records (those of ``pks``, or all), by primary key."""
    fields = list(fields)
    rows = model.history.order_by("history_date", "history_id")
    current = model.objects.all()
    if pks is not None:
        pks = list(pks)
        rows, current = rows.filter(id__in=pks), current.filter(pk__in=pks)
    timelines: dict[int, Timeline] = defaultdict(Timeline)
    for row in rows.values("id", "history_date", "history_type", *fields):
        timelines[row["id"]].add(row)
    for row in current.exclude(pk__in=list(timelines)).values("id", *fields):
        timelines[row["id"]].add({**row, "history_date": BEGINNING, "history_type": "+"})
    return dict(timelines)


def _published(row: dict[str, Any] | None) -> bool:
    return row is not None and row["publication_state"] == PUBLISHED


class History:
    """The rows of every record the visibility of another depends on, and the visibility
    rule applied to them at any moment."""

    ITEM_FIELDS = ("publication_state", "public_id", "consultation_id", "source_document_id")

    def __init__(self, since: datetime.datetime) -> None:
        from consultations.models import Consultation, Review, SourceDocument

        self.since = since
        self.reviews = _timelines(Review, ["publication_state", "slug"])
        self.consultations = _timelines(Consultation, ["publication_state", "slug", "review_id"])
        # Documents do not move between reviews; deleted ones are known by their history.
        self.document_review = {
            row["id"]: row["review_id"]
            for row in SourceDocument.history.order_by("history_date").values("id", "review_id")
        }
        self.document_review.update(SourceDocument.objects.values_list("pk", "review_id"))
        self.changed_reviews = {
            pk for pk, timeline in self.reviews.items() if timeline.dates_since(since)
        }
        self.changed_consultations = {
            pk
            for pk, timeline in self.consultations.items()
            if timeline.dates_since(since)
            or {row["review_id"] for row in timeline.rows} & self.changed_reviews
        }

    # The visibility rule, at a moment ------------------------------------------------------

    def review_visible(self, pk: int | None, moment: datetime.datetime, before: bool) -> bool:
        timeline = self.reviews.get(pk)
        return timeline is not None and _published(timeline.at(moment, before=before))

    def consultation_state(self, pk: int, moment: datetime.datetime, before: bool) -> Any:
        timeline = self.consultations.get(pk)
        return timeline.at(moment, before=before) if timeline else None

    def consultation_visible(self, row: dict[str, Any] | None, moment: Any, before: bool) -> bool:
        return _published(row) and self.review_visible(row["review_id"], moment, before)

    def item_visible(self, row: dict[str, Any] | None, moment: Any, before: bool) -> bool:
        if not _published(row):
            return False
        review = self.document_review.get(row["source_document_id"])
        if not self.review_visible(review, moment, before):
            return False
        consultation = row["consultation_id"]
        return consultation is None or _published(
            self.consultation_state(consultation, moment, before)
        )

    # Event dates of a record's parents -------------------------------------------------------

    def review_dates(self, pks: Iterable[int | None]) -> list[datetime.datetime]:
        return [
            date
            for pk in pks
            if pk in self.reviews
            for date in self.reviews[pk].dates_since(self.since)
        ]

    def consultation_dates(self, pks: Iterable[int | None]) -> list[datetime.datetime]:
        return [
            date
            for pk in pks
            if pk in self.consultations
            for date in self.consultations[pk].dates_since(self.since)
        ]

    def item_parent_dates(self, timeline: Timeline) -> list[datetime.datetime]:
        consultations = {row["consultation_id"] for row in timeline.rows}
        reviews = {self.document_review.get(row["source_document_id"]) for row in timeline.rows}
        return self.consultation_dates(consultations) + self.review_dates(reviews)


def classify(
    timeline: Timeline,
    visible: Any,
    parent_dates: list[datetime.datetime],
    since: datetime.datetime,
    public_now: bool,
) -> tuple[str, datetime.datetime] | None:
    """created / updated / withdrawn and when, or None when there is nothing to report.

    ``visible(row, moment, before)`` applies the visibility rule; ``public_now`` is the
    database's answer today, which has the last word (a change made without history).
    """
    own_dates = timeline.dates_since(since)
    moments = sorted(set(own_dates) | {date for date in parent_dates if date >= since})
    was_visible = visible(timeline.at(since, before=True), since, True)
    shown = hidden = None  # the last moments it became visible / stopped being visible
    previous = ever = was_visible
    for moment in moments:
        now = visible(timeline.at(moment), moment, False)
        if now and not previous:
            shown = moment
        if previous and not now:
            hidden = moment
        ever = ever or now
        previous = now
    last_own = own_dates[-1] if own_dates else None
    if public_now:
        if not was_visible:
            return CREATED, shown or last_own or since
        if last_own is None and shown is None:
            return None
        return UPDATED, max(date for date in (last_own, shown) if date is not None)
    if ever:
        return WITHDRAWN, hidden or last_own or since
    return None


class TooManyChanges(Exception):
    """More records may have changed since the moment than one answer reads."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class SizeCheck:
    """Counts the records an answer would read, each query counting no further than the
    limit, and raises TooManyChanges past it: first the history rows since the moment (a
    few index lookups, before anything else is read), then the records under a
    consultation or review that changed."""

    def __init__(self, since: datetime.datetime, types: set[str], limit: int) -> None:
        from recommendations.models import Challenge, GoodPractice, Recommendation, Update

        if {"recommendation", "update"} & types:  # each needs the other (see changes_since)
            types = types | {"recommendation", "update"}
        models = {"recommendation": Recommendation, "challenge": Challenge}
        models.update({"good-practice": GoodPractice, "update": Update})
        self.models = [model for type_, model in models.items() if type_ in types]
        self.limit, self.total = limit, 0
        self._add(model.history.filter(history_date__gte=since) for model in self.models)

    def under_changed_parents(self, history: History) -> None:
        if not (history.changed_consultations or history.changed_reviews):
            return
        from recommendations.models import Update

        def under(model: type[Model]) -> Any:
            via = "recommendation__" if model is Update else ""
            return model.objects.filter(
                Q(**{f"{via}consultation_id__in": history.changed_consultations})
                | Q(**{f"{via}source_document__review_id__in": history.changed_reviews})
            )

        self._add(under(model) for model in self.models)

    def _add(self, querysets: Iterable[Any]) -> None:
        for queryset in querysets:
            self.total += queryset.order_by()[: self.limit - self.total + 1].count()
            if self.total > self.limit:
                raise TooManyChanges(self.limit)


def _public_pks(model: type[Model], pks: Iterable[int]) -> set[int]:
    return set(model.objects.public().filter(pk__in=list(pks)).values_list("pk", flat=True))


def changes_since(
    since: datetime.datetime, types: Iterable[str] = TYPES, limit: int | None = None
) -> list[Change]:
    """Every record of ``types`` created, updated or withdrawn since ``since``, oldest
    change first; TooManyChanges if more than ``limit`` records may have changed."""
    from consultations.models import Consultation, Review
    from recommendations.models import Challenge, GoodPractice, Recommendation

    types = set(types)
    size = SizeCheck(since, types, limit) if limit is not None else None
    history = History(since)
    if size is not None:
        size.under_changed_parents(history)
    found: dict[tuple[str, int], Change] = {}

    def report(type_: str, pk: int, public_id: Any, result: Any) -> None:
        if result is not None:
            found[type_, pk] = Change(type_, str(public_id), result[0], result[1])

    if "review" in types:
        public = _public_pks(Review, history.changed_reviews)
        for pk in history.changed_reviews:
            timeline = history.reviews[pk]
            result = classify(
                timeline,
                lambda row, moment, before: _published(row),
                [],
                since,
                pk in public,
            )
            report("review", pk, timeline.latest["slug"], result)

    if "consultation" in types:
        public = _public_pks(Consultation, history.changed_consultations)
        for pk in history.changed_consultations:
            timeline = history.consultations[pk]
            reviews = {row["review_id"] for row in timeline.rows}
            result = classify(
                timeline,
                history.consultation_visible,
                history.review_dates(reviews),
                since,
                pk in public,
            )
            report("consultation", pk, timeline.latest["slug"], result)

    # Updates change what their recommendation shows (its status): both need the other.
    follow_up = bool({"recommendation", "update"} & types)
    item_models = {"recommendation": Recommendation, "challenge": Challenge}
    item_models["good-practice"] = GoodPractice
    recommendations: dict[int, Timeline] = {}
    for type_, model in item_models.items():
        if type_ not in types and not (type_ == "recommendation" and follow_up):
            continue
        affected = Q(consultation_id__in=history.changed_consultations) | Q(
            source_document__review_id__in=history.changed_reviews
        )
        candidates = set(
            model.history.filter(history_date__gte=since).values_list("id", flat=True)
        ) | set(model.objects.filter(affected).values_list("pk", flat=True))
        timelines = _timelines(model, History.ITEM_FIELDS, candidates)
        if type_ == "recommendation":
            recommendations = timelines
        public = _public_pks(model, timelines)
        for pk, timeline in timelines.items():
            result = classify(
                timeline,
                history.item_visible,
                history.item_parent_dates(timeline),
                since,
                pk in public,
            )
            report(type_, pk, timeline.latest["public_id"], result)

    if follow_up:
        for pk, change in _update_changes(history, recommendations, since).items():
            found["update", pk] = change
        if "recommendation" in types:
            _status_changes(found, recommendations)

    changes = [change for (type_, _pk), change in found.items() if type_ in types]
    order = {name: index for index, name in enumerate(TYPES)}
    return sorted(changes, key=lambda change: (change.at, order[change.type], change.id))


def _update_changes(
    history: History, recommendations: dict[int, Timeline], since: datetime.datetime
) -> dict[int, Change]:
    """Changes of follow-up updates, by primary key; ``recommendations`` gains the
    timelines of their recommendations."""
    from recommendations.models import Recommendation, Update

    candidates = set(
        Update.history.filter(history_date__gte=since).values_list("id", flat=True)
    ) | set(
        Update.objects.filter(recommendation_id__in=set(recommendations)).values_list(
            "pk", flat=True
        )
    )
    timelines = _timelines(
        Update, ["publication_state", "public_id", "recommendation_id"], candidates
    )
    missing = {row["recommendation_id"] for t in timelines.values() for row in t.rows}
    recommendations.update(
        _timelines(Recommendation, History.ITEM_FIELDS, missing - set(recommendations))
    )

    def visible(row: dict[str, Any] | None, moment: Any, before: bool) -> bool:
        if not _published(row):
            return False
        parent = recommendations.get(row["recommendation_id"])
        return parent is not None and history.item_visible(
            parent.at(moment, before=before), moment, before
        )

    public = _public_pks(Update, timelines)
    changes = {}
    for pk, timeline in timelines.items():
        parents = [recommendations[row["recommendation_id"]] for row in timeline.rows]
        parent_dates = [
            date
            for parent in parents
            for date in [*parent.dates_since(since), *history.item_parent_dates(parent)]
        ]
        result = classify(timeline, visible, parent_dates, since, pk in public)
        if result is not None:
            changes[pk] = Change(
                "update",
                str(timeline.latest["public_id"]),
                *result,
                recommendations=frozenset(row["recommendation_id"] for row in timeline.rows),
            )
    return changes


def _status_changes(
    found: dict[tuple[str, int], Change], recommendations: dict[int, Timeline]
) -> None:
    """A public recommendation whose published updates changed shows another status: it
    counts as updated then, unless it is reported as created or withdrawn anyway."""
    from recommendations.models import Recommendation

    touched: dict[int, datetime.datetime] = {}
    for (type_, _pk), change in found.items():
        if type_ == "update":
            for recommendation in change.recommendations:
                touched[recommendation] = max(change.at, touched.get(recommendation, change.at))
    public = _public_pks(Recommendation, touched)
    for pk, moment in touched.items():
        existing = found.get(("recommendation", pk))
        if pk not in public or (existing is not None and existing.change != UPDATED):
            continue
        public_id = recommendations[pk].latest["public_id"]
        at = max(moment, existing.at) if existing is not None else moment
        found["recommendation", pk] = Change("recommendation", public_id, UPDATED, at)
