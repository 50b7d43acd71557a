"""Base classes of the API's endpoints: strict about their input, public for reading."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.db.models import Model
from django.http import HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import Promise
from rest_framework.exceptions import MethodNotAllowed, NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet, ReadOnlyModelViewSet

from gcm_review.api.conditional import content_validators
from gcm_review.api.formats import HTMLSafeJSONRenderer, is_csv
from gcm_review.api.parameters import FORMAT_PARAMETER, PAGING_PARAMETERS, check_names
from gcm_review.api.reference_csv import ReferenceCSVMixin

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,150}", re.ASCII)
NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)


class StrictViewSetMixin:
    """What every endpoint does before and after its own work.

    - a method the endpoint lacks is a 405 before authentication (not a 401);
    - unknown query parameters and empty values are a 400 naming them;
    - error bodies are JSON whatever format was asked for;
    - copies must be revalidated, and vary with ``Accept``.
    """

    http_method_names: list[str]
    action: str | None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        check_names(request.query_params, self.accepted_parameters())

    def accepted_parameters(self) -> set[str]:
        names = {FORMAT_PARAMETER}
        if self.action == "list":
            names.update(PAGING_PARAMETERS)
        return names

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if isinstance(response, Response) and is_csv(request):
            # Only record data streams as CSV; errors and metadata stay JSON.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if isinstance(response, Response) and type(response.accepted_renderer) is JSONRenderer:
            # Errors echo what the client sent: every JSON body in the spelling no browser
            # reads as markup.
            response.accepted_renderer = HTMLSafeJSONRenderer()
        patch_vary_headers(response, ["Accept"])
        # Caches may keep a copy but must revalidate it (a cheap 304): without this,
        # browsers guess a freshness from Last-Modified and serve stale data.
        patch_cache_control(response, no_cache=True)
        return response


class StrictGenericViewSet(StrictViewSetMixin, GenericViewSet):
    """An endpoint that defines its own actions (the changes list)."""


class PublicReadOnlyViewSet(StrictViewSetMixin, ReadOnlyModelViewSet):
    """A list and a detail of public records; an identifier of the wrong shape is a 404
    without a query."""

    lookup_url_kwarg = "id"
    lookup_pattern: ClassVar[re.Pattern[str]] = SLUG
    not_found_message: ClassVar[str | Promise] = ""

    def get_object(self) -> Model:
        value = self.kwargs[self.lookup_url_kwarg]
        if not self.lookup_pattern.fullmatch(value):
            raise NotFound(self.not_found_message)
        obj = self.get_queryset().filter(**{self.lookup_field: value}).first()
        if obj is None:
            raise NotFound(self.not_found_message)
        return obj


class ReferenceViewSet(ReferenceCSVMixin, PublicReadOnlyViewSet):
    """Small vocabularies without timestamps: the ETag is a hash of the body; JSON or CSV."""

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and isinstance(response, Response)
        ):
            response.render()
            validators = content_validators(response)
            not_modified = validators.not_modified(request)
            if not_modified is not None:
                patch_vary_headers(not_modified, ["Accept"])
                patch_cache_control(not_modified, no_cache=True)
                return not_modified
            validators.apply(response)
        return response
