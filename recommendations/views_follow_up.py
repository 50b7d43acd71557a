"""Public pages of follow-up: recent updates, their feed, and a page per country."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import Country

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
    if form.is_bound and form.is_valid():
        if form.cleaned_data["status"]:
            updates = updates.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["country"]:
            updates = updates.for_country(form.cleaned_data["country"])
    page = paginate(request, updates, settings.LIST_PAGE_SIZE)
    remaining = request.GET.copy()
    remaining.pop("page", None)
    return render(
        request,
        "recommendations/update_list.html",
        {"form": form, "page": page, "query_string": remaining.urlencode()},
    )


def status_counts(recommendations: QuerySet, *, country: str | None = None) -> dict[str, Any]:
    """How many recommendations stand at each status, and how many are stale: one query."""
    rows = (
        recommendations.order_by()
        .with_status(country=country)
        .values("current_status", "status_as_of")
        .annotate(count=Count("pk"))
    )
    counts: Counter = Counter()
    stale = 0
    limit = stale_before()
    for row in rows:
        counts[row["current_status"]] += row["count"]
        if row["status_as_of"] is not None and row["status_as_of"] < limit:
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
    followed = (
        Recommendation.objects.public()
        .filter(updates__in=Update.objects.public().for_country(code))
        .distinct()
    )
    recommendations = list(
        Recommendation.objects.filter(pk__in=followed.values("pk"))
        .for_list()
        .with_status(country=code)
        .in_document_order()
    )
    updates = list(Update.objects.public().for_country(code).for_list().latest_first())
    return render(
        request,
        "recommendations/country_detail.html",
        {
            "country": country,
            "recommendations": recommendations,
            "updates": updates,
            "counts": status_counts(
                Recommendation.objects.filter(pk__in=followed.values("pk")), country=code
            ),
            "stale_before": stale_before(),
        },
    )


def country_list(request: HttpRequest) -> HttpResponse:
    """Countries with published follow-up, and how many updates each has."""
    rows = (
        Update.objects.public()
        .filter(scope=UpdateScope.COUNTRY)
        .order_by()
        .values("country")
        .annotate(updates=Count("pk"), recommendations=Count("recommendation", distinct=True))
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
