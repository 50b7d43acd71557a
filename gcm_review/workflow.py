"""The editorial workflow and its roles: every permission check lives here.

Records the public sees go draft → in review → published, and can be unpublished
(back to draft) or withdrawn. Roles are Django groups, created after every
``migrate`` (model permissions exist only once migrations have run):

- secretariat editor: creates and edits drafts, submits them for review;
- reviewer: publishes, unpublishes, withdraws; edits and deletes;
- partner focal point: creates follow-up updates on behalf of their own organization
  only, edits them while unpublished, submits them for review; cannot publish;
- administrators: Django superusers.

The admin and the API ask the functions below; neither decides on its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultations.publication import PublicationState

EDITOR = "Secretariat editor"
REVIEWER = "Reviewer"
FOCAL_POINT = "Partner focal point"
ROLES = [EDITOR, REVIEWER, FOCAL_POINT]

FRAMEWORK = [
    "consultations.cluster",
    "consultations.objective",
    "consultations.guidingprinciple",
    "consultations.stakeholdergroup",
]
CONTENT = [
    "consultations.review",
    "consultations.sourcedocument",
    "consultations.consultation",
    "consultations.coorganizer",
    "consultations.participantshare",
    "consultations.organization",
    "recommendations.actor",
    "recommendations.challenge",
    "recommendations.goodpractice",
    "recommendations.recommendation",
    "recommendations.update",
    "recommendations.evidencelink",
]
PUBLISHABLE = [
    "consultations.review",
    "consultations.consultation",
    "recommendations.challenge",
    "recommendations.goodpractice",
    "recommendations.recommendation",
    "recommendations.update",
]


def _codenames(models_: list[str], actions: list[str]) -> list[str]:
    return [
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label in models_
        for action in actions
    ]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: [
        *_codenames(FRAMEWORK, ["view"]),
        *_codenames(CONTENT, ["view", "add", "change"]),
    ],
    REVIEWER: [
        *_codenames(FRAMEWORK, ["view"]),
        *_codenames(CONTENT, ["view", "add", "change", "delete"]),
        *[f"{label.split('.')[0]}.publish_{label.split('.')[1]}" for label in PUBLISHABLE],
    ],
    FOCAL_POINT: [
        "recommendations.view_recommendation",
        "consultations.view_organization",
        *_codenames(
            ["recommendations.update", "recommendations.evidencelink"], ["view", "add", "change"]
        ),
    ],
}


def ensure_roles(**kwargs: Any) -> None:
    """post_migrate: create the role groups with exactly their permissions."""
    wanted = {name for names in ROLE_PERMISSIONS.values() for name in names}
    available = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
        if f"{app_label}.{codename}" in wanted
    }
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([available[name] for name in names if name in available])


# --- Checks ---------------------------------------------------------------------------------


def _label(record: models.Model | type[models.Model]) -> tuple[str, str]:
    meta = record._meta
    return meta.app_label, meta.model_name


def can_publish(user: Any, record: models.Model | type[models.Model]) -> bool:
    """Publish, unpublish, withdraw: reviewers and administrators."""
    app_label, model_name = _label(record)
    return bool(user and user.is_active and user.has_perm(f"{app_label}.publish_{model_name}"))


def focal_point_organization(user: Any) -> Any:
    """The organization a partner focal point reports for; None for everyone else."""
    if not user or isinstance(user, AnonymousUser) or user.is_superuser:
        return None
    if user.groups.filter(name__in=[EDITOR, REVIEWER]).exists():
        return None
    focal_point = getattr(user, "focal_point", None)
    if focal_point is not None:
        return focal_point.organization
    return None


def is_focal_point(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.groups.filter(name=FOCAL_POINT).exists())


def allowed_states(user: Any, record: models.Model | type[models.Model]) -> list[str]:
    """The publication states this user may put the record in."""
    if can_publish(user, record):
        return list(PublicationState.values)
    return [PublicationState.DRAFT, PublicationState.IN_REVIEW]


def can_edit(user: Any, record: models.Model) -> bool:
    """Change this record's fields (its history, tags, links, evidence)."""
    app_label, model_name = _label(record)
    if not (user and user.is_active and user.has_perm(f"{app_label}.change_{model_name}")):
        return False
    # Editors and focal points change what the public does not see yet.
    if (
        hasattr(record, "publication_state")
        and not can_publish(user, record)
        and record.pk
        and record.publication_state not in (PublicationState.DRAFT, PublicationState.IN_REVIEW)
    ):
        return False
    update = _update_of(record)
    if update is not None and is_focal_point(user):
        organization = focal_point_organization(user)
        return organization is not None and update.reported_by_id == organization.pk
    return True


def can_report_for(user: Any, organization: Any) -> bool:
    """Create a follow-up update on behalf of ``organization``."""
    if not (user and user.is_active and user.has_perm("recommendations.add_update")):
        return False
    if is_focal_point(user):
        own = focal_point_organization(user)
        return own is not None and organization is not None and own.pk == organization.pk
    return True


def can_set_state(user: Any, record: models.Model, state: str) -> bool:
    return state in allowed_states(user, record)


def can_move(user: Any, record: models.Model, state: str) -> bool:
    """Move ``record`` from its current publication state to ``state``: reviewers always;
    others only between draft and in review, on a record they may edit (so an editor or
    a focal point can neither publish nor unpublish)."""
    if can_publish(user, record):
        return True
    return can_set_state(user, record, state) and can_edit(user, record)


def can_restore(user: Any, current: models.Model | None, model: type[models.Model]) -> bool:
    """Bring back an earlier version from the history. It changes the current record, so
    it needs the right to edit that record as it is now (not as the version was); bringing
    back a deleted record is for reviewers."""
    if current is None:
        return can_publish(user, model)
    return can_edit(user, current)


def can_see_deleted_history(user: Any, model: type[models.Model]) -> bool:
    """The history of deleted records: staff of the secretariat, not partner focal points
    (who see only what their organization reported)."""
    if not (user and user.is_active and user.is_staff):
        return False
    return not is_focal_point(user)


def reportable_recommendations(user: Any, queryset: models.QuerySet) -> models.QuerySet:
    """The recommendations a user may attach a follow-up update to: focal points only
    public ones (they never see drafts); the secretariat any."""
    if is_focal_point(user):
        return queryset.public()
    return queryset


def visible_updates(user: Any, queryset: models.QuerySet) -> models.QuerySet:
    """The follow-up updates a user may see in the admin: focal points see their own."""
    if is_focal_point(user):
        organization = focal_point_organization(user)
        if organization is None:
            return queryset.none()
        return queryset.filter(reported_by=organization)
    return queryset


def _update_of(record: models.Model) -> Any:
    if record._meta.label_lower == "recommendations.update":
        return record
    if record._meta.label_lower == "recommendations.evidencelink":
        return record.update if record.update_id else None
    return None


DENIED_MESSAGES = {
    "publish": _("Only reviewers publish, unpublish or withdraw records."),
    "edit_public": _("Published records are changed by reviewers; ask one to unpublish it first."),
    "organization": _("You can report updates only on behalf of your own organization."),
}
