"""One page shape for every list: ``count``, ``next``, ``previous``, ``results``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from gcm_review.api.parameters import positive_integer
from gcm_review.paging import ListPaginator


class ApiPagination(PageNumberPagination):
    """Page-number paging with the site's sizes and strict parameters.

    A malformed ``page`` or ``page_size`` is a 400 (the parameters module checks them
    before anything is queried); a page past the end is a 404 that says where the last
    page is. The set is counted once, and for the item lists not at all while the data
    has not changed: their FilterSet keeps its count (recommendations/cache.py).
    """

    page_query_param = "page"
    page_size_query_param = "page_size"

    @property
    def page_size(self) -> int:  # type: ignore[override]
        return settings.LIST_PAGE_SIZE

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return settings.LIST_MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        size = positive_integer(
            request.query_params, self.page_size_query_param, largest=self.max_page_size
        )
        return size or self.page_size

    def get_page_number_value(self, request: Request) -> int:
        return positive_integer(request.query_params, self.page_query_param) or 1

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        # The filter's count, kept between requests, when the view filtered with one.
        filterset = getattr(view, "filterset", None)
        paginator = ListPaginator(
            queryset,
            self.get_page_size(request),
            count=filterset.count if hasattr(filterset, "count") else None,
        )
        number = self.get_page_number_value(request)
        if number > paginator.num_pages:
            raise NotFound(
                _("Page %(number)s does not exist: the last page is %(last)s.")
                % {"number": number, "last": paginator.num_pages}
            )
        self.page = paginator.page(number)
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": _("How many records match, over all pages."),
                    "example": 44,
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": _("The next page, with the same parameters; null on the last."),
                    "example": "https://gcm.example.org/api/v1/recommendations/?page=2",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": _("The previous page; null on the first."),
                    "example": None,
                },
                # drf-spectacular passes a sentinel to build paged examples: keep it as is.
                "results": (
                    {**schema, "description": _("The records of this page.")}
                    if isinstance(schema, dict)
                    else schema
                ),
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": _(
                    "Page number, from 1. A page past the last answers 404; "
                    "`next` and `previous` give the neighbouring pages."
                ),
                "schema": {"type": "integer", "minimum": 1},
                "example": 1,
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("Records per page, 1 to %(largest)s (default %(default)s).")
                % {"largest": self.max_page_size, "default": self.page_size},
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
                "example": 10,
            },
        ]
