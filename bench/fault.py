"""The fault test of issue 8: the load of bench/load.py while PostgreSQL goes away and back.

    .venv/bin/python bench/fault.py [--duration 40] [--connections 20] [--at 12]
                                    [--mode stop-start --down 5 | --mode restart]

gunicorn (production settings) on the load database, wrk on the same mix as load.py, and
beside it Python probers (each request timestamped, each body read) and writers (partner
API posts of a follow-up update with three evidence links, through a key made for the
run). At ``--at`` seconds PostgreSQL is stopped, and started again ``--down`` seconds
later (or restarted in one go). Prints the timeline: when the database went down and came
back, the window during which errors were seen and what the app answered in it, and the
recovery time (the first run of consecutive 2xx after the database is back). Then checks
that gunicorn's processes are the ones it started with (the app recovered by itself) and
that every write is either saved whole (the update with all its evidence links) or was
answered with an error, never half-saved.

Exits 0 when all holds; 1 when the app did not recover, answered a 5xx other than 503, a
traceback, a 503 that is not the plain page, dropped a connection, was restarted, or
half-saved or lost a write; 2 when PostgreSQL serves other sessions (tests, the benchmark)
and the fault was not caused. Restarting PostgreSQL cuts every session of the server:
the script refuses while other databases have clients (``--wait-idle`` waits for them).
Needs root (pg_ctlcluster). See bench/LOAD.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench.load import (
    API_WEIGHTS,
    SITE_WEIGHTS,
    add_common_arguments,
    fetch,
    gunicorn,
    kill_own_children,
    make_run_dir,
    mix,
    prepare,
    request_kinds,
)
from bench.loadtest import LoadResult, run_wrk, write_paths
from bench.servers import Servers, worker_pids

EVIDENCE_LINKS = 3
TRACEBACK_MARKS = (b"Traceback", b'File "')


# --- PostgreSQL ------------------------------------------------------------------------


def cluster_name(given: str | None) -> tuple[str, str]:
    """(version, name) of the cluster: the one under /etc/postgresql unless given."""
    if given:
        version, _slash, name = given.partition("/")
        return version, name or "main"
    versions = sorted(path.name for path in Path("/etc/postgresql").iterdir() if path.is_dir())
    if len(versions) != 1:
        raise SystemExit(f"clusters {versions} under /etc/postgresql: say which with --cluster")
    return versions[0], "main"


def pg_ctlcluster(
    cluster: tuple[str, str], action: str, *options: str, timeout: float = 120
) -> None:
    completed = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *options, *cluster, action],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"pg_ctlcluster {action} failed ({completed.returncode}): "
            f"{completed.stderr.strip() or completed.stdout.strip()}"
        )


def cluster_running(cluster: tuple[str, str]) -> bool:
    completed = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "status"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return completed.returncode == 0


def other_sessions(database_url: str) -> dict[str, int]:
    """Client sessions of the server other than ours, by database: what a restart cuts."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    # The maintenance database: ours may not exist yet.
    with psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), connect_timeout=10
    ) as connection:
        rows = connection.execute(
            """SELECT coalesce(datname, '?'), count(*) FROM pg_stat_activity
               WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
                 AND datname IS DISTINCT FROM %s
               GROUP BY 1""",
            [name],
        ).fetchall()
    return dict(rows)


def wait_until_idle(database_url: str, minutes: float) -> dict[str, int]:
    """Other sessions, after waiting up to ``minutes`` for there to be none."""
    deadline = time.monotonic() + minutes * 60
    busy = other_sessions(database_url)
    while busy and time.monotonic() < deadline:
        print(f"  PostgreSQL is in use by {busy}; waiting", flush=True)
        time.sleep(30)
        busy = other_sessions(database_url)
    return busy


def reachable(database_url: str) -> bool:
    """Whether a new connection to the database works now."""
    try:
        with psycopg.connect(database_url, connect_timeout=2) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def monitor(
    database_url: str, t0: float, stop: threading.Event, out: list[tuple[float, bool]]
) -> None:
    """A new connection every 50 ms: when the database stops and starts answering, seen
    as the app sees it (pg_ctlcluster returns later than the server accepts connections)."""
    while not stop.is_set():
        out.append((time.monotonic() - t0, reachable(database_url)))
        time.sleep(0.05)


