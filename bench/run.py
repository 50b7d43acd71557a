"""The benchmark of issue 7: our app against Datasette on the same data, in one run.

    .venv/bin/python bench/run.py [--sizes 2000,200000] [--duration 30] [--connections 10]
                                  [--skip-build] [--quick] [--types api_list,search]

For each size: build (or reuse) the dataset on PostgreSQL and in a SQLite file, serve
ours with gunicorn on PostgreSQL and Datasette on the SQLite file, check that both
answer every request type, drive each with wrk on the same requests, time the bare SQL
(the floor) and profile our SQL. Then the peak memory of full exports at the largest
size. Prints the tables (ratios first) and the targets; saves everything as JSON under
bench/results/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasets, floor, memory, report
from bench.loadtest import run_wrk, write_paths
from bench.servers import (
    BENCH_BIN,
    ROOT,
    VENV_BIN,
    Servers,
    app_env,
    datasette_command,
    free_port,
    gunicorn_command,
    wait_ready,
)
from bench.workload import (
    BY_NAME,
    REQUEST_TYPES,
    Case,
    Catalog,
    cases,
    datasette_path,
    interleaved,
    sql_for,
)

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_CACHE = "redis://127.0.0.1:6379/15"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,200000", help="recommendations, comma-separated")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load per run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each run")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--timeout", type=float, default=30, help="seconds before wrk counts a request failed"
    )
    parser.add_argument("--skip-build", action="store_true", help="use the datasets as they are")
    parser.add_argument("--quick", action="store_true", help="2,000 only, 5 s per request type")
    parser.add_argument("--types", help="request types, comma-separated (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (production: 3)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--pg", default="postgres://gcm:gcm@127.0.0.1:5432", help="server URL")
    parser.add_argument("--cache-url", help=f"the app's CACHE_URL (default {DEFAULT_CACHE})")
    parser.add_argument("--datasette-time-limit-ms", type=int, default=30_000)
    parser.add_argument("--no-memory", action="store_true", help="skip the export memory runs")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the XLSX export")
    parser.add_argument(
        "--no-uncached",
        action="store_true",
        help="skip the second load on ours with DATA_CACHE_SECONDS=0 (nothing kept)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.duration, args.warmup = "2000", 5, 1
    args.sizes = sorted({int(size) for size in args.sizes.split(",")})
    args.types = args.types.split(",") if args.types else [t.name for t in REQUEST_TYPES]
    unknown = set(args.types) - set(BY_NAME)
    if unknown:
        parser.error(f"unknown request types {sorted(unknown)}; known: {sorted(BY_NAME)}")
    return args


def machine() -> dict[str, object]:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = {}
    for name, command in (
        ("wrk", ["wrk", "-v"]),
        ("datasette", [str(BENCH_BIN / "datasette"), "--version"]),
        ("gunicorn", [str(VENV_BIN / "gunicorn"), "--version"]),
    ):
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        versions[name] = (completed.stdout + completed.stderr).strip().splitlines()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "versions": versions,
    }


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def fetch(url: str, timeout: float = 120) -> tuple[int, bytes, float]:
    """Status (0 when there was no answer), body and milliseconds of one GET."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    except (urllib.error.URLError, OSError) as error:
        body, status = f"no answer: {error}".encode(), 0
    return status, body, (time.perf_counter() - started) * 1000


