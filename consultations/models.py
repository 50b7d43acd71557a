"""The GCM framework (objectives, clusters, principles, stakeholder groups) and the
events of a regional review (reviews, source documents, consultations)."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from consultations.publication import Publishable, PublishableQuerySet, TimeStamped

OBJECTIVE_COUNT = 23
CLUSTER_COUNT = 4


class Cluster(models.Model):
    """One of the four review clusters of General Assembly resolution 73/326."""

    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("1 to 4, as numbered in resolution 73/326.")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("review cluster")
        verbose_name_plural = _("review clusters")
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                name="cluster_unique_number",
                violation_error_message=_("A review cluster with this number already exists."),
            ),
            models.UniqueConstraint(
                fields=["slug"],
                name="cluster_unique_slug",
                violation_error_message=_("A review cluster with this slug already exists."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=CLUSTER_COUNT),
                name="cluster_number_1_to_4",
                violation_error_message=_("A review cluster number is between 1 and 4."),
            ),
        ]

    def __str__(self) -> str:
        return _("Cluster %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class ObjectiveQuerySet(models.QuerySet):
    def in_cluster(self, number: int) -> ObjectiveQuerySet:
        return self.filter(cluster__number=number)


class Objective(models.Model):
    """One of the 23 objectives of the Global Compact (resolution 73/195, para. 16)."""

    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("The objective's number in the Compact, 1 to 23.")
    )
    title = models.CharField(
        _("official title"), max_length=300, help_text=_("As worded in the Compact.")
    )
    short_label = models.CharField(
        _("short label"),
        max_length=40,
        help_text=_("A few words for chips and table headers, e.g. “Remittances”."),
    )
    slug = models.SlugField(_("slug"), max_length=80)
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        related_name="objectives",
        verbose_name=_("review cluster"),
        help_text=_("The review cluster of resolution 73/326 this objective belongs to."),
    )

    objects = ObjectiveQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                name="objective_unique_number",
                violation_error_message=_("An objective with this number already exists."),
            ),
            models.UniqueConstraint(
                fields=["slug"],
                name="objective_unique_slug",
                violation_error_message=_("An objective with this slug already exists."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=OBJECTIVE_COUNT),
                name="objective_number_1_to_23",
                violation_error_message=_("The Global Compact has 23 objectives: use 1 to 23."),
            ),
        ]

    def __str__(self) -> str:
        return _("Objective %(number)s: %(label)s") % {
            "number": self.number,
            "label": self.short_label,
        }


class GuidingPrinciple(models.Model):
    """One of the ten cross-cutting guiding principles (resolution 73/195, para. 15)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    compact_paragraph = models.CharField(
        _("paragraph of the Compact"), max_length=10, blank=True, help_text=_("e.g. 15(g)")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="principle_unique_slug",
                violation_error_message=_("A guiding principle with this slug already exists."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                name="principle_unique_name",
                violation_error_message=_("A guiding principle with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StakeholderGroup(models.Model):
    """A group of stakeholders named in paragraph 44 of the Compact."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="stakeholder_group_unique_slug",
                violation_error_message=_("A stakeholder group with this slug already exists."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                name="stakeholder_group_unique_name",
                violation_error_message=_("A stakeholder group with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """A co-organizer of a consultation or a supporting United Nations entity."""

    class Kind(models.TextChoices):
        UN_ENTITY = "un_entity", _("United Nations entity")
        STAKEHOLDER = "stakeholder", _("Stakeholder organization")

    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    stakeholder_group = models.ForeignKey(
        StakeholderGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("stakeholder group"),
        help_text=_("For stakeholder organizations: the group of paragraph 44 it belongs to."),
    )
    countries = CountryField(
        _("countries"),
        multiple=True,
        blank=True,
        help_text=_("Where the organization is based (ISO 3166 codes, shown by name)."),
    )
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="organization_unique_name",
                violation_error_message=_("An organization with this name already exists."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["un_entity", "stakeholder"]),
                name="organization_kind_valid",
                violation_error_message=_(
                    "Choose whether this is a UN entity or a stakeholder organization."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Region(models.TextChoices):
    ASIA_PACIFIC = "asia-pacific", _("Asia-Pacific")
    AFRICA = "africa", _("Africa")
    ARAB_STATES = "arab-states", _("Arab States")
    EUROPE_NORTH_AMERICA = "europe-north-america", _("Europe and North America")
    LATIN_AMERICA_CARIBBEAN = "latin-america-caribbean", _("Latin America and the Caribbean")


cycle_validator = RegexValidator(
    r"^\d{4}-\d{2}$", _("Write the review cycle as two years, e.g. 2020-21.")
)


class ReviewQuerySet(PublishableQuerySet):
    review_path = None

    def latest_first(self) -> ReviewQuerySet:
        return self.order_by("-cycle", "region")


class Review(Publishable, TimeStamped):
    """One regional review of the Compact in one cycle, e.g. Asia-Pacific 2020-21."""

    region = models.CharField(_("region"), max_length=32, choices=Region.choices)
    cycle = models.CharField(
        _("cycle"),
        max_length=7,
        validators=[cycle_validator],
        help_text=_("The two years of the review cycle, e.g. 2020-21."),
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        help_text=_("Used in web addresses, e.g. asia-pacific-2020-21. Do not change once public."),
    )
    meeting_start = models.DateField(_("meeting starts"), null=True, blank=True)
    meeting_end = models.DateField(_("meeting ends"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)

    objects = ReviewQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-cycle", "region"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        permissions = [("publish_review", _("Can publish and unpublish reviews"))]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "cycle"],
                name="review_unique_region_cycle",
                violation_error_message=_("This region already has a review in this cycle."),
            ),
            models.UniqueConstraint(
                fields=["slug"],
                name="review_unique_slug",
                violation_error_message=_("Another review already uses this slug."),
            ),
            models.CheckConstraint(
                condition=Q(meeting_end__isnull=True)
                | Q(meeting_start__isnull=True)
                | Q(meeting_end__gte=models.F("meeting_start")),
                name="review_meeting_dates_ordered",
                violation_error_message=_("The meeting cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_region_display()} {self.cycle}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = slugify(f"{self.region}-{self.cycle}")
        super().save(*args, **kwargs)


class SourceDocument(TimeStamped):
    """A document records come from, e.g. ESCAP/GCM/2021/CRP.2."""

    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        related_name="source_documents",
        verbose_name=_("review"),
    )
    symbol = models.CharField(
        _("document symbol"),
        max_length=60,
        help_text=_("The UN symbol, e.g. ESCAP/GCM/2021/CRP.2."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        help_text=_(
            "Derived from the symbol; part of every record's public address. "
            "Do not change once public."
        ),
    )
    title = models.CharField(_("title"), max_length=400)
    issuing_body = models.CharField(_("issuing body"), max_length=250)
    date = models.DateField(_("date of issue"))
    url = models.URLField(_("web address"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "symbol"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        constraints = [
            models.UniqueConstraint(
                fields=["symbol"],
                name="source_document_unique_symbol",
                violation_error_message=_("A source document with this symbol already exists."),
            ),
            models.UniqueConstraint(
                fields=["slug"],
                name="source_document_unique_slug",
                violation_error_message=_("Another source document already uses this slug."),
            ),
        ]

    def __str__(self) -> str:
        return self.symbol

    @staticmethod
    def slug_for_symbol(symbol: str) -> str:
        """ESCAP/GCM/2021/CRP.2 -> escap-gcm-2021-crp-2 (every separator becomes a hyphen)."""
        return slugify(symbol.replace("/", "-").replace(".", "-"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = self.slug_for_symbol(self.symbol)
        super().save(*args, **kwargs)


paragraphs_validator = RegexValidator(
    r"^\d+(-\d+)?(, ?\d+(-\d+)?)*$",
    _("Write paragraph numbers as printed, e.g. 13-17 or 13, 14."),
)


class ConsultationQuerySet(PublishableQuerySet):
    review_path = "review"

    def for_review(self, review: Review) -> ConsultationQuerySet:
        return self.filter(review=review)


class Consultation(Publishable, TimeStamped):
    """A stakeholder consultation held for a review, on one review cluster."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("review")
    )
    sequence = models.PositiveSmallIntegerField(
        _("sequence"), help_text=_("1 for the review's first consultation, 2 for the second...")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        blank=True,
        help_text=_(
            "Used in web addresses and filters. Left blank, it becomes the review's slug and "
            "the sequence (asia-pacific-2020-21-1). Do not change once public."
        ),
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("The theme of its cluster, as the report gives it.")
    )
    date = models.DateField(_("date"))
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("review cluster"),
    )
    objectives = models.ManyToManyField(
        Objective,
        related_name="consultations",
        verbose_name=_("objectives addressed"),
        help_text=_("The objectives the report's heading lists for this consultation."),
    )
    co_organizers = models.ManyToManyField(
        Organization,
        through="CoOrganizer",
        related_name="co_organized_consultations",
        verbose_name=_("co-organizers"),
    )
    supporting_entities = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="supported_consultations",
        limit_choices_to={"kind": Organization.Kind.UN_ENTITY},
        verbose_name=_("supporting UN entities"),
    )
    participants = models.PositiveIntegerField(
        _("participants (approx.)"),
        null=True,
        blank=True,
        help_text=_("The approximate number the report gives (“about 90 stakeholders”)."),
    )
    countries_represented = models.PositiveSmallIntegerField(
        _("countries (approx.)"),
        null=True,
        blank=True,
        help_text=_("The approximate number of countries participants came from."),
    )
    sectors = models.ManyToManyField(
        StakeholderGroup,
        blank=True,
        related_name="consultations",
        verbose_name=_("sectors represented"),
        help_text=_("The stakeholder groups the report says participants came from."),
    )
    gender_balance_note = models.TextField(
        _("gender balance"),
        blank=True,
        help_text=_("What the report says about the gender balance among participants."),
    )
    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("source document"),
    )
    paragraphs = models.CharField(
        _("paragraphs"),
        max_length=40,
        blank=True,
        validators=[paragraphs_validator],
        help_text=_("The paragraphs of the source document about this consultation, e.g. 13-17."),
    )

    objects = ConsultationQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=[objectives, supporting_entities, sectors])

    class Meta:
        ordering = ["review", "sequence"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        permissions = [("publish_consultation", _("Can publish and unpublish consultations"))]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "sequence"],
                name="consultation_unique_sequence_per_review",
                violation_error_message=_(
                    "This review already has a consultation with this number."
                ),
            ),
            models.UniqueConstraint(
                fields=["slug"],
                name="consultation_unique_slug",
                violation_error_message=_("Another consultation already uses this slug."),
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1),
                name="consultation_sequence_positive",
                violation_error_message=_("Number consultations from 1."),
            ),
        ]

    def __str__(self) -> str:
        return _("Consultation %(sequence)s (%(review)s): %(title)s") % {
            "sequence": self.sequence,
            "review": self.review,
            "title": self.title,
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = f"{self.review.slug}-{self.sequence}"
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.source_document_id
            and self.review_id
            and self.source_document.review_id != self.review_id
        ):
            raise ValidationError(
                {"source_document": _("The source document must belong to the same review.")}
            )

    def parents_for_visibility(self) -> list[Any]:
        return [self.review]

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"slug": self.slug})