def outage(samples: list[tuple[float, bool]], issued: float) -> tuple[float | None, float | None]:
    """(first failed connection, first working one after it), from ``issued`` on."""
    gone = next((t for t, ok in samples if t >= issued and not ok), None)
    if gone is None:
        return None, None
    return gone, next((t for t, ok in samples if t > gone and ok), None)


def wait_reachable(database_url: str, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(database_url, connect_timeout=2) as connection:
                connection.execute("SELECT 1")
            return True
        except psycopg.Error:
            time.sleep(0.05)
    return False


# --- Probing and writing ---------------------------------------------------------------


@dataclass
class Answer:
    """One request: when it started and ended (seconds from the start of the load), what
    came back."""

    start: float
    end: float
    path: str
    status: int  # 0: no answer (then ``error`` says why)
    error: str = ""
    traceback: bool = False
    plain_503: bool | None = None
    body: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400


def is_plain_503(path: str, body: bytes) -> bool:
    """The app's "briefly unavailable" answer: the plain page, or the API's JSON."""
    if path.startswith("/api/"):
        try:
            return set(json.loads(body)) == {"detail"}
        except ValueError:
            return False
    return b"Briefly unavailable" in body and b"<html" in body


def request(
    port: int,
    method: str,
    path: str,
    t0: float,
    *,
    timeout: float,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request on a new connection (no reuse of a connection the server may have
    closed: every failure is the app's, not the client's)."""
    start = time.monotonic() - t0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        status, error = response.status, ""
    except (OSError, http.client.HTTPException) as exception:
        content, status, error = b"", 0, f"{type(exception).__name__}: {exception}"
    finally:
        connection.close()
    answer = Answer(start, time.monotonic() - t0, path, status, error)
    if not answer.ok:
        answer.traceback = any(mark in content for mark in TRACEBACK_MARKS)
        answer.body = content[:300].decode("utf-8", "replace")
        if status == 503:
            answer.plain_503 = is_plain_503(path, content)
    return answer


def prober(
    port: int, paths: list[str], offset: int, t0: float, stop: threading.Event, out: list[Answer]
) -> None:
    index = offset
    while not stop.is_set():
        out.append(request(port, "GET", paths[index % len(paths)], t0, timeout=10))
        index += 1


@dataclass
class Write:
    answer: Answer
    marker: str


def writer(
    port: int,
    key: str,
    recommendations: list[str],
    run_id: str,
    number: int,
    t0: float,
    stop: threading.Event,
    out: list[Write],
) -> None:
    """POST follow-up updates, each marked with a unique text, until ``stop``."""
    count = 0
    while not stop.is_set():
        marker = f"fault-run {run_id} writer {number} write {count:05d}"
        payload = {
            "recommendation": recommendations[count % len(recommendations)],
            "status": "in_progress",
            "as_of": "2025-03-31",
            "description": f"{marker}: a zero-fee recruitment policy was adopted.",
            "country": "PH",
            "evidence": [
                {"title": f"Evidence {link}", "url": f"https://example.org/{run_id}/{link}"}
                for link in range(1, EVIDENCE_LINKS + 1)
            ],
        }
        answer = request(
            port,
            "POST",
            "/api/v1/updates/",
            t0,
            timeout=10,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Api-Key {key}"},
        )
        out.append(Write(answer, marker))
        count += 1
        time.sleep(0.05)


def saved_writes(database_url: str, run_id: str) -> dict[str, list[int]]:
    """For each marker of this run: the evidence-link count of every update that bears it."""
    with psycopg.connect(database_url, connect_timeout=10) as connection:
        rows = connection.execute(
            """SELECT u.description, count(e.id)
               FROM recommendations_update u
               LEFT JOIN recommendations_evidencelink e ON e.update_id = u.id
               WHERE u.description LIKE %s
               GROUP BY u.id, u.description""",
            [f"fault-run {run_id} %"],
        ).fetchall()
    saved: dict[str, list[int]] = {}
    for description, links in rows:
        saved.setdefault(description.split(":", 1)[0], []).append(links)
    return saved


def judge_write(write: Write, saved: dict[str, list[int]]) -> str:
    """What became of one write."""
    rows = saved.get(write.marker, [])
    answered = write.answer.status
    if len(rows) > 1:
        return "DUPLICATED"
    if rows and rows[0] != EVIDENCE_LINKS:
        return "HALF-SAVED"
    if answered == 201:
        return "saved, answered 201" if rows else "LOST (answered 201, not in the database)"
    label = str(answered) if answered else "no answer"
    return f"saved, answered {label}" if rows else f"not saved, answered {label}"


# --- Reading the timeline --------------------------------------------------------------


def recovery(answers: list[Answer], back: float, run: int) -> float | None:
    """Start of the first ``run`` consecutive successes among requests begun after
    ``back`` (the database reachable again), or None."""
    after = sorted((a for a in answers if a.start >= back), key=lambda a: a.start)
    streak = 0
    for index, answer in enumerate(after):
        streak = streak + 1 if answer.ok else 0
        if streak == run:
            return after[index - run + 1].start
    return None


def per_second(answers: list[Answer], first: float, last: float) -> list[str]:
    lines = []
    for second in range(int(first), int(last) + 1):
        within = [a for a in answers if second <= a.end < second + 1]
        counts = Counter(
            "ok" if a.ok else (str(a.status) if a.status else "no answer") for a in within
        )
        shown = ", ".join(f"{label} x{n}" for label, n in sorted(counts.items()))
        lines.append(f"    {second:>4}-{second + 1:<4} s  {shown or '-'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, duration=40, conns=20)
    parser.add_argument("--at", type=float, help="seconds into the load (default: 30 %%)")
    parser.add_argument("--mode", choices=["stop-start", "restart"], default="stop-start")
    parser.add_argument("--down", type=float, default=5, help="seconds stopped (stop-start)")
    parser.add_argument(
        "--shutdown",
        choices=["fast", "immediate"],
        default="fast",
        help="PostgreSQL's shutdown mode: fast (sessions cut, clean) or immediate (as a crash)",
    )
    parser.add_argument("--cluster", help="version/name, e.g. 15/main (default: the one there)")
    parser.add_argument("--probers", type=int, default=4, help="Python threads reading")
    parser.add_argument("--writers", type=int, default=2, help="Python threads writing")
    parser.add_argument(
        "--recovery-run", type=int, default=20, help="consecutive 2xx that make a recovery"
    )
    parser.add_argument(
        "--wait-idle", type=float, default=0, help="minutes to wait for other sessions to end"
    )
    parser.add_argument(
        "--force", action="store_true", help="restart PostgreSQL even if others use it"
    )
    args = parser.parse_args(argv)
    args.at = args.duration * 0.3 if args.at is None else args.at
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    if not shutil.which("pg_ctlcluster"):
        raise SystemExit("pg_ctlcluster not found: this needs Debian's postgresql-common")
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only: the database must be on 127.0.0.1")
    cluster = cluster_name(args.cluster)
    if not 0 < args.at < args.duration:
        raise SystemExit("--at must fall within --duration")

    if not args.force:
        busy = wait_until_idle(args.database_url, args.wait_idle)
        if busy:
            print(f"Not run: PostgreSQL serves other sessions {busy} (use --wait-idle or --force)")
            return 2

    run_dir = make_run_dir("fault")
    run_id = uuid.uuid4().hex[:12]
    print(f"Logs and results in {run_dir}; run {run_id}; cluster {'/'.join(cluster)}", flush=True)
    env, catalog = prepare(args, run_dir, throttle=False, partner_key=True)
    paths = mix(request_kinds(catalog), SITE_WEIGHTS | API_WEIGHTS, args.seed)
    paths_file = write_paths(run_dir / "paths-mix.txt", paths)
    key = catalog["partner_key"]

    answers: list[Answer] = []
    writes: list[Write] = []
    events: list[tuple[float, str]] = []
    samples: list[tuple[float, bool]] = []
    wrk_result: dict[str, LoadResult | BaseException] = {}
    stop = threading.Event()
    fault_done = False
    try:
        with (
            Servers(run_dir) as servers,
            gunicorn(servers, env, workers=args.workers, threads=args.threads) as (master, base),
        ):
            port = int(base.rsplit(":", 1)[1])
            deadline = time.monotonic() + 30
            while len(worker_pids(master.pid)) < args.workers and time.monotonic() < deadline:
                time.sleep(0.2)
            pids_before = (master.pid, sorted(worker_pids(master.pid)))
            sample = sorted(set(paths))[:: max(1, len(set(paths)) // 40)]
            problems = [
                f"{status} {path}"
                for path in sample
                for status, _body in [fetch(base + path)]
                if not 200 <= status < 400
            ]
            check = request(
                port,
                "POST",
                "/api/v1/updates/",
                0,
                timeout=30,
                body=json.dumps(
                    {
                        "recommendation": catalog["writable_recommendations"][0],
                        "status": "planned",
                        "as_of": "2025-01-31",
                        "description": f"fault-run {run_id} check: before the load.",
                        "country": "PH",
                    }
                ).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Api-Key {key}"},
            )
            if check.status != 201:
                problems.append(f"the partner's POST answered {check.status}: {check.body}")
            if problems:
                print("Before the load:", *problems, sep="\n  ")
                return 1
            print(
                f"gunicorn master {pids_before[0]}, workers {pids_before[1]}; load: wrk"
                f" {args.connections} connections for {args.duration:g} s on"
                f" {len(set(paths)):,} distinct requests, {args.probers} probers,"
                f" {args.writers} writers; PostgreSQL {args.mode} at {args.at:g} s"
                + (f", down {args.down:g} s" if args.mode == "stop-start" else ""),
                flush=True,
            )

            t0 = time.monotonic()

            def drive() -> None:
                try:
                    wrk_result["wrk"] = run_wrk(
                        base,
                        paths_file,
                        duration=args.duration,
                        connections=args.connections,
                        threads=args.wrk_threads,
                        timeout=args.timeout,
                    )
                except BaseException as error:  # reported by the main thread
                    wrk_result["wrk"] = error

            threads = [
                threading.Thread(target=drive, daemon=True),
                threading.Thread(
                    target=monitor, args=(args.database_url, t0, stop, samples), daemon=True
                ),
            ]
            threads += [
                threading.Thread(
                    target=prober,
                    args=(port, paths, n * len(paths) // args.probers, t0, stop, answers),
                    daemon=True,
                )
                for n in range(args.probers)
            ]
            threads += [
                threading.Thread(
                    target=writer,
                    args=(
                        port,
                        key,
                        catalog["writable_recommendations"],
                        run_id,
                        n,
                        t0,
                        stop,
                        writes,
                    ),
                    daemon=True,
                )
                for n in range(args.writers)
            ]
            for thread in threads:
                thread.start()

            time.sleep(max(0.0, t0 + args.at - time.monotonic()))
            busy = {} if args.force else other_sessions(args.database_url)
            if busy:
                stop.set()
                kill_own_children("wrk")
                print(f"Not run: PostgreSQL began serving other sessions {busy}; no fault caused")
                return 2
            try:
                if args.mode == "stop-start":
                    events.append((time.monotonic() - t0, "PostgreSQL stop issued"))
                    pg_ctlcluster(cluster, "stop", "--mode", args.shutdown)
                    events.append((time.monotonic() - t0, "PostgreSQL stopped"))
                    time.sleep(args.down)
                    events.append((time.monotonic() - t0, "PostgreSQL start issued"))
                    pg_ctlcluster(cluster, "start")
                    events.append((time.monotonic() - t0, "PostgreSQL started"))
                else:
                    events.append((time.monotonic() - t0, "PostgreSQL restart issued"))
                    pg_ctlcluster(cluster, "restart", "--mode", args.shutdown)
                    events.append((time.monotonic() - t0, "PostgreSQL restarted"))
                fault_done = True
            finally:
                if not cluster_running(cluster):
                    pg_ctlcluster(cluster, "start")
            if not wait_reachable(args.database_url):
                print("PostgreSQL did not accept connections again within 120 s")
                return 1

            time.sleep(max(0.0, t0 + args.duration - time.monotonic()))
            stop.set()
            for thread in threads:
                thread.join(timeout=args.duration + args.timeout + 90)
            gone, back = outage(samples, events[0][0])
            if gone is not None:
                events.append((gone, "database unreachable (a new connection fails)"))
            events.append(
                (
                    back if back is not None else events[-1][0],
                    "database back (a new connection works)",
                )
            )
            events.sort()
            alive = master.poll() is None
            pids_after = (master.pid, sorted(worker_pids(master.pid)) if alive else [])
    except BaseException:
        stop.set()
        kill_own_children("wrk")
        raise
    finally:
        if fault_done is False and not cluster_running(cluster):
            pg_ctlcluster(cluster, "start")

    return report(
        args, run_dir, run_id, events, answers, writes, wrk_result, pids_before, pids_after
    )


def report(
    args: argparse.Namespace,
    run_dir: Path,
    run_id: str,
    events: list[tuple[float, str]],
    answers: list[Answer],
    writes: list[Write],
    wrk_result: dict[str, Any],
    pids_before: tuple[int, list[int]],
    pids_after: tuple[int, list[int]],
) -> int:
    """Print the timeline and the verdicts; 0 when every one holds."""
    failures: list[str] = []
    down = events[0][0]
    back = next(t for t, label in events if label.startswith("database back"))
    lines = [f"Timeline (seconds from the start of the load, {args.duration:g} s in all)"]
    lines += [f"  {t:7.2f}  {label}" for t, label in events]

    failed = sorted((a for a in answers if not a.ok), key=lambda a: a.end)
    probe_counts = Counter(a.status for a in answers)
    lines.append(
        f"Probers: {len(answers):,} requests, "
        + ", ".join(f"{code or 'no answer'} x{n:,}" for code, n in sorted(probe_counts.items()))
    )
    if failed:
        # When each error was seen: the time its answer came.
        first, last = failed[0].end, failed[-1].end
        in_window = [a for a in answers if first <= a.end <= last]
        window_counts = Counter(
            (str(a.status) if a.status else "no answer") + ("" if a.ok else " (error)")
            for a in in_window
        )
        lines.append(
            f"  errors seen from {first:.2f} to {last:.2f} s ({last - first:.2f} s;"
            f" {first - down:+.2f} s from the database going down, {last - back:+.2f} s from"
            f" it being back)"
        )
        lines.append(
            "  answered in that window: "
            + ", ".join(f"{label} x{n:,}" for label, n in sorted(window_counts.items()))
        )
        ok_paths = Counter(a.path.split("?")[0] for a in in_window if a.ok)
        if ok_paths:
            lines.append(
                "  2xx in it (pages that need no database): "
                + ", ".join(f"{path} x{n}" for path, n in ok_paths.most_common(5))
            )
        lines.append("  per second, by the time each answer came (probers):")
        lines += per_second(answers, max(0, down - 2), min(args.duration - 1, back + 3))
    else:
        lines.append("  no error seen by the probers")

    # The writers' answers too: a write refused during the outage must be a plain 503 as well.
    every_failed = failed + [w.answer for w in writes if not w.answer.ok]
    other_5xx = [a for a in every_failed if a.status >= 500 and a.status != 503]
    not_plain = [a for a in every_failed if a.status == 503 and not a.plain_503]
    tracebacks = [a for a in every_failed if a.traceback]
    no_answer = [a for a in every_failed if a.status == 0]
    other_4xx = [a for a in every_failed if 400 <= a.status < 500]
    for label, found in (
        ("5xx other than 503", other_5xx),
        ("503 that is not the plain page", not_plain),
        ("a traceback in the body", tracebacks),
        ("no answer (connection dropped or refused)", no_answer),
        ("4xx (a page that exists, a valid write)", other_4xx),
    ):
        lines.append(f"  {label}: {len(found)}")
        if found:
            failures.append(f"{len(found)} x {label}")
            lines += [
                f"    {a.start:.2f} s {a.status} {a.path} {a.error or a.body[:150]!r}"
                for a in found[:5]
            ]

    recovered_at = recovery(answers, back, args.recovery_run)
    if recovered_at is None:
        failures.append("no recovery")
        lines.append(f"Recovery: NONE ({args.recovery_run} consecutive 2xx never came)")
    else:
        late = [a for a in failed if a.start >= recovered_at]
        lines.append(
            f"Recovery: {recovered_at - back:.2f} s after the database was back (first run of"
            f" {args.recovery_run} consecutive 2xx/3xx from {recovered_at:.2f} s);"
            f" {recovered_at - down:.2f} s after it went down; errors after it: {len(late)}"
        )
        if late:
            failures.append(f"{len(late)} errors after recovery")

    wrk = wrk_result.get("wrk")
    if isinstance(wrk, LoadResult):
        wrk_5xx = {c: n for c, n in wrk.statuses.items() if c.startswith("5") and c != "503"}
        wrk_other = {c: n for c, n in wrk.statuses.items() if c[0] not in "235"}
        lines.append(
            f"wrk: {wrk.requests:,} requests, {wrk.rps:,.1f}/s, p50 {wrk.p50_ms or 0:,.1f} ms,"
            f" p99 {wrk.p99_ms or 0:,.1f} ms; statuses "
            + ", ".join(f"{c} x{n:,}" for c, n in sorted(wrk.statuses.items()))
            + "; socket errors "
            + (", ".join(f"{k} {n}" for k, n in wrk.socket_errors.items()) or "none")
        )
        if wrk_5xx or wrk_other:
            failures.append(f"wrk saw {wrk_5xx | wrk_other}")
        if wrk.socket_errors:
            failures.append(f"wrk socket errors {wrk.socket_errors}")
    else:
        failures.append(f"wrk did not finish: {wrk!r}")
        lines.append(f"wrk: did not finish ({wrk!r})")

    same = pids_before == pids_after
    lines.append(
        f"gunicorn: master {pids_before[0]} workers {pids_before[1]} before, master"
        f" {pids_after[0]} workers {pids_after[1]} after: "
        + ("unchanged (no restart)" if same else "CHANGED")
    )
    if not same:
        failures.append("gunicorn processes changed")

    saved = saved_writes(args.database_url, run_id)
    # Until the app has recovered, a refused write is the outage's; after, it is a failure.
    settled = back if recovered_at is None else max(back, recovered_at)
    in_flight = [w for w in writes if w.answer.end >= down and w.answer.start <= settled]
    outcomes = Counter(judge_write(w, saved) for w in writes)
    flight_outcomes = Counter(judge_write(w, saved) for w in in_flight)
    lines.append(
        f"Writes: {len(writes):,} partner POSTs of an update with {EVIDENCE_LINKS} evidence"
        " links: " + ", ".join(f"{label} x{n:,}" for label, n in sorted(outcomes.items()))
    )
    lines.append(
        f"  in flight while the database was away or the app recovering ({down:.2f}-"
        f"{settled:.2f} s): {len(in_flight):,}: "
        + ", ".join(f"{label} x{n:,}" for label, n in sorted(flight_outcomes.items()))
    )
    broken = {
        label: n
        for label, n in outcomes.items()
        if label.startswith(("HALF", "LOST", "DUPLICATED"))
    }
    if broken:
        failures.append(f"writes {broken}")
    refused_while_up = [w for w in writes if w not in in_flight and w.answer.status != 201]
    if refused_while_up:
        failures.append(f"{len(refused_while_up)} writes refused while the database was up")
        lines += [
            f"    {a.start:.2f} s {a.status} {a.error or a.body[:150]!r}"
            for a in (w.answer for w in refused_while_up[:5])
        ]

    lines.append(
        "Result: "
        + (
            "OK: recovered by itself, only plain 503s, nothing half-saved"
            if not failures
            else "FAILED: " + "; ".join(failures)
        )
    )
    print("\n" + "\n".join(lines))
    (run_dir / "summary.txt").write_text("\n".join(lines) + "\n")
    (run_dir / "results.json").write_text(
        json.dumps(
            {
                "options": vars(args),
                "events": events,
                "answers": [asdict(a) for a in answers],
                "writes": [asdict(w) | {"outcome": judge_write(w, saved)} for w in writes],
                "wrk": wrk.as_dict() if isinstance(wrk, LoadResult) else repr(wrk),
                "pids": {"before": pids_before, "after": pids_after},
                "failures": failures,
            },
            indent=1,
            default=str,
        )
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