def preflight(
    kind: str,
    ours_base: str,
    ds_base: str,
    sqlite_path: Path,
    request_cases: list[Case],
    their_paths: list[str],
) -> dict:
    """The first requests of a type, once each: both must answer 2xx. For the API, the
    same rows in the same order as Datasette's, and the same count as the SQL's on the
    SQLite copy (for searches, only the counts: ts_rank and bm25 rank differently, and
    the stemmers differ a little)."""
    problems: list[str] = []
    same_rows: list[bool] = []
    counts: list[tuple[int, int]] = []
    count_sql = sql_for(kind, "sqlite").count
    for case, their_path in list(zip(request_cases, their_paths, strict=True))[:3]:
        status, body, ms = fetch(ours_base + case.ours)
        their_status, their_body, their_ms = fetch(ds_base + their_path)
        if not 200 <= status < 300:
            problems.append(f"ours {status} in {ms:.0f} ms: {case.ours} {body[:300]!r}")
        if not 200 <= their_status < 300:
            problems.append(
                f"Datasette {their_status} in {their_ms:.0f} ms: {their_path[:200]}"
                f" {their_body[:300]!r}"
            )
        if not (status == 200 and their_status == 200 and BY_NAME[kind].api):
            continue
        data = json.loads(body)
        if count_sql:
            with contextlib.closing(sqlite3.connect(sqlite_path)) as connection:
                params = {k: int(v) if isinstance(v, bool) else v for k, v in case.params.items()}
                counts.append((data["count"], connection.execute(count_sql, params).fetchone()[0]))
        if "search" in kind:
            continue
        ids = [item["id"] for item in data["results"]] if "results" in data else [data["id"]]
        their_ids = [row["id"] for row in json.loads(their_body)]
        same_rows.append(ids == their_ids)
        if ids != their_ids:
            problems.append(
                f"not the same rows as Datasette's for {case.ours}: {ids[:3]}... against"
                f" {their_ids[:3]}... (has the app's order or filter changed?)"
            )
        if counts and counts[-1][0] != counts[-1][1]:
            problems.append(f"count {counts[-1][0]} for {case.ours}, SQL's {counts[-1][1]}")
    return {"problems": problems, "same_rows": same_rows, "counts_ours_sqlite": counts}


def profile(env: dict[str, str], paths: list[str]) -> list[dict]:
    completed = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "bench" / "profile_request.py"), *paths],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "gcm_review.settings"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if completed.returncode != 0:
        return [{"error": completed.stderr[-2000:]}]
    return [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]


