"""Pages under /api/ that are not endpoints: the guide for partners, and a JSON 404."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from recommendations.filters import NON_FILTER_PARAMETERS, RecommendationFilterSet

KEY_PLACEHOLDER = "YOUR-API-KEY"


@csrf_exempt  # It writes nothing: a write to a wrong address is a JSON 404, not a CSRF page.
def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "detail": _(
                "There is no endpoint at this address. The endpoints are listed at /api/v1/."
            )
        },
        status=404,
    )


@dataclass(frozen=True)
class Example:
    """One request of the guide: shown as curl and Python, and run by the tests."""

    slug: str
    title: str | Promise
    explanation: str | Promise
    url_name: str
    query: list[tuple[str, str]] = field(default_factory=list)
    kwargs: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def path(self) -> str:
        path = reverse(self.url_name, kwargs=self.kwargs or None)
        return f"{path}?{urlencode(self.query)}" if self.query else path


EXAMPLES = [
    Example(
        "objective",
        gettext_lazy("Recommendations on objective 6 (fair recruitment)"),
        gettext_lazy("Any filter of the site's lists works, with the same name and values."),
        "api:recommendation-list",
        [("objective", "6")],
    ),
    Example(
        "combined",
        gettext_lazy("Objectives 6 or 7, addressed to governments, mentioning fees"),
        gettext_lazy(
            "Repeat objective to match any of several; other filters narrow the results down."
        ),
        "api:recommendation-list",
        [("objective", "6"), ("objective", "7"), ("addressed_to", "governments"), ("q", "fees")],
    ),
    Example(
        "paging",
        gettext_lazy("The second page, 10 per page"),
        gettext_lazy("Or follow the next link of each page until it is null."),
        "api:challenge-list",
        [("page", "2"), ("page_size", "10")],
    ),
    Example(
        "sync",
        gettext_lazy("What changed since your last sync"),
        gettext_lazy(
            "Keep the time of your last sync and ask for what changed since, oldest first. "
            "A record that was withdrawn disappears from the lists: compare the ids."
        ),
        "api:recommendation-list",
        [("updated_since", "2025-01-31T00:00:00Z"), ("ordering", "updated")],
    ),
    Example(
        "csv",
        gettext_lazy("All recommendations on objective 6 as one CSV file"),
        gettext_lazy(
            "CSV gives the whole filtered set at once, not a page, with the columns of the "
            "site's export. The header Accept: text/csv does the same as format=csv."
        ),
        "api:recommendation-list",
        [("objective", "6"), ("format", "csv")],
    ),
    Example(
        "record",
        gettext_lazy("One recommendation, by its id"),
        gettext_lazy("Every record's url field is its address in the API."),
        "api:recommendation-detail",
        kwargs={"id": "escap-gcm-2021-crp-2-recommendation-17b"},
    ),
    Example(
        "updates",
        gettext_lazy("The follow-up of recommendation 17(b)"),
        gettext_lazy(
            "Published follow-up updates, latest as-of date first; filter them by "
            "recommendation, status, country, scope, reporting organization or dates. Each "
            "recommendation also carries its derived status and its updates_url."
        ),
        "api:update-list",
        [("recommendation", "escap-gcm-2021-crp-2-recommendation-17b")],
    ),
    Example(
        "changes",
        gettext_lazy("What was created, updated or withdrawn since your last sync"),
        gettext_lazy(
            "The ids of records that became public, changed, or stopped being public "
            "(unpublished or deleted) since then, oldest first. Delete your copy of each "
            "withdrawn record; fetch the others again from their url."
        ),
        "api:change-list",
        [("since", "2025-01-31T00:00:00Z")],
    ),
    Example(
        "key",
        gettext_lazy("With your API key"),
        gettext_lazy("Reading needs no key; with one, your rate limit is higher."),
        "api:good-practice-list",
        [("covid", "true")],
        headers={"Authorization": f"Api-Key {KEY_PLACEHOLDER}"},
    ),
]


def curl(url: str, headers: dict[str, str]) -> str:
    parts = ["curl", "--fail-with-body"]
    for name, value in headers.items():
        parts += ["-H", f"{name}: {value}"]
    return " ".join(shlex.quote(part) for part in [*parts, url])


def python(url: str, headers: dict[str, str], *, csv: bool) -> str:
    lines = [
        "import urllib.request",
        "",
        f"request = urllib.request.Request({url!r}, headers={json.dumps(headers)})",
        "with urllib.request.urlopen(request) as response:",
    ]
    if csv:
        lines.append('    open("recommendations.csv", "wb").write(response.read())')
    else:
        lines = ["import json", *lines, "    data = json.load(response)"]
    return "\n".join(lines)


def sync_script(list_url: str) -> str:
    return "\n".join(
        [
            "import json",
            "import urllib.request",
            "",
            f"url = {list_url + '?' + urlencode({'objective': 6, 'page_size': 100})!r}",
            "records = []",
            "while url:",
            "    with urllib.request.urlopen(url) as response:",
            "        page = json.load(response)",
            '    records += page["results"]',
            '    url = page["next"]',
            'print(len(records), "recommendations")',
        ]
    )


NEW_UPDATE = {
    "recommendation": "escap-gcm-2021-crp-2-recommendation-17b",
    "status": "in_progress",
    "as_of": "2025-03-31",
    "description": "A zero-fee recruitment policy for domestic workers was adopted.",
    "scope": "country",
    "country": "PH",
    "responsible_body": "Department of Migrant Workers",
    "evidence": [{"title": "Department Order No. 1", "url": "https://example.org/order-1"}],
}


def submit_curl(url: str) -> str:
    body = json.dumps(NEW_UPDATE, indent=2, ensure_ascii=False)
    parts = [
        "curl",
        "--fail-with-body",
        "-X",
        "POST",
        "-H",
        f"Authorization: Api-Key {KEY_PLACEHOLDER}",
        "-H",
        "Content-Type: application/json",
        "--data",
    ]
    return " ".join(shlex.quote(part) for part in parts) + f" {shlex.quote(body)} {url}"


def submit_python(url: str) -> str:
    return "\n".join(
        [
            "import json",
            "import urllib.request",
            "",
            f"update = {json.dumps(NEW_UPDATE, indent=4, ensure_ascii=False)}",
            "request = urllib.request.Request(",
            f"    {url!r},",
            '    data=json.dumps(update).encode("utf-8"),',
            "    headers={",
            f'        "Authorization": "Api-Key {KEY_PLACEHOLDER}",',
            '        "Content-Type": "application/json",',
            "    },",
            '    method="POST",',
            ")",
            "with urllib.request.urlopen(request) as response:",
            "    created = json.load(response)",
            'print(created["id"], created["publication_state"])  # ... in_review',
        ]
    )


def _rate(value: str | None) -> str:
    return value if value else _("no limit")


def guide(request: HttpRequest) -> HttpResponse:
    examples = []
    for example in EXAMPLES:
        url = request.build_absolute_uri(example.path())
        csv = ("format", "csv") in example.query
        examples.append(
            {
                "example": example,
                "url": url,
                "curl": curl(url, example.headers),
                "python": python(url, example.headers, csv=csv),
            }
        )
    filters = [
        {"name": name, "help": field.extra.get("help_text", "")}
        for name, field in RecommendationFilterSet.base_filters.items()
    ]
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    list_url = request.build_absolute_uri(reverse("api:recommendation-list"))
    return render(
        request,
        "api/guide.html",
        {
            "api_root": request.build_absolute_uri(reverse("api:api-root")),
            "docs_url": reverse("api:docs"),
            "redoc_url": reverse("api:redoc"),
            "schema_url": request.build_absolute_uri(reverse("api:schema")),
            "examples": examples,
            "filters": filters,
            "other_parameters": sorted(NON_FILTER_PARAMETERS),
            "page_size": settings.LIST_PAGE_SIZE,
            "max_page_size": settings.LIST_MAX_PAGE_SIZE,
            "anon_rate": _rate(rates.get("anon")),
            "user_rate": _rate(rates.get("user")),
            "sync_script": sync_script(list_url),
            "key_placeholder": KEY_PLACEHOLDER,
            "updates_url": request.build_absolute_uri(reverse("api:update-list")),
            "changes_url": request.build_absolute_uri(reverse("api:change-list")),
            "submit_curl": submit_curl(request.build_absolute_uri(reverse("api:update-list"))),
            "submit_python": submit_python(request.build_absolute_uri(reverse("api:update-list"))),
        },
    )
