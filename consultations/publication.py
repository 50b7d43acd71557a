"""Publication states and the visibility rule, in one place.

A record is public only when it, its consultation (if it has one) and its review
are all published. Every public surface (pages, API, exports, search, counts)
goes through ``PublishableQuerySet.public()`` or ``is_public()`` below.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def visibility_q(*, review: str | None, consultation: str | None = None, own: str = "") -> Q:
    """The visibility rule as a filter.

    ``own`` is the lookup prefix of the record itself ("" for the queried model),
    ``review`` the path from it to its review ("" when the record is a review,
    None when it has none), ``consultation`` the path to its optional consultation.
    """
    own_prefix = f"{own}__" if own else ""
    condition = Q(**{f"{own_prefix}publication_state": PublicationState.PUBLISHED})
    if review:
        condition &= Q(**{f"{own_prefix}{review}__publication_state": PublicationState.PUBLISHED})
    if consultation:
        condition &= Q(**{f"{own_prefix}{consultation}__isnull": True}) | Q(
            **{f"{own_prefix}{consultation}__publication_state": PublicationState.PUBLISHED}
        )
    return condition


class PublishableQuerySet(models.QuerySet):
    """Base QuerySet of models with a publication state.

    Subclasses set ``review_path`` (and ``consultation_path`` for records that may
    belong to a consultation) so that ``public()`` applies the whole rule.
    """

    review_path: str | None = None
    consultation_path: str | None = None

    def public(self) -> PublishableQuerySet:
        """Records the public may see: published, under a published consultation and review."""
        return self.filter(
            visibility_q(review=self.review_path, consultation=self.consultation_path)
        )

    def published(self) -> PublishableQuerySet:
        """Records whose own state is published, whatever their parents' state."""
        return self.filter(publication_state=PublicationState.PUBLISHED)


class Publishable(models.Model):
    publication_state = models.CharField(
        _("publication state"),
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
        help_text=_(
            "Only published records are shown to the public, and only when their "
            "consultation and review are published too."
        ),
    )

    class Meta:
        abstract = True

    def parents_for_visibility(self) -> list[Any]:
        """The records whose state also decides whether this one is public."""
        return []

    def is_public(self) -> bool:
        if self.publication_state != PublicationState.PUBLISHED:
            return False
        return all(parent.is_public() for parent in self.parents_for_visibility() if parent)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True
