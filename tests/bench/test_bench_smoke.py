"""The benchmark's pure parts: what it requests, the SQL it compares with, what it reads
from wrk, and how it judges the targets. The load itself needs wrk and is not run here."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection

from bench import report
from bench.loadtest import parse_wrk_output
from bench.workload import (
    BY_NAME,
    REQUEST_TYPES,
    Catalog,
    Record,
    cases,
    datasette_path,
    pick_words,
    sql_for,
    to_pyformat,
)

TEXTS = [
    "Governments should strengthen labour migration pathways and protect migrant workers.",
    "Ensure access to basic services for migrants, including health and education services.",
    "Remittances should be cheaper, faster and safer; strengthen financial inclusion.",
    "Protect children in migration and end immigration detention of children.",
] * 5


def make_catalog(visible: int = 190_000) -> Catalog:
    records = [Record(f"syn-1-asia-{n}-recommendation-{n}b", f"syn-1-asia-{n}") for n in range(400)]
    return Catalog(visible=visible, records=records, words=pick_words(TEXTS, count=12))


def test_every_request_type_cycles_through_many_distinct_values():
    catalog = make_catalog()
    for request_type in REQUEST_TYPES:
        paths = [case.ours for case in cases(request_type.name, catalog)]
        assert len(paths) == len(set(paths)), request_type.name
        assert len(paths) >= (15 if "search" in request_type.name else 23), request_type.name
    objectives = {
        parse_qs(urlsplit(case.ours).query)["objective"][0]
        for case in cases("list_objective", catalog)
    }
    assert objectives == {str(n) for n in range(1, 24)}
    assert len(cases("api_detail", catalog)) == 400


def test_addresses_are_the_apps():
    catalog = make_catalog()
    assert cases("detail", catalog)[0].ours == "/recommendations/syn-1-asia-0/0b/"
    assert cases("api_detail", catalog)[0].ours == (
        "/api/v1/recommendations/syn-1-asia-0-recommendation-0b/"
    )
    assert cases("list_two_filters", catalog)[0].ours == "/recommendations/?objective=1&covid=true"
    assert cases("api_list", catalog)[23].ours == "/api/v1/recommendations/?objective=1&page=2"
    assert cases("api_list", catalog)[23].params == {"objective": 1, "offset": 25}


def test_deep_pages_are_deep_at_every_size():
    pages = make_catalog(190_000).deep_pages()
    assert len(pages) == 40
    assert (pages[0], pages[-1]) == (3800, 7600)
    assert any(4900 <= page <= 5100 for page in pages)
    assert make_catalog(1_936).deep_pages() == list(range(39, 79))


def test_search_words_come_from_the_texts_and_are_stable():
    words = pick_words(TEXTS, count=12)
    assert words == pick_words(TEXTS, count=12)
    assert len(set(words)) == 12
    assert all(
        word.isalpha() and len(word) >= 5 and word in " ".join(TEXTS).lower() for word in words
    )
    assert "should" not in words


def test_datasette_gets_the_sql_and_its_parameters():
    path = datasette_path(
        "gcm_bench_2k", "list_two_filters", {"objective": 6, "covid": True, "offset": 0}
    )
    parts = urlsplit(path)
    query = parse_qs(parts.query)
    assert parts.path == "/gcm_bench_2k.json"
    assert query["sql"] == [sql_for("list_two_filters", "sqlite").page]
    assert (query["objective"], query["covid"], query["offset"]) == (["6"], ["1"], ["0"])
    assert query["_shape"] == ["array"]


def test_pyformat_keeps_casts():
    assert to_pyformat("SELECT o.number::text WHERE a = :objective") == (
        "SELECT o.number::text WHERE a = %(objective)s"
    )


@pytest.mark.django_db
def test_the_sql_runs_on_the_current_schema():
    """The floor's and Datasette's SQL name tables and columns that still exist."""
    dialect = connection.vendor
    connection.ensure_connection()
    params = {"objective": 6, "covid": True, "q": "migrants", "id": "x", "offset": 0}
    if dialect == "sqlite":
        connection.connection.execute(
            "CREATE VIRTUAL TABLE recommendations_recommendation_fts USING fts5(text, "
            "content='recommendations_recommendation', content_rowid='id', tokenize='porter')"
        )
    for request_type in REQUEST_TYPES:
        sql = sql_for(request_type.name, dialect)
        for statement in filter(None, (sql.page, sql.count)):
            if dialect == "sqlite":
                connection.connection.execute(statement, params).fetchall()
            else:
                with connection.cursor() as cursor:
                    cursor.execute(to_pyformat(statement), params)
                    cursor.fetchall()


WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:18765
  1963 requests in 2.00s, 572.61KB read
BENCH_JSON {"latency_min_us":204,"latency_max_us":40246,"latency_mean_us":4732.09,\
"percentiles_us":{"50":3297,"75":5901,"90":9407,"99":24849,"99.9":36157},\
"duration_us":2000000,"statuses":{"200":1309,"404":654},"bytes":586357,"connect_errors":0,\
"requests":1963,"read_errors":1,"write_errors":0,"timeouts":2}
"""


