"""Hostile and broken input, against every public page and API endpoint; and stored text
rendered escaped everywhere.

The addresses are enumerated from the URL resolver itself (the admin aside), so a new page
is covered by being added. A pattern with parameters is filled with a real address over
the imported dataset, found by following the site's own links and the API's ``url``
fields from the pages without parameters; what no link reaches is declared in UNLINKED,
and a pattern that is still unfilled fails its test, named.

Every address then receives the corpus: wrong types, out-of-range and huge numbers, long
queries, right-to-left and control characters, NUL bytes, SQL and HTML fragments,
repeated, unknown and malformed parameters, and bad values for every filter parameter of
the lists. Expected of every answer: no 5xx, no traceback, no HTML fragment reflected
unescaped; from the API, a 400 whose JSON body names the parameter that is wrong.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponseBase, QueryDict
from django.test import Client, override_settings
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils.html import escape

from consultations.models import Consultation, CoOrganizer, Organization
from consultations.publication import PublicationState
from recommendations.models import Recommendation, Update
from tests.api.personas import api_client, make_user
from tests.factories import (
    make_challenge,
    make_consultation,
    make_good_practice,
    make_organization,
    make_recommendation,
    make_review,
    make_update,
)

pytestmark = pytest.mark.django_db

# The route enumeration ------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern, spelled as ``ResolverMatch.route`` spells it."""

    route: str
    name: str | None
    parameters: frozenset[str]

    def __str__(self) -> str:
        return self.route or "/"


