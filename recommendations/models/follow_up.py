"""Follow-up of recommendations: updates over time, with evidence, by country.

A recommendation's status is never typed twice: it is derived from its published
updates. Per country, the latest published update for that country (by “as of” date);
overall, the latest published update of any country. No published update means “no
update yet”, which is not “not started”. A status older than FOLLOW_UP_STALE_MONTHS is
stale.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField
from simple_history.models import HistoricalRecords

from consultations.models import Organization
from consultations.publication import (
    PublicationState,
    Publishable,
    PublishableQuerySet,
    TimeStamped,
)


class FollowUpStatus(models.TextChoices):
    """Where implementation stands. The scale follows the implementation-status scales of
    national recommendation-tracking databases (not started, in progress, partially
    implemented, implemented), with “planned” for a decided but unstarted measure and
    “no longer relevant” for recommendations overtaken by events."""

    NOT_STARTED = "not_started", _("Not started")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    NO_LONGER_RELEVANT = "no_longer_relevant", _("No longer relevant")


# The status facet's value, and the API's, for a recommendation without a published update.
NO_UPDATE = "none"
NO_UPDATE_LABEL = _("No update yet")


def country_name(code: str) -> str:
    """The country's name in the current language; looked up once per code and language
    (every status of every row of a list names its places)."""
    return _country_name(code, get_language())


@functools.lru_cache(maxsize=2048)
def _country_name(code: str, language: str | None) -> str:
    return str(Country(code).name)


class UpdateScope(models.TextChoices):
    COUNTRY = "country", _("One country")
    MULTI_COUNTRY = "multi_country", _("Several countries")
    REGIONAL = "regional", _("The region as a whole")


def stale_before(today: datetime.date | None = None) -> datetime.date:
    """Statuses as of an earlier date than this are stale."""
    today = today or timezone.localdate()
    months = settings.FOLLOW_UP_STALE_MONTHS
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    # The same day of the month, or the month's last day (31 March - 1 month = 28/29 Feb).
    for day in range(today.day, 27, -1):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return datetime.date(year, month, min(today.day, 28))


class UpdateQuerySet(PublishableQuerySet):
    def public(self) -> UpdateQuerySet:
        """Published updates of public recommendations."""
        return self.filter(
            publication_state=PublicationState.PUBLISHED, recommendation__visible=True
        )

    def latest_first(self) -> UpdateQuerySet:
        return self.order_by("-as_of", "-created_at", "-pk")

    def for_country(self, code: str) -> UpdateQuerySet:
        return self.filter(scope=UpdateScope.COUNTRY, country=code)

    def for_list(self) -> UpdateQuerySet:
        """What an update's row shows, in a fixed number of queries."""
        return self.select_related(
            "reported_by",
            "recommendation",
            "recommendation__source_document",
            "recommendation__consultation",
        ).prefetch_related("evidence")


