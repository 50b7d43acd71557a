"""What partners send to create or change a follow-up update, and how it is checked.

Every refusal names the field: a partner's script should learn at once which value was
wrong and what is accepted. Unknown fields are refused too, so that a misspelt field
(``as_off``) is not silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from rest_framework import serializers

from consultations.api.organizations import all_organization_slugs
from consultations.models import Organization
from consultations.publication import PublicationState
from recommendations.models import FollowUpStatus, Recommendation, UpdateScope

MAX_EVIDENCE = 20
MAX_DESCRIPTION = 10_000


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, naming each with the accepted ones."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            accepted = sorted(name for name, field in self.fields.items() if not field.read_only)
            unknown = sorted(set(data) - set(accepted))
            if unknown:
                message = _("Unknown field. Accepted: %(names)s.") % {"names": ", ".join(accepted)}
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


class EvidenceInputSerializer(StrictSerializer):
    title = serializers.CharField(
        min_length=1, max_length=300, help_text=_("What the link shows, e.g. the title of a law.")
    )
    url = serializers.URLField(
        max_length=500,
        help_text=_("A public web address (http or https) of the evidence."),
    )


class RecommendationIdField(serializers.SlugRelatedField):
    """A public recommendation by its public id, given as text (not a number or a list)."""

    def to_internal_value(self, data: Any) -> Any:
        # PostgreSQL refuses NUL in the query's parameter (a 500, not "does not exist").
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class UpdateInputSerializer(StrictSerializer):
    """A new follow-up update. It enters review: it is public only once a reviewer
    publishes it."""

    recommendation = RecommendationIdField(
        slug_field="public_id",
        queryset=Recommendation.objects.public(),
        help_text=_(
            "Public id of the recommendation it follows up, e.g. "
            "escap-gcm-2021-crp-2-recommendation-17b."
        ),
        error_messages={
            "does_not_exist": _(
                "No published recommendation has this id (see /api/v1/recommendations/)."
            ),
            "invalid": _("Give the id of a recommendation, as text."),
        },
    )
    status = serializers.ChoiceField(
        choices=FollowUpStatus.choices,
        help_text=_("Where implementation stands as of `as_of`."),
        error_messages={
            "invalid_choice": _("Status “%(value)s” does not exist: use one of %(choices)s.")
            % {"value": "{input}", "choices": ", ".join(FollowUpStatus.values)}
        },
    )
    as_of = serializers.DateField(
        help_text=_("The date the status describes, YYYY-MM-DD; not in the future."),
        error_messages={"invalid": _("Use a date such as 2025-01-31.")},
    )
    description = serializers.CharField(
        min_length=1,
        max_length=MAX_DESCRIPTION,
        help_text=_("What was done, decided or reported, in a few sentences."),
    )
    scope = serializers.ChoiceField(
        choices=UpdateScope.choices,
        default=UpdateScope.COUNTRY,
        help_text=_(
            "`country` (the default: give `country`), `multi_country` or `regional` (no `country`)."
        ),
        error_messages={
            "invalid_choice": _("Scope “%(value)s” does not exist: use one of %(choices)s.")
            % {"value": "{input}", "choices": ", ".join(UpdateScope.values)}
        },
    )
    country = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=2,
        help_text=_(
            "ISO 3166 code of the country, e.g. PH, for a one-country update; null or left "
            "out for a regional or multi-country one."
        ),
    )
    reported_by = serializers.CharField(
        required=False,
        help_text=_(
            "Id of the reporting organization (see /api/v1/organizations/). Partner focal "
            "points may leave it out (their own organization) and may give no other."
        ),
    )
    responsible_body = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=250,
        help_text=_("The ministry, agency or body responsible for the action, if known."),
    )
    evidence = EvidenceInputSerializer(
        many=True,
        required=False,
        max_length=MAX_EVIDENCE,
        help_text=_("Public sources that show what the update says (at most 20 links)."),
    )

    def validate_country(self, value: str | None) -> str:
        if not value:
            return ""
        if value not in dict(countries):
            raise serializers.ValidationError(
                _("%(value)s is not an ISO 3166 country code (e.g. PH, NP).") % {"value": value}
            )
        return value

    def validate_reported_by(self, value: str) -> Organization:
        pk = next((pk for pk, slug in all_organization_slugs().items() if slug == value), None)
        if pk is None:
            raise serializers.ValidationError(
                _("No organization has this id (see /api/v1/organizations/).")
            )
        return Organization.objects.get(pk=pk)

    def validate_as_of(self, value: Any) -> Any:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("An update cannot describe a date in the future."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        scope = attrs.get("scope", instance.scope if instance else UpdateScope.COUNTRY)
        if "country" in attrs or instance is None:
            country = attrs.get("country", "")
        else:
            country = str(instance.country or "")
        if scope == UpdateScope.COUNTRY and not country:
            raise serializers.ValidationError(
                {"country": [_("Give the country (ISO 3166 code) of a one-country update.")]}
            )
        if scope != UpdateScope.COUNTRY and country:
            raise serializers.ValidationError(
                {
                    "country": [
                        _(
                            "A regional or multi-country update has no country: send null or "
                            "leave it out."
                        )
                    ]
                }
            )
        return attrs


class UpdateChangeSerializer(UpdateInputSerializer):
    """Changes to an update: any of its fields, and its publication state."""

    publication_state = serializers.ChoiceField(
        choices=PublicationState.choices,
        required=False,
        help_text=_(
            "`in_review` submits a draft for review; `published`, `draft` (unpublish) and "
            "`withdrawn` are for reviewers only."
        ),
        error_messages={
            "invalid_choice": _("State “%(value)s” does not exist: use one of %(choices)s.")
            % {"value": "{input}", "choices": ", ".join(PublicationState.values)}
        },
    )