def flush_cache(url: str) -> None:
    """Empty the benchmark's own cache database, so no run reads another dataset's entries."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except Exception as error:  # the cache is optional: the app falls back without it
        print(f"  (could not empty {url}: {error})")


def redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


def bench_size(args: argparse.Namespace, servers: Servers, size: int, run_dir: Path) -> dict:
    dataset = datasets.Dataset(size, args.seed, args.pg)
    print(f"\n== {size:,} recommendations: datasets", flush=True)
    if args.skip_build:
        datasets.check_present(dataset)
        built: dict[str, object] = {"postgresql": "as found", "sqlite": "as found"}
    else:
        built = datasets.build(dataset, log=run_dir / f"build-{datasets.label(size)}.log")
    catalog: Catalog = datasets.catalog(dataset)
    print(
        f"  {built}; {catalog.visible:,} visible, {len(catalog.records)} records,"
        f" {len(catalog.queries())} search queries, deep pages {catalog.deep_pages()[0]:,}"
        f"-{catalog.deep_pages()[-1]:,}",
        flush=True,
    )

    env = app_env(dataset.pg_url, args.cache_url)
    if args.cache_url == DEFAULT_CACHE:
        flush_cache(args.cache_url)
    ours_port, ds_port = free_port(), free_port()
    ours = servers.start(
        f"gunicorn-{datasets.label(size)}",
        gunicorn_command(
            ours_port, workers=args.workers, worker_class=args.worker_class, threads=args.threads
        ),
        env,
    )
    theirs = servers.start(
        f"datasette-{datasets.label(size)}",
        datasette_command(dataset.sqlite_path, ds_port, args.datasette_time_limit_ms),
        dict(os.environ),
    )
    ours_base, ds_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{ds_port}"
    wait_ready(ours, f"{ours_base}/readyz")
    wait_ready(theirs, f"{ds_base}/-/versions.json")
    # The same app with nothing kept between requests: every request counts and facets.
    uncached = uncached_base = None
    if not args.no_uncached:
        uncached_port = free_port()
        uncached = servers.start(
            f"gunicorn-{datasets.label(size)}-uncached",
            gunicorn_command(
                uncached_port,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads,
            ),
            {**env, "DATA_CACHE_SECONDS": "0"},
        )
        uncached_base = f"http://127.0.0.1:{uncached_port}"
        wait_ready(uncached, f"{uncached_base}/readyz")
    database = dataset.sqlite_path.stem

    result: dict = {"dataset": built, "catalog": {"visible": catalog.visible}, "types": {}}
    for kind in args.types:
        request_cases = interleaved(cases(kind, catalog))
        our_paths = [case.ours for case in request_cases]
        their_paths = [datasette_path(database, kind, case.params) for case in request_cases]
        ours_file = write_paths(run_dir / f"{datasets.label(size)}-{kind}-ours.txt", our_paths)
        ds_file = write_paths(run_dir / f"{datasets.label(size)}-{kind}-datasette.txt", their_paths)
        row: dict = {"distinct_requests": len(request_cases), "example": our_paths[0]}
        row["check"] = preflight(
            kind, ours_base, ds_base, dataset.sqlite_path, request_cases, their_paths
        )
        for problem in row["check"]["problems"]:
            print(f"  ! {kind}: {problem}", flush=True)
        row["floor"] = floor.measure(dataset.pg_url, kind, request_cases)
        row["profile"] = profile(env, [our_paths[0]])[0]
        systems = [("ours", ours_base, ours_file), ("datasette", ds_base, ds_file)]
        if uncached_base:
            systems.append(("ours_uncached", uncached_base, ours_file))
        for system, base, paths_file in systems:
            if args.warmup:
                run_wrk(
                    base,
                    paths_file,
                    duration=args.warmup,
                    connections=args.connections,
                    threads=args.wrk_threads,
                    timeout=args.timeout,
                )
            row[system] = run_wrk(
                base,
                paths_file,
                duration=args.duration,
                connections=args.connections,
                threads=args.wrk_threads,
                timeout=args.timeout,
            ).as_dict()
        # One connection, one request at a time: our latency without queueing, the figure
        # that compares with the floor (the floor's SQL also runs alone).
        for name, base in (("ours_alone", ours_base), ("ours_uncached_alone", uncached_base)):
            if base:
                row[name] = run_wrk(
                    base,
                    ours_file,
                    duration=max(2, args.duration / 3),
                    connections=1,
                    threads=1,
                    timeout=args.timeout,
                ).as_dict()
        row["load_average"] = load_average()
        result["types"][kind] = row
        ours_row, ds_row = row["ours"], row["datasette"]
        uncached_row = row.get("ours_uncached")
        uncached_text = (
            f" | uncached {uncached_row['rps']:.1f} rps p50 {uncached_row['p50_ms'] or 0:.1f} ms"
            f" ({uncached_row['failures']} failed)"
            if uncached_row
            else ""
        )
        print(
            f"  {BY_NAME[kind].label:<30} ours {ours_row['rps']:7.1f} rps p50"
            f" {ours_row['p50_ms'] or 0:7.1f} ms ({ours_row['failures']} failed){uncached_text}"
            " | Datasette"
            f" {ds_row['rps']:7.1f} rps p50 {ds_row['p50_ms'] or 0:7.1f} ms"
            f" ({ds_row['failures']} failed) | alone p50 {row['ours_alone']['p50_ms'] or 0:.1f} ms"
            f" | floor {row['floor']['p50_ms']:.2f} ms |"
            f" {row['profile'].get('queries', '?')} queries | same rows"
            f" {row['check']['same_rows'] or '-'}"
            f" counts {row['check']['counts_ours_sqlite'] or '-'}"
            f" | load {row['load_average'][0]}",
            flush=True,
        )
    servers.stop(ours)
    servers.stop(theirs)
    if uncached:
        servers.stop(uncached)
    return result


def bench_exports(args: argparse.Namespace, servers: Servers, size: int) -> list[dict]:
    dataset = datasets.Dataset(size, args.seed, args.pg)
    env = app_env(dataset.pg_url, args.cache_url)
    print(f"\n== {size:,} recommendations: export memory", flush=True)
    out = []
    for name, path, target, extra_lines in memory.EXPORTS:
        if args.no_xlsx and path.endswith("xlsx"):
            continue
        measured = memory.measure_export(servers, env, name, path, extra_lines)
        measured |= {"name": name, "target": target}
        print(f"  {name}: {measured}", flush=True)
        out.append(measured)
    return out


def summary(results: dict) -> str:
    sizes = results["sizes"]
    measured = sorted(int(size) for size in sizes)
    meta = results["meta"]
    blocks = [
        f"Benchmark {meta['started']}  on {meta['machine']['cpus']} CPUs"
        f" ({meta['machine']['cpu']}), load average at start {meta['load_average_start']},"
        f" at end {meta['load_average_end']}",
        f"ours: gunicorn {meta['options']['workers']} {meta['options']['worker_class']} workers"
        + (
            f" x {meta['options']['threads']} threads"
            if meta["options"]["worker_class"] == "gthread"
            else ""
        )
        + f" on PostgreSQL; Datasette on SQLite (FTS5); wrk {meta['options']['connections']}"
        f" connections, {meta['options']['duration']:g} s per request type",
    ]
    blocks += [report.comparison_table(size, sizes[str(size)]) for size in measured]
    blocks += [
        report.comparison_table(size, sizes[str(size)], ours="ours_uncached")
        for size in measured
        if any("ours_uncached" in row for row in sizes[str(size)]["types"].values())
    ]
    if len(measured) > 1:
        blocks.append(report.growth_table(measured[0], measured[-1], sizes))
    blocks.append(report.profile_table(measured[-1], sizes[str(measured[-1])]))
    if results.get("exports") is not None:
        blocks.append(report.export_table(measured[-1], results["exports"]))
    verdicts = report.targets(sizes, results.get("exports"))
    blocks.append("Targets (issue 7)\n" + "\n".join(verdict.line() for verdict in verdicts))
    return "\n\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for tool in ("wrk",):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed: run `make bench` (apt-get install -y wrk)")
    if not (BENCH_BIN / "datasette").exists():
        raise SystemExit(
            "datasette is not installed: run `make bench` (uv sync --only-group bench into "
            "bench/.venv)"
        )
    if args.cache_url is None:
        args.cache_url = DEFAULT_CACHE if redis_reachable(DEFAULT_CACHE) else "locmem://"
    started = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    run_dir = RESULTS / started.strftime("%Y%m%dT%H%M%SZ")
    run_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "meta": {
            "started": started.isoformat(),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "machine": machine(),
            "load_average_start": load_average(),
            "options": {key: value for key, value in vars(args).items() if not key.startswith("_")},
            "git": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip(),
        },
        "sizes": {},
        "exports": None,
    }
    print(f"Results in {run_dir}; load average {results['meta']['load_average_start']}")
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=app_env(f"sqlite:///{run_dir / 'unused.sqlite3'}", "locmem://"),
        check=True,
        timeout=600,
    )
    try:
        with Servers(run_dir) as servers:
            for size in args.sizes:
                results["sizes"][str(size)] = bench_size(args, servers, size, run_dir)
                (run_dir / "results.json").write_text(json.dumps(results, indent=1))
            if not args.no_memory:
                results["exports"] = bench_exports(args, servers, args.sizes[-1])
    finally:
        results["meta"]["load_average_end"] = load_average()
        (run_dir / "results.json").write_text(json.dumps(results, indent=1))
    text = summary(results)
    (run_dir / "summary.txt").write_text(text + "\n")
    print("\n" + text)
    print(f"\nRaw results: {run_dir / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