class Update(Publishable, TimeStamped):
    """What has been done about a recommendation, as of a date, in a country or the region."""

    public_id = models.UUIDField(
        _("public identifier"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("Stable identifier used in public addresses and the API."),
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.PROTECT,
        related_name="updates",
        verbose_name=_("recommendation"),
    )
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=FollowUpStatus.choices,
        help_text=_("Where implementation stands as of the date below."),
    )
    as_of = models.DateField(
        _("as of"), help_text=_("The date the status describes (not the date it was entered).")
    )
    description = models.TextField(
        _("what was done"), help_text=_("What was done, decided or reported, in a few sentences.")
    )
    scope = models.CharField(
        _("scope"),
        max_length=16,
        choices=UpdateScope.choices,
        default=UpdateScope.COUNTRY,
        help_text=_("A regional recommendation is implemented country by country."),
    )
    country = CountryField(
        _("country"),
        blank=True,
        help_text=_("The country the update concerns; leave empty for regional or multi-country."),
    )
    reported_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="reported_updates",
        verbose_name=_("reported by"),
        help_text=_("The organization that reported this update."),
    )
    responsible_body = models.CharField(
        _("responsible body"),
        max_length=250,
        blank=True,
        help_text=_("The ministry, agency or body responsible for the action, if known."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("entered by"),
    )

    objects = UpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-as_of", "-created_at"]
        verbose_name = _("follow-up update")
        verbose_name_plural = _("follow-up updates")
        permissions = [("publish_update", _("Can publish and unpublish follow-up updates"))]
        constraints = [
            models.UniqueConstraint(
                fields=["public_id"],
                name="update_unique_public_id",
                violation_error_message=_("Another update already has this public identifier."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=FollowUpStatus.values),
                name="update_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=(Q(scope=UpdateScope.COUNTRY) & ~Q(country=""))
                | (Q(scope__in=[UpdateScope.MULTI_COUNTRY, UpdateScope.REGIONAL]) & Q(country="")),
                name="update_country_matches_scope",
                violation_error_message=_(
                    "Give the country for a one-country update, and no country for a regional "
                    "or multi-country one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="update_description_not_empty",
                violation_error_message=_("Say what was done."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["recommendation", "publication_state", "-as_of"],
                name="update_latest_per_rec",
            ),
            models.Index(fields=["country", "publication_state"], name="update_country"),
            # The public lists of updates, newest first, and their deep pages.
            models.Index(
                fields=["-as_of", "-created_at", "-id"],
                name="update_published_latest",
                condition=Q(publication_state=PublicationState.PUBLISHED),
            ),
        ]

    def __str__(self) -> str:
        return _("%(reference)s: %(status)s as of %(date)s (%(where)s)") % {
            "reference": self.recommendation.reference if self.recommendation_id else "?",
            "status": self.get_status_display(),
            "date": self.as_of,
            "where": self.place,
        }

    @property
    def place(self) -> str:
        if self.scope == UpdateScope.COUNTRY and self.country:
            return country_name(self.country.code)
        return str(self.get_scope_display())

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.as_of and self.as_of > timezone.localdate():
            raise ValidationError({"as_of": _("An update cannot describe a date in the future.")})

    def parents_for_visibility(self) -> list[Any]:
        return [self.recommendation]

    def get_absolute_url(self) -> str:
        return f"{self.recommendation.get_absolute_url()}#update-{self.public_id}"

    @property
    def is_stale(self) -> bool:
        return self.as_of < stale_before()


class EvidenceLink(models.Model):
    """A public source that shows what an update says: a law, a report, an announcement."""

    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("update")
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("web address"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["update", "position", "pk"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self) -> str:
        return self.title


@dataclass(frozen=True)
class DerivedStatus:
    """A recommendation's status as derived from published updates (overall or one place)."""

    code: str  # a FollowUpStatus value, or NO_UPDATE
    as_of: datetime.date | None
    place: str = ""
    country: Country | None = None
    update: Update | None = None

    @property
    def label(self) -> str:
        if self.code == NO_UPDATE:
            return str(NO_UPDATE_LABEL)
        return str(FollowUpStatus(self.code).label)

    @property
    def is_stale(self) -> bool:
        return self.as_of is not None and self.as_of < stale_before()

    @classmethod
    def from_update(cls, update: Update | None) -> DerivedStatus:
        if update is None:
            return cls(code=NO_UPDATE, as_of=None)
        return cls(
            code=update.status,
            as_of=update.as_of,
            place=update.place,
            country=update.country if update.scope == UpdateScope.COUNTRY else None,
            update=update,
        )


def latest_first_key(update: Update) -> tuple:
    return (update.as_of, update.created_at or timezone.now(), update.pk or 0)


def derive_status(published_updates: list[Update]) -> tuple[DerivedStatus, list[DerivedStatus]]:
    """Overall status and the per-place breakdown from a recommendation's published updates."""
    ordered = sorted(published_updates, key=latest_first_key, reverse=True)
    overall = DerivedStatus.from_update(ordered[0] if ordered else None)
    latest_per_place: dict[tuple[str, str], Update] = {}
    for update in ordered:
        latest_per_place.setdefault((update.scope, str(update.country)), update)
    breakdown = sorted(
        (DerivedStatus.from_update(update) for update in latest_per_place.values()),
        key=lambda status: status.place,
    )
    return overall, breakdown
