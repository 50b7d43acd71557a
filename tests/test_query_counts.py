"""Every public page and API endpoint runs as many SQL queries over a handful of records as
over many more: no query per row, per link, per update or per change.

One small world is built with the factories (a review, a document, a consultation with its
co-organizers, one recommendation on objective 6 and the human-rights principle linked to
a challenge and a good practice, one published update for the Philippines with evidence);
each address is requested once and its queries counted. Then every kind of record is
added in the same places (more consultations in the review, dozens of items, updates in
the Philippines and Nepal with evidence, organizations, edits that lengthen the histories)
and each address is counted again: the two counts must be equal. Paged lists must also
cost the same for a page of 1 as for a page of 50.

Each request is counted with an empty cache (``cache.clear()`` right before it): list
counts and facets are kept in the cache under the data version, so that is the most a
request costs. Each is requested once beforehand, unmeasured, so that what a process
loads once (content types...) is not counted for the first address only.

Two costs do change, by design, and are shown rather than hidden:

- the streamed exports (CSV, JSON and XLSX of the lists, the data package, the API's CSV
  lists) read 500 rows at a time and run their prefetch queries again for every 500
  rows: counted with chunks of 10 rows, those cases are expected failures (xfail);
- past 12 consultations in a review, the home page's matrix has a column per review
  cluster, which costs one query more, and then no more whatever the number.

The addresses come from a table of route names; ``test_every_public_route_is_counted``
walks the URL resolver and fails for a route (a name, or a format-suffix variant of one)
that is neither counted here nor excluded with its reason in ``EXCLUDED``.
"""

from __future__ import annotations

import datetime
import shutil
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from consultations.models import (
    Consultation,
    CoOrganizer,
    Objective,
    Organization,
    ParticipantShare,
    StakeholderGroup,
)
from consultations.views import MATRIX_MAX_CONSULTATIONS
from gcm_review.api import reference_csv
from recommendations import exports
from recommendations.api import update_csv
from recommendations.models import (
    Actor,
    Challenge,
    GoodPractice,
    Recommendation,
    Update,
    UpdateScope,
)
from tests.factories import (
    make_challenge,
    make_consultation,
    make_good_practice,
    make_organization,
    make_recommendation,
    make_review,
    make_source_document,
    make_update,
)

pytestmark = pytest.mark.django_db

# The small world's addresses, fixed so that the cases can name them. References with a
# (q) part: the factories only write (a), so theirs never collide with these.
REVIEW = "qc-review"
DOCUMENT = "qc-doc"
CONSULTATION = "qc-1"
RECOMMENDATION = "1(q)"
CHALLENGE = "2(q)"
GOOD_PRACTICE = "3(q)"
PARTNER = "QC Partner Network"  # its API id is the slug of its name
UPDATE_ID = "5f0c1a52-7d44-4e5a-9a53-0c2f6f1e3b7d"
SINCE = "since=2000-01-01"
OBJECTIVE = 6
PRINCIPLE = "human-rights"


@dataclass(frozen=True)
class Case:
    """One address to count: a route name, its arguments and a query string."""

    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""

    @property
    def id(self) -> str:
        suffix = self.kwargs.get("format") or self.kwargs.get("fmt")
        name = f"{self.name}.{suffix}" if suffix else self.name
        return f"{name}?{self.query}" if self.query else name

    @property
    def url(self) -> str:
        path = reverse(self.name, kwargs=self.kwargs)
        return f"{path}?{self.query}" if self.query else path


