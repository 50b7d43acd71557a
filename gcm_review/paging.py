"""Paging for every list, the site's and the API's: Django's paginator, with two changes
that keep a page's cost flat whatever the page number and the size of the data.

- The count can be given: lists pass the filter's count, which is kept between requests
  (recommendations/cache.py), so the pages of one filter do not each count the matches.
- A page is read in two steps: the ids of its rows first (an index-only scan of the
  visible rows in list order, however deep the page), then those rows with everything
  they show. Reading whole rows with their joins only to skip 100,000 of them is what
  made deep pages slow.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class ListPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self._given_count = count

    @cached_property
    def count(self) -> int:
        if self._given_count is not None:
            return self._given_count
        return super().count

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(self.rows(bottom, top), number, self)

    def rows(self, bottom: int, top: int) -> list[Any]:
        """The rows from ``bottom`` to ``top`` in list order: their ids, then the rows."""
        if not isinstance(self.object_list, QuerySet):
            return list(self.object_list[bottom:top])
        if top <= bottom:
            return []
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return [found[pk] for pk in ids if pk in found]
