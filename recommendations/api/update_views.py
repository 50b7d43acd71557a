"""Follow-up updates in the API: public reading for everyone, writing for partners.

- ``GET /api/v1/updates/`` and ``/api/v1/updates/<id>/``: published updates of public
  recommendations only, for every client (a key shows nothing more);
- ``POST /api/v1/updates/``: a partner with a key submits an update; it enters review;
- ``PATCH /api/v1/updates/<id>/``: the author's organization changes it while it is not
  published, submits it for review; reviewers publish and unpublish it.

Who may do what is asked of gcm_review/workflow.py, nowhere else.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import (
    NotFound,
    ParseError,
    PermissionDenied,
    UnsupportedMediaType,
    ValidationError,
)
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from consultations.publication import PublicationState
from gcm_review import workflow
from gcm_review.api.conditional import item_validators
from gcm_review.api.formats import CSVRenderer, is_csv
from gcm_review.api.parsers import StrictJSONParser
from gcm_review.api.permissions import IsPartnerOrReadOnly
from gcm_review.api.viewsets import PublicReadOnlyViewSet
from recommendations.api.update_csv import update_csv_response
from recommendations.api.update_filters import UpdateFilterSet
from recommendations.api.update_input import UpdateChangeSerializer, UpdateInputSerializer
from recommendations.api.update_schema import document_updates
from recommendations.api.update_serializers import SubmittedUpdateSerializer, UpdateSerializer
from recommendations.api.update_services import update_change, update_create
from recommendations.api.views import ItemFilterBackend
from recommendations.filters import NON_FILTER_PARAMETERS
from recommendations.models import Update

UUID = re.compile(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", re.ASCII)


def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a 415 / 400 that says what to send."""
    has_body = bool(request.META.get("CONTENT_LENGTH") not in (None, "", "0"))
    if has_body and not request.content_type:
        raise UnsupportedMediaType(
            "", detail=_("Send the body as JSON, with the header Content-Type: application/json.")
        )
    try:
        data = request.data
    except UnsupportedMediaType:
        raise UnsupportedMediaType(
            request.content_type,
            detail=_(
                "Send the body as JSON, with the header Content-Type: application/json "
                "(not %(type)s)."
            )
            % {"type": request.content_type},
        ) from None
    except ParseError as error:
        raise ParseError(
            _("The body is not valid JSON (%(problem)s).") % {"problem": error.detail}
        ) from None
    except RequestDataTooBig:
        # Left to Django, this is its HTML 400 page without a word of explanation.
        raise ParseError(
            _("The body is too large: send at most %(size)s bytes.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(
            {"non_field_errors": [_("Send one JSON object, with the update's fields.")]}
        )
    return data


def _model_errors(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                (name if name != "__all__" else "non_field_errors"): [
                    str(message) for message in messages
                ]
                for name, messages in error.message_dict.items()
            }
        )
    return ValidationError({"non_field_errors": [str(message) for message in error.messages]})