class CoOrganizer(models.Model):
    """An organization that co-organized a consultation, with the country the report gives."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="co_organizer_links",
        verbose_name=_("consultation"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="co_organizer_links",
        verbose_name=_("organization"),
    )
    countries = CountryField(
        _("countries as reported"),
        multiple=True,
        multiple_sort=False,
        blank=True,
        help_text=_("The country or countries the report gives beside the organization's name."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the report's list.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "position"]
        verbose_name = _("co-organizer")
        verbose_name_plural = _("co-organizers")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organization"],
                name="co_organizer_unique_per_consultation",
                violation_error_message=_(
                    "This organization is already a co-organizer of this consultation."
                ),
            ),
        ]

    def __str__(self) -> str:
        countries = ", ".join(country.name for country in self.countries)
        return f"{self.organization.name}, {countries}" if countries else self.organization.name


class ParticipantShare(models.Model):
    """A share of a consultation's participants, for one or several stakeholder groups together.

    The report says, for example, “about 60 per cent of all participants represented civil
    society organizations, migrant and diaspora organizations and trade unions”: one share
    covering three groups.
    """

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="participant_shares",
        verbose_name=_("consultation"),
    )
    percent = models.PositiveSmallIntegerField(
        _("per cent"), help_text=_("The share the report gives, 1 to 100.")
    )
    approximate = models.BooleanField(
        _("approximate"), default=True, help_text=_("The report says “about”.")
    )
    stakeholder_groups = models.ManyToManyField(
        StakeholderGroup,
        related_name="participant_shares",
        verbose_name=_("stakeholder groups"),
        help_text=_("The group or groups this share covers together."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords(m2m_fields=[stakeholder_groups])

    class Meta:
        ordering = ["consultation", "position"]
        verbose_name = _("participant share")
        verbose_name_plural = _("participant shares")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=1, percent__lte=100),
                name="participant_share_percent_1_to_100",
                violation_error_message=_("A share is between 1 and 100 per cent."),
            ),
        ]

    def __str__(self) -> str:
        prefix = _("about ") if self.approximate else ""
        return f"{prefix}{self.percent}%"


from consultations.api_keys import PartnerAPIKey  # noqa: E402,F401
from consultations.partners import FocalPoint  # noqa: E402,F401
