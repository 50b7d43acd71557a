"""The floor: the same query run directly against PostgreSQL, as psql's \\timing shows it.

For a list, the count and the page (what ours needs at the least); for a record, the
record. Timed from the client over the same local connection a server uses, over a
dozen values of the request type, each run a few times after one unmeasured run.
"""

from __future__ import annotations

import statistics
import time

import psycopg

from bench.workload import Case, sql_for, to_pyformat


def measure(pg_url: str, kind: str, cases: list[Case], *, values: int = 12, repeat: int = 3):
    """Median milliseconds for the request type's SQL, and the EXPLAIN of its page."""
    sql = sql_for(kind, "postgresql")
    page = to_pyformat(sql.page)
    count = to_pyformat(sql.count) if sql.count else None
    step = max(1, len(cases) // values)
    chosen = cases[::step][:values]
    timings: list[float] = []
    with psycopg.connect(pg_url, autocommit=True) as connection:
        for case in chosen:
            for run in range(repeat + 1):
                started = time.perf_counter()
                if count:
                    connection.execute(count, case.params).fetchone()
                connection.execute(page, case.params).fetchall()
                if run:
                    timings.append((time.perf_counter() - started) * 1000)
        first = chosen[0].params
        explain = "\n".join(
            row[0]
            for row in connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + page, first).fetchall()
        )
        if count:
            explain += "\n\n-- count\n" + "\n".join(
                row[0]
                for row in connection.execute(
                    "EXPLAIN (ANALYZE, BUFFERS) " + count, first
                ).fetchall()
            )
    return {
        "p50_ms": statistics.median(timings),
        "max_ms": max(timings),
        "samples": len(timings),
        "explain_params": {key: str(value) for key, value in first.items()},
        "explain": explain,
    }