def _site_cases() -> list[Case]:
    cases = [
        Case("home"),
        Case("home", query=f"review={REVIEW}"),
        Case("recommendations:search"),
        Case("recommendations:search", query="q=migrant"),
        Case("recommendations:data"),
        Case("recommendations:data-download"),
        Case("recommendations:updates"),
        Case("recommendations:updates", query="country=PH"),
        Case("recommendations:updates", query="status=in_progress&country=PH"),
        Case("recommendations:updates-feed"),
        Case("recommendations:countries"),
        Case("recommendations:country", {"code": "PH"}),
        Case("consultations:list"),
        Case("consultations:detail", {"slug": CONSULTATION}),
        Case("consultations:objective-list"),
        Case("consultations:objective-detail", {"number": OBJECTIVE}),
        Case("api-guide"),
    ]
    for kind, reference in [
        ("recommendation", RECOMMENDATION),
        ("challenge", CHALLENGE),
        ("good-practice", GOOD_PRACTICE),
    ]:
        slug = reference.replace("(", "").replace(")", "")
        cases += [
            Case(f"recommendations:{kind}-list"),
            Case(
                f"recommendations:{kind}-list",
                query=f"objective={OBJECTIVE}&principle={PRINCIPLE}&q=migrant",
            ),
            *(
                Case(f"recommendations:{kind}-list", query=f"page_size={size}")
                for size in PAGE_SIZES
            ),
            *(Case(f"recommendations:{kind}-export", {"fmt": fmt}) for fmt in ("csv", "xlsx")),
            Case(f"recommendations:{kind}-export", {"fmt": "json"}, f"objective={OBJECTIVE}"),
            Case(f"recommendations:{kind}-detail", {"document": DOCUMENT, "reference": slug}),
        ]
    cases.append(Case("recommendations:recommendation-list", query="country=PH&status=in_progress"))
    return cases


PAGE_SIZES = (1, 50)

# API endpoints: (basename, the id of the small world's record; None: no detail).
API_ENDPOINTS: list[tuple[str, str | None]] = [
    ("recommendation", f"{DOCUMENT}-recommendation-1q"),
    ("challenge", f"{DOCUMENT}-challenge-2q"),
    ("good-practice", f"{DOCUMENT}-practice-3q"),
    ("update", UPDATE_ID),
    ("objective", str(OBJECTIVE)),
    ("cluster", "1"),
    ("principle", PRINCIPLE),
    ("stakeholder-group", "civil-society"),
    ("addressee", "governments"),
    ("review", REVIEW),
    ("consultation", CONSULTATION),
    ("source-document", DOCUMENT),
    ("organization", "qc-partner-network"),
]
# The lists that grow with the data, counted for a page of 1 and a page of 50.
PAGED = {
    "recommendation",
    "challenge",
    "good-practice",
    "update",
    "review",
    "consultation",
    "source-document",
    "organization",
}


def _api_cases() -> list[Case]:
    cases = [
        Case("api:api-root"),
        Case("api:api-root", {"format": "json"}),
        Case("api:change-list", query=SINCE),
        Case("api:change-list", {"format": "json"}, SINCE),
        *(Case("api:change-list", query=f"{SINCE}&page_size={size}") for size in PAGE_SIZES),
        Case("api:recommendation-list", query=f"objective={OBJECTIVE}&principle={PRINCIPLE}"),
        Case("api:recommendation-list", query="country=PH&format=csv"),
        Case("api:update-list", query="country=PH"),
    ]
    for basename, record in API_ENDPOINTS:
        # JSON at the plain address, CSV at the suffixed one: both patterns of each name.
        cases += [Case(f"api:{basename}-list"), Case(f"api:{basename}-list", {"format": "csv"})]
        if basename in PAGED:
            cases += [Case(f"api:{basename}-list", query=f"page_size={n}") for n in PAGE_SIZES]
        if record is not None:
            cases += [
                Case(f"api:{basename}-detail", {"id": record}),
                Case(f"api:{basename}-detail", {"id": record, "format": "csv"}),
            ]
    return cases


CASES = _site_cases() + _api_cases()

# Cases whose count grows with the data, by id, with the reason (none at the moment).
GROWING: dict[str, str] = {}

# Routes not counted here, by qualified name (or full route when unnamed), with the reason.
EXCLUDED = {
    # The OpenAPI schema and its two viewers: generated from the code, never from the data.
    "api:schema",
    "api:docs",
    "api:redoc",
    # /api/ redirects to the guide (a 302 without a query); the guide is counted.
    "api/",
    # The JSON 404 of any other address under /api/: no query, not a page.
    "api/[\\s\\S]*/$",
}
# The admin is for staff, not public.
EXCLUDED_NAMESPACES = {"admin"}