def _join(prefix: str, pattern: str) -> str:
    # As django.urls.URLResolver._join_route: a nested regex loses its leading ^.
    return prefix + pattern.removeprefix("^") if prefix else pattern


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str = "", parameters: frozenset = frozenset()
) -> Iterator[Route]:
    for entry in patterns:
        route = _join(prefix, str(entry.pattern))
        names = parameters | set(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry.url_patterns, route, inner, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(route, name, frozenset(names))


ROUTES = list(_walk(get_resolver().url_patterns))
ROUTE_NAMES = {route.route: route.name for route in ROUTES}

# What no link of the site leads to, by route: the address to use and the status it answers.
UNLINKED = {
    r"api/[\s\S]*/$": ("/api/no-such-endpoint/", 404),
}
# Query parameters an endpoint requires, by URL name: the corpus is sent on top of them.
REQUIRED_QUERY = {
    "api:change-list": {"since": "2000-01-01T00:00:00Z"},
}

# The corpus -------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# What must never come back from a request that carried a fragment: these survive JSON's
# and HTML attributes' quoting of ", so only escaping < and > removes them.
REFLECTED = ("<script>alert(1)</script>", "onerror=alert(1)>")
SQL_OR = "' OR 1=1 --"
SQL_DROP = "%' ;DROP TABLE recommendations_recommendation; --"
ARABIC = "توصيات بشأن حماية العمال المهاجرين"
HEBREW = "המלצות להגנה על מהגרי עבודה"
RTL_OVERRIDE = "\u202etxt.exe recruitment"
CONTROL = "nul\x00byte\x01\x08\x1b[2J\x7f\r\nSet-Cookie: injected=1"
HUGE = "99999999999999999999"
# 2,000 characters is the longest query the site promises to read. A 10,000-character one
# is refused before Django by the server itself (deploy/nginx/gcm.conf: request lines over
# 8k are a 414; gunicorn's limit_request_line, 4094 bytes, a 400), so over HTTP it never
# reaches the application; in-process it must still be answered without a 5xx.
LONG_QUERY = ("recruitment fees " * 118)[:2000]
VERY_LONG_QUERY = "x" * 10_000

# Every filter parameter of the lists (the site's and the API's), and the paging ones.
FILTER_PARAMETERS = (
    "objective",
    "cluster",
    "review",
    "consultation",
    "principle",
    "addressed_to",
    "covid",
    "q",
    "ordering",
    "status",
    "stale",
    "country",
    "updated_since",
    "since",
    "page",
    "page_size",
    "format",
)
# A value of the right shape but out of range, or of the wrong type, for each parameter.
WRONG_VALUES = {
    "objective": "24",
    "cluster": "0",
    "review": "0",
    "consultation": "-1",
    "principle": "1",
    "addressed_to": "[]",
    "covid": "maybe",
    "ordering": "text",
    "status": "done",
    "stale": "1",
    "country": "XX",
    "updated_since": "2025-13-01",
    "since": "yesterday",
    "page": "1.5",
    "page_size": "101",
    "format": "xml",
    "recommendation": "17b",
    "scope": "world",
    "reported_by": "-1",
    "as_of_after": "31/01/2025",
    "as_of_before": "2025-02-30",
    "type": "everything",
}
# Free text: the only parameter for which an SQL or HTML fragment is a valid value.
FREE_TEXT = {"q"}


@dataclass(frozen=True)
class Case:
    """One query: parameters to encode, or a raw QUERY_STRING sent as is."""

    label: str
    pairs: tuple[tuple[str, str], ...] = ()
    raw: str = ""
    # Parameters whose value here is wrong wherever they are accepted.
    refused: frozenset[str] = frozenset()

    @property
    def names(self) -> set[str]:
        if self.raw:
            return set(QueryDict(self.raw))
        return {name for name, _value in self.pairs}

    @property
    def carries_html(self) -> bool:
        text = self.raw + "".join(name + value for name, value in self.pairs)
        return SCRIPT in text or IMG in text

    def query_string(self, base: dict[str, str]) -> str:
        kept = urlencode([(name, value) for name, value in base.items() if name not in self.names])
        given = self.raw or urlencode(self.pairs)
        return "&".join(part for part in (kept, given) if part)


def one(label: str, name: str, value: str, *, refused: bool = True) -> Case:
    return Case(label, ((name, value),), refused=frozenset({name}) if refused else frozenset())


# Every address receives these: its view may read parameters it does not declare.
COMMON = [
    Case("unknown parameter", (("utm_source", "newsletter"),)),
    Case("unknown parameter named with HTML", ((SCRIPT, IMG),)),
    Case(
        "repeated parameters",
        (("page", "1"), ("page", "2"), ("q", "fees"), ("q", SCRIPT), ("format", "json")),
    ),
    Case(
        "malformed percent-encoding",
        raw="q=%E0%A4%A&objective=%ZZ",
        refused=frozenset({"objective"}),
    ),
    Case(
        "invalid UTF-8 and stray percent signs",
        raw="%&&=&q=%FF%FE%C0%AF&country=%C3%28&=%25%%",
        refused=frozenset({"country"}),
    ),
    Case("NUL byte in a parameter name", raw="%00=1&q%00=x"),
    one("query of 2,000 characters", "q", LONG_QUERY),
]
# Every filter parameter at once with the same bad value: a page forgives each bad filter
# on its own (reports it and leaves it out), so one request tries them all; the API names
# what it refuses first. The per-parameter cases below give the API each one alone.
EVERY_FILTER = [
    Case(
        f"every filter parameter: {label}",
        tuple((name, value) for name in FILTER_PARAMETERS),
        refused=frozenset(FILTER_PARAMETERS)
        - (set() if "\x00" in value else FREE_TEXT)
        # A huge page number is well formed: a page past the end.
        - ({"page"} if value == HUGE else set()),
    )
    for label, value in [
        ("script", SCRIPT),
        ("attribute break", IMG),
        ("SQL to drop a table", SQL_DROP),
        ("NUL and control characters", CONTROL),
        ("huge number", HUGE),
        ("negative number", "-1"),
        ("right-to-left text", f"{ARABIC} {HEBREW} {RTL_OVERRIDE}"),
    ]
]
EVERY_FILTER.append(
    Case(
        "every filter parameter: wrong type or out of range",
        tuple((name, WRONG_VALUES.get(name, SQL_DROP)) for name in FILTER_PARAMETERS),
        refused=frozenset(FILTER_PARAMETERS) - FREE_TEXT,
    )
)
# For an address that declares q, page or page_size.
SPECIFIC = {
    "q": [
        one("query of 10,000 characters", "q", VERY_LONG_QUERY),
        one("query in Arabic", "q", ARABIC, refused=False),
        one("query in Hebrew", "q", HEBREW, refused=False),
        one("query with a right-to-left override", "q", RTL_OVERRIDE, refused=False),
        one("query with NUL and control characters", "q", CONTROL),
        one("query with SQL", "q", SQL_OR, refused=False),
        one("query with SQL to drop a table", "q", SQL_DROP, refused=False),
        one("query with a script", "q", SCRIPT, refused=False),
        one("query with an attribute break", "q", IMG, refused=False),
    ],
    "page": [
        one("negative page", "page", "-1"),
        one("page zero", "page", "0"),
        # Well formed: a page past the end (a 404 in the API, the last page on the site).
        one("huge page", "page", HUGE, refused=False),
        one("page of the wrong type", "page", "two"),
    ],
    "page_size": [
        one("page size zero", "page_size", "0"),
        one("negative page size", "page_size", "-1"),
        one("huge page size", "page_size", HUGE),
        one("page size in exponent notation", "page_size", "1e3"),
    ],
}


def declared_cases(names: set[str], *, api: bool) -> list[Case]:
    """Bad values for each parameter an address declares.

    The API gets each alone, four ways, as it refuses the first bad one it meets; a page
    gets those EVERY_FILTER does not already give it (the parameters outside that list).
    """
    cases = []
    for name in sorted(names):
        cases += SPECIFIC.get(name, [])
        if name in FREE_TEXT or (name in SPECIFIC and not api):
            continue
        if api or name not in FILTER_PARAMETERS:
            wrong = WRONG_VALUES.get(name, SQL_DROP)
            cases += [
                one(f"{name} with a script", name, SCRIPT),
                one(f"{name} of the wrong type or out of range", name, wrong),
            ]
        if api:
            cases += [
                one(f"{name} with SQL", name, SQL_OR),
                one(f"{name} with NUL and control characters", name, CONTROL),
            ]
    return cases


# Requests and checks --------------------------------------------------------------------

TRACEBACK = ("Traceback (most recent call last)", "Exception Value:", 'File "/')


def body_of(response: HttpResponseBase) -> str:
    return response.getvalue().decode("utf-8", errors="replace")


def answer_problems(response: HttpResponseBase, *, html_sent: bool) -> list[str]:
    """What is wrong with any answer: a 5xx, a traceback, a reflected fragment."""
    problems = []
    text = body_of(response)
    if response.status_code >= 500:
        problems.append(f"answered {response.status_code}")
    if any(marker in text for marker in TRACEBACK):
        problems.append("a traceback in the body")
    if html_sent:
        problems += [f"reflected {marker!r} unescaped" for marker in REFLECTED if marker in text]
    return problems


def api_problems(response: HttpResponseBase, expected: set[str], sent: set[str]) -> list[str]:
    """From the API: errors in JSON, and a 400 naming the parameter where one is wrong."""
    if response.status_code >= 400 and response.get("Content-Type") != "application/json":
        return [f"an error as {response.get('Content-Type')}, not JSON"]
    if not expected:
        return []
    if response.status_code != 400:
        return [f"answered {response.status_code}, not a 400 naming {sorted(expected)}"]
    named = set(json.loads(response.getvalue()))
    if not named or not named <= sent:
        return [f"a 400 naming {sorted(named)}, not parameters of the request {sorted(sent)}"]
    return []


def send(client: Client, path: str, query_string: str) -> HttpResponseBase:
    # Throttle counters live in the cache: the corpus must not be answered 429.
    cache.clear()
    return client.get(path, QUERY_STRING=query_string)


# The dataset and the addresses ---------------------------------------------------------


@dataclass
class Address:
    path: str
    status: int = 200
    query: dict[str, str] = field(default_factory=dict)
    # Parameters the address declares: the API's accepted ones, a page's fields and links.
    declared: set[str] = field(default_factory=set)
    # For the API's strict endpoints: the parameters accepted (None elsewhere).
    accepted: set[str] | None = None


@dataclass
class Site:
    addresses: dict[str, Address]
    focal_point: Any
    draft: Update


LINK = re.compile(r"""\b(?:href|action|src)\s*=\s*["']([^"']*)["']""")
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL | re.IGNORECASE)
FIELD_NAME = re.compile(r"""<(?:input|select|textarea|button)\b[^>]*\bname\s*=\s*["']([^"']+)""")
ACCEPTED = re.compile(r"Accepted: ([\w, ]+)\.")


