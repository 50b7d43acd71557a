"""Public identifiers of organizations, which have no slug field: slugs derived from
their names, stable when organizations are added."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultations.models import Organization


def organization_slugs(organizations: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Organization primary key -> public slug, derived from the name.

    Organizations have no slug field. Names are unique but two may slugify alike; the
    one created first keeps the plain slug, later ones get -2, -3..., so adding an
    organization never changes the slug of an existing one.
    """
    slugs: dict[int, str] = {}
    taken: set[str] = set()
    for pk, name in sorted(organizations):
        base = slugify(name) or "organization"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs[pk] = slug
    return slugs


def all_organization_slugs() -> dict[int, str]:
    return organization_slugs(Organization.objects.order_by().values_list("pk", "name"))


def slug_of(serializer: serializers.Field, organization_id: int | None) -> str | None:
    if organization_id is None:
        return None
    slugs = serializer.context.get("organization_slugs")
    if slugs is None:
        slugs = serializer.context["organization_slugs"] = all_organization_slugs()
    return slugs[organization_id]


@extend_schema_field(OpenApiTypes.STR)
class OrganizationSlugField(serializers.Field):
    """An organization as its public slug."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return instance

    def to_representation(self, value: Any) -> str | None:
        return slug_of(self, getattr(value, self.source_attrs[-1] + "_id", None))
