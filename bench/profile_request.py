"""The SQL behind one request of ours: how many queries, their time, the slowest's plan.

Run by bench/run.py in a subprocess with the server's environment:
    python bench/profile_request.py /api/v1/recommendations/?objective=6 ...
prints one JSON object per path. Each path is requested twice through Django's test
client; the second run is the one reported.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcm_review.settings")


def profile(path: str) -> dict[str, object]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        if getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
        elapsed = (time.perf_counter() - started) * 1000
    queries = [
        {"ms": float(query["time"]) * 1000, "sql": query["sql"]}
        for query in captured.captured_queries
    ]
    slowest = sorted(queries, key=lambda query: -query["ms"])[:3]
    explain = ""
    if slowest and slowest[0]["sql"].lstrip().upper().startswith("SELECT"):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[0]["sql"])
            explain = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "python": _python_profile(client, path),
        "path": path,
        "status": response.status_code,
        "ms": round(elapsed, 1),
        "queries": len(queries),
        "sql_ms": round(sum(query["ms"] for query in queries), 1),
        "slowest": slowest,
        "explain_slowest": explain,
    }


def _python_profile(client: object, path: str, top: int = 12) -> dict[str, list[str]]:
    """One more run under cProfile: where Python spends the time, overall and in our code."""
    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(path)  # type: ignore[attr-defined]
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, function), (_cc, calls, self_s, cumulative_s, _callers) in (
        stats.stats.items()  # type: ignore[attr-defined]
    ):
        where = filename.replace(str(ROOT) + "/", "")
        rows.append((cumulative_s, self_s, calls, f"{where}:{line}({function})"))

    def line(row: tuple) -> str:
        return (
            f"{row[0] * 1000:8.1f} ms cum {row[1] * 1000:7.1f} ms self {row[2]:>7} calls  {row[3]}"
        )

    ours = [row for row in rows if not row[3].startswith(("/", ".venv", "<", "~"))]
    return {
        "self": [line(row) for row in sorted(rows, key=lambda row: -row[1])[:top]],
        "ours_cumulative": [line(row) for row in sorted(ours, key=lambda row: -row[0])[:top]],
    }


def main(paths: list[str]) -> None:
    import django

    django.setup()
    for path in paths:
        print(json.dumps(profile(path)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