def _site_path(link: str) -> tuple[str, str] | None:
    parts = urlsplit(unescape(link))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path, parts.query


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a JSON document."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for member in value:
            yield from strings_in(member)
    elif isinstance(value, str):
        yield value


def _links(response: HttpResponseBase) -> Iterator[tuple[str, str]]:
    kind = response.get("Content-Type", "")
    if "json" in kind:
        for value in strings_in(json.loads(response.getvalue())):
            found = _site_path(value) if value.startswith(("/", "http://testserver/")) else None
            if found:
                yield found
    elif "html" in kind or "xml" in kind:
        for link in LINK.findall(body_of(response)):
            found = _site_path(link)
            if found:
                yield found


def _route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _declared(route: str, response: HttpResponseBase) -> set[str]:
    """The parameters a page offers: its own forms' fields, and its links to itself."""
    if "html" not in response.get("Content-Type", ""):
        return set()
    text = body_of(response)
    names: set[str] = set()
    for attributes, inner in FORM.findall(text):
        action = LINK.search(attributes)
        target = _site_path(action.group(1)) if action else None
        if action is None or action.group(1) == "" or (target and _route_of(target[0]) == route):
            names.update(FIELD_NAME.findall(inner))
    for link in LINK.findall(text):
        parts = urlsplit(unescape(link))
        # "?page=2" (no path) is a link to the page itself.
        if parts.query and (
            not parts.path or (_site_path(link) and _route_of(parts.path) == route)
        ):
            names.update(name for name, _value in parse_qsl(parts.query, keep_blank_values=True))
    return names - {"csrfmiddlewaretoken"}


