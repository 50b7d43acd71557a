"""The GCM framework, reviews, source documents, organizations and consultations."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound

from consultations.api.organizations import all_organization_slugs
from consultations.api.serializers import (
    ClusterSerializer,
    ConsultationSerializer,
    GuidingPrincipleSerializer,
    ObjectiveSerializer,
    OrganizationSerializer,
    ReviewSerializer,
    SourceDocumentSerializer,
    StakeholderGroupSerializer,
)
from consultations.models import (
    Cluster,
    Consultation,
    CoOrganizer,
    GuidingPrinciple,
    Objective,
    Organization,
    ParticipantShare,
    Review,
    SourceDocument,
    StakeholderGroup,
)
from gcm_review.api import examples
from gcm_review.api.schema import document_reference
from gcm_review.api.viewsets import NUMBER, ReferenceViewSet


@document_reference(Objective, ObjectiveSerializer, examples.OBJECTIVE, number=True)
class ObjectiveViewSet(ReferenceViewSet):
    """The 23 objectives of the Global Compact."""

    queryset = Objective.objects.select_related("cluster")
    serializer_class = ObjectiveSerializer
    lookup_field = "number"
    lookup_pattern = NUMBER
    not_found_message = _("No objective has this number: use 1 to 23.")


@document_reference(Cluster, ClusterSerializer, examples.CLUSTER, number=True)
class ClusterViewSet(ReferenceViewSet):
    """The four review clusters of resolution 73/326."""

    queryset = Cluster.objects.prefetch_related("objectives")
    serializer_class = ClusterSerializer
    lookup_field = "number"
    lookup_pattern = NUMBER
    not_found_message = _("No review cluster has this number: use 1 to 4.")


@document_reference(GuidingPrinciple, GuidingPrincipleSerializer, examples.PRINCIPLE)
class GuidingPrincipleViewSet(ReferenceViewSet):
    """The ten guiding principles of the Compact."""

    queryset = GuidingPrinciple.objects.all()
    serializer_class = GuidingPrincipleSerializer
    lookup_field = "slug"
    not_found_message = _("No guiding principle has this id.")


@document_reference(StakeholderGroup, StakeholderGroupSerializer, examples.STAKEHOLDER_GROUP)
class StakeholderGroupViewSet(ReferenceViewSet):
    """The stakeholder groups of paragraph 44 of the Compact."""

    queryset = StakeholderGroup.objects.all()
    serializer_class = StakeholderGroupSerializer
    lookup_field = "slug"
    not_found_message = _("No stakeholder group has this id.")


@document_reference(Organization, OrganizationSerializer, examples.ORGANIZATION)
class OrganizationViewSet(ReferenceViewSet):
    """Co-organizers of consultations and supporting United Nations entities."""

    queryset = Organization.objects.select_related("stakeholder_group")
    serializer_class = OrganizationSerializer
    not_found_message = _("No organization has this id.")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "organization_slugs": self.slugs}

    @property
    def slugs(self) -> dict[int, str]:
        if not hasattr(self, "_slugs"):
            self._slugs = all_organization_slugs()
        return self._slugs

    def get_object(self) -> Model:
        # Slugs are derived from names, not stored: find the key, then the row.
        value = self.kwargs[self.lookup_url_kwarg]
        pk = next((pk for pk, slug in self.slugs.items() if slug == value), None)
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise NotFound(self.not_found_message)
        return obj


@document_reference(Review, ReviewSerializer, examples.REVIEW)
class ReviewViewSet(ReferenceViewSet):
    """Published regional reviews."""

    serializer_class = ReviewSerializer
    lookup_field = "slug"
    not_found_message = _("No published review has this id.")

    def get_queryset(self) -> QuerySet:
        return (
            Review.objects.public()
            .latest_first()
            .prefetch_related(
                # Only what a link shows: a review holds a thousand of each at scale.
                Prefetch(
                    "consultations",
                    queryset=Consultation.objects.public()
                    .only("pk", "review_id", "slug", "title", "date")
                    .order_by("sequence"),
                ),
                Prefetch(
                    "source_documents",
                    queryset=SourceDocument.objects.only(
                        "pk", "review_id", "slug", "symbol"
                    ).order_by("date"),
                ),
            )
        )


@document_reference(SourceDocument, SourceDocumentSerializer, examples.SOURCE_DOCUMENT)
class SourceDocumentViewSet(ReferenceViewSet):
    """The documents records come from, for published reviews."""

    serializer_class = SourceDocumentSerializer
    lookup_field = "slug"
    not_found_message = _("No source document of a published review has this id.")

    def get_queryset(self) -> QuerySet:
        return SourceDocument.objects.filter(review__in=Review.objects.public()).select_related(
            "review"
        )


@document_reference(Consultation, ConsultationSerializer, examples.CONSULTATION)
class ConsultationViewSet(ReferenceViewSet):
    """Published stakeholder consultations, with who organized them and who took part."""

    serializer_class = ConsultationSerializer
    lookup_field = "slug"
    not_found_message = _("No published consultation has this id.")

    def get_queryset(self) -> QuerySet:
        return (
            Consultation.objects.public()
            .select_related("review", "cluster", "source_document")
            .prefetch_related(
                "objectives",
                "supporting_entities",
                "sectors",
                Prefetch(
                    "co_organizer_links",
                    queryset=CoOrganizer.objects.select_related("organization").order_by(
                        "position"
                    ),
                ),
                Prefetch(
                    "participant_shares",
                    queryset=ParticipantShare.objects.prefetch_related(
                        "stakeholder_groups"
                    ).order_by("position"),
                ),
            )
            .order_by("-review__cycle", "review__region", "sequence")
        )