@document_updates
class UpdateViewSet(PublicReadOnlyViewSet):
    """Published follow-up updates; partners with a key submit new ones."""

    serializer_class = UpdateSerializer
    filterset_class = UpdateFilterSet
    filter_backends = [ItemFilterBackend]
    renderer_classes = [JSONRenderer, CSVRenderer]
    parser_classes = [StrictJSONParser]
    permission_classes = [IsAuthenticatedOrReadOnly, IsPartnerOrReadOnly]
    lookup_field = "public_id"
    lookup_pattern = UUID
    http_method_names = ["get", "post", "patch", "head", "options"]
    not_found_message = gettext_lazy("No published update has this id.")

    def get_queryset(self) -> QuerySet:
        return Update.objects.public().for_list().latest_first()

    def accepted_parameters(self) -> set[str]:
        if self.action == "list":
            return set(UpdateFilterSet.base_filters) | NON_FILTER_PARAMETERS
        return super().accepted_parameters()

    def get_renderers(self) -> list[Any]:
        if self.request is not None and self.request.method not in ("GET", "HEAD"):
            return [JSONRenderer()]
        return super().get_renderers()

    # Reading ---------------------------------------------------------------------------

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queryset = self.filter_queryset(self.get_queryset())
        self.paginator.get_page_size(request)
        self.paginator.get_page_number_value(request)
        validators = item_validators(request, request.accepted_renderer.format)
        not_modified = validators.not_modified(request)
        if not_modified is not None:
            return not_modified
        if is_csv(request):
            return validators.apply(update_csv_response(request, queryset))
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        return validators.apply(response)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        value = self.kwargs[self.lookup_url_kwarg]
        if not self.lookup_pattern.fullmatch(value):
            raise NotFound(self.not_found_message)
        queryset = self.get_queryset().filter(public_id=value)
        if not queryset.exists():
            raise NotFound(self.not_found_message)
        validators = item_validators(request, request.accepted_renderer.format)
        not_modified = validators.not_modified(request)
        if not_modified is not None:
            return not_modified
        if is_csv(request):
            return validators.apply(update_csv_response(request, queryset))
        return validators.apply(Response(self.get_serializer(queryset.get()).data))

    # Writing ---------------------------------------------------------------------------

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        if not user.has_perm("recommendations.add_update"):
            raise PermissionDenied(
                _(
                    "This account may not report follow-up updates: the secretariat gives "
                    "that right to partner focal points."
                )
            )
        serializer = UpdateInputSerializer(data=json_object(request), context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = data.pop("reported_by", None) or workflow.focal_point_organization(user)
        if organization is None:
            raise ValidationError(
                {
                    "reported_by": [
                        _(
                            "Say which organization reports this update: its id in "
                            "/api/v1/organizations/."
                        )
                    ]
                }
            )
        if not workflow.can_report_for(user, organization):
            raise PermissionDenied(workflow.DENIED_MESSAGES["organization"])
        try:
            update = update_create(user=user, organization=organization, data=data)
        except DjangoValidationError as error:
            raise _model_errors(error) from None
        return self._written(update, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        update = self._editable_update(user)
        serializer = UpdateChangeSerializer(
            update, data=json_object(request), partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        state = data.pop("publication_state", None)
        if state == update.publication_state:
            state = None
        if data and not workflow.can_edit(user, update):
            raise PermissionDenied(self._edit_refusal(user, update))
        organization = data.get("reported_by")
        if organization is not None and not workflow.can_report_for(user, organization):
            raise PermissionDenied(workflow.DENIED_MESSAGES["organization"])
        if state is not None and not workflow.can_move(user, update, state):
            leaving_public = update.publication_state in (
                PublicationState.PUBLISHED,
                PublicationState.WITHDRAWN,
            )
            if leaving_public or state not in workflow.allowed_states(user, update):
                raise PermissionDenied(workflow.DENIED_MESSAGES["publish"])
            raise PermissionDenied(self._edit_refusal(user, update))
        try:
            update = update_change(user=user, update=update, data=data, state=state)
        except DjangoValidationError as error:
            raise _model_errors(error) from None
        return self._written(update, status.HTTP_200_OK)

    def _editable_update(self, user: Any) -> Update:
        if not user.has_perm("recommendations.change_update"):
            raise PermissionDenied(_("This account may not change follow-up updates."))
        value = self.kwargs[self.lookup_url_kwarg]
        if not self.lookup_pattern.fullmatch(value):
            raise NotFound(_("No update you may change has this id."))
        update = (
            workflow.visible_updates(user, Update.objects.all())
            .select_related("recommendation")
            .filter(public_id=value)
            .first()
        )
        if update is None:
            raise NotFound(_("No update you may change has this id."))
        return update

    @staticmethod
    def _edit_refusal(user: Any, update: Update) -> str:
        if update.publication_state == PublicationState.PUBLISHED:
            return str(workflow.DENIED_MESSAGES["edit_public"])
        return str(workflow.DENIED_MESSAGES["organization"])

    def _written(self, update: Update, code: int) -> Response:
        fresh = Update.objects.for_list().get(pk=update.pk)
        data = SubmittedUpdateSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code)