def test_wrk_output_is_read_with_every_failure():
    result = parse_wrk_output(WRK_OUTPUT)
    assert result.requests == 1963
    assert result.rps == pytest.approx(981.5)
    assert result.p50_ms == pytest.approx(3.297)
    assert result.p99_ms == pytest.approx(24.849)
    assert result.statuses == {"200": 1309, "404": 654}
    assert result.socket_errors == {"read": 1, "timeout": 2}
    assert result.failures == 654 + 3


def test_wrk_output_without_requests_has_no_latency():
    line = (
        'BENCH_JSON {"latency_min_us":0,"latency_max_us":0,"latency_mean_us":-nan,'
        '"percentiles_us":{"50":0},"duration_us":1000000,"statuses":{},"bytes":0,'
        '"connect_errors":10,"requests":0,"read_errors":0,"write_errors":0,"timeouts":0}'
    )
    result = parse_wrk_output(line)
    assert (result.rps, result.p50_ms, result.failures) == (0, None, 10)


def load(rps: float, p50: float, failures: int = 0) -> dict:
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p50 * 3,
        "failures": failures,
        "statuses": {"200": 100} | ({"500": failures} if failures else {}),
        "socket_errors": {},
    }


def test_targets_pass_and_fail_with_the_figures():
    def size(p50: float, floor: float) -> dict:
        return {
            "catalog": {"visible": 1},
            "types": {
                request_type.name: {
                    "ours": load(200, p50, failures=1 if request_type.name == "search" else 0),
                    "datasette": load(100, 10),
                    "ours_alone": load(50, p50 / 2),
                    "floor": {"p50_ms": floor},
                }
                for request_type in REQUEST_TYPES
            },
        }

    sizes = {"2000": size(10, 5), "200000": size(30, 5)}
    exports = [
        {"name": "site CSV", "target": True, "status": 200, "growth_mb": 12.0, "rows": 5},
        {"name": "site XLSX", "target": False, "status": 200, "growth_mb": 900.0, "rows": None},
    ]
    lines = [verdict.line() for verdict in report.targets(sizes, exports)]
    text = "\n".join(lines)
    assert f"PASS  {BY_NAME['api_list'].label}: rps ours/Datasette 2.00" in text
    assert f"FAIL  {BY_NAME['search'].label}: rps ours/Datasette 2.00 (>= 1), 1 failures" in text
    # Growth reads the one-connection p50 (15 ms / 5 ms), and prints the loaded one beside.
    assert (
        f"FAIL  {BY_NAME['api_list'].label}: p50 200,000/2,000 = 3.00x one connection (<= 2x);"
        " under load 3.00x"
    ) in text
    assert f"PASS  {BY_NAME['search'].label}: p50 200,000/2,000 = 3.00x one connection" in text
    assert f"PASS  {BY_NAME['api_list'].label}: p50 15.0 ms (one connection) is 3.0x" in text
    assert "PASS  site CSV export of 5 rows: peak growth 12.0 MB" in text
    assert "XLSX" not in text
    assert report.comparison_table(200000, sizes["200000"]).count("\n") == len(REQUEST_TYPES) + 1
