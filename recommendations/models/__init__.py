"""Models of the recommendations app: the items of a report and their follow-up."""

from recommendations.models.data_version import DataVersion, Version, data_version
from recommendations.models.follow_up import (
    NO_UPDATE,
    NO_UPDATE_LABEL,
    DerivedStatus,
    EvidenceLink,
    FollowUpStatus,
    Update,
    UpdateScope,
    derive_status,
    stale_before,
)
from recommendations.models.items import (
    MARK_END,
    MARK_START,
    Actor,
    Challenge,
    GoodPractice,
    Item,
    ItemQuerySet,
    Recommendation,
    RecommendationQuerySet,
    attach_headlines,
    search_words,
)

__all__ = [
    "MARK_END",
    "MARK_START",
    "NO_UPDATE",
    "NO_UPDATE_LABEL",
    "Actor",
    "Challenge",
    "DataVersion",
    "DerivedStatus",
    "EvidenceLink",
    "FollowUpStatus",
    "GoodPractice",
    "Item",
    "ItemQuerySet",
    "Recommendation",
    "RecommendationQuerySet",
    "Update",
    "UpdateScope",
    "Version",
    "attach_headlines",
    "data_version",
    "derive_status",
    "search_words",
    "stale_before",
]
