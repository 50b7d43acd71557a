"""What the benchmark asks for: request types, the URLs each system gets, and the SQL.

Pure code (no Django, no database): ``Catalog`` holds values read from the data (public
ids, search words, the number of visible rows), and every function here turns it into
URLs for our app, URLs for Datasette and the bare SQL of the floor. Each request type
cycles through many values (all 23 objectives, dozens of words, hundreds of records,
many deep pages) so that no cache can make the figure.

Equivalence: Datasette gets one SQL query per request type, in its JSON API
(``/<db>.json?sql=...&_shape=array`` with named parameters), returning the same page of
rows (same filter, same visibility rule, same order, same page size) with the columns a
list row shows. Ours also counts the matching rows; Datasette's SQL page does not.
Both read the visibility rule from the ``visible`` column the database keeps.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

PAGE_SIZE = 25
OBJECTIVES = list(range(1, 24))
# Words too common to say anything about a search, or grammar rather than subject.
STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "among",
        "being",
        "could",
        "ensure",
        "ensuring",
        "every",
        "include",
        "includes",
        "including",
        "needs",
        "order",
        "other",
        "should",
        "their",
        "there",
        "these",
        "those",
        "through",
        "under",
        "where",
        "which",
        "while",
        "whose",
        "within",
        "without",
        "would",
    ]
)


@dataclass(frozen=True)
class Record:
    """A visible recommendation: what its two addresses are made of."""

    public_id: str
    document_slug: str

    @property
    def reference_slug(self) -> str:
        # public_id is "<document slug>-recommendation-<reference slug>" (Item.build_public_id).
        return self.public_id[len(self.document_slug) + len("-recommendation-") :]


@dataclass(frozen=True)
class Catalog:
    """Values taken from one dataset, the same in its PostgreSQL and SQLite copies."""

    visible: int
    records: list[Record]
    words: list[str]
    objectives: list[int] = field(default_factory=lambda: list(OBJECTIVES))

    @property
    def pages(self) -> int:
        return max(1, -(-self.visible // PAGE_SIZE))

    def deep_pages(self, count: int = 40) -> list[int]:
        """Pages spread over the second half of the unfiltered list, ending at the last.

        At 200,000 recommendations this runs from about page 3,900 to 7,800 (page 5,000
        among them); at 2,000, from about page 38 to 76. A deep page is as deep as the
        data lets it be, in proportion."""
        last = self.pages
        first = max(1, last // 2)
        if last - first + 1 <= count:
            return list(range(first, last + 1))
        step = (last - first) / (count - 1)
        return sorted({round(first + index * step) for index in range(count)})

    def queries(self) -> list[str]:
        """Single words, then pairs of them (both must occur, in either system)."""
        words = self.words
        pairs = [f"{a} {b}" for a, b in zip(words[::4], words[2::4], strict=False)]
        return words + pairs


def pick_words(texts: Iterable[str], count: int = 48, seed: int = 1) -> list[str]:
    """``count`` search words spread over the range of frequencies of ``texts``.

    Plain lowercase words of 5+ letters (both full-text engines read them the same way),
    taken from the 400 most frequent by document frequency: some match a third of the
    rows, some a handful.
    """
    frequency: Counter[str] = Counter()
    for text in texts:
        frequency.update(
            {word for word in re.findall(r"[a-z]+", text.lower()) if len(word) >= 5} - STOPWORDS
        )
    ranked = [word for word, _count in sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0]))]
    ranked = ranked[:400]
    if len(ranked) <= count:
        return ranked
    step = len(ranked) / count
    chosen = [ranked[int(index * step)] for index in range(count)]
    random.Random(seed).shuffle(chosen)
    return chosen


# --- SQL -------------------------------------------------------------------------------

# The visibility rule as the data holds it: the database keeps ``visible`` (published,
# under a published review and consultation) on every row, in both copies, and Datasette
# reads it as any SQL user would. The joins give the review and consultation slugs.
_FROM = """
FROM recommendations_recommendation r
JOIN consultations_sourcedocument d ON d.id = r.source_document_id
JOIN consultations_review v ON v.id = d.review_id
LEFT JOIN consultations_consultation c ON c.id = r.consultation_id{join}
WHERE r.visible{where}"""
_OBJECTIVE = """
  AND EXISTS (SELECT 1 FROM recommendations_recommendation_objectives ro
              JOIN consultations_objective o ON o.id = ro.objective_id
              WHERE ro.recommendation_id = r.id AND o.number = :objective)"""
_COVID = "\n  AND r.covid_related = :covid"
# The app's "reference" ordering (recommendations/filters.py ORDERING): document, then
# paragraph. Keep in step with it: run.py's check compares the rows of both systems.
_DOCUMENT_ORDER = "r.source_document_id, r.reference_sort_key"
_OBJECTIVE_NUMBERS = {
    "postgresql": "string_agg(o.number::text, ',' ORDER BY o.number)",
    "sqlite": "group_concat(o.number)",
}
_FTS_TABLE = "recommendations_recommendation_fts"


def _columns(dialect: str) -> str:
    return f"""SELECT r.public_id AS id, r.reference, r.text, v.slug AS review,
  c.slug AS consultation, r.covid_related, r.updated_at,
  (SELECT {_OBJECTIVE_NUMBERS[dialect]} FROM recommendations_recommendation_objectives ro
   JOIN consultations_objective o ON o.id = ro.objective_id
   WHERE ro.recommendation_id = r.id) AS objectives"""


@dataclass(frozen=True)
class Sql:
    """A request type's SQL: the page of rows, and the count ours also computes."""

    page: str
    count: str | None


