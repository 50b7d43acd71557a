"""The load test of issue 8: gunicorn on PostgreSQL under wrk, on a mix of pages and API calls.

    .venv/bin/python bench/load.py [--duration 60] [--connections 50] [--throttle]
                                   [--database-url postgres://gcm:gcm@127.0.0.1:5432/gcm_load]

Production settings (no debug, a secret key made for the run, persistent database
connections), on loopback only. The database is created, migrated and loaded with the
default data if it is absent. Every distinct request is first asked once (each must answer
2xx or 3xx, or the run stops naming it); then wrk drives the mix. Prints requests per
second, latency p50/p99, the responses by status (429s apart) and the socket errors; exits
1 on any error. With --throttle the API keeps its default rate limits: site pages and API
calls then run as two wrk groups side by side, to show that 429s come from the API only,
once its rate is used up. See bench/LOAD.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench.loadtest import LoadResult, run_wrk, write_paths
from bench.servers import ROOT, VENV_BIN, Servers, app_env, free_port, gunicorn_command, wait_ready
from bench.workload import pick_words

DEFAULT_DATABASE_URL = "postgres://gcm:gcm@127.0.0.1:5432/gcm_load"
# Database 14 of the local Redis, if there is one: the app's cache (and throttle counters)
# shared by the workers, as in production. bench/run.py uses database 15.
DEFAULT_CACHE = "redis://127.0.0.1:6379/14"
RESULTS = Path(__file__).resolve().parent / "results"

# Share of the requests, in percent, per kind: 60 % site pages, 40 % API calls.
SITE_WEIGHTS = {
    "home": 4,
    "list": 16,
    "search": 8,
    "detail": 14,
    "objective": 5,
    "consultation": 4,
    "updates": 5,
    "data": 1,
    "healthz": 3,
}
API_WEIGHTS = {
    "api_list": 12,
    "api_search": 4,
    "api_detail": 12,
    "api_csv": 3,
    "api_framework": 4,
    "api_updates": 5,
}
MIN_REQUESTS = 2000


# --- The database and the data ---------------------------------------------------------


def production_env(database_url: str, cache_url: str, *, throttle: bool) -> dict[str, str]:
    """bench/servers.py's production settings, with a secret key made for this run and
    the host names of loopback only; the API's default rate limits with ``throttle``."""
    env = app_env(database_url, cache_url) | {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if throttle:
        env.pop("API_THROTTLE_ANON")
        env.pop("API_THROTTLE_USER")
    return env


def manage(env: dict[str, str], *args: str, log: Path, timeout: float = 1800) -> str:
    """``manage.py`` with ``env``; its stderr goes to ``log``, its stdout is returned."""
    with log.open("a", encoding="utf-8") as err:
        err.write(f"\n$ manage.py {' '.join(args)}\n")
        err.flush()
        completed = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            timeout=timeout,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({completed.returncode}): see {log}")
    return completed.stdout


def ensure_database(database_url: str, env: dict[str, str], log: Path) -> bool:
    """Create the database if it is absent, then migrate and load the default data (both
    leave a database that has them as it is). True when the database was created."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"unexpected database name {name!r} in {database_url}")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        created = exists.fetchone() is None
        if created:
            connection.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", log=log)
    manage(env, "load_default_data", log=log)
    return created


def collect_static(env: dict[str, str], log: Path) -> None:
    """The hashed static files that production settings serve (WhiteNoise's manifest)."""
    manage(env, "collectstatic", "--noinput", "-v", "0", log=log, timeout=600)


def read_catalog(env: dict[str, str], log: Path, *, partner_key: bool = False) -> dict[str, Any]:
    """What bench/load_data.py reads from the database (and a partner key if asked)."""
    with log.open("a", encoding="utf-8") as err:
        completed = subprocess.run(
            [str(VENV_BIN / "python"), str(ROOT / "bench" / "load_data.py")]
            + (["--partner-key"] if partner_key else []),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            timeout=600,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"bench/load_data.py failed ({completed.returncode}): see {log}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- The mix of requests ---------------------------------------------------------------


def request_kinds(catalog: dict[str, Any]) -> dict[str, list[str]]:
    """Every distinct request of each kind (see SITE_WEIGHTS and API_WEIGHTS)."""
    objectives = catalog["objectives"]
    queries = pick_words(catalog["texts"], count=40)
    queries += [f"{a} {b}" for a, b in zip(queries[::4], queries[2::4], strict=False)]
    api = "/api/v1"
    lists: list[str] = []
    for prefix in ("recommendations", "challenges", "good-practices"):
        lists.append(f"/{prefix}/")
        lists += [f"/{prefix}/?{urlencode({'objective': number})}" for number in objectives]
    lists += [f"/recommendations/?objective={n}&page=2" for n in objectives[:8]]
    lists += [
        f"/recommendations/?{urlencode({'objective': n, 'covid': covid})}"
        for n in objectives
        for covid in ("true", "false")
    ]
    lists += [f"/recommendations/?cluster={cluster}" for cluster in (1, 2, 3, 4)]
    lists += [
        f"/recommendations/?{urlencode({'consultation': s})}" for s in catalog["consultations"]
    ]
    lists += [f"/recommendations/?{urlencode({'principle': s})}" for s in catalog["principles"]]
    lists += [f"/recommendations/?{urlencode({'addressed_to': s})}" for s in catalog["addressees"]]
    lists += [
        "/recommendations/?ordering=-updated",
        "/recommendations/?status=none",
        "/recommendations/?status=in_progress",
    ]
    per_kind = Counter(f"{item['kind']}s" for item in catalog["items"])
    details = [item["url"] for item in catalog["items"]]
    api_details = [f"{api}/{item['kind']}s/{item['public_id']}/" for item in catalog["items"]]
    countries = catalog["countries"]
    kinds = {
        "home": ["/"],
        "list": lists,
        "search": [f"/search/?{urlencode({'q': q})}" for q in queries]
        + [f"/recommendations/?{urlencode({'q': q})}" for q in queries[:20]],
        "detail": details,
        "objective": ["/objectives/"] + [f"/objectives/{number}/" for number in objectives],
        "consultation": ["/consultations/"]
        + [f"/consultations/{slug}/" for slug in catalog["consultations"]],
        "updates": ["/updates/", "/updates/feed/", "/countries/"]
        + [f"/countries/{code}/" for code in countries],
        "data": ["/data/"],
        "healthz": ["/healthz"],
        "api_list": [
            f"{api}/{prefix}/?{urlencode({'objective': n})}"
            for prefix in ("recommendations", "challenges", "good-practices")
            for n in objectives
        ]
        + [
            f"{api}/{prefix}/?page={page}&page_size=10"
            for prefix, count in per_kind.items()
            for page in range(1, max(1, count // 10) + 1)
        ]
        + [f"{api}/recommendations/?page_size=100", f"{api}/recommendations/?covid=true"],
        "api_search": [f"{api}/recommendations/?{urlencode({'q': q})}" for q in queries],
        "api_detail": api_details,
        "api_csv": [f"{api}/recommendations/?objective={n}&format=csv" for n in objectives]
        + [f"{api}/updates/?format=csv", f"{api}/challenges/?format=csv&objective=5"],
        "api_framework": [
            f"{api}/objectives/",
            f"{api}/clusters/",
            f"{api}/principles/",
            f"{api}/stakeholder-groups/",
            f"{api}/addressees/",
            f"{api}/reviews/",
            f"{api}/consultations/",
            f"{api}/source-documents/",
            f"{api}/organizations/",
        ]
        + [f"{api}/objectives/{number}/" for number in objectives]
        + [f"{api}/consultations/{slug}/" for slug in catalog["consultations"]],
        "api_updates": [f"{api}/updates/"]
        + [f"{api}/changes/?since={year}-01-01T00:00:00Z" for year in (2020, 2024, 2025)]
        + [f"{api}/updates/{public_id}/" for public_id in catalog["updates"]]
        + [f"{api}/recommendations/?country={code}" for code in countries],
    }
    return kinds


def mix(kinds: dict[str, list[str]], weights: dict[str, int], seed: int = 1) -> list[str]:
    """The paths wrk cycles through: each kind in proportion to its weight, walking all of
    its values (long enough that every value of every kind occurs), shuffled."""
    total_weight = sum(weights.values())
    length = max(
        [MIN_REQUESTS * total_weight // 100]
        + [math.ceil(len(kinds[kind]) * total_weight / weight) for kind, weight in weights.items()]
    )
    paths: list[str] = []
    for kind, weight in weights.items():
        values = kinds[kind]
        count = max(len(values), round(length * weight / total_weight))
        paths += [values[index % len(values)] for index in range(count)]
    random.Random(seed).shuffle(paths)
    return paths


# --- Running ---------------------------------------------------------------------------


def fetch(url: str, timeout: float = 30) -> tuple[int, bytes]:
    """Status (0 when there was no answer) and body of one GET, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        return 0, f"no answer: {error}".encode()


def preflight(base_url: str, paths: list[str], *, allow_429: bool = False) -> list[str]:
    """Each distinct path once, four at a time: every one must answer 2xx or 3xx."""
    problems = []
    distinct = sorted(set(paths))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for path, (status, body) in zip(
            distinct, pool.map(lambda path: fetch(base_url + path), distinct), strict=True
        ):
            if not (200 <= status < 400 or (allow_429 and status == 429)):
                problems.append(f"{status} {path} {body[:200]!r}")
    return problems


@contextlib.contextmanager
def gunicorn(
    servers: Servers, env: dict[str, str], *, workers: int, threads: int, name: str = "gunicorn"
) -> Iterator[tuple[subprocess.Popen, str]]:
    """gunicorn on a free loopback port, ready (``/readyz`` answers 200); stopped after."""
    port = free_port()
    process = servers.start(
        name,
        gunicorn_command(port, workers=workers, worker_class="gthread", threads=threads),
        env,
    )
    try:
        wait_ready(process, f"http://127.0.0.1:{port}/readyz")
        yield process, f"http://127.0.0.1:{port}"
    finally:
        servers.stop(process)


def kill_own_children(name: str) -> None:
    """Stop the ``name`` processes this process started (a wrk left running by a thread
    when the run is interrupted), by their process id."""
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in children.read_text().split():
            with contextlib.suppress(OSError):
                if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                    os.kill(int(pid), signal.SIGTERM)


def redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


def choose_cache(url: str | None) -> str:
    """Redis if it answers (emptied first: no throttle counter from another run), else each
    worker's own memory."""
    url = url or DEFAULT_CACHE
    if url.startswith("redis") and redis_reachable(url):
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
        return url
    return "locmem://"


# --- Reading the results ---------------------------------------------------------------


@dataclass
class Counts:
    """A wrk run's responses: what is fine, what is throttled, what is an error."""

    ok_2xx: int
    ok_3xx: int
    throttled: int
    errors_by_status: dict[str, int]
    socket_errors: dict[str, int]

    @classmethod
    def of(cls, result: LoadResult) -> Counts:
        statuses = result.statuses
        return cls(
            ok_2xx=sum(n for code, n in statuses.items() if code.startswith("2")),
            ok_3xx=sum(n for code, n in statuses.items() if code.startswith("3")),
            throttled=statuses.get("429", 0),
            errors_by_status={
                code: n
                for code, n in sorted(statuses.items())
                if code[0] not in "23" and code != "429"
            },
            socket_errors={
                kind: result.socket_errors.get(kind, 0)
                for kind in ("connect", "read", "write", "timeout")
            },
        )

    @property
    def errors(self) -> int:
        return sum(self.errors_by_status.values()) + sum(self.socket_errors.values())


def describe(label: str, result: LoadResult, *, throttle_expected: bool) -> tuple[list[str], int]:
    """The printed lines of one wrk run, and its number of errors (a 429 is one unless the
    API's rate limit is on)."""
    counts = Counts.of(result)
    errors = counts.errors + (0 if throttle_expected else counts.throttled)
    by_status = ", ".join(f"{code} x{n:,}" for code, n in counts.errors_by_status.items())
    lines = [
        f"{label}",
        f"  requests       {result.requests:,} in {result.seconds:.1f} s = {result.rps:,.1f} "
        "requests/s",
        f"  latency        p50 {result.p50_ms or 0:,.1f} ms   p90 {result.p90_ms or 0:,.1f} ms"
        f"   p99 {result.p99_ms or 0:,.1f} ms   max {result.max_ms or 0:,.1f} ms",
        f"  2xx/3xx        {counts.ok_2xx:,} 2xx, {counts.ok_3xx:,} 3xx",
        f"  throttled 429  {counts.throttled:,}"
        + ("" if throttle_expected or not counts.throttled else "  (an error: throttling is off)"),
        f"  non-2xx/3xx    {sum(counts.errors_by_status.values()):,}"
        + (f" ({by_status})" if by_status else ""),
        "  socket errors  "
        + ", ".join(f"{kind} {n:,}" for kind, n in counts.socket_errors.items()),
    ]
    return lines, errors


def rate_allowance(env: dict[str, str], cache_url: str, workers: int, seconds: float) -> str:
    """What the anonymous rate limit lets through in ``seconds``, for the printout."""
    rate = env.get("API_THROTTLE_ANON", "60/min")
    number, _slash, period = rate.partition("/")
    period_s = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    windows = max(1, math.ceil(seconds / period_s))
    shared = cache_url.startswith("redis")
    allowed = int(number) * windows * (1 if shared else workers)
    where = "shared in Redis" if shared else f"counted by each of {workers} workers"
    # DRF's throttle reads the request history from the cache and writes it back, not
    # atomically: requests running at the same time can each pass, so a little more gets
    # through under concurrency.
    return (
        f"anonymous rate {number}/{period_s} s ({where}): about {allowed:,} API answers,"
        " a few more under concurrency (DRF's counter is not atomic)"
    )


# --- Main ------------------------------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser, *, duration: float, conns: int) -> None:
    parser.add_argument("--duration", type=float, default=duration, help="seconds of load")
    parser.add_argument("--connections", type=int, default=conns, help="wrk connections")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--timeout", type=float, default=10, help="seconds before wrk counts a request failed"
    )
    parser.add_argument(
        "--cache-url", help=f"the app's CACHE_URL (default {DEFAULT_CACHE} if Redis answers)"
    )
    parser.add_argument("--seed", type=int, default=1, help="order of the mix")


def prepare(
    args: argparse.Namespace, run_dir: Path, *, throttle: bool, partner_key: bool = False
) -> tuple[dict[str, str], dict[str, Any]]:
    """The server's environment and the catalog, after making the database ready."""
    cache_url = choose_cache(args.cache_url)
    env = production_env(args.database_url, cache_url, throttle=throttle)
    log = run_dir / "setup.log"
    started = time.monotonic()
    created = ensure_database(args.database_url, env, log)
    collect_static(env, log)
    catalog = read_catalog(env, log, partner_key=partner_key)
    print(
        f"Database {urlsplit(args.database_url).path.lstrip('/')}"
        f" ({'created and loaded' if created else 'found'}; {len(catalog['items'])} public"
        f" items, {len(catalog['updates'])} public updates); cache {cache_url}; setup"
        f" {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return env, catalog


def make_run_dir(prefix: str) -> Path:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = RESULTS / f"{prefix}-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    return run_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, duration=60, conns=50)
    parser.add_argument(
        "--throttle",
        action="store_true",
        help="keep the API's default rate limits (else API_THROTTLE_ANON/USER=none)",
    )
    parser.add_argument("--warmup", type=float, default=3, help="seconds of load not counted")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only: the database must be on 127.0.0.1")

    run_dir = make_run_dir("load")
    print(f"Logs and results in {run_dir}", flush=True)
    env, catalog = prepare(args, run_dir, throttle=args.throttle)
    kinds = request_kinds(catalog)
    site = mix(kinds, SITE_WEIGHTS, args.seed)
    api = mix(kinds, API_WEIGHTS, args.seed)
    everything = mix(kinds, SITE_WEIGHTS | API_WEIGHTS, args.seed)
    files = {
        "mix": write_paths(run_dir / "paths-mix.txt", everything),
        "site": write_paths(run_dir / "paths-site.txt", site),
        "api": write_paths(run_dir / "paths-api.txt", api),
    }
    distinct = len(set(everything))
    results: dict[str, Any] = {"options": vars(args), "distinct_requests": distinct}
    errors = 0
    lines: list[str] = []
    try:
        with (
            Servers(run_dir) as servers,
            gunicorn(servers, env, workers=args.workers, threads=args.threads) as (_process, base),
        ):
            # With the rate limit on, asking every API path once would use the allowance up
            # before the run: the site's paths only (the run without --throttle checks all).
            problems = preflight(base, site if args.throttle else everything)
            if problems:
                print(f"{len(problems)} requests do not answer 2xx/3xx:", *problems, sep="\n  ")
                return 1
            checked = "the site's" if args.throttle else "each"
            print(
                f"{distinct:,} distinct requests, {checked} answered 2xx/3xx once;"
                f" load: {args.connections} connections for {args.duration:g} s"
                f" (warm-up {0 if args.throttle else args.warmup:g} s); gunicorn {args.workers}"
                " gthread workers x"
                f" {args.threads} threads; load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            wrk = {"duration": args.duration, "threads": args.wrk_threads, "timeout": args.timeout}
            # No warm-up with the rate limit on: it would use the allowance up.
            if not args.throttle:
                if args.warmup:
                    run_wrk(
                        base,
                        files["mix"],
                        **wrk | {"duration": args.warmup},
                        connections=args.connections,
                    )
                result = run_wrk(base, files["mix"], connections=args.connections, **wrk)
                block, errors = describe(
                    f"Mix of pages and API calls ({distinct:,} distinct), throttling off",
                    result,
                    throttle_expected=False,
                )
                lines += block
                results["mix"] = result.as_dict()
            else:
                api_connections = max(1, round(args.connections * 0.4))
                site_connections = max(1, args.connections - api_connections)
                with concurrent.futures.ThreadPoolExecutor(2) as pool:
                    futures = {
                        "site": pool.submit(
                            run_wrk, base, files["site"], connections=site_connections, **wrk
                        ),
                        "api": pool.submit(
                            run_wrk, base, files["api"], connections=api_connections, **wrk
                        ),
                    }
                    runs = {group: future.result() for group, future in futures.items()}
                site_lines, site_errors = describe(
                    f"Site pages ({site_connections} connections), not rate-limited",
                    runs["site"],
                    throttle_expected=False,
                )
                api_lines, api_errors = describe(
                    f"API calls ({api_connections} connections), default rate limits on",
                    runs["api"],
                    throttle_expected=True,
                )
                api_answers = Counts.of(runs["api"])
                lines += site_lines + api_lines
                lines.append(
                    f"  {api_answers.ok_2xx + api_answers.ok_3xx:,} API answers served; "
                    + rate_allowance(env, env["CACHE_URL"], args.workers, args.duration)
                )
                lines.append(f"Together: {runs['site'].rps + runs['api'].rps:,.1f} requests/s")
                errors = site_errors + api_errors
                results["site"], results["api"] = runs["site"].as_dict(), runs["api"].as_dict()
    except BaseException:
        kill_own_children("wrk")
        raise
    lines.append(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    lines.append(f"Result: {'OK, zero errors' if not errors else f'{errors:,} ERRORS'}")
    print("\n" + "\n".join(lines))
    results["errors"] = errors
    (run_dir / "results.json").write_text(json.dumps(results, indent=1, default=str))
    (run_dir / "summary.txt").write_text("\n".join(lines) + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
