"""What came out of the consultations: challenges, good practices and recommendations."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consultations.models import (
    Consultation,
    CoOrganizer,
    GuidingPrinciple,
    Objective,
    SourceDocument,
)
from consultations.publication import (
    PublicationState,
    Publishable,
    PublishableQuerySet,
    TimeStamped,
)
from recommendations.references import reference_slug, reference_sort_key, validate_reference


class Actor(models.Model):
    """Who a recommendation is addressed to (governments of destination, the private sector...).

    A lookup table rather than fixed choices: the secretariat extends it.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="actor_unique_slug",
                violation_error_message=_("An addressee with this slug already exists."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                name="actor_unique_name",
                violation_error_message=_("An addressee with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# Sentinels around matched words: SearchHeadline returns stored text unescaped, so the
# template escapes everything and only then turns these into <mark> tags.
MARK_START = "\x02"
MARK_END = "\x03"


class ItemQuerySet(PublishableQuerySet):
    """Shared by challenges, good practices and recommendations."""

    review_path = "source_document__review"
    consultation_path = "consultation"

    def public(self) -> ItemQuerySet:
        """Records the public may see: the rule of ``PublishableQuerySet.public()``, which the
        database applies once per change into ``visible`` (recommendations/triggers.py)."""
        return self.filter(visible=True)

    def in_document_order(self) -> ItemQuerySet:
        return self.order_by("source_document_id", "reference_sort_key")

    def for_objective(self, number: int) -> ItemQuerySet:
        return self.filter(objectives__number=number)

    def for_list(self) -> ItemQuerySet:
        """What a row of the site's lists shows (its consultation, document and objectives,
        the latter as ``objective_list``), in a fixed number of queries whatever the number
        of rows, and nothing more: a list row does not show its links, principles or
        addressees."""
        return self.select_related("consultation", "source_document").prefetch_related(
            models.Prefetch("objectives", to_attr="objective_list")
        )

    def for_export(self) -> ItemQuerySet:
        """Everything an export row or an API record shows, in a fixed number of queries
        whatever the number of rows: tags and links as plain lists (``objective_list``,
        ``principle_list``; ``addressee_list``, ``challenge_list``, ``good_practice_list``
        or ``recommendation_list``). Plain lists, not related managers: Django builds a
        queryset per row and relation to hand a prefetched relation back through its
        manager, which cost more than the queries themselves on an API page."""
        related = [
            models.Prefetch("objectives", to_attr="objective_list"),
            models.Prefetch("guiding_principles", to_attr="principle_list"),
        ]
        if self.model is Recommendation:
            related += [
                models.Prefetch("addressed_to", to_attr="addressee_list"),
                models.Prefetch(
                    "challenges",
                    queryset=Challenge.objects.public().for_links(),
                    to_attr="challenge_list",
                ),
                models.Prefetch(
                    "good_practices",
                    queryset=GoodPractice.objects.public().for_links(),
                    to_attr="good_practice_list",
                ),
            ]
        else:
            related.append(
                models.Prefetch(
                    "recommendations",
                    queryset=Recommendation.objects.public().for_links(),
                    to_attr="recommendation_list",
                )
            )
        return self.select_related(
            "consultation", "source_document", "source_document__review"
        ).prefetch_related(*related)

    def for_links(self) -> ItemQuerySet:
        """Linked items as a page lists them: with what their addresses need."""
        return self.select_related("source_document").in_document_order()

    def for_detail(self) -> ItemQuerySet:
        """An export row plus the provenance a detail page shows (co-organizers)."""
        return self.for_export().prefetch_related(
            models.Prefetch(
                "consultation__co_organizer_links",
                queryset=CoOrganizer.objects.select_related("organization").order_by("position"),
            ),
        )

    def search(self, query: str, *, fuzzy: bool = False) -> ItemQuerySet:
        """Items matching ``query``, annotated with ``relevance``.

        On PostgreSQL: full-text search over the stored, GIN-indexed ``search_vector``
        with English stemming (“recruiting” finds “recruitment”), ranked; with
        ``fuzzy``, trigram word similarity instead, so that a misspelled query
        (“remitances”) still finds something. On SQLite: every word must occur in the
        text, unranked, and ``fuzzy`` changes nothing.
        """
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import (
                SearchQuery,
                SearchRank,
                TrigramWordSimilarity,
            )

            if fuzzy:
                return self.filter(text__trigram_word_similar=query).annotate(
                    relevance=TrigramWordSimilarity(query, "text")
                )
            search_query = SearchQuery(query, config="english", search_type="websearch")
            return self.filter(search_vector=search_query).annotate(
                relevance=SearchRank(models.F("search_vector"), search_query)
            )
        matched = self
        for word in search_words(query):
            matched = matched.filter(text__icontains=word)
        return matched.annotate(relevance=models.Value(1.0, output_field=models.FloatField()))


def attach_headlines(items: list[Item], query: str) -> None:
    """Give each item of a page a ``headline``: its text with the matched words between
    MARK_START and MARK_END (PostgreSQL; one query for the page, not one per match)."""
    if not items or not query or connections[items[0]._state.db].vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchHeadline, SearchQuery

    search_query = SearchQuery(query, config="english", search_type="websearch")
    headlines = dict(
        type(items[0])
        .objects.filter(pk__in=[item.pk for item in items])
        .annotate(
            headline=SearchHeadline(
                "text",
                search_query,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                highlight_all=True,
            )
        )
        .values_list("pk", "headline")
    )
    for item in items:
        item.headline = headlines.get(item.pk, "")


class RecommendationQuerySet(ItemQuerySet):
    def with_status(self, *, country: str | None = None) -> RecommendationQuerySet:
        """Annotate ``current_status`` (NO_UPDATE when there is no published update) and
        ``status_as_of`` from the latest published update, overall or for one country.

        Overall, they are the columns the database keeps (``overall_status``); for one
        country, a subquery per row."""
        from recommendations.models.follow_up import NO_UPDATE, Update, UpdateScope

        if not country:
            return self.annotate(
                current_status=models.F("overall_status"),
                status_as_of=models.F("overall_status_as_of"),
            )
        latest = Update.objects.filter(
            recommendation=models.OuterRef("pk"),
            publication_state=PublicationState.PUBLISHED,
            scope=UpdateScope.COUNTRY,
            country=country,
        ).order_by("-as_of", "-created_at", "-pk")
        return self.annotate(
            current_status=Coalesce(
                models.Subquery(latest.values("status")[:1]), models.Value(NO_UPDATE)
            ),
            status_as_of=models.Subquery(latest.values("as_of")[:1]),
        )

    def for_list(self) -> RecommendationQuerySet:
        return super().for_list().with_status()

    def for_export(self) -> RecommendationQuerySet:
        return super().for_export().with_status()

    def for_detail(self) -> RecommendationQuerySet:
        from recommendations.models.follow_up import Update

        return (
            super()
            .for_detail()
            .prefetch_related(
                models.Prefetch(
                    "updates",
                    queryset=Update.objects.published()
                    .select_related("reported_by")
                    .prefetch_related("evidence")
                    .latest_first(),
                    to_attr="published_updates",
                )
            )
        )


class ItemManager(models.Manager):
    """Items without their search vector: the database reads it, Python never does, and
    at several kilobytes a row it would double what every list fetches."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer("search_vector")


def search_words(query: str) -> list[str]:
    """The words of a query, as the SQLite search and the highlighter use them."""
    return [word for word in re.findall(r"\w+", query.lower()) if len(word) > 1][:20]


# Kept by the database, not by people: history would only record its echoes.
DERIVED_FIELDS = ["search_vector", "visible"]
# What counts and facets read of an item: with these in an index of the visible rows,
# PostgreSQL counts from the index alone, never visiting the wide rows (text, vector).
FACET_COLUMNS = ["covid_related", "consultation", "source_document"]


def facet_index(*extra: str) -> models.Index:
    return models.Index(
        fields=["id"],
        include=[*FACET_COLUMNS, *extra],
        name="%(class)s_public_facets",
        condition=Q(visible=True),
    )


class Item(Publishable, TimeStamped):
    """Fields common to the three kinds of item a report contains."""

    kind_slug: ClassVar[str] = ""
    url_name: ClassVar[str] = ""

    reference = models.CharField(
        _("paragraph reference"),
        max_length=24,
        validators=[validate_reference],
        help_text=_("Exactly as the document prints it, e.g. 17(b) or 35."),
    )
    reference_sort_key = models.CharField(
        _("sort key"),
        max_length=64,
        editable=False,
        help_text=_("Computed from the reference so that 9(a) sorts before 10(a)."),
    )
    # Kept in step with ``text`` by a PostgreSQL trigger (migration 0005), so every write
    # path (admin, import, API, bulk inserts, QuerySet.update) updates it; GIN-indexed.
    # Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    public_id = models.SlugField(
        _("public identifier"),
        max_length=150,
        editable=False,
        help_text=_(
            "Derived from the source document and the reference when the record is created; "
            "public addresses and the API use it. It never changes."
        ),
    )
    text = models.TextField(_("text"), help_text=_("The item's text as the document gives it."))
    footnote = models.TextField(
        _("footnote"),
        blank=True,
        help_text=_("A footnote of the document that informs this item, kept apart from the text."),
    )
    data_note = models.TextField(
        _("data note"),
        blank=True,
        help_text=_(
            "Where the record departs from the printed document (a misprint, a split item), "
            "say so here."
        ),
    )
    covid_related = models.BooleanField(
        _("COVID-19 related"),
        default=False,
        help_text=_("About the COVID-19 pandemic and its consequences for migrants."),
    )
    # The visibility rule, kept by the database (recommendations/triggers.py): every public
    # list filters on this one indexed column instead of joining the review and consultation.
    visible = models.BooleanField(
        _("visible to the public"),
        default=False,
        editable=False,
        help_text=_(
            "Set by the database: published, with its consultation (if any) and review published."
        ),
    )

    objects = ItemManager.from_queryset(ItemQuerySet)()

    class Meta:
        abstract = True
        ordering = ["source_document_id", "reference_sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_document", "reference"],
                name="%(class)s_unique_reference_per_document",
                violation_error_message=_(
                    "This source document already has an item of this kind with this reference."
                ),
            ),
            models.UniqueConstraint(
                fields=["public_id"],
                name="%(class)s_unique_public_id",
                violation_error_message=_("Another record already has this public identifier."),
            ),
            models.CheckConstraint(
                condition=~Q(reference=""),
                name="%(class)s_reference_not_empty",
                violation_error_message=_("Give the paragraph reference."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="%(class)s_text_not_empty",
                violation_error_message=_("An item needs its text."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["source_document", "reference_sort_key"], name="%(class)s_doc_order"
            ),
            # Public lists in document order and their deep pages, counts of what the public
            # sees, semi-joins with the tag tables: the index holds only the visible rows,
            # in list order, with their ids (on PostgreSQL; SQLite's indexes always have them).
            models.Index(
                fields=["source_document", "reference_sort_key"],
                include=["id"],
                name="%(class)s_public_order",
                condition=Q(visible=True),
            ),
            models.Index(
                fields=["updated_at"], name="%(class)s_public_updated", condition=Q(visible=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_document.symbol} {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.reference_sort_key = reference_sort_key(self.reference)
        if not self.public_id:
            self.public_id = self.build_public_id(self.source_document, self.reference)
        super().save(*args, **kwargs)

    @classmethod
    def build_public_id(cls, source_document: SourceDocument, reference: str) -> str:
        return f"{source_document.slug}-{cls.kind_slug}-{reference_slug(reference)}"

    @property
    def reference_slug(self) -> str:
        return reference_slug(self.reference)

    def get_absolute_url(self) -> str:
        return reverse(
            f"recommendations:{self.url_name}-detail",
            kwargs={"document": self.source_document.slug, "reference": self.reference_slug},
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.consultation_id
            and self.source_document_id
            and self.consultation.review_id != self.source_document.review_id
        ):
            raise ValidationError(
                {"consultation": _("The consultation must belong to the source document's review.")}
            )

    def parents_for_visibility(self) -> list[Any]:
        return [self.consultation, self.source_document.review]


class Challenge(Item):
    kind_slug = "challenge"
    url_name = "challenge"

    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("source document"),
    )
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("consultation"),
        help_text=_("Leave empty for cross-cutting items, such as the COVID-19 section."),
    )
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="challenges", verbose_name=_("objectives")
    )
    guiding_principles = models.ManyToManyField(
        GuidingPrinciple,
        blank=True,
        related_name="challenges",
        verbose_name=_("guiding principles"),
    )

    history = HistoricalRecords(
        m2m_fields=[objectives, guiding_principles], excluded_fields=DERIVED_FIELDS
    )

    class Meta(Item.Meta):
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        permissions = [("publish_challenge", _("Can publish and unpublish challenges"))]
        indexes = [*Item.Meta.indexes, facet_index()]


class GoodPractice(Item):
    kind_slug = "practice"
    url_name = "good-practice"

    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="good_practices",
        verbose_name=_("source document"),
    )
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="good_practices",
        verbose_name=_("consultation"),
        help_text=_("Leave empty for cross-cutting items, such as the COVID-19 section."),
    )
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="good_practices", verbose_name=_("objectives")
    )
    guiding_principles = models.ManyToManyField(
        GuidingPrinciple,
        blank=True,
        related_name="good_practices",
        verbose_name=_("guiding principles"),
    )

    history = HistoricalRecords(
        m2m_fields=[objectives, guiding_principles], excluded_fields=DERIVED_FIELDS
    )

    class Meta(Item.Meta):
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        permissions = [("publish_goodpractice", _("Can publish and unpublish good practices"))]
        indexes = [*Item.Meta.indexes, facet_index()]


class Recommendation(Item):
    kind_slug = "recommendation"
    url_name = "recommendation"

    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("source document"),
    )
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("consultation"),
        help_text=_("Leave empty for recommendations of the review as a whole (conclusions)."),
    )
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="recommendations", verbose_name=_("objectives")
    )
    guiding_principles = models.ManyToManyField(
        GuidingPrinciple,
        blank=True,
        related_name="recommendations",
        verbose_name=_("guiding principles"),
    )
    is_conclusion = models.BooleanField(
        _("conclusion of the review"),
        default=False,
        help_text=_(
            "An affirmation in the report's conclusions rather than a recommendation of one "
            "consultation. Lists and counts keep the two apart."
        ),
    )
    addressed_to = models.ManyToManyField(
        Actor,
        blank=True,
        related_name="recommendations",
        verbose_name=_("addressed to"),
        help_text=_("Who the recommendation asks to act."),
    )
    challenges = models.ManyToManyField(
        Challenge,
        blank=True,
        related_name="recommendations",
        verbose_name=_("challenges answered"),
        help_text=_("Challenges of the same consultation that this recommendation answers."),
    )
    good_practices = models.ManyToManyField(
        GoodPractice,
        blank=True,
        related_name="recommendations",
        verbose_name=_("supporting good practices"),
        help_text=_("Good practices that show the way for this recommendation."),
    )

    # The overall follow-up status, kept by the database from the published updates
    # (recommendations/triggers.py), so that lists, filters and facets read a column.
    overall_status = models.CharField(
        _("overall follow-up status"),
        max_length=32,
        default="none",
        editable=False,
        help_text=_("Set by the database from the latest published follow-up update."),
    )
    overall_status_as_of = models.DateField(
        _("overall status as of"),
        null=True,
        editable=False,
        help_text=_("Set by the database: the date of the latest published follow-up update."),
    )

    objects = ItemManager.from_queryset(RecommendationQuerySet)()

    @property
    def list_status(self) -> Any:
        """The overall status from ``with_status()``'s annotations (lists, no query)."""
        from recommendations.models.follow_up import NO_UPDATE, DerivedStatus

        return DerivedStatus(
            code=getattr(self, "current_status", NO_UPDATE) or NO_UPDATE,
            as_of=getattr(self, "status_as_of", None),
        )

    def derived_status(self) -> tuple[Any, list[Any]]:
        """Overall status and per-place breakdown, from ``for_detail()``'s published updates."""
        from recommendations.models.follow_up import derive_status

        return derive_status(getattr(self, "published_updates", None) or [])

    history = HistoricalRecords(
        m2m_fields=[objectives, guiding_principles, addressed_to, challenges, good_practices],
        excluded_fields=[*DERIVED_FIELDS, "overall_status", "overall_status_as_of"],
    )

    class Meta(Item.Meta):
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        permissions = [("publish_recommendation", _("Can publish and unpublish recommendations"))]
        indexes = [
            *Item.Meta.indexes,
            facet_index("is_conclusion", "overall_status", "overall_status_as_of"),
        ]
        constraints = [
            *Item.Meta.constraints,
            models.CheckConstraint(
                condition=Q(is_conclusion=False) | Q(consultation__isnull=True),
                name="recommendation_conclusion_has_no_consultation",
                violation_error_message=_(
                    "A conclusion of the review belongs to no single consultation: "
                    "leave the consultation empty."
                ),
            ),
        ]