# --- The two worlds ------------------------------------------------------------------------


@dataclass
class World:
    consultation: Consultation
    recommendation: Recommendation
    challenge: Challenge
    good_practice: GoodPractice
    update: Update
    partner: Organization


def _furnish(consultation: Consultation, *, co_organizers: int = 2) -> None:
    """Co-organizers, a supporting UN entity, sectors, a participant share, objectives."""
    start = consultation.co_organizer_links.count()
    for position in range(start + 1, start + co_organizers + 1):
        CoOrganizer.objects.create(
            consultation=consultation,
            organization=make_organization(countries=["PH", "NP"]),
            countries=["PH"],
            position=position,
        )
    consultation.supporting_entities.add(make_organization(kind=Organization.Kind.UN_ENTITY))
    groups = list(StakeholderGroup.objects.order_by("position")[:3])
    consultation.sectors.add(*groups)
    share = ParticipantShare.objects.create(
        consultation=consultation, percent=30, position=start + 1
    )
    share.stakeholder_groups.set(groups)
    consultation.objectives.add(*Objective.objects.filter(number__in=[OBJECTIVE, 7]))


def build_small_world() -> World:
    review = make_review(region="asia-pacific", cycle="2098-99", slug=REVIEW)
    document = make_source_document(review=review, symbol="QC/GCM/2098/CRP.1", slug=DOCUMENT)
    consultation = make_consultation(source_document=document, slug=CONSULTATION, sequence=1)
    _furnish(consultation)
    tags: dict[str, Any] = {"objectives": [OBJECTIVE], "principles": [PRINCIPLE]}
    recommendation = make_recommendation(
        consultation=consultation, reference=RECOMMENDATION, **tags
    )
    challenge = make_challenge(consultation=consultation, reference=CHALLENGE, **tags)
    good_practice = make_good_practice(consultation=consultation, reference=GOOD_PRACTICE, **tags)
    recommendation.challenges.add(challenge)
    recommendation.good_practices.add(good_practice)
    recommendation.addressed_to.add(Actor.objects.get(slug="governments"))
    partner = make_organization(
        name=PARTNER,
        stakeholder_group=StakeholderGroup.objects.get(slug="civil-society"),
        countries=["PH"],
    )
    update = make_update(
        recommendation=recommendation,
        reported_by=partner,
        country="PH",
        public_id=uuid.UUID(UPDATE_ID),
        evidence=[("Action plan", "https://example.org/plan")],
    )
    return World(consultation, recommendation, challenge, good_practice, update, partner)