def sql_for(kind: str, dialect: str) -> Sql:
    """The SQL of request type ``kind`` in ``dialect`` ("postgresql" or "sqlite"),
    with ``:name`` parameters."""
    join, where, order = "", "", _DOCUMENT_ORDER
    if kind in ("list_objective", "api_list"):
        where = _OBJECTIVE
    elif kind == "list_two_filters":
        where = _OBJECTIVE + _COVID
    elif kind in ("search", "api_search"):
        if dialect == "postgresql":
            where = "\n  AND r.search_vector @@ websearch_to_tsquery('english', :q)"
            order = (
                "ts_rank(r.search_vector, websearch_to_tsquery('english', :q)) DESC, "
                "r.source_document_id, r.reference_sort_key"
            )
        else:
            join = f"\nJOIN {_FTS_TABLE} f ON f.rowid = r.id"
            where = f"\n  AND {_FTS_TABLE} MATCH :q"
            order = "f.rank, r.source_document_id, r.reference_sort_key"
    elif kind in ("detail", "api_detail"):
        where = "\n  AND r.public_id = :id"
        return Sql(page=_columns(dialect) + _FROM.format(join=join, where=where), count=None)
    elif kind != "deep_page":
        raise ValueError(f"unknown request type {kind!r}")
    body = _FROM.format(join=join, where=where)
    return Sql(
        page=f"{_columns(dialect)}{body}\nORDER BY {order}\nLIMIT {PAGE_SIZE} OFFSET :offset",
        count=f"SELECT count(*){body}",
    )


def to_pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s`` (leaving ``::type`` casts alone)."""
    return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql)


# --- Request types ---------------------------------------------------------------------


@dataclass(frozen=True)
class RequestType:
    name: str
    label: str
    api: bool  # ours is the JSON API (else the HTML page)
    # Which targets apply (see report.TARGETS).
    rps_target: bool = False
    growth_limit: float | None = None
    floor_target: bool = False


REQUEST_TYPES = [
    RequestType("list_objective", "list, 1 objective (HTML)", False, True, 2.0),
    RequestType("list_two_filters", "list, objective+covid (HTML)", False, True, 2.0),
    RequestType("search", "full-text search (HTML)", False, True, 5.0),
    RequestType("detail", "detail record (HTML)", False, False, 2.0),
    RequestType("deep_page", "deep page, unfiltered (API)", True),
    RequestType("api_list", "API list JSON, 1 objective", True, True, 2.0, floor_target=True),
    RequestType("api_search", "API full-text search JSON", True, True, 5.0),
    RequestType("api_detail", "API detail record JSON", True, False, 2.0),
]
BY_NAME = {request_type.name: request_type for request_type in REQUEST_TYPES}


@dataclass(frozen=True)
class Case:
    """One request of a type: our path, Datasette's SQL parameters, the floor's."""

    ours: str
    params: dict[str, object]


def cases(kind: str, catalog: Catalog) -> list[Case]:
    """Every request of type ``kind``, in the order wrk cycles through them."""
    html = "/recommendations/"
    api = "/api/v1/recommendations/"
    out: list[Case] = []
    if kind in ("list_objective", "api_list"):
        base = api if kind == "api_list" else html
        for page in (1, 2, 3, 4):
            for number in catalog.objectives:
                query = {"objective": number} | ({"page": page} if page > 1 else {})
                params = {"objective": number, "offset": (page - 1) * PAGE_SIZE}
                out.append(Case(f"{base}?{urlencode(query)}", params))
    elif kind == "list_two_filters":
        for covid in ("true", "false"):
            for number in catalog.objectives:
                query = {"objective": number, "covid": covid}
                params = {"objective": number, "covid": covid == "true", "offset": 0}
                out.append(Case(f"{html}?{urlencode(query)}", params))
    elif kind in ("search", "api_search"):
        base = api if kind == "api_search" else html
        for words in catalog.queries():
            out.append(Case(f"{base}?{urlencode({'q': words})}", {"q": words, "offset": 0}))
    elif kind == "detail":
        for record in catalog.records:
            path = f"{html}{record.document_slug}/{record.reference_slug}/"
            out.append(Case(path, {"id": record.public_id}))
    elif kind == "api_detail":
        for record in catalog.records:
            out.append(Case(f"{api}{record.public_id}/", {"id": record.public_id}))
    elif kind == "deep_page":
        for page in catalog.deep_pages():
            query = urlencode({"page": page, "page_size": PAGE_SIZE})
            out.append(Case(f"{api}?{query}", {"offset": (page - 1) * PAGE_SIZE}))
    else:
        raise ValueError(f"unknown request type {kind!r}")
    return out


def datasette_path(database: str, kind: str, params: dict[str, object]) -> str:
    """Datasette's JSON for the same rows: its SQL API, with named parameters."""
    values = {
        name: (int(value) if isinstance(value, bool) else value) for name, value in params.items()
    }
    query = urlencode({"sql": sql_for(kind, "sqlite").page, **values, "_shape": "array"})
    return f"/{quote(database)}.json?{query}"


def interleaved(items: list[Case], seed: int = 1) -> list[Case]:
    """The cases in a fixed shuffled order, so neighbouring requests differ in every value."""
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    return shuffled