def _accepted(client: Client, address: Address) -> set[str] | None:
    """The parameters a strict API endpoint accepts, as its own refusal lists them."""
    probe = Case("probe", (("zz_unknown", "1"),))
    response = send(client, address.path, probe.query_string(address.query))
    if response.status_code != 400 or response.get("Content-Type") != "application/json":
        return None
    messages = json.loads(response.getvalue()).get("zz_unknown", [])
    found = ACCEPTED.search(" ".join(messages))
    return {name.strip() for name in found.group(1).split(",")} if found else None


def _literal_address(route: Route) -> str | None:
    if route.parameters:
        return None
    candidates = [f"/{route.route}"]
    if route.name:
        with contextlib.suppress(NoReverseMatch):
            candidates.append(reverse(route.name))
    return next((path for path in candidates if _route_of(path) == route.route), None)


def _suffix_address(route: Route, addresses: dict[str, Address]) -> str | None:
    """A ``.json`` format suffix on the address of the same endpoint without it."""
    if "format" not in route.parameters or route.name is None:
        return None
    for other in ROUTES:
        if other.name == route.name and other.parameters == route.parameters - {"format"}:
            base = addresses.get(other.route)
            if base is None:
                continue
            kwargs = dict(resolve(base.path).captured_kwargs)
            path = reverse(route.name, kwargs={**kwargs, "format": "json"})
            if _route_of(path) == route.route:
                return path
    return None


def find_addresses(client: Client) -> dict[str, Address]:
    """A real address for every route: literal ones, then what their links lead to."""
    addresses: dict[str, Address] = {}
    for route in ROUTES:
        if route.route in UNLINKED:
            path, status = UNLINKED[route.route]
            addresses[route.route] = Address(path, status)
        elif literal := _literal_address(route):
            addresses[route.route] = Address(literal)
    queue = list(addresses)
    while queue:
        route = queue.pop(0)
        address = addresses[route]
        address.query = dict(REQUIRED_QUERY.get(ROUTE_NAMES.get(route) or "", {}))
        response = send(client, address.path, urlencode(address.query))
        address.status = response.status_code if route not in UNLINKED else address.status
        address.declared = _declared(route, response)
        for path, _query in _links(response):
            found = _route_of(path)
            if found in ROUTE_NAMES and found not in addresses:
                addresses[found] = Address(path)
                queue.append(found)
        if path_is_api(address.path):
            address.accepted = _accepted(client, address)
            if address.accepted is not None:
                address.declared = set(address.accepted)
    for route in ROUTES:
        if route.route not in addresses and (path := _suffix_address(route, addresses)):
            address = Address(path, query=dict(REQUIRED_QUERY.get(route.name or "", {})))
            address.status = send(client, path, urlencode(address.query)).status_code
            address.accepted = _accepted(client, address)
            address.declared = set(address.accepted or ())
            addresses[route.route] = address
    return addresses


