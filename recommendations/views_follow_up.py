"""Public pages of follow-up: recent updates, their feed, and a page per country."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import Country

from recommendations.cache import cached
from recommendations.models import (
    NO_UPDATE,
    NO_UPDATE_LABEL,
    FollowUpStatus,
    Recommendation,
    Update,
    UpdateScope,
    stale_before,
)
from recommendations.views import paginate

FEED_SIZE = 50


class UpdateListForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), *FollowUpStatus.choices],
        required=False,
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: [("", _("Any")), *countries],
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not an ISO 3166 country code.")},
    )


def update_list(request: HttpRequest) -> HttpResponse:
    """Recent published updates, newest first, filtered by status and country."""
    form = UpdateListForm(request.GET or None)
    updates = Update.objects.public().for_list().latest_first()
    chosen = {"status": "", "country": ""}
    if form.is_bound and form.is_valid():
        chosen = {name: form.cleaned_data[name] for name in chosen}
        if chosen["status"]:
            updates = updates.filter(status=chosen["status"])
        if chosen["country"]:
            updates = updates.for_country(chosen["country"])
    count = cached("update-count", tuple(chosen.items()), updates.count)
    page = paginate(request, updates, settings.LIST_PAGE_SIZE, count=count)
    remaining = request.GET.copy()
    remaining.pop("page", None)
    return render(
        request,
        "recommendations/update_list.html",
        {"form": form, "page": page, "query_string": remaining.urlencode()},
    )


def status_counts(recommendations: QuerySet, *, country: str | None = None) -> dict[str, Any]:
    """How many recommendations stand at each status, and how many are stale: one query."""
    limit = stale_before()
    # Grouped by status and by stale or not: a dozen rows, whatever the number of dates.
    rows = (
        recommendations.order_by()
        .with_status(country=country)
        .annotate(
            is_stale=Case(
                When(status_as_of__lt=limit, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values("current_status", "is_stale")
        .annotate(count=Count("pk"))
    )
    counts: Counter = Counter()
    stale = 0
    for row in rows:
        counts[row["current_status"]] += row["count"]
        if row["is_stale"]:
            stale += row["count"]
    return {
        "rows": [
            {"code": code, "label": label, "count": counts.get(code, 0)}
            for code, label in [*FollowUpStatus.choices, (NO_UPDATE, NO_UPDATE_LABEL)]
        ],
        "total": sum(counts.values()),
        "stale": stale,
    }


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.upper():
        return HttpResponsePermanentRedirect(
            reverse("recommendations:country", args=[code.upper()])
        )
    if code not in dict(countries):
        raise Http404
    country = Country(code)
    followed = Recommendation.objects.public().filter(
        Exists(Update.objects.public().for_country(code).filter(recommendation=OuterRef("pk")))
    )
    updates = Update.objects.public().for_country(code)

    def figures() -> dict[str, Any]:
        return {
            "counts": status_counts(followed, country=code),
            "updates": updates.count(),
        }

    kept = cached("country-page", (code, get_language(), timezone.localdate()), figures)
    recommendations = list(
        followed.for_list().with_status(country=code).in_document_order()[:COUNTRY_ITEMS]
    )
    return render(
        request,
        "recommendations/country_detail.html",
        {
            "country": country,
            "recommendations": recommendations,
            "updates": list(updates.for_list().latest_first()[:COUNTRY_ITEMS]),
            "counts": kept["counts"],
            "update_count": kept["updates"],
            "shown": COUNTRY_ITEMS,
            "stale_before": stale_before(),
        },
    )


# A country's page shows this many recommendations and updates; the rest are counted and
# a link away, in the lists that page, filter and export them.
COUNTRY_ITEMS = 50


def country_list(request: HttpRequest) -> HttpResponse:
    """Countries with published follow-up, and how many updates each has."""
    rows = cached(
        "countries",
        (),
        lambda: list(
            Update.objects.public()
            .filter(scope=UpdateScope.COUNTRY)
            .order_by()
            .values("country")
            .annotate(updates=Count("pk"), recommendations=Count("recommendation", distinct=True))
        ),
    )
    listed = sorted(
        ({**row, "country": Country(row["country"])} for row in rows),
        key=lambda row: str(row["country"].name),
    )
    return render(request, "recommendations/country_list.html", {"rows": listed})


class UpdatesFeed(Feed):
    """Recent published follow-up updates, as an Atom feed."""

    feed_type = Atom1Feed
    title = _("GCM Review Tracker: follow-up updates")
    subtitle = _(
        "What has been done about stakeholder recommendations for the Global Compact for Migration."
    )
    link = reverse_lazy("recommendations:updates")

    def items(self) -> list[Update]:
        return list(Update.objects.public().for_list().order_by("-updated_at")[:FEED_SIZE])

    def item_title(self, item: Update) -> str:
        return str(
            _("Recommendation %(reference)s: %(status)s, %(place)s (as of %(date)s)")
            % {
                "reference": item.recommendation.reference,
                "status": item.get_status_display(),
                "place": item.place,
                "date": item.as_of.isoformat(),
            }
        )

    def item_description(self, item: Update) -> str:
        evidence = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((link.url, link.title) for link in item.evidence.all()),
        )
        return format_html(
            "<p>{}</p>{}<p>{}: {}</p>",
            item.description,
            format_html("<ul>{}</ul>", evidence) if evidence else "",
            _("Reported by"),
            item.reported_by.name,
        )

    def item_link(self, item: Update) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Update) -> str:
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Update) -> str:
        return item.reported_by.name

    def item_pubdate(self, item: Update) -> Any:
        return item.created_at

    def item_updateddate(self, item: Update) -> Any:
        return item.updated_at