def grow(world: World, *, more: int = 30) -> None:
    """Many more records of every kind, in the places the small world's pages show."""
    consultation = world.consultation
    review = consultation.review
    document = consultation.source_document
    second_document = make_source_document(review=review)
    # Five more consultations in the same review (the home matrix keeps a column for each
    # up to 12), two in an older review.
    consultations = [consultation] + [
        make_consultation(source_document=[document, second_document][n % 2]) for n in range(5)
    ]
    older = make_review(region="asia-pacific", cycle="2097-98")
    older_document = make_source_document(review=older)
    consultations += [make_consultation(source_document=older_document) for _ in range(2)]
    for other in consultations[1:]:
        _furnish(other)
    _furnish(consultation, co_organizers=4)
    partners = [world.partner] + [
        make_organization(
            stakeholder_group=StakeholderGroup.objects.get(slug="migrants"), countries=["NP"]
        )
        for _ in range(5)
    ]
    actors = list(Actor.objects.order_by("position")[:4])
    tags: dict[str, Any] = {"principles": [PRINCIPLE, "gender-responsive"]}
    for n in range(more):
        where = consultations[n % len(consultations)]
        objectives = [OBJECTIVE, 7 + n % 5]
        challenge = make_challenge(consultation=where, objectives=objectives, **tags)
        good_practice = make_good_practice(consultation=where, objectives=objectives, **tags)
        recommendation = make_recommendation(consultation=where, objectives=objectives, **tags)
        recommendation.challenges.add(challenge, world.challenge)
        recommendation.good_practices.add(good_practice, world.good_practice)
        recommendation.addressed_to.add(*actors)
        world.recommendation.challenges.add(challenge)
        world.recommendation.good_practices.add(good_practice)
        for target in (recommendation, world.recommendation):
            make_update(
                recommendation=target,
                reported_by=partners[n % len(partners)],
                country=["PH", "NP"][n % 2],
                status=["in_progress", "planned", "implemented"][n % 3],
                as_of=datetime.date(2024, 1 + n % 12, 1),
                evidence=[
                    (f"Report {n}", f"https://example.org/{n}"),
                    (f"Decree {n}", f"https://example.org/{n}/decree"),
                ],
            )
    # Cross-cutting records: the review's conclusions, items without a consultation.
    for _ in range(5):
        make_recommendation(
            source_document=second_document, is_conclusion=True, objectives=[OBJECTIVE], **tags
        )
        make_challenge(source_document=second_document, objectives=[OBJECTIVE], **tags)
        make_good_practice(source_document=second_document, objectives=[OBJECTIVE], **tags)
    make_update(
        recommendation=world.recommendation,
        reported_by=world.partner,
        scope=UpdateScope.REGIONAL,
        evidence=[("Regional report", "https://example.org/regional")],
    )
    world.recommendation.addressed_to.add(*actors)
    world.recommendation.objectives.add(*Objective.objects.filter(number__in=[7, 8, 9]))
    # Edits while public, minutes apart, lengthen every change log and history.
    start = timezone.now() + datetime.timedelta(hours=1)
    for n in range(4):
        with time_machine.travel(start + datetime.timedelta(minutes=5 * n), tick=False):
            for record in (world.recommendation, world.challenge, world.good_practice):
                record.text = f"{record.text} Revised ({n})."
                record.save()
            consultation.title = f"Consultation, revision {n}"
            consultation.participants = 50 + n
            consultation.save()
            world.update.description = f"A national action plan was adopted ({n})."
            world.update.save()
            world.update.evidence.create(
                title=f"Annex {n}", url=f"https://example.org/annex/{n}", position=n + 2
            )


# --- Counting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    status: int
    queries: int
    sql: tuple[str, ...]


def _consume(response: Any) -> None:
    """Read the body to its end. The test client closes the response itself, with the
    connection-closing signal held off: a second ``response.close()`` here would send
    ``request_finished`` and close the test's connection (inside its transaction) on
    PostgreSQL."""
    if response.streaming:
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018 - render it


def count(client: Client, url: str) -> Count:
    """The queries of one request with an empty cache, the body read to its end."""
    _consume(client.get(url))  # unmeasured: what the process loads once
    cache.clear()
    # The kept data package too (recommendations/datasets.py): its build is counted.
    shutil.rmtree(settings.DATA_PACKAGE_DIR, ignore_errors=True)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        _consume(response)
    sql = tuple(query["sql"] for query in captured.captured_queries)
    return Count(response.status_code, len(sql), sql)


def count_worlds(cases: list[Case], grow_by: int = 30) -> dict[str, Count]:
    """Each case counted over the small world (``small:<id>``), then over the large one
    (``large:<id>``)."""
    client = Client()
    world = build_small_world()
    counts = {f"small:{case.id}": count(client, case.url) for case in cases}
    grow(world, more=grow_by)
    counts.update({f"large:{case.id}": count(client, case.url) for case in cases})
    cache.clear()
    return counts