def path_is_api(path: str) -> bool:
    return path.startswith("/api/")


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    """The imported dataset, as the ``imported`` fixture imports it but once for the
    module (an import per URL pattern would take minutes), rolled back after it; a
    published update (so that the country and update pages exist), a focal point's
    draft, and the address of every route."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("load_default_data", verbosity=0)
            recommendation = Recommendation.objects.public().in_document_order().first()
            organization = make_organization(name="Partner Network A")
            make_update(recommendation=recommendation, reported_by=organization)
            focal_point = make_user("focal point", organization=organization)
            draft = make_update(
                recommendation=recommendation,
                reported_by=organization,
                publication_state=PublicationState.DRAFT,
            )
            yield Site(find_addresses(Client()), focal_point, draft)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# The corpus over every route ---------------------------------------------------------------


def test_every_route_has_an_address(site):
    unfilled = [f"{route} ({route.name})" for route in ROUTES if route.route not in site.addresses]
    assert not unfilled, (
        "No link of the site leads to these URL patterns: declare an address in UNLINKED "
        "so that the bad-input corpus covers them:\n" + "\n".join(unfilled)
    )


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_bad_input_is_answered_without_error(site, route):
    address = site.addresses.get(route.route)
    if address is None:
        pytest.fail(f"No address for {route} ({route.name}): declare one in UNLINKED.")
    client = Client()
    baseline = address.status < 400 if route.route not in UNLINKED else address.status < 500
    assert baseline, f"{address.path} answers {address.status} without any bad input"
    api = address.accepted is not None
    cases = [*COMMON, *EVERY_FILTER]
    if "format" not in route.parameters:
        # A format suffix is the same view as the address without it, which gets these.
        cases += declared_cases(address.declared, api=api)
    problems = path_problems(client, route, address)
    for case in cases:
        query_string = case.query_string(address.query)
        where = f"{address.path}?{query_string[:120]} [{case.label}]"
        try:
            response = send(client, address.path, query_string)
        except Exception as error:  # the test client re-raises what the view raised
            problems.append(f"{where}: raised {type(error).__name__}: {error}")
            continue
        found = answer_problems(response, html_sent=case.carries_html)
        if api:
            refused = case.refused - ({"format"} if "format" in route.parameters else set())
            expected = (case.names - address.accepted) | (refused & address.accepted)
            found += api_problems(response, expected, case.names | set(address.query))
        problems += [f"{where}: {problem}" for problem in found]
    if problems:
        pytest.fail(f"{len(problems)} bad answers:\n" + "\n".join(problems))


# Values put in the path itself, where the pattern's converter lets them through.
PATH_VALUES = [HUGE, "0", "-1", SCRIPT, SQL_OR, "\x00", ARABIC, "x" * 2000]


def path_problems(client: Client, route: Route, address: Address) -> list[str]:
    """Each parameter of the pattern replaced by a hostile value: a 404, never a 5xx."""
    if route.name is None:
        return []
    match = resolve(address.path)
    problems = []
    for name in sorted(set(match.captured_kwargs) - {"format", "fmt"}):
        for value in PATH_VALUES:
            try:
                path = reverse(route.name, kwargs={**match.captured_kwargs, name: value})
            except NoReverseMatch:
                continue  # the converter refuses it: no request reaches the view
            if _route_of(path) != route.route:
                continue
            where = f"{path[:120]} [{name} in the path: {value[:20]!r}]"
            try:
                response = send(client, path, urlencode(address.query))
            except Exception as error:  # the test client re-raises what the view raised
                problems.append(f"{where}: raised {type(error).__name__}: {error}")
                continue
            if 300 <= response.status_code < 400:
                # A lower-case country code is redirected to the upper-case address first.
                response = send(client, response["Location"], urlencode(address.query))
            found = answer_problems(response, html_sent=value == SCRIPT)
            if response.status_code < 400:
                found.append(f"answered {response.status_code}, not a 404")
            if address.accepted is not None:
                found += api_problems(response, set(), set())
            problems += [f"{where}: {problem}" for problem in found]
    return problems


# A few refusals, exactly --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query_string", "expected"),
    [
        (
            "/api/v1/recommendations/",
            "q=%E0%A4%A&objective=%ZZ",
            {"objective": ["Objective %ZZ does not exist: use a number from 1 to 23."]},
        ),
        (
            "/api/v1/recommendations/",
            urlencode({"review": SQL_OR}),
            {"review": ["There is no review with this slug.", "Accepted: asia-pacific-2020-21."]},
        ),
        (
            "/api/v1/updates/",
            urlencode({"country": SCRIPT}),
            {"country": [f"{SCRIPT} is not an ISO 3166 country code (e.g. PH, NP)."]},
        ),
        ("/api/v1/challenges/", "page=-1", {"page": ["Use a whole number from 1."]}),
        (
            "/api/v1/good-practices/",
            f"page_size={HUGE}",
            {"page_size": ["Use a whole number from 1 to 100."]},
        ),
        (
            "/api/v1/objectives/23/",
            urlencode({SCRIPT: "1"}),
            {SCRIPT: ["Unknown parameter. Accepted: format."]},
        ),
        (
            "/api/v1/changes/",
            urlencode({"since": CONTROL}),
            {
                "since": [
                    "Use an RFC 3339 date-time such as 2025-01-31T00:00:00Z (with Z or an "
                    "offset such as +07:00, written %2B07:00 in a URL), or a date such as "
                    "2025-01-31."
                ]
            },
        ),
    ],
)
def test_the_api_names_what_it_refuses_and_escapes_what_it_echoes(
    site, path, query_string, expected
):
    response = send(Client(), path, query_string)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == expected
    # The same JSON to a parser; but an echoed tag is never markup to a browser.
    assert b"<" not in response.content
    assert b">" not in response.content


def test_a_page_past_the_end_is_a_404_that_says_where_the_last_page_is(site, settings):
    last = math.ceil(Recommendation.objects.public().count() / settings.LIST_PAGE_SIZE)
    response = send(Client(), "/api/v1/recommendations/", f"page={HUGE}")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Page 1000000000000000000 does not exist: the last page is {last}."
    }


def test_a_page_reports_a_bad_filter_escaped_and_still_answers(site):
    response = send(Client(), "/recommendations/", urlencode({"objective": SCRIPT, "q": SCRIPT}))
    assert response.status_code == 200
    text = body_of(response)
    assert "Objective &lt;script&gt;alert(1)&lt;/script&gt; does not exist" in text
    assert SCRIPT not in text


def test_a_search_too_long_or_with_nul_is_refused_with_a_message(site):
    too_long = body_of(send(Client(), "/search/", urlencode({"q": LONG_QUERY})))
    assert "Search for at most 300 characters." in too_long
    with_nul = send(Client(), "/search/", urlencode({"q": CONTROL}))
    assert with_nul.status_code == 200
    assert "Null characters are not allowed." in body_of(with_nul)


# Write endpoints ----------------------------------------------------------------------------

VALID = {
    "status": "in_progress",
    "as_of": "2025-03-31",
    "description": "A zero-fee recruitment policy was adopted.",
    "country": "PH",
}
UPDATE_FIELDS = {
    "recommendation",
    "status",
    "as_of",
    "description",
    "scope",
    "country",
    "reported_by",
    "responsible_body",
    "evidence",
    "publication_state",
    "non_field_errors",
}


@dataclass(frozen=True)
class Body:
    label: str
    content: bytes
    content_type: str = "application/json"
    # What a client allowed to write gets: "parse" (400, not valid JSON), "size" (400, too
    # large), "media" (415), "shape" (400, not an object), or the fields a 400 must name.
    expected: str | frozenset[str] = "parse"


def json_body(label: str, value: Any, *fields: str) -> Body:
    return Body(label, json.dumps(value).encode(), expected=frozenset(fields))


BODIES = [
    Body("truncated JSON", b'{"status": "in_progress"'),
    Body("not JSON at all", b"{not json"),
    Body("a trailing comma", b'{"status": "in_progress",}'),
    Body("NaN", b'{"description": NaN}'),
    Body("a lone surrogate", b'{"description": "\\ud800"}'),
    Body("invalid UTF-8", b'\xff\xfe{"status": "\xc3\x28"}'),
    Body("a byte-order mark", "\ufeff{}".encode()),
    Body("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000),
    Body("JSON then garbage", b'{"status": "in_progress"} <script>alert(1)</script>'),
    Body("a list", b"[]", expected="shape"),
    Body("a list of objects", b'[{"status": "implemented"}]', expected="shape"),
    Body("a string", b'"text"', expected="shape"),
    Body("a number", b"12", expected="shape"),
    Body("null", b"null", expected="shape"),
    Body("plain text", b"status=implemented", "text/plain", "media"),
    Body("a form", b"status=implemented", "application/x-www-form-urlencoded", "media"),
    Body("multipart", b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x", "media"),
    Body("XML", b"<update><status>implemented</status></update>", "application/xml", "media"),
    Body("a content type that is a script", json.dumps(VALID).encode(), SCRIPT, "media"),
    Body("JSON in another charset", '{"status": "é"}'.encode("utf-16"), expected="parse"),
    json_body(
        "every field of the wrong type",
        {
            "recommendation": 12,
            "status": ["in_progress"],
            "as_of": "yesterday",
            "description": {"text": "x"},
            "country": 1e300,
            "evidence": "https://example.org",
        },
        "recommendation",
        "status",
        "as_of",
        "description",
        "country",
        "evidence",
    ),
    json_body(
        "a NUL in the recommendation", {**VALID, "recommendation": "a\x00b"}, "recommendation"
    ),
    json_body("a NUL in the description", {**VALID, "description": "a\x00b"}, "description"),
    json_body(
        "scripts in the fields", {**VALID, "status": SCRIPT, "scope": IMG}, "status", "scope"
    ),
    json_body("SQL in the recommendation", {**VALID, "recommendation": SQL_OR}, "recommendation"),
    json_body("a date out of range", {**VALID, "as_of": "99999-12-31"}, "as_of"),
    json_body("an unknown field named with HTML", {**VALID, SCRIPT: 1}, SCRIPT),
    json_body(
        "a description of a million characters",
        {**VALID, "description": "x" * 10**6},
        "description",
    ),
    json_body(
        "ten thousand evidence links",
        {**VALID, "evidence": [{"title": "t", "url": "https://example.org"}] * 10_000},
        "evidence",
    ),
    Body(
        # Beyond DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), below nginx's client_max_body_size.
        "a body of 5 MB",
        b'{"description": "' + b"x" * 5 * 2**20 + b'"}',
        expected="size",
    ),
]


def write_clients(site: Site) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        "a forged key": Client(headers={"Authorization": f"Api-Key {SCRIPT}"}),
        "a partner key without a reporting role": api_client(make_user("partner")),
        "a focal point's key": api_client(site.focal_point),
    }


def write_problems(response: HttpResponseBase, body: Body, allowed: bool) -> list[str]:
    problems = answer_problems(response, html_sent=True)
    if response.get("Content-Type") != "application/json":
        return [*problems, f"answered {response.get('Content-Type')}, not JSON"]
    data = json.loads(response.getvalue()) if response.getvalue() else {}
    if not allowed:
        if response.status_code not in (401, 403):
            problems.append(f"answered {response.status_code} to a client that may not write")
        return problems
    if body.expected == "media":
        good = response.status_code == 415 and str(data.get("detail", "")).startswith(
            "Send the body as JSON"
        )
    elif body.expected == "parse":
        good = response.status_code == 400 and str(data.get("detail", "")).startswith(
            "The body is not valid JSON"
        )
    elif body.expected == "size":
        good = response.status_code == 400 and str(data.get("detail", "")).startswith(
            "The body is too large"
        )
    elif body.expected == "shape":
        good = response.status_code == 400 and data == {
            "non_field_errors": ["Send one JSON object, with the update's fields."]
        }
    else:
        named = set(data)
        good = (
            response.status_code == 400
            and bool(named & body.expected)
            and named <= UPDATE_FIELDS | body.expected
        )
    if not good:
        problems.append(f"answered {response.status_code} {str(data)[:200]}")
    return problems


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_write_endpoints_refuse_broken_bodies_cleanly(site, method):
    path = "/api/v1/updates/"
    if method == "PATCH":
        path += f"{site.draft.public_id}/"
    before = (Update.objects.count(), Update.objects.get(pk=site.draft.pk).updated_at)
    problems = []
    for persona, client in write_clients(site).items():
        allowed = persona == "a focal point's key"
        for body in BODIES:
            where = f"{method} {path} as {persona} [{body.label}]"
            cache.clear()
            try:
                response = client.generic(method, path, body.content, body.content_type)
            except Exception as error:  # the test client re-raises what the view raised
                problems.append(f"{where}: raised {type(error).__name__}: {error}")
                continue
            problems += [f"{where}: {p}" for p in write_problems(response, body, allowed)]
    assert (Update.objects.count(), Update.objects.get(pk=site.draft.pk).updated_at) == before
    if problems:
        pytest.fail(f"{len(problems)} bad answers:\n" + "\n".join(problems))


def test_a_write_with_a_hostile_query_is_refused_naming_it(site):
    client = api_client(site.focal_point)
    response = client.post(
        f"/api/v1/updates/?{urlencode({SCRIPT: '1'})}", json.dumps(VALID), "application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {SCRIPT}
    assert b"<script>" not in response.content


# Stored text ---------------------------------------------------------------------------------

STORED = '<script>alert("x")</script>'


def test_stored_text_is_rendered_escaped_everywhere(alice_client):
    review = make_review(title=f"Review {STORED}")
    consultation = make_consultation(review=review, title=f"Consultation {STORED}")
    organization = make_organization(name=f"Network {STORED}")
    CoOrganizer.objects.create(consultation=consultation, organization=organization, position=1)
    recommendation = make_recommendation(
        consultation=consultation, text=f"{STORED} Governments should act.", objectives=[6]
    )
    challenge = make_challenge(
        consultation=consultation, text=f"{STORED} Recruitment fees.", objectives=[6]
    )
    practice = make_good_practice(
        consultation=consultation,
        text=f"{STORED} A bilateral agreement on quokkas.",
        objectives=[6],
    )
    update = make_update(
        recommendation=recommendation,
        reported_by=organization,
        description=f"{STORED} A law was adopted.",
        country="PH",
    )
    records = (recommendation, challenge, practice, consultation, organization, update, review)
    only_ours = f"?consultation={consultation.slug}"
    pages = [
        recommendation.get_absolute_url(),
        challenge.get_absolute_url(),
        practice.get_absolute_url(),
        f"/recommendations/{only_ours}",
        f"/challenges/{only_ours}",
        f"/good-practices/{only_ours}",
        # A word beside the stored tag, not in it (on PostgreSQL the matched word is
        # highlighted, which would split the escaped tag around a <mark>), and in no other
        # record, so that this one is among the results shown whatever else is loaded.
        "/search/?q=quokkas",
        "/consultations/",
        consultation.get_absolute_url(),
        "/objectives/6/",
        "/updates/",
        "/countries/PH/",
        f"/?review={review.slug}",
        *(
            reverse(
                f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]
            )
            for record in records
        ),
        *(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model in (Recommendation, Organization, Consultation)
        ),
    ]
    problems = []
    for page in pages:
        response = alice_client.get(page)
        text = body_of(response)
        if response.status_code != 200:
            problems.append(f"{page}: answered {response.status_code}")
        if STORED in text:
            problems.append(f"{page}: the stored tag is in the HTML unescaped")
        if escape(STORED) not in text:
            problems.append(f"{page}: the stored text is not shown, escaped")
    assert not problems, "\n".join(problems)


def test_stored_text_is_data_in_exports_and_the_api_and_text_in_the_feed(db):
    consultation = make_consultation()
    organization = make_organization(name=f"Network {STORED}")
    recommendation = make_recommendation(
        consultation=consultation, text=f"{STORED} Governments should act."
    )
    make_update(recommendation=recommendation, reported_by=organization, description=STORED)
    client = Client()
    query = f"?consultation={consultation.slug}"

    # Exports and the API carry the text exactly, as data a browser does not render.
    exported = client.get(f"/recommendations/export.csv{query}")
    assert exported["Content-Type"].startswith("text/csv")
    assert exported["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(body_of(exported).lstrip("\ufeff"))))
    assert any(recommendation.text in row for row in rows)
    as_json = client.get(f"/recommendations/export.json{query}")
    assert as_json["Content-Type"].startswith("application/json")
    assert recommendation.text in strings_in(json.loads(as_json.getvalue()))
    api = client.get(f"/api/v1/recommendations/{recommendation.public_id}/")
    assert api.json()["text"] == recommendation.text
    assert b"<script>" not in api.content
    updates = client.get("/api/v1/updates/", {"recommendation": recommendation.public_id})
    assert [row["reported_by"]["name"] for row in updates.json()["results"]] == [organization.name]
    assert b"<script>" not in updates.content

    # The feed's summary is HTML inside XML: escaped in it, so a reader shows the text.
    feed = client.get("/updates/feed/")
    assert STORED.encode() not in feed.content
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.fromstring(feed.content).iter(f"{atom}entry")
    ours = next(e for e in entries if e.findtext(f"{atom}author/{atom}name") == organization.name)
    summary = ours.findtext(f"{atom}summary")
    assert STORED not in summary
    assert escape(STORED) in summary
