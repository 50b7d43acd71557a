"""Everything under /api/: the v1 router, the schema, its two viewers and the guide.

Mounted at /api/ by gcm_review/urls.py. Route names live in the "api" namespace
(``api:recommendation-list``), except ``api-guide``, which the site's footer links to.
"""

from __future__ import annotations

from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from consultations.api.views import (
    ClusterViewSet,
    ConsultationViewSet,
    GuidingPrincipleViewSet,
    ObjectiveViewSet,
    OrganizationViewSet,
    ReviewViewSet,
    SourceDocumentViewSet,
    StakeholderGroupViewSet,
)
from gcm_review.api.changes_views import ChangesViewSet
from gcm_review.api.views import api_not_found, guide
from recommendations.api.update_views import UpdateViewSet
from recommendations.api.views import (
    AddresseeViewSet,
    ChallengeViewSet,
    GoodPracticeViewSet,
    RecommendationViewSet,
)

router = DefaultRouter()
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("updates", UpdateViewSet, basename="update")
router.register("challenges", ChallengeViewSet, basename="challenge")
router.register("good-practices", GoodPracticeViewSet, basename="good-practice")
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("principles", GuidingPrincipleViewSet, basename="principle")
router.register("stakeholder-groups", StakeholderGroupViewSet, basename="stakeholder-group")
router.register("addressees", AddresseeViewSet, basename="addressee")
router.register("reviews", ReviewViewSet, basename="review")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("source-documents", SourceDocumentViewSet, basename="source-document")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("changes", ChangesViewSet, basename="change")

api_patterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    # Anything else under /api/ is a JSON 404, not the site's HTML page. Only paths with a
    # trailing slash, so that CommonMiddleware still adds a missing one first.
    # [\s\S], not ., so that a path with a newline in it is answered here too.
    re_path(r"^[\s\S]*/$", api_not_found),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api-guide")),
    path("guide/", guide, name="api-guide"),
    path("", include((api_patterns, "api"))),
]