@contextmanager
def rolled_back(django_db_blocker: Any) -> Iterator[None]:
    """A transaction for a module-scoped fixture's records, rolled back at its end: the
    tests read the counts, never the records, so none outlives its fixture."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def counted(django_db_setup: None, django_db_blocker: Any) -> dict[str, Count]:
    """Every case counted over a few records and over many; the records are gone after."""
    with rolled_back(django_db_blocker):
        return count_worlds(CASES)


def _differences(few: Count, many: Count) -> str:
    extra = [sql for sql in many.sql if sql not in few.sql]
    return "\n".join(extra[:5])


def _params(cases: list[Case], growing: dict[str, str]) -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=growing[case.id])]
            if case.id in growing
            else [],
        )
        for case in cases
    ]


def _assert_same(case: Case, few: Count, many: Count) -> None:
    assert (few.status, many.status) == (200, 200), case.url
    assert many.queries == few.queries, (
        f"{case.url}: {few.queries} queries over a few records, {many.queries} over many; "
        f"new ones:\n{_differences(few, many)}"
    )


@pytest.mark.parametrize("case", _params(CASES, GROWING))
def test_queries_do_not_grow_with_the_data(case: Case, counted: dict[str, Count]) -> None:
    _assert_same(case, counted[f"small:{case.id}"], counted[f"large:{case.id}"])


PAGE_PAIRS = [
    case
    for case in CASES
    if case.query.endswith(f"page_size={PAGE_SIZES[0]}") and not case.kwargs.get("format")
]


@pytest.mark.parametrize("one", PAGE_PAIRS, ids=[case.id for case in PAGE_PAIRS])
def test_a_page_of_fifty_costs_what_a_page_of_one_costs(
    one: Case, counted: dict[str, Count]
) -> None:
    fifty = Case(one.name, one.kwargs, one.query.removesuffix(str(PAGE_SIZES[0])) + "50")
    first, full = counted[f"large:{one.id}"], counted[f"large:{fifty.id}"]
    assert (first.status, full.status) == (200, 200)
    assert full.queries == first.queries, _differences(first, full)


# --- Streamed exports, past one chunk -----------------------------------------------------
#
# The exports (CSV, JSON, XLSX, the data package, the API's CSV lists) read their rows with
# QuerySet.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE = 500, so that memory stays flat;
# with prefetch_related, Django runs the prefetch queries again for every chunk. Both
# worlds above fit in one chunk. Here chunks are 10 rows, so that the large world spans
# several, as 501 rows and more would with 500: these counts grow, by the number of
# prefetches for every further chunk.
SMALL_CHUNK = 10
PER_CHUNK = {
    "recommendation": "5 (objectives, principles, addressees, challenges, good practices)",
    "challenge": "3 (objectives, principles, recommendations)",
    "good-practice": "3 (objectives, principles, recommendations)",
}
API_PER_CHUNK = {
    "recommendation": "6 (the export's 5 and the published updates)",
    "challenge": PER_CHUNK["challenge"],
    "good-practice": PER_CHUNK["good-practice"],
    "update": "1 (the evidence links)",
}
ITERATOR = "QuerySet.iterator(chunk_size=500) runs the prefetch queries again for each chunk"


def _streamed_growth() -> dict[str, str]:
    growth = {
        "recommendations:data-download": (
            f"{ITERATOR} (recommendations/datasets.py, exports.py): +22 queries per further "
            "500 rows of each kind (the 5 + 3 + 3 prefetches, for its CSV and its JSON)"
        ),
    }
    for case in CASES:
        kind = case.name.partition(":")[2].removesuffix("-export").removesuffix("-list")
        if case.name.endswith("-export"):
            growth[case.id] = (
                f"{ITERATOR} (recommendations/exports.py): +{PER_CHUNK[kind]} queries per "
                f"further 500 {kind}s"
            )
        elif case.name.startswith("api:") and kind in API_PER_CHUNK and _is_csv(case):
            module = "api/update_csv.py" if kind == "update" else "exports.py"
            growth[case.id] = (
                f"{ITERATOR} (recommendations/{module}): +{API_PER_CHUNK[kind]} queries per "
                f"further 500 {kind}s"
            )
    return growth


def _is_csv(case: Case) -> bool:
    return case.kwargs.get("format") == "csv" or "format=csv" in case.query


STREAMED_GROWTH = _streamed_growth()
# The reference lists' CSV (gcm_review/api/reference_csv.py) streams in chunks too.
STREAMED = [
    case
    for case in CASES
    if case.id in STREAMED_GROWTH
    or (case.name.startswith("api:") and case.name.endswith("-list") and _is_csv(case))
]


@pytest.fixture(scope="module")
def counted_in_chunks(django_db_setup: None, django_db_blocker: Any) -> dict[str, Count]:
    """The streamed cases counted with chunks of SMALL_CHUNK rows."""
    with rolled_back(django_db_blocker), pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports, "CHUNK_SIZE", SMALL_CHUNK)
        patch.setattr(update_csv, "CHUNK_SIZE", SMALL_CHUNK)
        patch.setattr(reference_csv, "CHUNK_SIZE", SMALL_CHUNK)
        return count_worlds(STREAMED)


@pytest.mark.parametrize("case", _params(STREAMED, STREAMED_GROWTH))
def test_streamed_exports_do_not_grow_past_one_chunk(
    case: Case, counted_in_chunks: dict[str, Count]
) -> None:
    few, many = counted_in_chunks[f"small:{case.id}"], counted_in_chunks[f"large:{case.id}"]
    _assert_same(case, few, many)


# --- The home page's matrix by review cluster -------------------------------------------


def test_the_home_matrix_by_cluster_runs_a_fixed_number_of_queries(client: Client) -> None:
    """Past MATRIX_MAX_CONSULTATIONS consultations the home page's matrix has a column per
    review cluster instead of one per consultation: one query more (the clusters), then
    the same whatever the number of consultations."""
    world = build_small_world()
    document = world.consultation.source_document

    def add_consultations(number: int) -> None:
        for _ in range(number):
            consultation = make_consultation(source_document=document)
            _furnish(consultation)
            make_recommendation(consultation=consultation, objectives=[OBJECTIVE, 8])
            make_challenge(consultation=consultation, objectives=[OBJECTIVE])

    add_consultations(MATRIX_MAX_CONSULTATIONS - 1)
    by_consultation = count(client, "/")
    add_consultations(1)
    by_cluster = count(client, "/")
    add_consultations(20)
    many = count(client, "/")
    assert (by_consultation.status, by_cluster.status, many.status) == (200, 200, 200)
    assert by_cluster.queries == by_consultation.queries + 1
    assert many.queries == by_cluster.queries, _differences(by_cluster, many)


# --- Every route -------------------------------------------------------------------------


def _join(prefix: str, route: str) -> str:
    """Routes joined as the resolver joins them (``ResolverMatch.route``)."""
    return prefix + route.removeprefix("^") if prefix else route


def routes(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(qualified name, "" when unnamed; full route) of every route outside the admin."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, route in routes(pattern.url_patterns, inner):
                yield name, _join(str(pattern.pattern), route)
        else:
            route = str(pattern.pattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else ""), route


def counted_routes() -> dict[tuple[str, str], list[str]]:
    """(qualified name, full route) -> the addresses counted for it."""
    by_route: dict[tuple[str, str], list[str]] = defaultdict(list)
    for case in CASES:
        match = resolve(case.url.split("?")[0])
        by_route[match.view_name, match.route].append(case.url)
    return dict(by_route)


def test_every_public_route_is_counted() -> None:
    by_route = counted_routes()
    every = list(routes())
    missing = [
        f"{name or route} ({route})"
        for name, route in every
        if (name, route) not in by_route and not {name, route} & EXCLUDED
    ]
    assert not missing, "routes neither counted nor in EXCLUDED:\n" + "\n".join(missing)
    # Each name is counted for each of its routes (plain and format suffix) or excluded.
    names = {name for name, _route in every if name and name not in EXCLUDED}
    assert names == {name for name, _route in by_route}
    # An exclusion that matches no route any more is stale.
    known = {key for route in every for key in route}
    assert not EXCLUDED - known, EXCLUDED - known
